"""The shared vocabulary: the titles and texts of the error pages and of the API's JSON errors."""
from flask_babel import lazy_gettext as _l

ERROR_TITLES = {
    400: _l("Bad request"),
    403: _l("Access denied"),
    404: _l("Page not found"),
    405: _l("Method not allowed"),
    429: _l("Too many attempts"),
    500: _l("Something went wrong"),
}

ERROR_TEXTS = {
    400: _l("The request could not be understood. Please go back and try again."),
    403: _l("You do not have permission to open this page. Ask an administrator if you need access."),
    404: _l("The page you asked for does not exist or has been moved."),
    405: _l("This page cannot be used that way."),
    429: _l("Too many attempts in a short time. Please wait a minute and try again."),
    500: _l("An unexpected error occurred. It has been logged; please try again later."),
}

# 400, 403, 404, 405 and 429 already answer in JSON under /api/ (app.core.errors).
API_ERROR_TITLES = {
    401: _l("An API token is required."),
    413: _l("The request is too large."),
    422: _l("The data was refused."),
}
