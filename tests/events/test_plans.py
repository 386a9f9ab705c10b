"""Plans from an event type: the generated timeline, its warnings and moving the event."""
from datetime import date, time, timedelta

import pytest
from sqlalchemy.exc import IntegrityError

from app.core.errors import DomainError
from app.events.plan_models import PlanTask
from app.events.plans import (
    create_plan,
    move_event,
    phase_windows,
    set_task_status,
    timeline_warnings,
)
from app.extensions import db

DAY = date(2027, 5, 20)


@pytest.fixture
def event_type(make_event_type):
    return make_event_type(
        tiers=("high_value", "growth"),
        tasks=[("preparation", -45, "project_lead"), ("preparation", -14, "execution_team"),
               ("execution", -7, "customer_team"), ("execution", 0, "execution_team"),
               ("review", 7, "planning_team")],
    )


def plan_values(**changes):
    values = {"title": "VIP dinner", "event_day": DAY, "start_time": time(18, 30), "tiers": ["high_value"],
              "expected_guests": 40, "capacity": 50, "venue": "Jing'an hotel", "online": False,
              "content": "Results, cases, gifts", "user": None}
    return {**values, **changes}


def test_create_plan_copies_the_type_tasks_due_at_t_plus_offset(event_type, make_user):
    user = make_user()
    plan = create_plan(event_type, **plan_values(user=user))
    db.session.commit()
    assert plan.state == "draft" and plan.created_by_id == user.id and plan.tiers == ["high_value"]
    assert [(t.phase, t.due_on, t.owner_role, t.status) for t in plan.tasks] == [
        ("preparation", DAY - timedelta(days=45), "project_lead", "open"),
        ("preparation", DAY - timedelta(days=14), "execution_team", "open"),
        ("execution", DAY - timedelta(days=7), "customer_team", "open"),
        ("execution", DAY, "execution_team", "open"),
        ("review", DAY + timedelta(days=7), "planning_team", "open"),
    ]
    assert plan.tasks[0].title_en == "Task" and plan.tasks[0].title_zh == "任务"


@pytest.mark.parametrize(("changes", "field"), [
    ({"title": "  "}, "title"),
    ({"tiers": []}, "tiers"),
    ({"tiers": ["vip"]}, "tiers"),
    ({"expected_guests": -1, "capacity": None}, "expected_guests"),
    ({"capacity": -1, "expected_guests": None}, "capacity"),
    ({"expected_guests": 60, "capacity": 50}, "capacity"),
])
def test_create_plan_refuses_bad_input(event_type, changes, field):
    with pytest.raises(DomainError) as refused:
        create_plan(event_type, **plan_values(**changes))
    assert refused.value.field == field


def test_create_plan_refuses_an_inactive_type(event_type):
    event_type.active = False
    with pytest.raises(DomainError) as refused:
        create_plan(event_type, **plan_values())
    assert refused.value.field == "event_type"


def test_guests_without_capacity_are_fine(event_type):
    assert create_plan(event_type, **plan_values(capacity=None, expected_guests=0)).expected_guests == 0


def test_the_database_refuses_unknown_states(event_type):
    plan = create_plan(event_type, **plan_values())
    plan.state = "archived"
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_phase_windows_follow_domain_section_4():
    assert phase_windows(DAY) == {
        "preparation": (date(2027, 3, 21), date(2027, 5, 13)),
        "execution": (date(2027, 5, 13), date(2027, 5, 23)),
        "review": (date(2027, 5, 21), date(2027, 5, 27)),
    }


def test_a_well_planned_event_60_days_ahead_has_no_warnings(event_type):
    plan = create_plan(event_type, **plan_values())
    assert timeline_warnings(plan, DAY - timedelta(days=60)) == []
    assert timeline_warnings(plan, DAY - timedelta(days=30)) == []


def test_warns_of_a_preparation_shorter_than_30_days(event_type):
    plan = create_plan(event_type, **plan_values())
    assert timeline_warnings(plan, DAY - timedelta(days=29)) == [("short_preparation", {"days": 29, "minimum": 30})]


def test_warns_of_an_event_in_the_past(event_type):
    plan = create_plan(event_type, **plan_values())
    assert [code for code, _ in timeline_warnings(plan, DAY + timedelta(days=1))] == ["event_in_past"]
    assert timeline_warnings(plan, DAY) == [("short_preparation", {"days": 0, "minimum": 30})]


def test_warns_of_a_task_due_outside_its_phase(event_type):
    plan = create_plan(event_type, **plan_values())
    review = plan.tasks[-1]
    review.due_on = DAY + timedelta(days=8)
    db.session.flush()
    assert timeline_warnings(plan, DAY - timedelta(days=60)) == [
        ("task_outside_phase", {"task": review, "first": DAY + timedelta(days=1), "last": DAY + timedelta(days=7)}),
    ]
    set_task_status(review, "done", None)  # done tasks are history, not a problem
    assert timeline_warnings(plan, DAY - timedelta(days=60)) == []


def test_moving_the_event_moves_open_tasks_and_keeps_done_ones(event_type, make_user):
    plan = create_plan(event_type, **plan_values())
    first = plan.tasks[0]
    set_task_status(first, "done", make_user())
    db.session.commit()
    assert move_event(plan, DAY + timedelta(days=10)) == 10
    db.session.commit()
    db.session.expire_all()
    due = {task.id: task.due_on for task in db.session.query(PlanTask).filter_by(plan_id=plan.id)}
    assert due[first.id] == DAY - timedelta(days=45)
    assert sorted(due.values())[1:] == [DAY + timedelta(days=d) for d in (-4, 3, 10, 17)]
    assert plan.event_day == DAY + timedelta(days=10)


def test_marking_a_task_done_and_reopening_it(event_type, make_user):
    user = make_user()
    task = create_plan(event_type, **plan_values()).tasks[0]
    set_task_status(task, "done", user)
    assert (task.status, task.done_by_id) == ("done", user.id) and task.done_at is not None
    set_task_status(task, "open", user)
    assert (task.status, task.done_by_id, task.done_at) == ("open", None, None)
    with pytest.raises(DomainError):
        set_task_status(task, "half", user)
