"""Reminders before the event and the nudge to guests who have not answered, queued by Celery
beat (app.invitations.tasks.send_due_reminders, hourly). Each kind of message goes to a guest at
most once (the outbox's unique (invitation, kind)), however often beat runs."""
from sqlalchemy import select

from app.events.plan_models import Plan, PlanState
from app.extensions import db
from app.invitations import sending
from app.invitations.models import GuestStatus, Invitation, InvitationSettings, Rsvp


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


def send_now(plan, user):
    """The manual "send reminder now" to the accepted guests: a send of its own (manual_<job id>)."""
    return sending.queue(plan, sending.accepted_ids(plan.id), sending.MANUAL, user)
