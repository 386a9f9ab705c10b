"""A plan's goals: SMART goals with a metric, a target and a deadline, and goals in words
that are kept but marked as not measurable."""
from datetime import date, timedelta
from decimal import Decimal

import pytest

from app.core.errors import DomainError
from app.events import goals
from app.events.plan_models import PlanActivity, PlanGoal
from app.events.workflow import Step, take
from app.extensions import db

DAY = date(2027, 5, 20)
LATER = DAY + timedelta(days=90)


@pytest.fixture
def plan(make_plan):
    return make_plan(event_day=DAY, title="客户答谢晚宴")


@pytest.fixture
def planner(make_user):
    return make_user(roles=("planner",))


def actions(plan):
    return [entry.action for entry in db.session.query(PlanActivity).filter_by(plan_id=plan.id).order_by(PlanActivity.id)]


def test_a_smart_goal_is_measurable_and_logged(plan, planner):
    goal = goals.add_goal(plan, planner, text="目标客户复购率提升15%", metric="repurchase_rate",
                          baseline=Decimal(20), target=Decimal("35.005"), deadline=LATER)
    db.session.commit()
    assert goal.measurable and goal.position == 1
    assert (goal.baseline, goal.target) == (Decimal("20.00"), Decimal("35.01"))  # to the cent, half up
    entry = db.session.query(PlanActivity).filter_by(plan_id=plan.id).one()
    assert entry.action == "goal.added" and entry.user_id == planner.id
    assert entry.detail == {"text": "目标客户复购率提升15%", "metric": "repurchase_rate", "target": "35.01",
                            "deadline": LATER.isoformat()}


def test_a_goal_in_words_is_kept_but_not_measurable(plan, planner):
    first = goals.add_goal(plan, planner, text="NPS ≥ 65", metric="nps", target=Decimal(65), deadline=DAY)
    words = goals.add_goal(plan, planner, text="  加深与核心客户高层的关系 ")
    db.session.commit()
    assert words.text == "加深与核心客户高层的关系" and words.metric is None and not words.measurable
    assert [goal.id for goal in plan.goals] == [first.id, words.id] and words.position == 2


@pytest.mark.parametrize("values, field", [
    ({"text": ""}, "text"),
    ({"text": "   "}, "text"),
    ({"text": "x" * 501}, "text"),
    ({"text": "more loyal", "target": Decimal(10)}, "metric"),
    ({"text": "more loyal", "deadline": LATER}, "metric"),
    ({"metric": "happiness", "target": Decimal(1), "deadline": LATER}, "metric"),
    ({"metric": "nps", "deadline": LATER}, "target"),
    ({"metric": "nps", "target": Decimal(65)}, "deadline"),
    ({"metric": "nps", "target": Decimal(65), "deadline": DAY - timedelta(days=1)}, "deadline"),
    ({"metric": "nps", "target": Decimal("100.01"), "deadline": LATER}, "target"),
    ({"metric": "nps", "baseline": Decimal("-100.5"), "target": Decimal(0), "deadline": LATER}, "baseline"),
    ({"metric": "csat", "target": Decimal(-1), "deadline": LATER}, "target"),
    ({"metric": "churn_rate", "target": Decimal(101), "deadline": LATER}, "target"),
    ({"metric": "attendance_rate", "baseline": Decimal("-0.01"), "target": Decimal(80), "deadline": LATER}, "baseline"),
    ({"metric": "revenue", "target": Decimal(-1), "deadline": LATER}, "target"),
    ({"metric": "revenue", "target": Decimal("1e12"), "deadline": LATER}, "target"),
    ({"metric": "revenue", "target": Decimal("NaN"), "deadline": LATER}, "target"),
    ({"metric": "revenue", "target": Decimal("Infinity"), "deadline": LATER}, "target"),
    ({"metric": "revenue", "target": 1000.0, "deadline": LATER}, "target"),  # floats are refused
])
def test_bad_goals_are_refused_on_their_field(plan, planner, values, field):
    with pytest.raises(DomainError) as refused:
        goals.add_goal(plan, planner, **values)
    assert refused.value.field == field
    assert db.session.query(PlanGoal).filter_by(plan_id=plan.id).count() == 0


