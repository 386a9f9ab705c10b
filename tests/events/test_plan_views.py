"""The plans list, the new-plan form and the plan page with its timeline."""
import re
from datetime import date, timedelta

import pytest

from app.core import clock
from app.events.plan_models import Plan, PlanTask
from app.extensions import db


@pytest.fixture
def banquet(make_event_type):
    return make_event_type(
        code="banquet", name_en="Appreciation banquet", tiers=("high_value", "growth"),
        tasks=[("preparation", -45, "project_lead"), ("execution", 0, "execution_team"), ("review", 7, "planning_team")],
    )


def form(event_type, **changes):
    day = clock.today() + timedelta(days=60)
    data = {"event_type": event_type.code, "title": "VIP dinner", "tiers": ["high_value"],
            "event_day": day.isoformat(), "start_time": "18:30", "venue": "Jing'an hotel",
            "expected_guests": "40", "capacity": "50", "content": "Results and cases"}
    return {**data, **changes}


def test_types_link_to_a_new_plan_with_their_tiers_preselected(banquet, client_as):
    client = client_as("planner")
    assert "/events/plans/new?type=banquet" in client.get("/events/types").get_data(as_text=True)
    page = client.get("/events/plans/new?type=banquet").get_data(as_text=True)
    assert re.search(r'<option selected value="banquet">', page)
    checked = re.findall(r'checked class="form-check-input" id="tiers-\d" name="tiers" type="checkbox" value="(\w+)"', page)
    assert checked == ["high_value", "growth"]
    assert "checked" not in client.get("/events/plans/new").get_data(as_text=True)


def test_managers_see_no_plan_button(banquet, client_as):
    assert "/events/plans/new" not in client_as("manager").get("/events/types").get_data(as_text=True)


def test_planner_creates_a_plan_through_the_form(banquet, client_as):
    client = client_as("planner")
    response = client.post("/events/plans/new", data=form(banquet))
    plan = db.session.query(Plan).one()
    assert response.status_code == 302 and response.location.endswith(f"/events/plans/{plan.id}")
    assert (plan.title, plan.created_by_id, plan.capacity, plan.start_time.hour) == ("VIP dinner", client.user.id, 50, 18)
    assert len(plan.tasks) == 3
    page = client.get(response.location).get_data(as_text=True)
    assert "VIP dinner" in page and "created with 3 tasks" in page


def test_invalid_input_is_kept_with_errors(banquet, client_as):
    client = client_as("planner")
    page = client.post("/events/plans/new", data=form(banquet, title="", expected_guests="80", tiers=[]))
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "Enter a title." in text and 'value="80"' in text
    page = client.post("/events/plans/new", data=form(banquet, expected_guests="80")).get_data(as_text=True)
    assert "The capacity must hold the expected guests." in page and 'value="VIP dinner"' in page
    page = client.post("/events/plans/new", data=form(banquet, tiers=[], event_day="tomorrow")).get_data(as_text=True)
    assert "Not a valid date value." in page and 'value="tomorrow"' in page
    assert db.session.query(Plan).count() == 0


def test_plan_page_shows_the_timeline_and_warnings(banquet, client_as, make_plan):
    plan = make_plan(event_type=banquet, event_day=clock.today() + timedelta(days=10), title="Gala")
    page = client_as("manager").get(f"/events/plans/{plan.id}").get_data(as_text=True)
    assert 'data-warning="short_preparation"' in page and "alert-warning" in page
    assert page.count('data-testid="task"') == 3 and "Project lead" in page and "Planning team" in page
    assert "Mark done" not in page and "move-form" not in page  # managers only read
    assert 'data-testid="window-review"' in page


def test_plan_page_runs_the_same_queries_for_5_or_50_tasks(client_as, count_queries, make_event_type, make_plan):
    few = make_plan(event_type=make_event_type(tasks=[("execution", 0, "customer_team")] * 5)).id
    many = make_plan(event_type=make_event_type(tasks=[("preparation", -30, "customer_team")] * 50)).id
    client = client_as("planner")
    client.get(f"/events/plans/{few}")
    with count_queries() as five:
        client.get(f"/events/plans/{few}")
    with count_queries() as fifty:
        page = client.get(f"/events/plans/{many}").get_data(as_text=True)
    assert page.count('data-testid="task"') == 50
    assert len(fifty) == len(five)


