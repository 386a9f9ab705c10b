"""Each user's tasks across plans, and who may mark them done."""
from datetime import date, datetime, timedelta

import pytest

from app.core import clock
from app.events import roles
from app.events.plan_models import PlanTask, RoleAssignment
from app.extensions import db

TODAY = date(2026, 11, 23)


@pytest.fixture
def two_plans(make_event_type, make_plan):
    """Two plans whose tasks belong to different roles (event days T = TODAY + 20 and + 40)."""
    event_type = make_event_type(tasks=[
        ("preparation", -30, "customer_team"), ("execution", -5, "execution_team"),
        ("execution", 0, "execution_team"), ("review", 5, "planning_team"),
    ])
    first = make_plan(event_type=event_type, title="Spring banquet", event_day=TODAY + timedelta(days=20))
    second = make_plan(event_type=event_type, title="Autumn forum", event_day=TODAY + timedelta(days=40))
    return first, second


def assign(plan, role, user):
    assignment = RoleAssignment(plan_id=plan.id, role=role, user_id=user.id)
    db.session.add(assignment)
    db.session.commit()
    return assignment


def test_my_tasks_lists_only_my_roles_tasks_across_plans_by_due_date(two_plans, make_user):
    first, second = two_plans
    staff, someone = make_user("staff"), make_user("staff")
    assign(first, "execution_team", staff)
    assign(second, "execution_team", staff)
    assign(second, "customer_team", staff)
    assign(first, "customer_team", someone)  # another person's role
    rows = roles.my_tasks(staff, TODAY)
    assert [(row.plan.title, row.task.owner_role, row.task.due_on) for row in rows] == [
        ("Autumn forum", "customer_team", TODAY + timedelta(days=10)),
        ("Spring banquet", "execution_team", TODAY + timedelta(days=15)),
        ("Spring banquet", "execution_team", TODAY + timedelta(days=20)),
        ("Autumn forum", "execution_team", TODAY + timedelta(days=35)),
        ("Autumn forum", "execution_team", TODAY + timedelta(days=40)),
    ]
    assert [row.task.owner_role for row in roles.my_tasks(someone, TODAY)] == ["customer_team"]
    assert roles.my_tasks(make_user("planner"), TODAY) == []


def test_overdue_means_open_and_due_before_today(two_plans, make_user):
    first, _second = two_plans
    staff = make_user("staff")
    assign(first, "customer_team", staff)
    assign(first, "execution_team", staff)
    later = TODAY + timedelta(days=16)  # the customer task (due -10) and one execution task (+15) are past
    assert [(r.task.due_on, r.overdue) for r in roles.my_tasks(staff, later)] == [
        (TODAY - timedelta(days=10), True), (TODAY + timedelta(days=15), True), (TODAY + timedelta(days=20), False),
    ]
    task = db.session.query(PlanTask).filter_by(plan_id=first.id, owner_role="customer_team").one()
    task.status, task.done_at = "done", datetime.combine(later, datetime.min.time())
    db.session.commit()
    rows = roles.my_tasks(staff, later)
    assert (rows[0].task.id, rows[0].overdue) == (task.id, False)  # done: not overdue, still listed
    task.done_at = datetime.combine(later - timedelta(days=roles.RECENTLY_DONE_DAYS + 1), datetime.min.time())
    db.session.commit()
    assert task.id not in [row.task.id for row in roles.my_tasks(staff, later)]  # done long ago: gone


def test_my_tasks_page_highlights_overdue_tasks(client_as, make_event_type, make_plan):
    client = client_as("staff")
    plan = make_plan(event_type=make_event_type(tasks=[("preparation", -30, "execution_team"),
                                                       ("execution", 0, "execution_team")]),
                     title="Late dinner", event_day=clock.today() + timedelta(days=10))
    assign(plan, "execution_team", client.user)
    page = client.get("/events/my-tasks").get_data(as_text=True)
    assert page.count('data-testid="task"') == 2
    overdue_rows = [row for row in page.split("<tr ")[1:] if "data-overdue" in row]
    assert len(overdue_rows) == 1 and "table-danger" in overdue_rows[0] and "Overdue" in overdue_rows[0]
    assert "Late dinner" in page and f'href="/events/plans/{plan.id}' not in page  # staff cannot open plans
    assert 'name="back" value="my-tasks"' in page


