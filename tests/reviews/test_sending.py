"""The survey e-mail by Celery beat: the day after the event, only to the guests the door checked
in (walk-ins included), with one reminder to those who have not answered; each at most once per
guest, however often the task runs."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.core import clock
from app.extensions import db
from app.invitations.models import OutboxMessage, Rsvp
from app.reviews import mailing, surveys
from app.reviews.models import SurveyState
from app.reviews.tasks import send_due_surveys
from tests.reviews.conftest import answer


@pytest.fixture
def door(past_plan, make_guest, check_in):
    """Who came to the past plan: two invited guests and a walk-in; an accepted guest who did not
    come, one whose check-in was undone, and one who came but has no e-mail address."""
    came = make_guest(name="came", email="came@example.com", locale="en")
    also = make_guest(name="also", email="also@example.com")
    walk_in = make_guest(name="walk", email="walk@example.com", rsvp=Rsvp.PENDING)
    absent = make_guest(name="absent", email="absent@example.com")
    undone = make_guest(name="undone", email="undone@example.com")
    no_mail = make_guest(name="nomail", email="x@example.com")
    for guest in (came, also, no_mail):
        check_in(guest)
    check_in(walk_in, walk_in=True)
    check_in(undone, undone=True)
    no_mail.email = None
    db.session.commit()
    return {"came": came, "also": also, "walk": walk_in, "absent": absent}


def sent_to(outbox):
    return sorted((m["To"].addresses[0].addr_spec, str(m["Subject"])) for m in outbox())


def day(offset):
    """The event day plus `offset` days, as the task takes it."""
    return (clock.today() - timedelta(days=2) + timedelta(days=offset)).isoformat()


def test_sent_the_day_after_only_to_the_guests_who_came(past_plan, door, outbox):
    assert send_due_surveys.delay(day(0)).get() == {}  # the event day: not yet
    assert outbox() == []
    assert send_due_surveys.delay(day(1)).get() == {past_plan.id: ["survey"]}
    assert sorted(to for to, _subject in sent_to(outbox)) == ["also@example.com", "came@example.com",
                                                              "walk@example.com"]
    assert ("came@example.com", "How was Thank-you dinner?") in sent_to(outbox)  # in the guest's language
    survey = surveys.survey_of(past_plan.id)
    assert survey.state == SurveyState.OPEN and survey.sent_on.isoformat() == day(1)
    link = next(m for m in outbox() if m["To"].addresses[0].addr_spec == "came@example.com")
    assert door["came"].survey_token in link.get_body(("plain",)).get_content()
    assert door["came"].rsvp_token not in link.as_string()


def test_each_message_at_most_once_however_often_beat_runs(past_plan, door, outbox):
    for _run in range(2):
        send_due_surveys.delay(day(1))
    assert len(outbox()) == 3
    survey = surveys.survey_of(past_plan.id)
    answer(survey, door["came"], nps=10, csat=5)
    for offset in (2, 3):
        send_due_surveys.delay(day(offset))
    assert len(outbox()) == 3  # the reminder waits three days
    for _run in range(2):
        send_due_surveys.delay(day(4))
    reminders = [to for to, subject in sent_to(outbox) if subject.startswith(("Reminder", "提醒"))]
    assert sorted(reminders) == ["also@example.com", "walk@example.com"]  # not to who answered
    send_due_surveys.delay(day(5))
    assert len(outbox()) == 5
    kinds = db.session.scalars(select(OutboxMessage.kind).order_by(OutboxMessage.kind)).all()
    assert kinds == ["survey"] * 3 + ["survey_reminder"] * 2


def test_a_run_that_finds_the_survey_taken_queues_nothing(past_plan, door, outbox):
    survey = surveys.survey_for(past_plan)
    db.session.commit()
    assert mailing.claim(survey.id)
    assert mailing.queue_due(past_plan.id, clock.today()) == []  # another run holds it
    mailing.release(survey.id)
    assert mailing.queue_due(past_plan.id, clock.today()) == ["survey"]


def test_a_closed_survey_sends_nothing(past_plan, door, outbox):
    survey = surveys.survey_for(past_plan)
    surveys.open_survey(survey, past_plan)
    surveys.close_survey(survey)
    db.session.commit()
    send_due_surveys.delay(day(1))
    send_due_surveys.delay(day(4))
    assert outbox() == []


def test_send_day_is_configurable(past_plan, door):
    survey = surveys.survey_for(past_plan)
    survey.send_after_days = 3
    db.session.commit()
    assert send_due_surveys.delay(day(2)).get() == {}
    assert send_due_surveys.delay(day(3)).get() == {past_plan.id: ["survey"]}


def test_a_draft_survey_whose_time_has_passed_does_not_open(past_plan, door, outbox):
    assert send_due_surveys.delay(day(1 + surveys.OPEN_DAYS + 1)).get() == {}
    assert surveys.survey_of(past_plan.id).state == SurveyState.DRAFT and outbox() == []
