"""One response per guest, editable until the survey closes; scores checked against their question;
the questions change only while the survey is a draft."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.core import clock
from app.core.errors import DomainError
from app.extensions import db
from app.reviews import questions, responses, surveys
from app.reviews.models import SurveyResponse
from tests.reviews.conftest import answer, question


def test_default_questions_with_those_of_the_event_type(make_plan, make_event_type):
    plan = make_plan(event_type=make_event_type(code="training"))
    survey = surveys.survey_for(plan)
    kinds = [q.kind for q in survey.questions]
    assert kinds == ["nps", "csat", "rating", "rating", "text", "text"]
    assert survey.questions[0].text_en == "How likely are you to recommend us to a friend or colleague?"
    assert surveys.survey_for(plan) is survey  # one per plan


def test_a_second_answer_edits_the_first(open_survey, make_guest):
    guest = make_guest()
    first = answer(open_survey, guest, nps=3, csat=2, liked="ok")
    second = answer(open_survey, guest, nps=9, csat=5)
    assert first.id == second.id
    assert db.session.scalar(select(func.count(SurveyResponse.id))) == 1
    assert responses.current_values(second) == {question(open_survey, "nps").id: "9",
                                                 question(open_survey, "csat").id: "5"}


def test_the_database_refuses_a_second_response(open_survey, make_guest):
    guest = make_guest()
    answer(open_survey, guest, nps=3, csat=2)
    db.session.add(SurveyResponse(survey_id=open_survey.id, invitation_id=guest.id))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_no_answer_or_edit_once_closed(open_survey, make_guest):
    guest = make_guest()
    answer(open_survey, guest, nps=8, csat=4)
    surveys.close_survey(open_survey)
    db.session.commit()
    with pytest.raises(DomainError):
        answer(open_survey, guest, nps=10, csat=5)
    db.session.rollback()


def test_no_answer_after_the_closing_day(open_survey, make_guest):
    with pytest.raises(DomainError):
        responses.save_response(open_survey, make_guest(), {question(open_survey, "nps").id: "9"},
                                today=open_survey.closes_on + timedelta(days=1))


@pytest.mark.parametrize(("kind", "value"), [("nps", "11"), ("nps", "-1"), ("nps", "x"), ("csat", "0"),
                                             ("csat", "6")])
def test_scores_out_of_range_are_refused_naming_the_question(open_survey, make_guest, kind, value):
    target = question(open_survey, kind)
    values = {question(open_survey, "nps").id: "5", question(open_survey, "csat").id: "3", target.id: value}
    with pytest.raises(DomainError) as refused:
        responses.save_response(open_survey, make_guest(), values)
    assert refused.value.field == f"q{target.id}"


def test_required_questions(open_survey, make_guest):
    with pytest.raises(DomainError) as refused:
        responses.save_response(open_survey, make_guest(), {question(open_survey, "csat").id: "3"})
    assert refused.value.field == f"q{question(open_survey, 'nps').id}"


def test_another_plans_guest_cannot_answer(open_survey, make_guest, make_plan):
    stranger = make_guest(plan=make_plan())
    with pytest.raises(DomainError):
        answer(open_survey, stranger, nps=10, csat=5)


def test_questions_edited_only_while_draft(past_plan):
    survey = surveys.survey_for(past_plan)
    added = questions.add_question(survey, "rating", "停车方便吗？", "Was parking easy?")
    questions.edit_question(survey, added.id, "停车是否方便？", "")
    assert (added.text_zh, added.text_en) == ("停车是否方便？", "停车是否方便？")
    with pytest.raises(DomainError):
        questions.remove_question(survey, question(survey, "nps").id)
    with pytest.raises(DomainError):
        questions.add_question(survey, "nps", "再来一个", "")
    questions.remove_question(survey, added.id)
    surveys.open_survey(survey, past_plan, clock.today() + timedelta(days=3))
    for change in (lambda: questions.add_question(survey, "text", "还有吗？", ""),
                   lambda: questions.edit_question(survey, survey.questions[0].id, "改", ""),
                   lambda: questions.remove_question(survey, survey.questions[-1].id)):
        with pytest.raises(DomainError):
            change()
