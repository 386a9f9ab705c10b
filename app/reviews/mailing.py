"""The survey e-mail and its one reminder, through the invitations' outbox table.

Once only: each is an OutboxMessage of kind `survey` or `survey_reminder`, and (invitation, kind)
is unique, so queueing twice adds nothing (INSERT ... SELECT ... ON CONFLICT DO NOTHING). The
messages belong to no SendJob (the invitations' resume of stuck jobs never sees them, and never
sends them with the invitations' texts). Each is claimed (queued -> sending, committed) before
its SMTP call and marked sent right after; a worker that dies in between leaves it 'sending',
which the invitations' beat turns into 'unknown': never resent by itself."""
import smtplib
from datetime import timedelta

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import exists, literal, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import selectinload

from app.core import clock
from app.core.http import external_url
from app.events.guest_text import for_guest
from app.events.plan_models import Plan, PlanState
from app.extensions import db
from app.invitations.models import GuestStatus, Invitation, MessageState, OutboxMessage
from app.mail import services as mail
from app.reviews.attendance import attended_ids
from app.reviews.models import SURVEY_MESSAGE, SURVEY_REMINDER, Survey, SurveyResponse, SurveyState
from app.reviews.surveys import OPEN_DAYS, accepting, send_day, survey_for

LOOK_BACK_DAYS = 60  # plans whose event is further back are not looked at by the beat


class MailServerDown(Exception):
    """The mail server cannot be reached for now: the message stays queued, the task retries."""


def recipients(plan_id, kind, survey_id=None):
    """SELECT of the invitation ids that get `kind` now: the guests who came (the check-in record,
    walk-ins included) with an e-mail address, not yet sent `kind`; for the reminder, only those
    who have not answered."""
    already = exists().where(OutboxMessage.invitation_id == Invitation.id, OutboxMessage.kind == kind)
    query = select(Invitation.id).where(Invitation.plan_id == plan_id, Invitation.id.in_(attended_ids(plan_id)),
                                        Invitation.status != GuestStatus.REMOVED, Invitation.email.is_not(None),
                                        Invitation.email != "", ~already)
    if kind == SURVEY_REMINDER:
        answered = exists().where(SurveyResponse.invitation_id == Invitation.id, SurveyResponse.survey_id == survey_id)
        sent_survey = exists().where(OutboxMessage.invitation_id == Invitation.id, OutboxMessage.kind == SURVEY_MESSAGE)
        query = query.where(~answered, sent_survey)
    return query


def _insert(table):
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    return dialect.insert(table)


def queue(plan_id, kind, survey_id=None):
    """Queues `kind` for its recipients; returns how many were queued (flushes)."""
    rows = recipients(plan_id, kind, survey_id).add_columns(
        literal(kind), literal(MessageState.QUEUED.value), literal(0), literal(""))
    return len(db.session.scalars(
        _insert(OutboxMessage.__table__)
        .from_select(["invitation_id", "kind", "state", "attempts", "last_error"], rows)
        .on_conflict_do_nothing(index_elements=["invitation_id", "kind"]).returning(OutboxMessage.__table__.c.id)
    ).all())


def due(survey, plan, today):
    """The kinds due today for this survey: the e-mail from its send day, the reminder from
    `reminder_after_days` later (each once; a late beat still sends them while the survey is open)."""
    if plan.state in (PlanState.CANCELLED, PlanState.REJECTED):
        return []
    if survey.state == SurveyState.DRAFT:  # opened by the caller first; not when its time has passed
        first = send_day(survey, plan)
        return [SURVEY_MESSAGE] if first <= today <= first + timedelta(days=OPEN_DAYS) else []
    if not accepting(survey, today):
        return []
    kinds = [SURVEY_MESSAGE] if survey.sent_on is None else []
    if survey.sent_on is not None and survey.reminded_on is None \
            and today >= survey.sent_on + timedelta(days=survey.reminder_after_days):
        kinds.append(SURVEY_REMINDER)
    return kinds


def candidate_plans(today):
    """Ids of the plans whose event is over (within LOOK_BACK_DAYS) and who had guests at the door."""
    from app.checkin.models import CheckIn

    return db.session.scalars(
        select(Plan.id).where(Plan.event_day < today, Plan.event_day >= today - timedelta(days=LOOK_BACK_DAYS),
                              Plan.state.not_in((PlanState.CANCELLED, PlanState.REJECTED)),
                              exists().where(CheckIn.plan_id == Plan.id, CheckIn.undone_at.is_(None)))
        .order_by(Plan.id)).all()


