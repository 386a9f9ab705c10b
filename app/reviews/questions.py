"""The survey's questions: the default set every survey starts with (NPS, CSAT, what they liked,
what to improve), a few more per event type, and the planner's edits while the survey is a draft."""
from flask_babel import lazy_gettext as _l

from app.core.errors import DomainError
from app.core.text import single_line
from app.extensions import db
from app.reviews.models import QUESTION_MAX, QuestionKind, SurveyQuestion, SurveyState

K = QuestionKind
# (kind, Chinese, English, required): the texts are the guest's, stored per survey so a planner can edit them.
DEFAULT_QUESTIONS = (
    (K.NPS, "您向朋友或同事推荐我们的可能性有多大？", "How likely are you to recommend us to a friend or colleague?", True),
    (K.CSAT, "您对本次活动的整体满意度如何？", "How satisfied were you with the event?", True),
    (K.TEXT, "您最喜欢本次活动的哪些方面？", "What did you like?", False),
    (K.TEXT, "我们可以在哪些方面改进？", "What could we improve?", False),
)

BY_EVENT_TYPE = {
    "training": ((K.RATING, "培训内容对您的工作有多大帮助？", "How useful was the training for your work?", False),
                 (K.RATING, "您对讲师的评价如何？", "How would you rate the trainer?", False)),
    "banquet": ((K.RATING, "您对餐饮的满意度如何？", "How satisfied were you with the food and drinks?", False),
                (K.RATING, "您对场地与座位安排的满意度如何？", "How satisfied were you with the venue and seating?", False)),
    "family_day": ((K.RATING, "您的家人对活动的喜爱程度如何？", "How much did your family enjoy the day?", False),
                   (K.RATING, "活动的组织与安排是否顺畅？", "How smooth was the organisation on the day?", False)),
    "care_visit": ((K.RATING, "这次拜访对您是否有帮助？", "How helpful was our visit?", False),),
    "online_lottery": ((K.RATING, "参与抽奖的过程是否方便？", "How easy was it to take part in the draw?", False),),
}

# The questions the scores are computed from: always there, their kind fixed.
CORE_KINDS = (K.NPS, K.CSAT)


def default_questions(event_type_code):
    rows = DEFAULT_QUESTIONS[:2] + BY_EVENT_TYPE.get(event_type_code, ()) + DEFAULT_QUESTIONS[2:]
    return [SurveyQuestion(position=position, kind=kind, text_zh=zh, text_en=en, required=required)
            for position, (kind, zh, en, required) in enumerate(rows, 1)]


def require_draft(survey):
    if survey.state != SurveyState.DRAFT:
        raise DomainError(_l("The questions can only be changed while the survey is a draft."))


def _texts(text_zh, text_en):
    text_zh, text_en = single_line(text_zh or "")[:QUESTION_MAX], single_line(text_en or "")[:QUESTION_MAX]
    if not text_zh:
        raise DomainError(_l("Write the question in Chinese."), "text_zh")
    return text_zh, text_en or text_zh


def add_question(survey, kind, text_zh, text_en):
    require_draft(survey)
    if kind not in (K.RATING, K.TEXT):
        raise DomainError(_l("Only rating and text questions can be added."), "kind")
    text_zh, text_en = _texts(text_zh, text_en)
    position = max((q.position for q in survey.questions), default=0) + 1
    question = SurveyQuestion(survey_id=survey.id, position=position, kind=kind, text_zh=text_zh, text_en=text_en)
    survey.questions.append(question)
    db.session.flush()
    return question


def _question(survey, question_id):
    question = next((q for q in survey.questions if q.id == question_id), None)
    if question is None:
        raise DomainError(_l("This question is not in the survey."))
    return question


def edit_question(survey, question_id, text_zh, text_en):
    require_draft(survey)
    question = _question(survey, question_id)
    question.text_zh, question.text_en = _texts(text_zh, text_en)
    db.session.flush()
    return question


def remove_question(survey, question_id):
    """Removes a question; the NPS and CSAT questions stay (the scores are computed from them)."""
    require_draft(survey)
    question = _question(survey, question_id)
    if question.kind in CORE_KINDS:
        raise DomainError(_l("The recommendation and satisfaction questions cannot be removed."))
    survey.questions.remove(question)
    db.session.flush()
