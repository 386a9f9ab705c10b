"""Domain errors raised by services, and the friendly error pages."""
import time

from flask import make_response, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError

from app.core.labels import ERROR_TEXTS, ERROR_TITLES


class DomainError(Exception):
    """A rule of the domain refused an operation. `message` is shown to the user,
    so services pass a lazily translated string."""

    def __init__(self, message, field=None):
        super().__init__(message)
        self.message = message
        self.field = field


def render_error(code, text=None):
    if request.accept_mimetypes.best == "application/json" or request.path.startswith("/api/"):
        return {"error": str(ERROR_TITLES.get(code, code)), "status": code}, code
    return (
        render_template(
            "errors/error.html",
            code=code,
            title=ERROR_TITLES.get(code, ERROR_TITLES[500]),
            text=text or ERROR_TEXTS.get(code, ERROR_TEXTS[500]),
        ),
        code,
    )


def too_many_requests(error):
    return with_retry_after(make_response(render_error(429)))


def with_retry_after(response):
    """429 with Retry-After: the limit's headers are not added to every answer (each would
    cost the rate-limit store another round trip), only to this one."""
    from app.extensions import limiter

    limit = limiter.current_limit
    if limit is not None:
        response.headers["Retry-After"] = str(max(1, int(limit.reset_at - time.time())))
    return response


def register_error_handlers(app):
    for code in (400, 403, 404, 405):
        app.register_error_handler(code, lambda error, code=code: render_error(code))
    app.register_error_handler(429, too_many_requests)

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_error(400, _l("The form has expired or was sent from elsewhere. Please reload the page and try again."))

    @app.errorhandler(500)
    def server_error(error):
        from app.extensions import db

        db.session.rollback()
        return render_error(500)