@pytest.mark.parametrize("metric, low, high", [
    ("nps", "-100", "100"), ("csat", "0", "100"), ("repurchase_rate", "0", "100"), ("churn_rate", "0", "100"),
    ("attendance_rate", "0", "100"), ("revenue", "0", "999999999999.99"),
])
def test_the_bounds_are_inclusive(plan, planner, metric, low, high):
    goal = goals.add_goal(plan, planner, metric=metric, baseline=Decimal(low), target=Decimal(high), deadline=DAY)
    db.session.commit()
    db.session.expire_all()
    assert (goal.baseline, goal.target) == (Decimal(low), Decimal(high))


def test_changing_a_goal_logs_only_real_changes(plan, planner):
    goal = goals.add_goal(plan, planner, metric="csat", target=Decimal(90), deadline=LATER)
    assert not goals.update_goal(plan, goal, planner, metric="csat", target=Decimal("90.00"), deadline=LATER)
    assert goals.update_goal(plan, goal, planner, text="满意度", metric="csat", target=Decimal(92), deadline=LATER)
    db.session.commit()
    assert goal.target == Decimal("92.00") and goal.text == "满意度"
    assert actions(plan) == ["goal.added", "goal.changed"]


def test_removing_a_goal(plan, planner):
    goal = goals.add_goal(plan, planner, text="口碑")
    db.session.commit()
    goals.remove_goal(plan, goal, planner)
    db.session.commit()
    assert db.session.query(PlanGoal).filter_by(plan_id=plan.id).count() == 0 and plan.goals == []
    assert actions(plan) == ["goal.added", "goal.removed"]


def test_a_goal_change_sends_an_approved_plan_back_to_draft(plan, planner, make_user):
    take(plan, Step.SUBMIT, planner)
    take(plan, Step.APPROVE, make_user(roles=("manager",)))
    db.session.commit()
    goals.add_goal(plan, planner, metric="nps", target=Decimal(65), deadline=LATER)
    db.session.commit()
    assert plan.state == "draft"
    assert actions(plan)[-2:] == ["plan.reopen", "goal.added"]


def test_a_submitted_plan_keeps_its_goals(plan, planner):
    goal = goals.add_goal(plan, planner, text="口碑")
    take(plan, Step.SUBMIT, planner)
    db.session.commit()
    with pytest.raises(DomainError, match="cannot be edited"):
        goals.remove_goal(plan, goal, planner)


# ------------------------------------------------------------------ pages


def test_adding_a_goal_from_its_page(plan, client_as):
    client = client_as("planner", locale="en")
    form = client.get(f"/events/plans/{plan.id}/goals").get_data(as_text=True)
    assert 'data-testid="goal-form"' in form
    response = client.post(f"/events/plans/{plan.id}/goals", data={
        "text": "Repurchase +15%", "metric": "repurchase_rate", "baseline": "20", "target": "35",
        "deadline": LATER.isoformat()})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/events/plans/{plan.id}#goals")
    page = client.get(f"/events/plans/{plan.id}").get_data(as_text=True)
    assert "The goal is saved." in page and "Repurchase +15%" in page
    assert "20%" in page and "35%" in page and 'data-testid="not-measurable"' not in page
    metrics = page[page.index('data-testid="evaluation-metrics"'):]  # the evaluation step's metrics to measure
    assert "Repurchase rate 20% → 35% · by" in metrics[:metrics.index("</ul>")]


def test_a_refused_goal_keeps_what_was_typed(plan, client_as):
    client = client_as("planner", locale="en")
    response = client.post(f"/events/plans/{plan.id}/goals", data={
        "text": "NPS up", "metric": "nps", "target": "120", "deadline": LATER.isoformat()})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Enter a value from -100 to 100." in page and 'value="NPS up"' in page and 'value="120"' in page
    response = client.post(f"/events/plans/{plan.id}/goals", data={"metric": "nps", "target": "lots"})
    assert response.status_code == 200 and "Not a valid decimal value" in response.get_data(as_text=True)
    assert db.session.query(PlanGoal).filter_by(plan_id=plan.id).count() == 0


