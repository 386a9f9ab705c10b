"""The activity log of a plan: every change to a plan, its team, goals and budget."""
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.events.plan_models import PlanActivity
from app.extensions import db


def record(plan, user, action, **detail):
    """Adds a log entry; `detail` must be JSON (strings, numbers, lists; Decimal as str)."""
    entry = PlanActivity(
        plan_id=plan.id, user_id=user.id if user else None, action=action,
        detail={key: str(value) if not isinstance(value, (str, int, list, dict, type(None))) else value
                for key, value in detail.items()},
    )
    db.session.add(entry)
    return entry


def recent(plan, limit=50):
    """The newest entries first, with their users, in one query."""
    return db.session.scalars(
        select(PlanActivity).where(PlanActivity.plan_id == plan.id)
        .options(selectinload(PlanActivity.user))
        .order_by(PlanActivity.at.desc(), PlanActivity.id.desc()).limit(limit)
    ).all()
