"""NPS and CSAT computed in SQL: known distributions, the boundary scores, CSAT on 0-100, per tier."""
from decimal import Decimal

import pytest

from app.reviews import scores
from tests.reviews.conftest import answer


@pytest.fixture
def answers(open_survey, make_guest):
    """`answers(nps_scores, csat_scores=(), tiers=None)`: one guest per score."""

    def make(nps_scores, csat_scores=(), tiers=None):
        count = max(len(nps_scores), len(csat_scores))
        for index in range(count):
            guest = make_guest(tier=tiers[index] if tiers else None)
            answer(open_survey, guest, nps=nps_scores[index] if index < len(nps_scores) else None,
                   csat=csat_scores[index] if index < len(csat_scores) else 3)
        return open_survey

    return make


@pytest.mark.parametrize(("nps_scores", "expected"), [
    ([10, 10, 10], Decimal("100.0")),
    ([0, 0, 0, 0], Decimal("-100.0")),
    ([9], Decimal("100.0")),  # 9 is a promoter
    ([8], Decimal("0.0")),  # 7 and 8 are passives
    ([7], Decimal("0.0")),
    ([6], Decimal("-100.0")),  # 6 is a detractor
    ([6, 7, 8, 9], Decimal("0.0")),
    ([10, 9, 9, 8, 6, 0], Decimal("16.7")),  # 3 promoters, 1 passive, 2 detractors of 6: 50% - 33.3%
])
def test_nps_on_known_distributions(answers, nps_scores, expected):
    survey = answers(nps_scores, csat_scores=[5] * len(nps_scores))
    result = scores.nps(survey.id)
    assert result.score == expected
    assert result.answers == len(nps_scores)


def test_nps_counts_the_three_groups(answers):
    result = scores.nps(answers([6, 7, 8, 9, 10, 0]).id)
    assert (result.promoters, result.passives, result.detractors, result.answers) == (2, 2, 2, 6)


def test_no_answer_has_no_score(open_survey):
    assert scores.nps(open_survey.id).score is None
    assert scores.csat(open_survey.id).score is None


@pytest.mark.parametrize(("csat_scores", "expected"), [
    ([5, 5], Decimal("100.0")),
    ([4, 4, 4], Decimal("100.0")),  # 4 counts as satisfied
    ([3, 3], Decimal("0.0")),  # neutral does not
    ([1, 2, 3], Decimal("0.0")),
    ([5, 4, 3, 1], Decimal("50.0")),
    ([5, 5, 2], Decimal("66.7")),
])
def test_csat_is_the_share_of_satisfied_answers_on_0_to_100(answers, csat_scores, expected):
    survey = answers([10] * len(csat_scores), csat_scores)
    result = scores.csat(survey.id)
    assert (result.score, result.answers, result.satisfied) == (expected, len(csat_scores),
                                                                sum(1 for s in csat_scores if s >= 4))


def test_scores_per_tier(answers):
    survey = answers([10, 0, 9, 7], [5, 1, 4, 3], tiers=["high_value", "high_value", "churn_risk", None])
    per_tier = scores.by_tier(survey.id)
    nps, csat = per_tier["high_value"]
    assert (nps.score, nps.answers, csat.score, csat.answers) == (Decimal("0.0"), 2, Decimal("50.0"), 2)
    assert per_tier["churn_risk"][0].score == Decimal("100.0")
    assert per_tier[None][0].score == Decimal("0.0") and per_tier[None][1].score == Decimal("0.0")


def test_distribution_lists_every_score(answers):
    survey = answers([10, 10, 3])
    assert scores.distribution(survey.id, "nps") == [(s, {10: 2, 3: 1}.get(s, 0)) for s in range(11)]
    assert scores.distribution(survey.id, "csat") == [(1, 0), (2, 0), (3, 3), (4, 0), (5, 0)]


def test_comments_filtered_by_group(open_survey, make_guest):
    answer(open_survey, make_guest(), nps=10, csat=5, liked="菜很好")
    answer(open_survey, make_guest(), nps=2, csat=1, improve="排队太久")
    assert sorted(text for _q, text, _t, _s in scores.comments(open_survey.id)) == sorted(["菜很好", "排队太久"])
    assert [text for _q, text, _t, _s in scores.comments(open_survey.id, "detractors")] == ["排队太久"]
    assert [text for _q, text, _t, _s in scores.comments(open_survey.id, "promoters")] == ["菜很好"]
    assert scores.comments(open_survey.id, "passives") == []
