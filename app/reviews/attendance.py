"""Who attended an event: ONLY the door's check-in record (app.checkin.models), walk-ins included.
A check-in that was undone does not count. The check-in package has no such query of its own,
so the reviews read its model here, in one place."""
from sqlalchemy import exists, select

from app.checkin.models import CheckIn
from app.extensions import db


def attended_ids(plan_id):
    """SELECT of the invitation ids of the plan's guests with a standing check-in."""
    return select(CheckIn.invitation_id).where(CheckIn.plan_id == plan_id, CheckIn.undone_at.is_(None))


def came(plan_id, invitation_id):
    """Whether the guest has a standing check-in at the plan's event."""
    return db.session.scalar(select(exists().where(CheckIn.plan_id == plan_id, CheckIn.invitation_id == invitation_id,
                                                   CheckIn.undone_at.is_(None))))
