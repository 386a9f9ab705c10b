"""The checklist before submission: each step of the template, the project lead, measurable
goals, the budget rule and the timeline, each item pointing to where it is fixed."""
from datetime import timedelta
from decimal import Decimal

import pytest

from app.core import clock
from app.events import checklist, goals
from app.events.plans import update_plan
from app.events.roles import assign
from app.events.workflow import Step, take
from app.extensions import db

TODAY = clock.today()


@pytest.fixture
def planner(make_user):
    return make_user(roles=("planner",), name="王经理")


@pytest.fixture
def ready(make_plan, make_budget, planner):
    """A plan with every item of the checklist done."""
    plan = make_plan(event_day=TODAY + timedelta(days=60), content="年度成果分享", venue="静安酒店", expected_guests=50)
    update_plan(plan, planner, principles="以客户为中心", channels=["visit"], promotion="邀请函", onsite="签到",
                evaluation="NPS 调研")
    goals.add_goal(plan, planner, metric="nps", target=Decimal(65), deadline=plan.event_day)
    assign(plan, "project_lead", planner, planner)
    db.session.commit()
    make_budget(plan=plan)  # the source's example: 42,000 + 4,200 contingency passes
    return plan


def states(result):
    return {item.code: item.ok for item in result.items}


def test_a_ready_plan_passes_without_warnings(ready, app):
    result = checklist.review(ready, TODAY)
    assert result.passes and result.blocking == [] and result.warnings == []
    assert list(states(result)) == [
        "goals", "goals_measurable", "principles", "target", "guests", "content", "venue", "project_lead", "tasks",
        "timeline", "budget", "promotion", "promotion_text", "onsite", "evaluation",
    ]  # in the order of the template's steps


def test_a_new_plan_is_blocked_by_the_empty_steps(make_plan, app):
    plan = make_plan(event_day=TODAY + timedelta(days=60))
    result = checklist.review(plan, TODAY)
    assert not result.passes
    assert [item.code for item in result.blocking] == ["goals", "content", "project_lead", "budget", "promotion"]
    assert [item.code for item in result.warnings] == [
        "principles", "guests", "venue", "promotion_text", "onsite", "evaluation"]


def test_goals_in_words_and_timeline_warnings_are_warnings(ready, planner):
    goals.add_goal(ready, planner, text="加深关系")
    update_plan(ready, planner, event_day=TODAY + timedelta(days=10))
    db.session.commit()
    result = checklist.review(ready, TODAY)
    assert result.passes
    assert [item.code for item in result.warnings] == ["goals_measurable", "timeline"]


def test_a_budget_outside_the_rule_blocks(ready, make_budget):
    from tests.conftest import SOURCE_BUDGET

    lines = [*SOURCE_BUDGET[:-1], ("contingency", "应急备用金", "1", "项", "6400.00")]  # 15.2%
    make_budget(plan=ready, lines=lines, number=2)
    assert [item.code for item in checklist.review(ready, TODAY).blocking] == ["budget"]


def test_each_item_links_to_where_it_is_fixed(make_plan, app):
    plan = make_plan()
    items = {item.code: item for item in checklist.review(plan, TODAY).items}
    with app.test_request_context():
        links = {code: item.url(plan) for code, item in items.items()}
    assert links["goals"] == f"/events/plans/{plan.id}#goals"
    assert links["project_lead"] == f"/events/plans/{plan.id}#roles"
    assert links["timeline"] == f"/events/plans/{plan.id}#timeline"
    assert links["budget"] == f"/events/plans/{plan.id}/budget"
    for code, field in [("principles", "principles"), ("target", "tiers"), ("content", "content"),
                        ("promotion", "channels"), ("onsite", "onsite"), ("evaluation", "evaluation")]:
        assert links[code] == f"/events/plans/{plan.id}/edit#{field}"


def test_the_anchors_exist_on_the_pages(ready, client_as):
    client = client_as("planner")
    plan_page = client.get(f"/events/plans/{ready.id}").get_data(as_text=True)
    edit_page = client.get(f"/events/plans/{ready.id}/edit").get_data(as_text=True)
    for item in checklist.review(ready, TODAY).items:
        page = edit_page if item.endpoint == checklist.EDIT else plan_page
        if item.endpoint in (checklist.EDIT, checklist.PLAN) and item.anchor:
            assert f'id="{item.anchor}"' in page, item.code


def test_the_card_shows_ticks_blocking_items_and_warnings_with_fix_links(make_plan, client_as):
    plan = make_plan(event_day=TODAY + timedelta(days=60), content="年度成果分享")
    page = client_as("planner", locale="en").get(f"/events/plans/{plan.id}").get_data(as_text=True)
    card = page[page.index('data-testid="checklist"'):page.index('</section>', page.index('data-testid="checklist"'))]
    assert 'data-item="content" data-state="ok"' in card
    assert 'data-item="goals" data-state="blocking"' in card
    assert 'data-item="onsite" data-state="warning"' in card
    assert "4 items block submission" in card and "6 warnings" in card
    assert f'href="/events/plans/{plan.id}/edit#onsite"' in card and f'href="/events/plans/{plan.id}#roles"' in card
    manager_page = client_as("manager").get(f"/events/plans/{plan.id}").get_data(as_text=True)
    assert 'data-testid="checklist"' in manager_page and "/edit#onsite" not in manager_page


def test_the_card_shows_while_the_plan_can_be_submitted(ready, planner, make_user, client_as):
    client = client_as("manager", locale="en")
    assert "Ready to submit" in client.get(f"/events/plans/{ready.id}").get_data(as_text=True)
    take(ready, Step.SUBMIT, planner)
    db.session.commit()
    assert 'data-testid="checklist"' not in client.get(f"/events/plans/{ready.id}").get_data(as_text=True)
    take(ready, Step.REJECT, make_user(roles=("manager",)))
    db.session.commit()
    assert 'data-testid="checklist"' in client.get(f"/events/plans/{ready.id}").get_data(as_text=True)
