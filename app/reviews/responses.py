"""A guest's response: one per invitation and survey (the unique constraint), a second submit
edits it, until the survey closes. Scores are checked against their question's range."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.core import clock
from app.core.errors import DomainError
from app.extensions import db
from app.reviews.models import SCORE_RANGES, TEXT_MAX, QuestionKind, SurveyAnswer, SurveyResponse
from app.reviews.surveys import accepting


def response_of(survey, invitation):
    return db.session.scalar(select(SurveyResponse).where(SurveyResponse.survey_id == survey.id,
                                                          SurveyResponse.invitation_id == invitation.id))


def clean_answers(survey, values):
    """{question id: score (int) or text} from `values` {question id: str}: DomainError naming the
    question's field (`q<id>`) for a score out of range or a required question left empty."""
    answers = {}
    for question in survey.questions:
        raw = (values.get(question.id) or "").strip()
        field = f"q{question.id}"
        if not raw:
            if question.required:
                raise DomainError(_l("Please answer this question."), field)
            continue
        if question.kind == QuestionKind.TEXT:
            answers[question.id] = raw[:TEXT_MAX]
            continue
        low, high = SCORE_RANGES[QuestionKind(question.kind)]
        if not raw.isdigit() or not low <= int(raw) <= high:
            raise DomainError(_l("Choose a score from %(low)s to %(high)s.", low=low, high=high), field)
        answers[question.id] = int(raw)
    return answers


def save_response(survey, invitation, values, today=None):
    """Records (or replaces) the guest's answers; returns the response (flushed)."""
    if not accepting(survey, today):
        raise DomainError(_l("This survey is closed."))
    if invitation.plan_id != survey.plan_id:
        raise DomainError(_l("This survey is not for this guest."))
    answers = clean_answers(survey, values)
    response = response_of(survey, invitation)
    if response is None:
        response = SurveyResponse(survey_id=survey.id, invitation_id=invitation.id)
        db.session.add(response)
    else:
        response.updated_at = clock.stamp()
    response.answers = [SurveyAnswer(question_id=question_id, score=value if isinstance(value, int) else None,
                                     text=value if isinstance(value, str) else None)
                        for question_id, value in answers.items()]
    db.session.flush()
    return response


def current_values(response):
    """{question id: str} of a response, to fill the form again."""
    if response is None:
        return {}
    return {a.question_id: str(a.score) if a.score is not None else a.text or "" for a in response.answers}
