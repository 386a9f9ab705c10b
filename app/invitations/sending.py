"""Sending e-mails to guests through the outbox: a bulk send is a SendJob with one
OutboxMessage per guest, sent by a Celery task (app/invitations/tasks.py) in batches over one
SMTP connection.

Once only: (invitation, kind) is unique, so queueing twice adds nothing (INSERT ... ON CONFLICT
DO NOTHING, also against a concurrent click). A batch is claimed, sent and marked in one
transaction: on PostgreSQL the claim's `FOR UPDATE SKIP LOCKED` hides the rows from another
worker until the commit, on SQLite the claim's UPDATE takes the database's write lock, which
makes a second worker wait for the commit; either way a message the other run sent is no longer
'queued' when it looks. (Claiming by `attempts` alone would not do: a claimed but unsent message
stays 'queued', and the states are queued/sent/failed only.)"""
import smtplib
from datetime import UTC, datetime

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, case, func, inspect, literal, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import selectinload

from app.core.errors import DomainError
from app.events.plan_models import PlanState
from app.extensions import db
from app.invitations import messages
from app.invitations.models import (
    GuestStatus,
    Invitation,
    MessageState,
    OutboxMessage,
    Rsvp,
    SendJob,
)
from app.invitations.services import require_sending_allowed, sending_refused, settings_for, token_hint

INVITATION = "invitation"
MANUAL = "manual"  # becomes manual_<job id>: each "send reminder now" is its own send
BATCH = 50


class MailServerDown(Exception):
    """The SMTP server cannot be reached or refuses for now: the messages stay queued."""


def _now():
    return datetime.now(UTC).replace(tzinfo=None)  # naive UTC, as the database's now()


def _insert(table):
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    return dialect.insert(table)


def recipients(plan_id, kind, invitation_ids=None):
    """The invitations of the plan that may get a message of `kind` and have none yet: guests
    (not waitlisted, flagged or removed) with an e-mail address."""
    already = select(OutboxMessage.id).where(OutboxMessage.invitation_id == Invitation.id,
                                             OutboxMessage.kind == kind).exists()
    query = select(Invitation.id).where(Invitation.plan_id == plan_id, Invitation.status == GuestStatus.GUEST,
                                        Invitation.email.is_not(None), ~already)
    if invitation_ids is not None:  # ids, or a SELECT of ids
        query = query.where(Invitation.id.in_(invitation_ids if isinstance(invitation_ids, Select) else list(invitation_ids)))
    return query


def accepted_ids(plan_id):
    return select(Invitation.id).where(Invitation.plan_id == plan_id, Invitation.status == GuestStatus.GUEST,
                                       Invitation.rsvp == Rsvp.ACCEPTED)


CLOSED_STATES = (PlanState.CANCELLED, PlanState.COMPLETED, PlanState.REVIEWED)


def invite_promoted(plan, promoted, user):
    """Guests moved up from the waitlist get their invitation: call after the commit; commits
    the send and starts it. Nothing is sent for an event that is cancelled or over."""
    if not promoted or sending_refused(plan) is not None:  # sent with the others once approved
        return None
    job = queue(plan, [guest.id for guest in promoted], INVITATION, user)
    db.session.commit()
    if job is not None:
        dispatch(job)
    return job


def queue(plan, invitation_ids, kind, user):
    """`record` of a send; invitations only for an approved plan (DomainError otherwise)."""
    if kind == INVITATION:
        require_sending_allowed(plan)
    return record(plan, invitation_ids, kind, user)


def record(plan, invitation_ids, kind, user):
    """A SendJob with one queued message per invitation that has none of `kind` yet
    (`invitation_ids` None: every guest of the plan), or None when there is nobody to send to.
    Flushes; call `dispatch(job)` after the commit. Nothing is sent for an event that is
    cancelled or over (DomainError)."""
    if plan.state in CLOSED_STATES:
        raise DomainError(_l("This event is cancelled or over: no invitation or reminder is sent for it."))
    job = SendJob(plan_id=plan.id, kind=kind, created_by_id=user.id if user else None)
    db.session.add(job)
    db.session.flush()
    if kind == MANUAL:
        job.kind = kind = f"{MANUAL}_{job.id}"
    rows = recipients(plan.id, kind, invitation_ids).add_columns(
        literal(job.id), literal(kind), literal(MessageState.QUEUED.value), literal(0), literal(""))
    inserted = db.session.scalars(  # RETURNING: psycopg reports no rowcount for this statement
        _insert(OutboxMessage.__table__)
        .from_select(["invitation_id", "job_id", "kind", "state", "attempts", "last_error"], rows)
        .on_conflict_do_nothing(index_elements=["invitation_id", "kind"]).returning(OutboxMessage.__table__.c.id)
    ).all()
    if not inserted:
        db.session.delete(job)
        db.session.flush()
        return None
    return job


def dispatch(job):
    """Starts sending the job's queued messages (after the commit that queued them)."""
    # Imported here: the tasks module imports this one.
    from app.invitations.tasks import send_job

    send_job.delay(job.id)


