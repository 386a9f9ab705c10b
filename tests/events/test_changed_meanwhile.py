"""Every door that changes a plan goes through the same rule, and two editors of the same plan,
goal or invitation settings do not silently undo each other (optimistic locking)."""
import re
from datetime import timedelta
from decimal import Decimal

import pytest

from app.core import clock
from app.core.errors import DomainError
from app.core.versions import ChangedMeanwhile
from app.events import goals
from app.events.plan_models import PlanGoal
from app.events.plans import move_event, update_plan
from app.events.workflow import Step, take
from app.extensions import db
from app.invitations import services as invitation_services
from tests.conftest import sign_in

DAY = clock.today() + timedelta(days=90)


@pytest.fixture
def plan(make_plan):
    return make_plan(event_day=DAY, title="客户答谢晚宴", tiers=("high_value",), expected_guests=40, capacity=50)


@pytest.fixture
def planner(make_user):
    return make_user(roles=("planner",))


def approve(plan, planner, make_user):
    take(plan, Step.SUBMIT, planner)
    take(plan, Step.APPROVE, make_user(roles=("manager",)))
    db.session.commit()


def hidden(page, name):
    return re.search(rf'name="{name}" type="hidden" value="([^"]*)"', page).group(1)


def edit_data(**changes):
    return {"title": "客户答谢晚宴", "tiers": ["high_value"], "event_day": DAY.isoformat(), "expected_guests": "40",
            "capacity": "50", **changes}


# ---------------------------------------------------------------- moving the event day


def test_moving_an_approved_plan_sends_it_back_for_approval(plan, planner, make_user):
    approve(plan, planner, make_user)
    assert move_event(plan, DAY + timedelta(days=7), planner) == 7
    db.session.commit()
    assert plan.state == "draft" and plan.event_day == DAY + timedelta(days=7)


def test_the_move_form_sends_an_approved_plan_back_to_draft(app, plan, planner, make_user):
    approve(plan, planner, make_user)
    client = sign_in(app.test_client(), planner)
    page = client.get(f"/events/plans/{plan.id}?lang=en").get_data(as_text=True)
    assert "Moving an approved plan sends it back to draft" in page
    response = client.post(f"/events/plans/{plan.id}/move", data={
        "event_day": (DAY + timedelta(days=14)).isoformat(), "version": hidden(page, "version")},
        follow_redirects=True)
    assert "back to draft" in response.get_data(as_text=True)
    db.session.expire_all()
    assert plan.state == "draft" and plan.event_day == DAY + timedelta(days=14)


def test_a_submitted_plan_is_not_moved(app, plan, planner):
    take(plan, Step.SUBMIT, planner)
    db.session.commit()
    with pytest.raises(DomainError, match="submitted cannot be edited"):
        move_event(plan, DAY + timedelta(days=7), planner)
    db.session.rollback()
    client = sign_in(app.test_client(), planner)
    response = client.post(f"/events/plans/{plan.id}/move?lang=en",
                           data={"event_day": (DAY + timedelta(days=7)).isoformat()}, follow_redirects=True)
    assert "cannot be edited" in response.get_data(as_text=True)
    db.session.expire_all()
    assert plan.state == "submitted" and plan.event_day == DAY


def test_a_move_from_an_old_page_is_refused(app, plan, planner):
    client = sign_in(app.test_client(), planner)
    version = hidden(client.get(f"/events/plans/{plan.id}").get_data(as_text=True), "version")
    update_plan(plan, planner, venue="静安酒店")
    db.session.commit()
    response = client.post(f"/events/plans/{plan.id}/move?lang=en", data={
        "event_day": (DAY + timedelta(days=7)).isoformat(), "version": version}, follow_redirects=True)
    assert "the plan changed meanwhile" in response.get_data(as_text=True)
    db.session.expire_all()
    assert plan.event_day == DAY


# ---------------------------------------------------------------- plans


def test_the_second_save_of_the_edit_form_does_not_undo_the_first(app, plan, planner, make_user):
    first = sign_in(app.test_client(), planner)
    second = sign_in(app.test_client(), make_user(roles=("admin",)))
    version_first = hidden(first.get(f"/events/plans/{plan.id}/edit").get_data(as_text=True), "version")
    version_second = hidden(second.get(f"/events/plans/{plan.id}/edit").get_data(as_text=True), "version")
    assert first.post(f"/events/plans/{plan.id}/edit",
                      data=edit_data(venue="静安酒店", version=version_first)).status_code == 302
    response = second.post(f"/events/plans/{plan.id}/edit?lang=en",
                           data=edit_data(onsite="签到台两个", version=version_second))
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Someone else changed this while you were editing it." in page
    assert "签到台两个" in page
    db.session.expire_all()
    assert (plan.venue, plan.onsite) == ("静安酒店", "")
    # Saving again from the refused form applies the entries on purpose.
    assert second.post(f"/events/plans/{plan.id}/edit", data=edit_data(
        venue="静安酒店", onsite="签到台两个", version=hidden(page, "version"))).status_code == 302
    db.session.expire_all()
    assert (plan.venue, plan.onsite) == ("静安酒店", "签到台两个")


def test_a_tier_change_alone_raises_the_version(plan, planner):
    version = plan.version
    update_plan(plan, planner, tiers=["high_value", "growth"])
    db.session.commit()
    assert plan.version > version
    with pytest.raises(ChangedMeanwhile):
        update_plan(plan, planner, seen_version=version, venue="x")


# ---------------------------------------------------------------- goals


def test_the_second_save_of_a_goal_is_refused_and_keeps_the_entries(app, plan, planner, make_user):
    goal = goals.add_goal(plan, planner, metric="nps", target=Decimal("60"), deadline=DAY + timedelta(days=30))
    db.session.commit()
    first = sign_in(app.test_client(), planner)
    second = sign_in(app.test_client(), make_user(roles=("planner",)))
    path = f"/events/plans/{plan.id}/goals/{goal.id}"
    version_first = hidden(first.get(path).get_data(as_text=True), "version")
    version_second = hidden(second.get(path).get_data(as_text=True), "version")
    data = {"metric": "nps", "deadline": (DAY + timedelta(days=30)).isoformat()}
    assert first.post(path, data={**data, "target": "70", "version": version_first}).status_code == 302
    response = second.post(path + "?lang=en", data={**data, "target": "65.5", "version": version_second})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Someone else changed this" in page and 'value="65.5"' in page
    db.session.expire_all()
    assert db.session.get(PlanGoal, goal.id).target == Decimal("70")


# ---------------------------------------------------------------- invitation settings


def test_the_second_save_of_the_invitation_settings_is_refused(app, plan, planner, make_user):
    path = f"/events/plans/{plan.id}/guests/settings"
    first = sign_in(app.test_client(), planner)
    second = sign_in(app.test_client(), make_user(roles=("planner",)))
    version_first = hidden(first.get(path).get_data(as_text=True), "version")
    version_second = hidden(second.get(path).get_data(as_text=True), "version")
    data = {"companions_cap": "1", "reminder_days": "3,1", "control_share": "0"}
    assert first.post(path, data={**data, "companions_cap": "3", "version": version_first}).status_code == 302
    response = second.post(path + "?lang=en", data={**data, "control_share": "12", "version": version_second})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Someone else changed this" in page and 'value="12' in page
    db.session.expire_all()
    settings = invitation_services.settings_for(plan)
    assert (settings.companions_cap, settings.control_share) == (3, Decimal("0"))
