"""Sending e-mails to guests through the outbox: a bulk send is a SendJob with one
OutboxMessage per guest, sent by a Celery task (app/invitations/tasks.py) over one SMTP connection.

Once only: (invitation, kind) is unique, so queueing twice adds nothing (INSERT ... ON CONFLICT
DO NOTHING, also against a concurrent click). Exactly once, even when a worker dies: each message
is claimed (queued -> sending, with claimed_at) and committed before its SMTP call, and marked
sent or failed, committed, right after it. The claim is one UPDATE ... WHERE state = 'queued', so
two runs of the same job never both send a message; no transaction is open during the SMTP
conversation (on SQLite, guests answering keep the write lock). A worker killed in between leaves
one message 'sending'; once it is older than SEND_STALE_AFTER it becomes 'unknown', shown on the
progress page for the planner to resend or mark sent, never resent by itself. Every error is
caught per message: one bad message fails alone, with its reason."""
import smtplib
from datetime import UTC, datetime, timedelta

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
    INVITATION,
    MANUAL,
    GuestStatus,
    Invitation,
    MessageState,
    OutboxMessage,
    Rsvp,
    SendJob,
)
from app.invitations.services import require_sending_allowed, settings_for, token_hint

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


def queue(plan, invitation_ids, kind, user):
    """`record` of a send; invitations only for an approved plan (DomainError otherwise)."""
    if kind == INVITATION:
        require_sending_allowed(plan)
    return record(plan, invitation_ids, kind, user)


def record(plan, invitation_ids, kind, user):
    """A SendJob with one queued message per invitation that has none of `kind` yet
    (`invitation_ids` None: every guest of the plan), or None when there is nobody to send to.
    Flushes; call `tasks.dispatch(job)` after the commit. Nothing is sent for an event that is
    cancelled or over (DomainError)."""
    if plan.state in CLOSED_STATES:
        raise DomainError(_l("This event is cancelled or over: no invitation or reminder is sent for it."))
    job = SendJob(plan_id=plan.id, kind=kind, created_by_id=user.id if user else None)
    db.session.add(job)
    db.session.flush()
    if kind == MANUAL:
        job.kind = kind = f"{MANUAL}_{job.id}"
    return fill(job, kind, recipients(plan.id, kind, invitation_ids))


