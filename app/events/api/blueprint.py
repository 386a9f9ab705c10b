from flask import Blueprint

from app.core.api import api_error
from app.core.errors import DomainError
from app.extensions import csrf, db

# Named after the package, not this module: the OpenAPI document reads the `OPENAPI` of the
# blueprint's module (app/core/api.py), and app/events/api/__init__.py holds it.
bp = Blueprint("api_events", "app.events.api", url_prefix="/api/v1")
csrf.exempt(bp)  # token-authenticated, no cookies: CSRF cannot apply


@bp.errorhandler(DomainError)
def _refused(error):
    db.session.rollback()
    return api_error(422, errors=[{"field": error.field, "message": str(error.message)}])
