"""HTTP response headers that every page carries."""
from flask import request

# Only these answers (scripts, styles, icons: the same for everybody) may be cached.
CACHEABLE_ENDPOINTS = {"static", "bootstrap.static"}

CSP = "; ".join(
    [
        "default-src 'self'",
        "img-src 'self' data:",
        "style-src 'self'",
        "script-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def add_security_headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(self), microphone=(), geolocation=()")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if request.endpoint not in CACHEABLE_ENDPOINTS and "no-store" not in headers.get("Cache-Control", ""):
        # Staff pages, guests' token pages, exports and the API show customers' data: no
        # browser or proxy keeps a copy (the back button after sign-out, a shared computer).
        headers["Cache-Control"] = "no-store"
    return response


def add_hsts(response):
    response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    return response
