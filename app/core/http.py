from urllib.parse import urlsplit

from flask import request, url_for
from werkzeug.routing import IntegerConverter

# Record numbers fit the database's INTEGER (PostgreSQL's is 32 bits, every primary key is
# one); a path with a larger number matches no route (404) instead of overflowing the driver.
ID_MAX = 2**31 - 1


class RecordIdConverter(IntegerConverter):
    """Flask's `int` converter, bounded to 1..ID_MAX unless a rule says otherwise: installed as
    `int`, it covers every `<int:...>` in the routes."""

    def __init__(self, url_map, fixed_digits=0, min=1, max=ID_MAX, signed=False):  # noqa: A002 - werkzeug's names
        super().__init__(url_map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


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


def this_url_with(**changes):
    """The current page's URL with some query parameters changed (None removes one): for
    the paging and filter links of a list."""
    args = request.args.to_dict(flat=False)
    for key, value in changes.items():
        if value is None:
            args.pop(key, None)
        else:
            args[key] = value
    return url_for(request.endpoint, **(request.view_args or {}), **args)