def fill(job, kind, invitation_ids):
    """Queues in the flushed `job` one message of `kind` for each invitation id the SELECT
    `invitation_ids` yields that has none of `kind` yet (INSERT ... SELECT, ON CONFLICT DO
    NOTHING). Returns the job, or None (the job deleted) when there is nobody to send to."""
    rows = invitation_ids.add_columns(
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


def progress(job):
    """{sent, failed, unknown, remaining, total, finished} of the job's messages, in one query
    (none to reload the job: its id is taken from its identity). Remaining: queued or being sent."""
    state = OutboxMessage.state
    sent, failed, unknown, total = db.session.execute(
        select(func.count(case((state == MessageState.SENT, 1))), func.count(case((state == MessageState.FAILED, 1))),
               func.count(case((state == MessageState.UNKNOWN, 1))), func.count(OutboxMessage.id))
        .where(OutboxMessage.job_id == inspect(job).identity[0])
    ).one()
    remaining = total - sent - failed - unknown
    return {"sent": sent, "failed": failed, "unknown": unknown, "remaining": remaining, "total": total,
            "finished": remaining == 0}


def failed_messages(job, limit=200):
    """The job's messages that need the planner: failed (with the reason) and unknown."""
    return db.session.execute(
        select(OutboxMessage, Invitation.name, Invitation.email)
        .join(Invitation, Invitation.id == OutboxMessage.invitation_id)
        .where(OutboxMessage.job_id == job.id, OutboxMessage.state.in_((MessageState.FAILED, MessageState.UNKNOWN)))
        .order_by(OutboxMessage.state.desc(), OutboxMessage.id).limit(limit)  # unknown first
    ).all()


def requeue_failed(job):
    """Puts the job's failed messages back in the queue; returns how many (call tasks.dispatch after the commit).
    Unknown messages stay as they are: only the planner's decision (`resolve_unknown`) moves them."""
    count = db.session.execute(
        update(OutboxMessage).where(OutboxMessage.job_id == job.id, OutboxMessage.state == MessageState.FAILED)
        .values(state=MessageState.QUEUED, last_error="")
    ).rowcount
    if not count and not progress(job)["remaining"]:
        raise DomainError(_l("No message of this send is waiting or failed."))
    job.finished_at = None
    db.session.flush()
    return count


def resolve_unknown(job, message_id, resend):
    """The planner's decision on a message whose delivery is not known: send it again (queued;
    call tasks.dispatch after the commit) or count it as sent."""
    message = db.session.get(OutboxMessage, message_id)
    if message is None or message.job_id != job.id or message.state != MessageState.UNKNOWN:
        raise DomainError(_l("This message is no longer waiting for a decision."))
    if resend:
        message.state, message.last_error = MessageState.QUEUED, ""
        job.finished_at = None
    else:
        _mark_sent(message.id, message.invitation_id, message.kind, _now())
    db.session.flush()


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


def _write(statement, pending=None):
    """Runs the `pending` statements (emptied) and then `statement` in a transaction of their
    own, committed; returns the rows `statement` changed. The transaction begins with a write (on
    SQLite it waits its turn for the lock, whereas a transaction that has read first cannot start
    writing once another has written)."""
    db.session.commit()
    for earlier in pending or ():
        db.session.execute(earlier)
    count = db.session.execute(statement).rowcount if statement is not None else 0
    db.session.commit()
    if pending:
        pending.clear()
    return count


def stale_before(now=None):
    return (now or _now()) - timedelta(seconds=current_app.config["SEND_STALE_AFTER"])


def expire_claims(job_id=None):
    """Messages left 'sending' longer than SEND_STALE_AFTER (their worker died during or just
    after the SMTP call) become 'unknown'. Commits; returns how many."""
    query = update(OutboxMessage).where(OutboxMessage.state == MessageState.SENDING,
                                        OutboxMessage.claimed_at < stale_before())
    if job_id is not None:
        query = query.where(OutboxMessage.job_id == job_id)
    return _write(query.values(
        state=MessageState.UNKNOWN,
        last_error=str(_l("The sending stopped during this message: it may or may not have been delivered.")),
    ))


def _heartbeat(job_id, after=0):
    return update(SendJob).where(SendJob.id == job_id).values(heartbeat_at=_now() + timedelta(seconds=after))


def heartbeat(job_id, after=0):
    """Records that a run works on the job, or (`after` seconds) will again (commits)."""
    _write(_heartbeat(job_id, after))


def _queued(job_id, size):
    """The next queued messages of the job with their guests and plan, in two queries; no
    transaction stays open."""
    batch = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.job_id == job_id, OutboxMessage.state == MessageState.QUEUED)
        .order_by(OutboxMessage.id).limit(size)
        .options(selectinload(OutboxMessage.invitation).selectinload(Invitation.plan))
        .execution_options(populate_existing=True)
    ).all()
    db.session.commit()
    return batch


def _set_state(message_id, state, error_text, pending, from_states=(MessageState.SENDING,)):
    _write(update(OutboxMessage).where(OutboxMessage.id == message_id, OutboxMessage.state.in_(from_states))
           .values(state=state, last_error=error_text), pending)


def _claim(message_id, pending):
    """queued -> sending, committed (with the `pending` record of the message sent before):
    True when this run owns the message now."""
    return _write(
        update(OutboxMessage).where(OutboxMessage.id == message_id, OutboxMessage.state == MessageState.QUEUED)
        .values(state=MessageState.SENDING, claimed_at=_now(), attempts=OutboxMessage.attempts + 1), pending
    ) == 1


