"""The home page lists the doors a user may keep: the approved events from yesterday to two
weeks ahead; door staff see only the events whose team has them at the door."""
from datetime import timedelta

import pytest

from app.checkin import access
from app.core import clock
from app.events.models import OwnerRole
from app.events.plan_models import PlanState
from app.events.roles import assign
from app.extensions import db
from tests.conftest import sign_in

pytestmark = pytest.mark.db


@pytest.fixture
def plans(make_plan):
    def approved(title, days, state=PlanState.APPROVED):
        plan = make_plan(title=title, event_day=clock.today() + timedelta(days=days))
        plan.state = state
        return plan

    made = {"tonight": approved("今晚答谢宴", 0), "yesterday": approved("昨日培训", -1),
            "soon": approved("下周家庭日", 7), "past": approved("上月酒会", -3),
            "far": approved("明年年会", 30), "draft": approved("草稿活动", 2, PlanState.DRAFT)}
    db.session.commit()
    return made


def test_door_staff_see_only_their_events_in_the_window(plans, make_user, count_queries):
    staff = make_user(roles=("staff",), name="门口小李")
    for key in ("tonight", "far", "draft"):
        assign(plans[key], OwnerRole.DOOR_STAFF, staff, None)
    db.session.commit()
    assert staff.has_role("staff")  # the signed-in user is loaded with the request, before the page
    with count_queries() as queries:
        doors = access.doors_for(staff)
    assert [plan.title for plan in doors] == ["今晚答谢宴"]
    assert len(queries) == 1


def test_planners_see_every_approved_event_in_the_window_soonest_first(plans, make_user):
    planner = make_user(roles=("planner",))
    assert [plan.title for plan in access.doors_for(planner)] == ["昨日培训", "今晚答谢宴", "下周家庭日"]


def test_managers_and_unassigned_staff_see_no_door(plans, make_user):
    assert access.doors_for(make_user(roles=("manager",))) == []
    assert access.doors_for(make_user(roles=("staff",))) == []


def test_the_home_page_links_each_door_to_its_scanner(app, plans, make_user):
    staff = make_user(roles=("staff",))
    assign(plans["tonight"], OwnerRole.DOOR_STAFF, staff, None)
    db.session.commit()
    page = sign_in(app.test_client(), staff).get("/").get_data(as_text=True)
    assert f'href="/door/plans/{plans["tonight"].id}"' in page and "今晚答谢宴" in page
    assert "下周家庭日" not in page


def test_the_plan_page_links_the_scanner_and_the_door_setup_for_planners(app, plans, make_user):
    plan_id = plans["tonight"].id
    page = sign_in(app.test_client(), make_user(roles=("planner",))).get(f"/events/plans/{plan_id}").get_data(as_text=True)
    assert f'href="/door/plans/{plan_id}"' in page and f'href="/events/plans/{plan_id}/door"' in page
    page = sign_in(app.test_client(), make_user(roles=("manager",))).get(f"/events/plans/{plan_id}").get_data(as_text=True)
    assert f'href="/events/plans/{plan_id}/door"' not in page