def claim(survey_id, stale_after=300):
    """The lock of a beat run on one survey: one UPDATE that only one of two runs wins. Commits."""
    now = clock.stamp()
    db.session.commit()
    won = db.session.execute(
        update(Survey).where(Survey.id == survey_id, (Survey.claimed_at.is_(None))
                             | (Survey.claimed_at < now - timedelta(seconds=stale_after)))
        .values(claimed_at=now)).rowcount == 1
    db.session.commit()
    return won


def release(survey_id):
    db.session.execute(update(Survey).where(Survey.id == survey_id).values(claimed_at=None))
    db.session.commit()


def queue_due(plan_id, today):
    """For one plan: makes its survey if needed, opens a draft on its send day, queues what is
    due. Returns the kinds queued (commits; the caller sends them)."""
    plan = db.session.get(Plan, plan_id)
    if plan is None:
        return []
    survey = survey_for(plan)
    db.session.commit()
    if not claim(survey.id):
        return []
    try:
        survey = db.session.get(Survey, survey.id, populate_existing=True)
        kinds = due(survey, plan, today)
        if survey.state == SurveyState.DRAFT and kinds:
            from app.reviews.surveys import open_survey

            open_survey(survey, plan, today=today)
        for kind in kinds:
            queue(plan.id, kind, survey.id)
            if kind == SURVEY_MESSAGE:
                survey.sent_on = today
            else:
                survey.reminded_on = today
        db.session.commit()
        return kinds
    finally:
        db.session.rollback()
        release(survey.id)


# ---------------------------------------------------------------- sending

def survey_link(invitation):
    return external_url(current_app, "reviews.survey", token=invitation.survey_token)


def build(invitation, kind):
    plan = invitation.plan
    with force_locale(invitation.locale):
        text = for_guest(plan, invitation.locale)
        subject = (_("Reminder: how was %(event)s?", event=text.title) if kind == SURVEY_REMINDER
                   else _("How was %(event)s?", event=text.title))
        return mail.render_message("reviews/email/survey", invitation.email, subject, invitation.locale,
                                   invitation=invitation, title=text.title, link=survey_link(invitation),
                                   reminder=kind == SURVEY_REMINDER)


def _set(message_id, from_state, **values):
    db.session.commit()
    changed = db.session.execute(update(OutboxMessage).where(OutboxMessage.id == message_id,
                                                             OutboxMessage.state == from_state).values(**values)).rowcount
    db.session.commit()
    return changed == 1


def queued_ids(plan_id):
    ids = db.session.scalars(
        select(OutboxMessage.id).join(Invitation, Invitation.id == OutboxMessage.invitation_id)
        .where(Invitation.plan_id == plan_id, OutboxMessage.kind.in_((SURVEY_MESSAGE, SURVEY_REMINDER)),
               OutboxMessage.state == MessageState.QUEUED).order_by(OutboxMessage.id)).all()
    db.session.commit()
    return ids


def send_queued(plan_id):
    """Sends the plan's queued survey messages over one connection; returns how many were sent.
    Raises MailServerDown when the server is down (what was sent stays sent)."""
    sent = 0
    with mail.connection() as deliver:
        for message_id in queued_ids(plan_id):
            message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.id == message_id)
                                        .options(selectinload(OutboxMessage.invitation).selectinload(Invitation.plan)))
            try:
                email = build(message.invitation, message.kind)
            except Exception as error:  # a message that cannot be built fails alone
                current_app.logger.exception("Survey message %s could not be built", message_id)
                _set(message_id, MessageState.QUEUED, state=MessageState.FAILED, last_error=type(error).__name__)
                continue
            if not _set(message_id, MessageState.QUEUED, state=MessageState.SENDING, claimed_at=clock.stamp(),
                        attempts=OutboxMessage.attempts + 1):
                continue  # another run took it
            try:
                deliver(email)
            except (smtplib.SMTPException, OSError) as error:
                permanent = isinstance(error, smtplib.SMTPResponseException) and error.smtp_code >= 500
                _set(message_id, MessageState.SENDING, state=MessageState.FAILED if permanent else MessageState.QUEUED,
                     last_error=f"{type(error).__name__}: {error}"[:500])
                if not permanent:
                    raise MailServerDown(str(error)) from error
                continue
            _set(message_id, MessageState.SENDING, state=MessageState.SENT, sent_at=clock.stamp(), last_error="")
            sent += 1
    return sent
