"""Editing a plan: its facts and the texts of the template's steps, and what editing an
approved or submitted plan does."""
import re
from datetime import date, time, timedelta
from decimal import Decimal

import pytest

from app.core.errors import DomainError
from app.events import goals
from app.events.plan_models import PlanActivity
from app.events.plans import copy_plan, update_plan
from app.events.workflow import Step, take
from app.extensions import db

DAY = date(2027, 5, 20)


@pytest.fixture
def plan(make_plan):
    return make_plan(event_day=DAY, title="客户答谢晚宴", tiers=("high_value",), expected_guests=40, capacity=50)


@pytest.fixture
def planner(make_user):
    return make_user(roles=("planner",))


def log(plan):
    return [(entry.action, entry.detail) for entry in
            db.session.query(PlanActivity).filter_by(plan_id=plan.id).order_by(PlanActivity.id)]


def test_update_plan_saves_the_template_texts_and_logs_the_changed_fields(plan, planner):
    changed = update_plan(plan, planner, principles=" 以客户为中心 ", channels=["visit", "phone", "visit"],
                          target_industries=["制造业", " 教育 ", "", "制造业"], target_tags=["*总"],
                          promotion="提前三周邀请", onsite="签到、致辞、晚宴", evaluation="NPS 调研", title="客户答谢晚宴")
    db.session.commit()
    assert changed == ["target_industries", "target_tags", "principles", "promotion", "onsite", "evaluation",
                       "channels"]
    assert (plan.principles, plan.channels, plan.target_industries, plan.target_tags) == (
        "以客户为中心", ["phone", "visit"], ["制造业", "教育"], ["*总"])  # sorted
    assert log(plan) == [("plan.edited", {"fields": changed})]


def test_an_unchanged_save_changes_and_logs_nothing(plan, planner):
    assert update_plan(plan, planner, title=" 客户答谢晚宴 ", tiers=["high_value"], venue="  ", online=False) == []
    assert log(plan) == []


def test_tiers_change_row_by_row(plan, planner):
    update_plan(plan, planner, tiers=["churn_risk", "high_value"])
    db.session.commit()
    assert plan.tiers == ["high_value", "churn_risk"]
    update_plan(plan, planner, tiers=["churn_risk"])
    db.session.commit()
    db.session.expire_all()
    assert plan.tiers == ["churn_risk"]


def test_a_new_event_day_moves_the_open_tasks(plan, planner):
    due = [task.due_on for task in plan.tasks]
    changed = update_plan(plan, planner, event_day=DAY + timedelta(days=7), start_time=time(18, 30))
    db.session.commit()
    assert changed == ["event_day", "start_time"]
    assert [task.due_on for task in plan.tasks] == [day + timedelta(days=7) for day in due]


@pytest.mark.parametrize("values, field", [
    ({"title": "  "}, "title"),
    ({"tiers": []}, "tiers"),
    ({"tiers": ["vip"]}, "tiers"),
    ({"expected_guests": 60}, "capacity"),
    ({"capacity": -1}, "capacity"),
    ({"event_day": None}, "event_day"),
    ({"channels": ["pigeon"]}, "channels"),
    ({"target_tags": ["x" * 101]}, "target_tags"),
])
def test_bad_values_are_refused_on_their_field(plan, planner, values, field):
    with pytest.raises(DomainError) as refused:
        update_plan(plan, planner, **values)
    assert refused.value.field == field


def test_editing_an_approved_plan_sends_it_back_for_approval(plan, planner, make_user):
    take(plan, Step.SUBMIT, planner)
    take(plan, Step.APPROVE, make_user(roles=("manager",)))
    db.session.commit()
    assert update_plan(plan, planner, title="客户答谢晚宴") == []
    assert plan.state == "approved"
    update_plan(plan, planner, venue="静安酒店")
    db.session.commit()
    assert plan.state == "draft"
    assert [action for action, _detail in log(plan)][-2:] == ["plan.reopen", "plan.edited"]


def test_a_submitted_plan_cannot_be_edited(plan, planner):
    take(plan, Step.SUBMIT, planner)
    with pytest.raises(DomainError, match="submitted cannot be edited") as refused:
        update_plan(plan, planner, venue="静安酒店")
    assert refused.value.field == "plan"


def test_a_copy_takes_the_texts_and_the_goals_with_their_deadlines_shifted(plan, planner):
    update_plan(plan, planner, principles="以客户为中心", channels=["phone"], target_tags=["制造业"], onsite="签到")
    goals.add_goal(plan, planner, text="NPS", metric="nps", target=Decimal(65), deadline=DAY + timedelta(days=7))
    goals.add_goal(plan, planner, text="关系")
    db.session.commit()
    copy = copy_plan(plan, DAY + timedelta(days=365), "明年", planner)
    db.session.commit()
    assert (copy.principles, copy.channels, copy.target_tags, copy.onsite) == ("以客户为中心", ["phone"], ["制造业"], "签到")
    assert [(goal.text, goal.target, goal.deadline) for goal in copy.goals] == [
        ("NPS", Decimal("65.00"), DAY + timedelta(days=372)), ("关系", None, None)]


