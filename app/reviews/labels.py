"""The reviews' vocabulary: the labels of the survey's states and question kinds."""
from flask_babel import lazy_gettext as _l

from app.reviews.models import QuestionKind, SurveyState

SURVEY_STATE_LABELS = {
    SurveyState.DRAFT: _l("Draft"),
    SurveyState.OPEN: _l("Open for answers"),
    SurveyState.CLOSED: _l("Closed"),
}

QUESTION_KIND_LABELS = {
    QuestionKind.NPS: _l("Recommendation (0-10)"),
    QuestionKind.CSAT: _l("Satisfaction (1-5)"),
    QuestionKind.RATING: _l("Rating (1-5)"),
    QuestionKind.TEXT: _l("Text"),
}

NPS_GROUP_LABELS = {"promoters": _l("Promoters (9-10)"), "passives": _l("Passives (7-8)"),
                    "detractors": _l("Detractors (0-6)")}

LABELS = {"survey_state": SURVEY_STATE_LABELS, "question_kind": QUESTION_KIND_LABELS, "nps_group": NPS_GROUP_LABELS}
