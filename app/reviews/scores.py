"""NPS and CSAT of a survey, computed in SQL, for the whole plan and per tier (DOMAIN.md section 7).

NPS: the share of promoters (9-10) minus the share of detractors (0-6), in points from -100 to 100;
passives (7-8) count in the answers only. CSAT: the share of satisfied answers (4 or 5 on the 1-5
scale), from 0 to 100 (DOMAIN.md gives the target "CSAT >= 90 out of 100" and no other formula:
this is the usual definition of CSAT)."""
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import Numeric, case, cast, func, select

from app.extensions import db
from app.invitations.models import Invitation
from app.reviews.attendance import attended_ids
from app.reviews.models import QuestionKind, SurveyAnswer, SurveyQuestion, SurveyResponse

PROMOTER, DETRACTOR_MAX = 9, 6
SATISFIED = 4
ONE_PLACE = Decimal("0.1")


@dataclass(frozen=True)
class Nps:
    answers: int
    promoters: int
    passives: int
    detractors: int
    score: Decimal | None  # None without any answer


@dataclass(frozen=True)
class Csat:
    answers: int
    satisfied: int
    score: Decimal | None


def _points(value):
    return None if value is None else Decimal(str(value)).quantize(ONE_PLACE, ROUND_HALF_UP)


def _answers(survey_id, kind):
    return (select().select_from(SurveyAnswer)
            .join(SurveyQuestion, SurveyQuestion.id == SurveyAnswer.question_id)
            .join(SurveyResponse, SurveyResponse.id == SurveyAnswer.response_id)
            .join(Invitation, Invitation.id == SurveyResponse.invitation_id)
            .where(SurveyQuestion.survey_id == survey_id, SurveyQuestion.kind == kind,
                   SurveyAnswer.score.is_not(None)))


def _percent(part, whole):
    """100 * part / whole in SQL, NULL when whole is 0."""
    return cast(100, Numeric(12, 4)) * part / func.nullif(whole, 0)


def _nps_columns():
    score = SurveyAnswer.score
    answers = func.count(score)
    promoters = func.count(case((score >= PROMOTER, 1)))
    detractors = func.count(case((score <= DETRACTOR_MAX, 1)))
    return answers, promoters, detractors, _percent(promoters - detractors, answers)


def _csat_columns():
    answers = func.count(SurveyAnswer.score)
    satisfied = func.count(case((SurveyAnswer.score >= SATISFIED, 1)))
    return answers, satisfied, _percent(satisfied, answers)


def _nps(row):
    answers, promoters, detractors, score = row
    return Nps(answers, promoters, answers - promoters - detractors, detractors, _points(score))


def _csat(row):
    answers, satisfied, score = row
    return Csat(answers, satisfied, _points(score))


def nps(survey_id):
    return _nps(db.session.execute(_answers(survey_id, QuestionKind.NPS).add_columns(*_nps_columns())).one())


def csat(survey_id):
    return _csat(db.session.execute(_answers(survey_id, QuestionKind.CSAT).add_columns(*_csat_columns())).one())


def by_tier(survey_id):
    """{tier (None: no tier): (Nps, Csat)}, one grouped query per score."""
    result = {}
    for tier, *row in db.session.execute(_answers(survey_id, QuestionKind.NPS).add_columns(
            Invitation.tier, *_nps_columns()).group_by(Invitation.tier)):
        result[tier] = [_nps(row), Csat(0, 0, None)]
    for tier, *row in db.session.execute(_answers(survey_id, QuestionKind.CSAT).add_columns(
            Invitation.tier, *_csat_columns()).group_by(Invitation.tier)):
        result.setdefault(tier, [Nps(0, 0, 0, 0, None), None])[1] = _csat(row)
    return {tier: tuple(pair) for tier, pair in result.items()}


def distribution(survey_id, kind):
    """[(score, count)] for every score of the scale, zeros included."""
    low, high = (0, 10) if kind == QuestionKind.NPS else (1, 5)
    counts = dict(db.session.execute(_answers(survey_id, kind).add_columns(SurveyAnswer.score, func.count())
                                     .group_by(SurveyAnswer.score)).all())
    return [(score, counts.get(score, 0)) for score in range(low, high + 1)]


def response_counts(survey_id, plan_id):
    """(responses, guests who came): the response rate's two figures."""
    responses = db.session.scalar(select(func.count(SurveyResponse.id)).where(SurveyResponse.survey_id == survey_id))
    came = db.session.scalar(select(func.count()).select_from(attended_ids(plan_id).subquery()))
    return responses, came


def comments(survey_id, group=None, limit=500):
    """[(question, text, tier, NPS score or None)], newest first; `group` keeps the comments of the
    promoters, passives or detractors."""
    nps_answer = (select(SurveyAnswer.response_id.label("response_id"), SurveyAnswer.score.label("score"))
                  .join(SurveyQuestion, SurveyQuestion.id == SurveyAnswer.question_id)
                  .where(SurveyQuestion.survey_id == survey_id, SurveyQuestion.kind == QuestionKind.NPS).subquery())
    query = (select(SurveyQuestion, SurveyAnswer.text, Invitation.tier, nps_answer.c.score)
             .select_from(SurveyAnswer)
             .join(SurveyQuestion, SurveyQuestion.id == SurveyAnswer.question_id)
             .join(SurveyResponse, SurveyResponse.id == SurveyAnswer.response_id)
             .join(Invitation, Invitation.id == SurveyResponse.invitation_id)
             .outerjoin(nps_answer, nps_answer.c.response_id == SurveyResponse.id)
             .where(SurveyQuestion.survey_id == survey_id, SurveyQuestion.kind == QuestionKind.TEXT,
                    SurveyAnswer.text.is_not(None), SurveyAnswer.text != ""))
    if group == "promoters":
        query = query.where(nps_answer.c.score >= PROMOTER)
    elif group == "passives":
        query = query.where(nps_answer.c.score > DETRACTOR_MAX, nps_answer.c.score < PROMOTER)
    elif group == "detractors":
        query = query.where(nps_answer.c.score <= DETRACTOR_MAX)
    return db.session.execute(query.order_by(SurveyResponse.updated_at.desc(), SurveyQuestion.position)
                              .limit(limit)).all()
