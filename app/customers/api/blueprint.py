from flask import Blueprint

from app.extensions import csrf

# Named after the package, where the OpenAPI document looks for this blueprint's fragment.
bp = Blueprint("api_customers", "app.customers.api", url_prefix="/api/v1")
csrf.exempt(bp)  # token-authenticated, no cookies: CSRF cannot apply