def progress(job):
    """{sent, failed, remaining, total, finished} of the job's messages, in one query (none to
    reload the job: its id is taken from its identity)."""
    state = OutboxMessage.state
    sent, failed, total = db.session.execute(
        select(func.count(case((state == MessageState.SENT, 1))), func.count(case((state == MessageState.FAILED, 1))),
               func.count(OutboxMessage.id)).where(OutboxMessage.job_id == inspect(job).identity[0])
    ).one()
    remaining = total - sent - failed
    return {"sent": sent, "failed": failed, "remaining": remaining, "total": total, "finished": remaining == 0}


def failed_messages(job, limit=200):
    return db.session.execute(
        select(OutboxMessage, Invitation.name, Invitation.email)
        .join(Invitation, Invitation.id == OutboxMessage.invitation_id)
        .where(OutboxMessage.job_id == job.id, OutboxMessage.state == MessageState.FAILED)
        .order_by(OutboxMessage.id).limit(limit)
    ).all()


def requeue_failed(job):
    """Puts the job's failed messages back in the queue; returns how many (call dispatch after the commit)."""
    count = db.session.execute(
        update(OutboxMessage).where(OutboxMessage.job_id == job.id, OutboxMessage.state == MessageState.FAILED)
        .values(state=MessageState.QUEUED, last_error="")
    ).rowcount
    if not count and not progress(job)["remaining"]:
        raise DomainError(_l("No message of this send is waiting or failed."))
    job.finished_at = None
    db.session.flush()
    return count


def claim(job, size=BATCH):
    """The next batch of the job's queued messages, locked for this transaction (see the module's
    docstring), each with its invitation; counts the attempt."""
    batch = select(OutboxMessage.id).where(OutboxMessage.job_id == job.id, OutboxMessage.state == MessageState.QUEUED)
    batch = batch.order_by(OutboxMessage.id).limit(size).with_for_update(skip_locked=True)
    ids = db.session.scalars(
        update(OutboxMessage).where(OutboxMessage.id.in_(batch.scalar_subquery()))
        .values(attempts=OutboxMessage.attempts + 1).returning(OutboxMessage.id)
    ).all()
    if not ids:
        return []
    return db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.id.in_(ids)).order_by(OutboxMessage.id)
        .options(selectinload(OutboxMessage.invitation).selectinload(Invitation.plan))
        .execution_options(populate_existing=True)
    ).all()


def _error_text(error, invitation):
    """What the page shows of an error: never a token, at most 500 characters."""
    text = f"{type(error).__name__}: {error}"
    for token in (invitation.rsvp_token, invitation.checkin_token, invitation.survey_token):
        text = text.replace(token, token_hint(token))
    return text[:500]


def _is_permanent(error):
    """A refusal of this one message (5xx), as opposed to a server that is down or busy (4xx, no answer)."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _text in error.recipients.values())
    return isinstance(error, smtplib.SMTPResponseException) and error.smtp_code >= 500


def send_batch(batch, deliver, cache):
    """Sends each claimed message with `deliver`, marks it sent or failed; raises MailServerDown
    (after marking what was sent) when the server fails, leaving the rest queued."""
    sent, now = [], _now()
    try:
        for message in batch:
            invitation = message.invitation
            refused = messages.refused(invitation, message.kind)
            if refused is not None:
                message.state, message.last_error = MessageState.FAILED, str(refused)
                continue
            try:
                email = messages.invitation_message(invitation, settings_for(invitation.plan), message.kind, cache)
            except Exception as error:  # a message that cannot be built fails alone, the batch goes on
                current_app.logger.exception("Message %s could not be built", message.id)
                message.state, message.last_error = MessageState.FAILED, _error_text(error, invitation)
                continue
            try:
                deliver(email)
            except (smtplib.SMTPException, OSError) as error:
                if not _is_permanent(error):
                    message.last_error = _error_text(error, invitation)
                    raise MailServerDown(message.last_error) from error
                message.state, message.last_error = MessageState.FAILED, _error_text(error, invitation)
            else:
                sent.append(message)
    finally:
        _mark_sent(sent, now)
    return len(sent)


def _mark_sent(sent, now):
    if not sent:
        return
    db.session.execute(update(OutboxMessage).where(OutboxMessage.id.in_([m.id for m in sent]))
                       .values(state=MessageState.SENT, sent_at=now, last_error=""))
    invited = [m.invitation_id for m in sent if m.kind == INVITATION]
    if invited:
        db.session.execute(update(Invitation).where(Invitation.id.in_(invited), Invitation.invited_at.is_(None))
                           .values(invited_at=now))
    db.session.flush()


def finish(job):
    """Records the end of a run when no message is left in the queue."""
    if progress(job)["remaining"] == 0:
        job.finished_at = _now()
        db.session.flush()


def recent_jobs(plan_id, limit=5):
    """The plan's latest sends with their counts, in one query: [(job, sent, failed, total)]."""
    state = OutboxMessage.state
    return db.session.execute(
        select(SendJob, func.count(case((state == MessageState.SENT, 1))),
               func.count(case((state == MessageState.FAILED, 1))), func.count(OutboxMessage.id))
        .outerjoin(OutboxMessage, OutboxMessage.job_id == SendJob.id)
        .where(SendJob.plan_id == plan_id).group_by(SendJob.id).order_by(SendJob.id.desc()).limit(limit)
    ).all()


def waiting_count(plan_id, kind=INVITATION):
    """Guests who may be sent `kind` and have not been yet."""
    return db.session.scalar(select(func.count()).select_from(recipients(plan_id, kind).subquery()))
