from urllib.parse import urlsplit


def safe_next_url(target):
    """`target` if it stays on this site (a path, not `//host` or `http://...`), else None."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    return target


def external_url(app, endpoint, **values):
    """An absolute link under `BASE_URL`, usable outside a request (e-mails, tasks)."""
    base = urlsplit(app.config["BASE_URL"])
    adapter = app.url_map.bind(base.netloc, script_name=base.path or "/", url_scheme=base.scheme)
    return adapter.build(endpoint, values, force_external=True)