def test_my_tasks_page_without_roles_says_so(client_as):
    page = client_as("manager").get("/events/my-tasks").get_data(as_text=True)
    assert 'data-testid="no-tasks"' in page and "My tasks" in page


def test_my_tasks_page_runs_the_same_queries_for_2_or_20_tasks(client_as, count_queries, make_event_type,
                                                               make_plan):
    client = client_as("planner")
    few = make_plan(event_type=make_event_type(tasks=[("execution", 0, "publicity_team")] * 2))
    assign(few, "publicity_team", client.user)
    client.get("/events/my-tasks")
    with count_queries() as two:
        page = client.get("/events/my-tasks").get_data(as_text=True)
    assert page.count('data-testid="task"') == 2
    for _ in range(3):
        plan = make_plan(event_type=make_event_type(tasks=[("preparation", -30, "publicity_team")] * 6))
        assign(plan, "publicity_team", client.user)
    with count_queries() as twenty:
        page = client.get("/events/my-tasks").get_data(as_text=True)
    assert page.count('data-testid="task"') == 20
    assert len(twenty) == len(two)


def task_of(plan, role):
    return db.session.query(PlanTask).filter_by(plan_id=plan.id, owner_role=role).first()


def test_staff_in_the_execution_team_mark_their_tasks_but_not_others(client_as, two_plans):
    first, second = two_plans
    client = client_as("staff")
    assign(first, "execution_team", client.user)
    mine, theirs, elsewhere = task_of(first, "execution_team"), task_of(first, "customer_team"), \
        task_of(second, "execution_team")
    answer = client.post(f"/events/plans/{first.id}/tasks/{mine.id}", data={"status": "done", "back": "my-tasks"})
    assert answer.status_code == 302 and answer.location.endswith(f"/events/my-tasks#task-{mine.id}")
    db.session.refresh(mine)
    assert mine.status == "done" and mine.done_by_id == client.user.id
    client.post(f"/events/plans/{first.id}/tasks/{mine.id}", data={"status": "open", "back": "my-tasks"})
    db.session.refresh(mine)
    assert mine.status == "open"
    for task in (theirs, elsewhere):
        answer = client.post(f"/events/plans/{task.plan_id}/tasks/{task.id}", data={"status": "done"})
        assert answer.status_code == 403
        db.session.refresh(task)
        assert task.status == "open"


def test_planners_mark_any_task_and_managers_none(client_as, two_plans):
    first, _second = two_plans
    task = task_of(first, "customer_team")
    answer = client_as("planner").post(f"/events/plans/{first.id}/tasks/{task.id}", data={"status": "done"})
    assert answer.status_code == 302 and answer.location.endswith(f"/events/plans/{first.id}#task-{task.id}")
    db.session.refresh(task)
    assert task.status == "done"
    assert client_as("manager").post(f"/events/plans/{first.id}/tasks/{task.id}",
                                     data={"status": "open"}).status_code == 403
    db.session.refresh(task)
    assert task.status == "done"


def test_managers_see_no_task_buttons_on_the_plan_page(client_as, two_plans):
    first, _second = two_plans
    page = client_as("manager").get(f"/events/plans/{first.id}").get_data(as_text=True)
    assert "/tasks/" not in page and 'data-testid="task"' in page


def test_menu_offers_my_tasks_to_everyone_signed_in(client_as):
    for role in ("admin", "planner", "manager", "staff"):
        assert 'href="/events/my-tasks"' in client_as(role).get("/").get_data(as_text=True)
