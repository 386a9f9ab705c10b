"""The notice of a change to guests who expect to come (accepted) or hope to (waitlisted): a new
day, start time, venue or title, or the cancellation, in each guest's language, with the updated
.ics (same UID, higher SEQUENCE; METHOD:CANCEL for a cancellation). One outbox kind per change,
"update_<plan version>" or "cancellation", so a task run twice sends nothing twice."""
from sqlalchemy import or_, select

from app.events.plan_models import PlanState
from app.extensions import db
from app.invitations import messages, sending
from app.invitations.models import GuestStatus, Invitation, OutboxMessage, Rsvp, SendJob


def notice_kind(plan):
    """The outbox kind of the notice of the plan's current state: each change raises the version."""
    return messages.CANCELLATION if plan.state == PlanState.CANCELLED else f"{messages.UPDATE}_{plan.version}"


def audience(plan_id, kind):
    """The guests to tell, who have not been sent this notice: accepted or waitlisted, with an
    e-mail address."""
    already = select(OutboxMessage.id).where(OutboxMessage.invitation_id == Invitation.id,
                                             OutboxMessage.kind == kind).exists()
    expected = or_((Invitation.status == GuestStatus.GUEST) & (Invitation.rsvp == Rsvp.ACCEPTED),
                   Invitation.status == GuestStatus.WAITLIST)
    return select(Invitation.id).where(Invitation.plan_id == plan_id, expected, Invitation.email.is_not(None),
                                       ~already)


def queue_notice(plan):
    """A SendJob of the notice of the plan's current state to its guests, or None when there is
    nobody (left) to tell. Flushes; dispatch after the commit."""
    kind = notice_kind(plan)
    job = SendJob(plan_id=plan.id, kind=kind)
    db.session.add(job)
    db.session.flush()
    return sending.fill(job, kind, audience(plan.id, kind))
