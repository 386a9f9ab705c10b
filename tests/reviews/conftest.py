"""Fixtures of the reviews' tests: an event that took place, its guests, check-ins at the door and
the plan's open survey."""
from datetime import datetime, timedelta

import pytest

from app.checkin.models import CheckIn, ScanSource
from app.core import clock
from app.events.plan_models import PlanState
from app.extensions import db
from app.invitations.models import Rsvp
from app.reviews import responses, surveys


@pytest.fixture
def past_plan(make_plan):
    """An approved plan whose event was two days ago."""
    plan = make_plan(title="答谢晚宴", event_day=clock.today() - timedelta(days=2))
    plan.state, plan.title_en = PlanState.APPROVED, "Thank-you dinner"
    db.session.commit()
    return plan


@pytest.fixture
def make_guest(make_invitation, past_plan):
    def make(plan=None, rsvp=Rsvp.ACCEPTED, **fields):
        invitation = make_invitation(plan=plan or past_plan, **fields)
        invitation.rsvp = rsvp
        db.session.commit()
        return invitation

    return make


@pytest.fixture
def check_in():
    """`check_in(invitation, walk_in=False, undone=False)`: a check-in on the door's record."""

    def make(invitation, walk_in=False, undone=False):
        moment = datetime(2026, 12, 1, 18, 0)
        row = CheckIn(plan_id=invitation.plan_id, invitation_id=invitation.id, walk_in=walk_in,
                      source=ScanSource.MANUAL, scanned_at=moment, arrived_at=moment,
                      undone_at=moment if undone else None, undone_reason="mistake" if undone else None)
        db.session.add(row)
        db.session.commit()
        return row

    return make


@pytest.fixture
def open_survey(past_plan):
    """The past plan's survey, open now (sent yesterday, closing in a week)."""
    survey = surveys.survey_for(past_plan)
    surveys.open_survey(survey, past_plan, clock.today() + timedelta(days=7))
    db.session.commit()
    return survey


def question(survey, kind):
    return next(q for q in survey.questions if q.kind == kind)


def answer(survey, invitation, nps=None, csat=None, **texts):
    """Saves a response with these scores (and texts by question position: liked=..., improve=...)."""
    values = {}
    if nps is not None:
        values[question(survey, "nps").id] = str(nps)
    if csat is not None:
        values[question(survey, "csat").id] = str(csat)
    text_questions = [q for q in survey.questions if q.kind == "text"]
    for name, question_ in zip(("liked", "improve"), text_questions):
        if name in texts:
            values[question_.id] = texts[name]
    response = responses.save_response(survey, invitation, values)
    db.session.commit()
    return response
