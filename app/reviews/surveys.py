"""A plan's survey: made with the default questions on first use, opened (the questions freeze,
the e-mail goes out the day after the event), closed on its closing day or by hand; and a guest's
way in, by the invitation's own survey token (never the RSVP or check-in token)."""
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.core import clock
from app.core.errors import DomainError
from app.extensions import db
from app.invitations.models import GuestStatus, TokenKind
from app.invitations.services import by_token
from app.reviews.attendance import came
from app.reviews.models import Survey, SurveyState
from app.reviews.questions import default_questions

OPEN_DAYS = 14  # default: answers are taken for two weeks after the e-mail


def survey_of(plan_id):
    return db.session.scalar(select(Survey).where(Survey.plan_id == plan_id))


def survey_for(plan):
    """The plan's survey, made (flushed) with the default questions of its event type if it has none."""
    survey = survey_of(plan.id)
    if survey is None:
        survey = Survey(plan_id=plan.id, state=SurveyState.DRAFT,
                        send_after_days=current_app.config.get("SURVEY_SEND_AFTER_DAYS", 1),
                        reminder_after_days=current_app.config.get("SURVEY_REMINDER_AFTER_DAYS", 3))
        survey.questions = default_questions(plan.event_type.code if plan.event_type else None)
        db.session.add(survey)
        db.session.flush()
    return survey


def send_day(survey, plan):
    return plan.event_day + timedelta(days=survey.send_after_days)


def open_survey(survey, plan, closes_on=None, today=None):
    """Opens a draft survey: its questions no longer change; answers are taken until `closes_on`
    (default two weeks after the send day)."""
    if survey.state != SurveyState.DRAFT:
        raise DomainError(_l("Only a draft survey can be opened."))
    opens_on = send_day(survey, plan)
    closes_on = closes_on or opens_on + timedelta(days=OPEN_DAYS)
    if closes_on < max(opens_on, today or clock.today()):
        raise DomainError(_l("The closing day must be after the day the survey is sent."), "closes_on")
    survey.state, survey.opens_on, survey.closes_on, survey.opened_at = SurveyState.OPEN, opens_on, closes_on, clock.stamp()
    db.session.flush()


def close_survey(survey):
    if survey.state != SurveyState.OPEN:
        raise DomainError(_l("Only an open survey can be closed."))
    survey.state, survey.closed_at = SurveyState.CLOSED, clock.stamp()
    db.session.flush()


def accepting(survey, today=None):
    """Whether the survey takes (and lets guests edit) answers today."""
    today = today or clock.today()
    return (survey.state == SurveyState.OPEN and (survey.opens_on is None or survey.opens_on <= today)
            and (survey.closes_on is None or today <= survey.closes_on))


def guest_survey(token, today=None):
    """(invitation, survey) for a survey link that may be answered today, or None for every wrong
    link alike: unknown, malformed, revoked (a reissued token is no longer the invitation's), a
    token of another kind, a guest removed from the list or who did not come (the door's record),
    a survey not open or closed."""
    invitation = by_token(TokenKind.SURVEY, token)
    if invitation is None or invitation.status in (GuestStatus.REMOVED, GuestStatus.FLAGGED):
        return None
    if not came(invitation.plan_id, invitation.id):
        return None
    survey = survey_of(invitation.plan_id)
    if survey is None or not accepting(survey, today):
        return None
    return invitation, survey