# ------------------------------------------------------------------ the page


def test_the_edit_page_offers_the_customers_industries_and_tags_and_the_channel_advice(
        plan, planner, client_as, make_customer):
    make_customer(industry="制造业", tags=["决策链复杂", "*总"])
    make_customer(industry="教育", tags=["*总"])
    update_plan(plan, planner, tiers=["high_value", "churn_risk"], target_tags=["已停用标签"])
    db.session.commit()
    page = client_as("planner", locale="en").get(f"/events/plans/{plan.id}/edit").get_data(as_text=True)
    industries = re.findall(r'name="target_industries"[^>]*value="([^"]+)"', page)
    tags = re.findall(r'name="target_tags"[^>]*value="([^"]+)"', page)
    assert industries == ["制造业", "教育"]
    assert tags == sorted(["*总", "决策链复杂", "已停用标签"])  # the plan's own tag stays offered
    assert re.search(r'checked[^>]*value="已停用标签"|value="已停用标签"[^>]*checked', page)
    hints = page[page.index('data-testid="channel-hints"'):]
    assert "Churn-risk</span>: Phone, Visits" in hints and "High-value</span>: Visits, E-mail" in hints


def test_saving_the_edit_page(plan, client_as):
    client = client_as("planner", locale="en")
    response = client.post(f"/events/plans/{plan.id}/edit", data={
        "title": "2027 客户答谢晚宴", "tiers": ["high_value"], "event_day": DAY.isoformat(), "start_time": "18:30",
        "venue": "静安酒店", "expected_guests": "40", "capacity": "50", "content": "年度成果分享",
        "principles": "以客户为中心", "channels": ["visit", "email"], "promotion": "邀请函", "onsite": "签到",
        "evaluation": "NPS 调研"})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/events/plans/{plan.id}")
    page = client.get(f"/events/plans/{plan.id}").get_data(as_text=True)
    assert "The plan is saved." in page
    # The plan page follows the template: goals and principles, customers, content, execution, budget,
    # promotion, on-site, evaluation.
    order = ['id="goals"', 'data-testid="principles"', 'id="customers"', 'data-testid="plan-content"', 'id="roles"',
             'id="timeline"', 'id="step-budget"', 'id="promotion"', 'data-testid="onsite-text"',
             'data-testid="evaluation-text"']
    positions = [page.index(marker) for marker in order]
    assert positions == sorted(positions)
    assert "Visits" in page and "E-mail" in page and "邀请函" in page


def test_a_refused_edit_keeps_what_was_typed(plan, client_as):
    client = client_as("admin", locale="en")
    response = client.post(f"/events/plans/{plan.id}/edit", data={
        "title": "新标题", "tiers": ["high_value"], "event_day": DAY.isoformat(), "expected_guests": "80",
        "capacity": "50", "principles": "以客户为中心"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "The capacity must hold the expected guests." in page
    assert 'value="新标题"' in page and "以客户为中心" in page
    db.session.expire_all()
    assert plan.title == "客户答谢晚宴"


def test_the_edit_page_warns_before_editing_an_approved_plan(plan, planner, make_user, client_as):
    take(plan, Step.SUBMIT, planner)
    take(plan, Step.APPROVE, make_user(roles=("manager",)))
    db.session.commit()
    client = client_as("planner", locale="en")
    assert 'data-testid="reapproval-warning"' in client.get(f"/events/plans/{plan.id}/edit").get_data(as_text=True)
    response = client.post(f"/events/plans/{plan.id}/edit", data={
        "title": "客户答谢晚宴", "tiers": ["high_value"], "event_day": DAY.isoformat(), "expected_guests": "40",
        "capacity": "50", "onsite": "签到"})
    assert response.status_code == 302
    assert "back to draft" in client.get(f"/events/plans/{plan.id}").get_data(as_text=True)
    db.session.expire_all()
    assert plan.state == "draft"


@pytest.mark.parametrize("step", [Step.SUBMIT, Step.CANCEL])
def test_plans_that_wait_or_are_closed_are_not_edited(plan, planner, client_as, step):
    take(plan, step, planner)
    db.session.commit()
    client = client_as("planner")
    assert client.get(f"/events/plans/{plan.id}/edit").status_code == 302
    assert client.post(f"/events/plans/{plan.id}/edit", data={"title": "x"}).status_code == 302
    page = client.get(f"/events/plans/{plan.id}").get_data(as_text=True)
    assert "cannot be edited" in page and 'data-testid="plan-edit"' not in page
    db.session.expire_all()
    assert plan.title == "客户答谢晚宴"
