"""The plan page's evaluation step links the guest survey and its results, each for whom
may open it."""
import pytest

from tests.conftest import sign_in

pytestmark = pytest.mark.db


def _page(app, make_user, plan, role):
    return sign_in(app.test_client(), make_user(roles=(role,))).get(f"/events/plans/{plan.id}").get_data(as_text=True)


def test_planners_find_the_survey_and_its_results(app, make_plan, make_user):
    plan = make_plan(title="家庭日")
    page = _page(app, make_user, plan, "planner")
    assert f'href="/events/plans/{plan.id}/survey"' in page
    assert f'href="/events/plans/{plan.id}/survey/results"' in page


def test_managers_find_the_results_only(app, make_plan, make_user):
    plan = make_plan(title="家庭日")
    page = _page(app, make_user, plan, "manager")
    assert f'href="/events/plans/{plan.id}/survey"' not in page
    assert f'href="/events/plans/{plan.id}/survey/results"' in page
