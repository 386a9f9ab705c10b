"""Who attended an event: ONLY the door's check-in record (app.checkin.models), walk-ins included.
A check-in that was undone does not count. The check-in package has no such query of its own,
so the reviews read its model here, in one place."""
from sqlalchemy import select

from app.checkin.models import CheckIn


def attended_ids(plan_id):
    """SELECT of the invitation ids of the plan's guests with a standing check-in."""
    return select(CheckIn.invitation_id).where(CheckIn.plan_id == plan_id, CheckIn.undone_at.is_(None))