def test_goals_in_words_and_money_on_the_plan_page(plan, planner, client_as):
    goals.add_goal(plan, planner, text="加深关系")
    goals.add_goal(plan, planner, text="Revenue", metric="revenue", target=Decimal("1234567.5"), deadline=LATER)
    db.session.commit()
    page = client_as("manager", locale="en").get(f"/events/plans/{plan.id}").get_data(as_text=True)
    assert page.count('data-testid="goal"') == 2 and page.count('data-testid="not-measurable"') == 1
    assert "¥1,234,567.50" in page
    assert 'data-testid="add-goal"' not in page and "/goals/" not in page  # managers read only


def test_editing_and_removing_a_goal_from_the_page(plan, planner, client_as):
    goal = goals.add_goal(plan, planner, text="NPS", metric="nps", target=Decimal(60), deadline=LATER)
    db.session.commit()
    client = client_as("admin")
    assert 'value="60.00"' in client.get(f"/events/plans/{plan.id}/goals/{goal.id}").get_data(as_text=True)
    client.post(f"/events/plans/{plan.id}/goals/{goal.id}", data={
        "text": "NPS", "metric": "nps", "target": "65", "deadline": LATER.isoformat()})
    db.session.expire_all()
    assert goal.target == Decimal("65.00")
    response = client.post(f"/events/plans/{plan.id}/goals/{goal.id}/remove")
    assert response.status_code == 302
    assert db.session.query(PlanGoal).filter_by(plan_id=plan.id).count() == 0


def test_a_goal_of_another_plan_is_404(plan, planner, make_plan, client_as):
    other = make_plan()
    goal = goals.add_goal(other, planner, text="x")
    db.session.commit()
    client = client_as("planner")
    assert client.get(f"/events/plans/{plan.id}/goals/{goal.id}").status_code == 404
    assert client.post(f"/events/plans/{plan.id}/goals/{goal.id}/remove").status_code == 404


def test_the_goal_pages_of_a_submitted_plan_send_back_to_it(plan, planner, client_as):
    take(plan, Step.SUBMIT, planner)
    db.session.commit()
    client = client_as("planner", locale="en")
    response = client.get(f"/events/plans/{plan.id}/goals")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/events/plans/{plan.id}")
    assert "A plan that is submitted cannot be edited." in client.get(f"/events/plans/{plan.id}").get_data(as_text=True)


def test_the_plan_page_runs_the_same_queries_for_1_or_5_goals(plan, planner, make_plan, client_as, count_queries):
    other = make_plan(event_day=DAY)
    goals.add_goal(plan, planner, text="goal", metric="nps", target=Decimal(1), deadline=LATER)
    for number in range(5):
        goals.add_goal(other, planner, text=f"goal {number}", metric="nps", target=Decimal(number), deadline=LATER)
    db.session.commit()
    client = client_as("planner")
    client.get(f"/events/plans/{plan.id}")
    client.get(f"/events/plans/{other.id}")
    with count_queries() as one:
        client.get(f"/events/plans/{plan.id}")
    with count_queries() as five:
        page = client.get(f"/events/plans/{other.id}").get_data(as_text=True)
    assert page.count('data-testid="goal"') == 5
    assert len(five) == len(one)


def test_the_api_reads_the_goals_and_the_template_texts(plan, planner, app):
    from tests.conftest import new_api

    goals.add_goal(plan, planner, text="复购", metric="repurchase_rate", baseline=Decimal(20),
                   target=Decimal(35), deadline=LATER)
    goals.add_goal(plan, planner, text="关系")
    plan.principles, plan.channels, plan.target_tags = "以客户为中心", ["phone", "visit"], ["制造业"]
    db.session.commit()
    data = new_api(app).get(f"/api/v1/plans/{plan.id}").get_json()
    assert [{key: goal[key] for key in ("text", "metric", "baseline", "target", "deadline", "measurable")}
            for goal in data["goals"]] == [
        {"text": "复购", "metric": "repurchase_rate", "baseline": "20.00", "target": "35.00",
         "deadline": LATER.isoformat(), "measurable": True},
        {"text": "关系", "metric": None, "baseline": None, "target": None, "deadline": None, "measurable": False},
    ]
    assert (data["principles"], data["channels"], data["target_tags"], data["target_industries"]) == (
        "以客户为中心", ["phone", "visit"], ["制造业"], [])
    assert (data["promotion"], data["onsite"], data["evaluation"]) == ("", "", "")
