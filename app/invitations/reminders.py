"""Reminders before the event and the nudge to guests who have not answered, queued by Celery
beat (app.invitations.tasks.send_due_reminders, hourly). Each kind of message goes to a guest at
most once (the outbox's unique (invitation, kind)), however often beat runs; the reminder sent
by hand at most once per guest and day of the organisation."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.core import clock
from app.core.errors import DomainError
from app.events.plan_models import Plan, PlanState
from app.extensions import db
from app.invitations import sending
from app.invitations.models import GuestStatus, Invitation, InvitationSettings, OutboxMessage, Rsvp


def reminder_kind(days):
    return f"reminder_{days}"


def pending_ids(plan_id):
    """Guests who were sent the invitation and have not answered."""
    return select(Invitation.id).where(Invitation.plan_id == plan_id, Invitation.status == GuestStatus.GUEST,
                                       Invitation.rsvp == Rsvp.PENDING, Invitation.invited_at.is_not(None))


def due(settings, event_day, today):
    """[(kind, which guests)] due `today`: a reminder to accepted guests on the day that is N
    days before the event, for each N of `reminder_days`; the nudge to pending guests from
    `nudge_on` until the event."""
    if event_day <= today:
        return []
    days_left = (event_day - today).days
    kinds = [(reminder_kind(days_left), sending.accepted_ids) for days in settings.reminder_days or ()
             if isinstance(days, int) and days == days_left]
    if settings.nudge_on is not None and settings.nudge_on <= today:
        kinds.append(("nudge", pending_ids))
    return kinds


def queue_due(today):
    """The send jobs of everything due `today` across the upcoming plans (flushes; the caller
    commits and dispatches them)."""
    rows = db.session.execute(
        select(Plan, InvitationSettings).join(InvitationSettings, InvitationSettings.plan_id == Plan.id)
        .where(Plan.event_day > today, Plan.state.not_in((PlanState.CANCELLED, PlanState.REJECTED)))
    ).all()
    jobs = []
    for plan, settings in rows:
        for kind, guests in due(settings, plan.event_day, today):
            job = sending.queue(plan, guests(plan.id), kind, None)
            if job is not None:
                jobs.append(job)
    return jobs


def manual_kind(day):
    """The outbox kind of the reminders sent by hand on `day`: manual_<YYYY-MM-DD>. With the outbox's
    unique (invitation, kind) it records each guest's manual reminder of the day."""
    return f"{sending.MANUAL}_{day.isoformat()}"


def manual_recipients(plan_id, day):
    """SELECT of the accepted guests a manual reminder would reach on `day`: those with an e-mail
    address who have not had one that day."""
    return sending.recipients(plan_id, manual_kind(day), sending.accepted_ids(plan_id))


def manual_counts(plan, day=None):
    """(would get it now, already reminded by hand on that day) for the confirmation step;
    DomainError for an event that is cancelled or over, as the send itself would say."""
    if plan.state in sending.CLOSED_STATES:
        raise DomainError(_l("This event is cancelled or over: no invitation or reminder is sent for it."))
    plan_id, day = plan.id, day or clock.today()
    waiting = db.session.scalar(select(func.count()).select_from(manual_recipients(plan_id, day).subquery()))
    done = db.session.scalar(
        select(func.count()).select_from(OutboxMessage)
        .join(Invitation, Invitation.id == OutboxMessage.invitation_id)
        .where(Invitation.plan_id == plan_id, OutboxMessage.kind == manual_kind(day)))
    return waiting, done


def send_now(plan, user, day=None):
    """The manual "send reminder now" to the accepted guests, each at most once per day of the
    organisation (a second click, page, API or task, queues nobody twice); None when nobody is left."""
    return sending.queue(plan, sending.accepted_ids(plan.id), manual_kind(day or clock.today()), user)
