"""The confirmation of an acceptance: an e-mail with the guest's check-in QR code and the event's
.ics, sent once per guest (outbox kind "confirmation") after the acceptance is committed. The
confirmations of a plan share one send (SendJob), so they show as one line among its sends."""
from sqlalchemy import select

from app.extensions import db
from app.invitations import messages, sending, services
from app.invitations.models import MessageState, OutboxMessage, SendJob


def _job(plan):
    """The plan's send of confirmations, created on the first acceptance."""
    job = db.session.scalar(select(SendJob).where(SendJob.plan_id == plan.id, SendJob.kind == messages.CONFIRMATION)
                            .order_by(SendJob.id).limit(1))
    if job is None:
        job = SendJob(plan_id=plan.id, kind=messages.CONFIRMATION)
        db.session.add(job)
        db.session.flush()
    return job


def queue(invitation):
    """Queues the guest's confirmation when the guest's code admits (`services.admits`) and none
    was queued yet; a confirmation that failed because the guest had declined meanwhile is queued
    again. Returns the send to dispatch after the commit (tasks.send_after_acceptance), or None. Flushes."""
    if not services.admits(invitation) or not invitation.email:
        return None
    message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.invitation_id == invitation.id,
                                                            OutboxMessage.kind == messages.CONFIRMATION))
    if message is not None and message.state != MessageState.FAILED:
        return None
    job = _job(invitation.plan)
    if message is None:
        # INSERT ... ON CONFLICT DO NOTHING: two acceptances at once queue one message.
        db.session.execute(sending._insert(OutboxMessage.__table__).values(
            invitation_id=invitation.id, job_id=job.id, kind=messages.CONFIRMATION, state=MessageState.QUEUED,
            attempts=0, last_error="").on_conflict_do_nothing(index_elements=["invitation_id", "kind"]))
    else:
        message.job_id, message.state, message.last_error = job.id, MessageState.QUEUED, ""
    job.finished_at = None
    db.session.flush()
    return job

