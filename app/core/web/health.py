"""The health check a load balancer or monitor calls: the app answers and reaches its database."""
from sqlalchemy import text

from app.auth.access import public
from app.core.web.blueprint import bp
from app.extensions import db


@bp.route("/healthz")
@public
def health():
    db.session.execute(text("SELECT 1"))
    return {"status": "ok"}