def _sent(message_id, invitation_id, kind, now):
    """The statements that record a message as sent."""
    statements = [update(OutboxMessage).where(OutboxMessage.id == message_id)
                  .values(state=MessageState.SENT, sent_at=now, last_error="")]
    if kind == INVITATION:
        statements.append(update(Invitation).where(Invitation.id == invitation_id, Invitation.invited_at.is_(None))
                          .values(invited_at=now))
    return statements


def _mark_sent(message_id, invitation_id, kind, now):
    for statement in _sent(message_id, invitation_id, kind, now):
        db.session.execute(statement)


def send_one(message, deliver, cache, pending):
    """Builds, claims, delivers one queued message; True when it was sent, its record then
    appended to `pending`, which the next write (the next claim) commits: one commit per
    message. Every error of this message is recorded on it; raises MailServerDown (the message
    queued again) only when the server is down or busy, which would fail the next ones too."""
    message_id, invitation, kind = message.id, message.invitation, message.kind
    refused = messages.refused(invitation, kind)
    if refused is not None:
        _set_state(message_id, MessageState.FAILED, str(refused), pending, (MessageState.QUEUED,))
        return False
    try:
        email = messages.invitation_message(invitation, settings_for(invitation.plan), kind, cache)
    except Exception as error:  # a message that cannot be built fails alone, the others go on
        current_app.logger.exception("Message %s could not be built", message_id)
        text = _error_text(error, invitation)
        db.session.rollback()
        _set_state(message_id, MessageState.FAILED, text, pending, (MessageState.QUEUED,))
        return False
    if not _claim(message_id, pending):
        return False  # another run took it
    try:
        deliver(email)
    except (smtplib.SMTPException, OSError) as error:
        if not _is_permanent(error):
            _set_state(message_id, MessageState.QUEUED, _error_text(error, invitation), pending)
            raise MailServerDown(_error_text(error, invitation)) from error
        _set_state(message_id, MessageState.FAILED, _error_text(error, invitation), pending)
        return False
    except Exception as error:  # refused by the mail library before anything was sent
        current_app.logger.exception("Message %s could not be sent", message_id)
        _set_state(message_id, MessageState.FAILED, _error_text(error, invitation), pending)
        return False
    pending.extend(_sent(message_id, invitation.id, kind, _now()))
    return True


def send_queued(job_id, deliver, cache, size=BATCH):
    """Sends the job's queued messages one by one; returns how many were sent. The batch's
    guests stay loaded across the per-message commits (read once per batch, as the messages'
    states are only ever changed by UPDATEs that check them)."""
    session, sent, pending = db.session(), 0, []
    expire_on_commit, session.expire_on_commit = session.expire_on_commit, False
    try:
        while batch := _queued(job_id, size):
            for message in batch:
                sent += send_one(message, deliver, cache, pending)
            _write(_heartbeat(job_id), pending)
    finally:
        if pending:  # the last message sent (also when the server fails after it)
            db.session.rollback()
            _write(None, pending)
        session.expire_on_commit = expire_on_commit
    return sent


def finish(job):
    """Records the end of a run when no message is left in the queue."""
    if progress(job)["remaining"] == 0:
        job.finished_at = _now()
        db.session.flush()


def stuck_jobs():
    """Ids of unfinished jobs whose last sign of a run is older than SEND_STALE_AFTER."""
    cutoff = stale_before()
    ids = db.session.scalars(select(SendJob.id).where(
        SendJob.finished_at.is_(None), func.coalesce(SendJob.heartbeat_at, SendJob.created_at) < cutoff)).all()
    db.session.commit()
    return ids


def take_for_resume(job_id):
    """The lock of a resumption: one UPDATE that only one caller (of two beats) wins. Commits."""
    cutoff = stale_before()
    return _write(
        update(SendJob).where(SendJob.id == job_id, SendJob.finished_at.is_(None),
                              func.coalesce(SendJob.heartbeat_at, SendJob.created_at) < cutoff)
        .values(heartbeat_at=_now())
    ) == 1


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