def test_plans_list_runs_a_fixed_number_of_queries(client_as, count_queries, make_event_type, make_plan):
    client = client_as("manager")
    plan_id = make_plan().id
    client.get("/events/plans")
    with count_queries() as one:
        client.get("/events/plans")
    for _ in range(4):
        make_plan(event_type=make_event_type())
    db.session.query(PlanTask).filter_by(plan_id=plan_id).first().status = "done"
    db.session.commit()
    with count_queries() as five:
        page = client.get("/events/plans").get_data(as_text=True)
    assert page.count('data-testid="plan-row"') == 5 and "1 / 3" in page and "0 / 0" in page
    assert len(five) == len(one)


def test_moving_the_event_from_the_plan_page(banquet, client_as, make_plan):
    plan = make_plan(event_type=banquet, event_day=date(2027, 5, 20))
    client = client_as("planner")
    response = client.post(f"/events/plans/{plan.id}/move", data={"event_day": "2027-05-27"})
    assert response.status_code == 302
    db.session.expire_all()
    assert plan.event_day == date(2027, 5, 27) and plan.tasks[0].due_on == date(2027, 4, 12)
    assert "moved by 7 days" in client.get(f"/events/plans/{plan.id}").get_data(as_text=True)
    client.post(f"/events/plans/{plan.id}/move", data={"event_day": "soon"})
    assert "Enter a valid new event day." in client.get(f"/events/plans/{plan.id}").get_data(as_text=True)


def test_marking_a_task_done_and_reopening_it(banquet, client_as, make_plan):
    plan = make_plan(event_type=banquet)
    task = plan.tasks[0]
    client = client_as("admin")
    assert client.post(f"/events/plans/{plan.id}/tasks/{task.id}", data={"status": "done"}).status_code == 302
    db.session.expire_all()
    assert task.status == "done" and task.done_by_id == client.user.id
    page = client.get(f"/events/plans/{plan.id}").get_data(as_text=True)
    assert "Reopen" in page and "task-done" in page
    client.post(f"/events/plans/{plan.id}/tasks/{task.id}", data={"status": "open"})
    db.session.expire_all()
    assert task.status == "open"


def test_a_task_of_another_plan_is_not_found(banquet, client_as, make_plan):
    plan, other = make_plan(event_type=banquet), make_plan(event_type=banquet)
    client = client_as("planner")
    assert client.post(f"/events/plans/{plan.id}/tasks/{other.tasks[0].id}", data={"status": "done"}).status_code == 404
    assert client.get("/events/plans/999999").status_code == 404


@pytest.mark.parametrize(("state", "colour"), [("draft", "secondary"), ("submitted", "warning"), ("approved", "success"),
                                               ("rejected", "danger"), ("cancelled", "dark")])
def test_the_state_badge_is_coloured_by_state_on_the_plan_page_and_the_list(client_as, make_plan, state, colour):
    client = client_as("planner")
    plan = make_plan()
    plan.state = state
    db.session.commit()
    badge = f'class="badge text-bg-{colour}" data-testid="plan-state"'
    assert badge in client.get(f"/events/plans/{plan.id}").get_data(as_text=True)
    assert badge in client.get("/events/plans").get_data(as_text=True)


@pytest.mark.parametrize("state, offered", [("draft", True), ("approved", True), ("submitted", False),
                                            ("completed", False)])
def test_the_move_form_is_offered_only_where_a_move_is_taken(make_plan, client_as, state, offered):
    plan = make_plan(event_day=clock.today() + timedelta(days=60))
    plan.state = state
    db.session.commit()
    page = client_as("planner").get(f"/events/plans/{plan.id}").get_data(as_text=True)
    assert ('data-testid="move-form"' in page) == offered
