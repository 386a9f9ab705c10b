"""Copying a past plan into a new one with its dates shifted (event-plans item 11)."""
from datetime import date, time, timedelta

import pytest
from sqlalchemy import select

from app.core.errors import DomainError
from app.events.web.copy_forms import copy_title, next_year
from app.events.plan_models import Plan, RoleAssignment
from app.events.plans import copy_plan, set_task_status
from app.events.roles import assign
from app.extensions import db

DAY = date(2026, 5, 20)
NEW_DAY = date(2027, 5, 27)


@pytest.fixture
def source(make_event_type, make_plan, make_user):
    event_type = make_event_type(tiers=("high_value",), tasks=[
        ("preparation", -45, "project_lead"), ("execution", 0, "execution_team"), ("review", 7, "planning_team"),
    ])
    plan = make_plan(event_type=event_type, event_day=DAY, tiers=("high_value", "growth"), title="VIP dinner 2026",
                     start_time=time(18, 30), expected_guests=40, capacity=50, venue="Jing'an hotel",
                     content="Results, cases, gifts")
    # The planner edited the timeline: a task moved off its template offset and one renamed.
    plan.tasks[0].due_on = DAY - timedelta(days=40)
    plan.tasks[1].title_en = "Welcome the guests"
    set_task_status(plan.tasks[2], "done", make_user())
    db.session.commit()
    return plan


def roles_of(plan):
    return sorted(db.session.execute(
        select(RoleAssignment.role, RoleAssignment.user_id).where(RoleAssignment.plan_id == plan.id)
    ).all())


def test_copy_shifts_every_task_by_the_difference_and_reopens_them(source):
    copy = copy_plan(source, NEW_DAY, "VIP dinner 2027", None)
    db.session.commit()
    shift = NEW_DAY - DAY
    assert [(t.phase, t.title_en, t.owner_role, t.due_on, t.status, t.done_at, t.done_by_id) for t in copy.tasks] == [
        (t.phase, t.title_en, t.owner_role, t.due_on + shift, "open", None, None) for t in source.tasks
    ]
    assert copy.tasks[0].due_on == NEW_DAY - timedelta(days=40)  # the edited date, not the template's T-45


def test_copy_keeps_the_fields_and_tiers_as_a_new_draft(source, make_user):
    user = make_user()
    copy = copy_plan(source, NEW_DAY, "  VIP dinner 2027 ", user)
    db.session.commit()
    assert copy.id != source.id and copy.state == "draft" and copy.created_by_id == user.id
    assert (copy.title, copy.event_day) == ("VIP dinner 2027", NEW_DAY)
    assert copy.event_type_id == source.event_type_id and copy.tiers == ["high_value", "growth"]
    assert (copy.start_time, copy.expected_guests, copy.capacity, copy.venue, copy.online, copy.content) == (
        time(18, 30), 40, 50, "Jing'an hotel", False, "Results, cases, gifts")


def test_copy_leaves_the_source_unchanged(source):
    before = [(t.id, t.due_on, t.status) for t in source.tasks]
    copy_plan(source, NEW_DAY, "VIP dinner 2027", None)
    db.session.commit()
    db.session.expire_all()
    source = db.session.get(Plan, source.id)
    assert source.event_day == DAY and source.title == "VIP dinner 2026"
    assert [(t.id, t.due_on, t.status) for t in source.tasks] == before


def test_copy_keeps_the_team_of_active_users_only_when_asked(source, make_user):
    lead, helper, gone = make_user(), make_user(roles=("staff",)), make_user(roles=("staff",))
    for role, user in (("project_lead", lead), ("execution_team", helper), ("execution_team", gone)):
        assign(source, role, user, None)
    gone.active = False
    db.session.commit()
    kept = copy_plan(source, NEW_DAY, "With team", None, keep_team=True)
    alone = copy_plan(source, NEW_DAY, "Without team", None, keep_team=False)
    db.session.commit()
    assert roles_of(kept) == sorted([("execution_team", helper.id), ("project_lead", lead.id)])
    assert roles_of(alone) == []
    assert len(roles_of(source)) == 3


@pytest.mark.parametrize(("title", "field"), [("  ", "title")])
def test_copy_validates_like_create_plan(source, title, field):
    with pytest.raises(DomainError) as error:
        copy_plan(source, NEW_DAY, title, None)
    assert error.value.field == field


def test_copy_refuses_an_inactive_event_type(source):
    source.event_type.active = False
    with pytest.raises(DomainError) as error:
        copy_plan(source, NEW_DAY, "Copy", None)
    assert error.value.field == "event_type"


def test_default_title_and_day():
    assert copy_title("Annual gala 2026") == "Annual gala 2027"
    assert copy_title("2026年客户答谢会") == "2027年客户答谢会"
    assert copy_title("Gala for 120 guests") == "Copy of Gala for 120 guests"
    assert next_year(date(2026, 5, 20)) == date(2027, 5, 20)
    assert next_year(date(2028, 2, 29)) == date(2029, 2, 28)


def test_the_form_is_prefilled_with_next_year(source, client_as):
    page = client_as("planner").get(f"/events/plans/{source.id}/copy").get_data(as_text=True)
    assert 'value="VIP dinner 2027"' in page and 'value="2027-05-20"' in page
    assert 'name="keep_team"' in page and "checked" in page


def test_posting_the_form_creates_the_copy_and_opens_it(source, client_as):
    client = client_as("planner")
    response = client.post(f"/events/plans/{source.id}/copy",
                           data={"title": "Gala 2027", "event_day": "2027-05-27", "keep_team": "y"})
    copy = db.session.scalar(select(Plan).where(Plan.title == "Gala 2027"))
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/events/plans/{copy.id}")
    assert copy.event_day == NEW_DAY and copy.created_by_id == client.user.id and len(copy.tasks) == 3


def test_a_bad_date_is_kept_with_an_error(source, client_as):
    response = client_as("planner").post(f"/events/plans/{source.id}/copy",
                                         data={"title": "Gala 2027", "event_day": "2027-13-40"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and 'value="2027-13-40"' in page and "invalid-feedback" in page
    assert db.session.scalar(select(Plan).where(Plan.title == "Gala 2027")) is None


def test_the_plan_page_offers_the_copy_only_to_editors(source, client_as):
    assert 'data-testid="plan-copy"' in client_as("planner").get(f"/events/plans/{source.id}").get_data(as_text=True)
    assert 'data-testid="plan-copy"' not in client_as("manager").get(f"/events/plans/{source.id}").get_data(as_text=True)
