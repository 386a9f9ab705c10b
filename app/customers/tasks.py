from datetime import date

from app.auth.models import User
from app.customers import tiering
from app.extensions import celery, db


@celery.task
def recompute_tiers(as_of=None, user_id=None):
    """Tier every customer (as of an ISO date, today by default). Safe to run
    twice: each run is its own dated snapshot."""
    user = db.session.get(User, user_id) if user_id else None
    run = tiering.recompute(date.fromisoformat(as_of) if as_of else None, triggered_by=user)
    db.session.commit()
    return run.id
