"""The plan's states and who may take which step (app/events/workflow.py), and the
steps of the plan page: complete from the event day on, review, cancel with a reason."""
from datetime import date, timedelta

import pytest

from app.core import clock
from app.core.errors import DomainError
from app.events import workflow
from app.events.plan_models import PlanActivity
from app.events.workflow import Step
from app.extensions import db

TODAY = date(2027, 5, 20)


@pytest.fixture
def users(make_user):
    return {role: make_user(roles=(role,)) for role in ("admin", "planner", "manager", "staff")}


def plan_in(make_plan, state, event_day=TODAY):
    plan = make_plan(event_day=event_day)
    plan.state = state
    db.session.commit()
    return plan


@pytest.mark.parametrize("state, role, steps", [
    ("draft", "planner", {"submit", "cancel"}),
    ("draft", "manager", {"cancel"}),
    ("draft", "staff", set()),
    ("submitted", "planner", {"reopen", "cancel"}),
    ("submitted", "manager", {"approve", "reject", "cancel"}),
    ("submitted", "admin", {"approve", "reject", "reopen", "cancel"}),
    ("approved", "planner", {"complete", "reopen", "cancel"}),
    ("approved", "manager", {"cancel"}),
    ("rejected", "planner", {"submit", "reopen", "cancel"}),
    ("completed", "planner", {"review"}),
    ("completed", "manager", {"review"}),
    ("reviewed", "admin", set()),
    ("cancelled", "admin", set()),
])
def test_allowed_steps_by_state_and_role(make_plan, users, state, role, steps):
    assert set(workflow.allowed_steps(plan_in(make_plan, state), users[role])) == steps


def test_taking_a_step_moves_the_plan_and_logs_who_and_what(make_plan, users):
    plan = plan_in(make_plan, "submitted")
    workflow.take(plan, Step.APPROVE, users["manager"], "Fine", revision=2)
    db.session.commit()
    entry = db.session.query(PlanActivity).filter_by(plan_id=plan.id).one()
    assert plan.state == "approved"
    assert (entry.action, entry.user_id, entry.detail) == (
        "plan.approve", users["manager"].id,
        {"previous": "submitted", "state": "approved", "comment": "Fine", "revision": 2})


def test_a_step_is_refused_for_the_wrong_role_or_state_and_nothing_changes(make_plan, users):
    plan = plan_in(make_plan, "draft")
    with pytest.raises(DomainError, match="Your role may not take this step"):
        workflow.take(plan, Step.SUBMIT, users["manager"])
    with pytest.raises(DomainError, match="not possible while the plan is a draft"):
        workflow.take(plan, Step.APPROVE, users["manager"])
    with pytest.raises(DomainError, match="role"):
        workflow.check_step(plan, Step.CANCEL, users["staff"])
    assert workflow.check_step(plan, Step.CANCEL, users["planner"]) == "cancelled"
    assert plan.state == "draft" and db.session.query(PlanActivity).count() == 0


def test_the_plan_page_leaves_submission_and_decisions_to_the_budget(make_plan, users):
    plan = plan_in(make_plan, "submitted")
    for step in (Step.SUBMIT, Step.APPROVE, Step.REJECT, Step.REOPEN):
        with pytest.raises(DomainError, match="budget page"):
            workflow.take_on_plan_page(plan, step, users["admin"], TODAY)
    assert plan.state == "submitted"


def test_an_event_is_completed_from_its_day_on(make_plan, users):
    plan = plan_in(make_plan, "approved", event_day=TODAY)
    assert workflow.not_yet(plan, Step.COMPLETE, TODAY - timedelta(days=1))
    with pytest.raises(DomainError, match="from its event day on"):
        workflow.take_on_plan_page(plan, Step.COMPLETE, users["planner"], TODAY - timedelta(days=1))
    assert workflow.not_yet(plan, Step.COMPLETE, TODAY) is None
    workflow.take_on_plan_page(plan, Step.COMPLETE, users["planner"], TODAY)
    assert plan.state == "completed"
    with pytest.raises(DomainError, match="role"):
        workflow.take_on_plan_page(plan, Step.REVIEW, users["staff"], TODAY)
    workflow.take_on_plan_page(plan, Step.REVIEW, users["manager"], TODAY)
    assert plan.state == "reviewed"


@pytest.mark.parametrize("state", ["draft", "submitted", "approved", "rejected"])
def test_an_open_plan_is_cancelled_with_a_reason(make_plan, users, state):
    plan = plan_in(make_plan, state)
    with pytest.raises(DomainError) as refused:
        workflow.take_on_plan_page(plan, Step.CANCEL, users["manager"], TODAY, "  ")
    assert refused.value.field == "comment"
    workflow.take_on_plan_page(plan, Step.CANCEL, users["manager"], TODAY, " Venue closed ")
    assert plan.state == "cancelled"
    assert db.session.query(PlanActivity).filter_by(plan_id=plan.id).one().detail["comment"] == "Venue closed"


@pytest.mark.parametrize("state", ["completed", "reviewed", "cancelled"])
def test_a_closed_plan_cannot_be_cancelled(make_plan, users, state):
    with pytest.raises(DomainError, match="not possible"):
        workflow.take_on_plan_page(plan_in(make_plan, state), Step.CANCEL, users["admin"], TODAY, "Why not")


# ---------------------------------------------------------------- the plan page's state card


def step_path(plan, step):
    return f"/events/plans/{plan.id}/steps/{step}"


def test_the_state_card_offers_the_readers_steps(client_as, make_plan):
    plan = plan_in(make_plan, "draft", event_day=clock.today() + timedelta(days=60))
    planner, manager = client_as("planner"), client_as("manager")
    page = planner.get(f"/events/plans/{plan.id}").get_data(as_text=True)
    assert 'data-testid="to-submit"' in page and f'href="/events/plans/{plan.id}/budget#approval"' in page
    assert 'data-testid="step-cancel"' in page and 'data-testid="cancel-form"' in page
    assert 'data-testid="to-decide"' not in manager.get(f"/events/plans/{plan.id}").get_data(as_text=True)
    plan.state = "submitted"
    db.session.commit()
    page = manager.get(f"/events/plans/{plan.id}").get_data(as_text=True)
    assert 'data-testid="to-decide"' in page and 'data-testid="to-submit"' not in page


def test_complete_is_disabled_before_the_event_day(client_as, make_plan):
    plan = plan_in(make_plan, "approved", event_day=clock.today() + timedelta(days=3))
    client = client_as("planner")
    page = client.get(f"/events/plans/{plan.id}").get_data(as_text=True)
    assert 'data-testid="step-complete" disabled' in page and "can be completed from its event day on" in page
    response = client.post(step_path(plan, "complete"))
    assert response.status_code == 302 and response.location.endswith(f"/events/plans/{plan.id}#state")
    db.session.expire_all()
    assert plan.state == "approved"


def test_completing_and_reviewing_from_the_plan_page(client_as, make_plan):
    plan = plan_in(make_plan, "approved", event_day=clock.today())
    planner = client_as("planner")
    planner.post(step_path(plan, "complete"))
    assert "The plan is completed" in planner.get(f"/events/plans/{plan.id}").get_data(as_text=True)
    manager = client_as("manager")
    manager.post(step_path(plan, "review"))
    db.session.expire_all()
    assert plan.state == "reviewed"
    assert 'data-testid="step-' not in manager.get(f"/events/plans/{plan.id}").get_data(as_text=True)


def test_cancelling_needs_a_reason_which_the_card_then_shows(client_as, make_plan):
    plan = plan_in(make_plan, "draft")
    manager = client_as("manager")
    manager.post(step_path(plan, "cancel"), data={"comment": ""})
    assert "Say why the plan is cancelled." in manager.get(f"/events/plans/{plan.id}").get_data(as_text=True)
    manager.post(step_path(plan, "cancel"), data={"comment": "x" * 2001})
    assert "Field cannot be longer than 2000 characters." in manager.get(f"/events/plans/{plan.id}").get_data(as_text=True)
    manager.post(step_path(plan, "cancel"), data={"comment": "The venue closed."})
    db.session.expire_all()
    assert plan.state == "cancelled"
    page = manager.get(f"/events/plans/{plan.id}").get_data(as_text=True)
    card = page[page.index('data-testid="state-card"'):page.index("</section>", page.index('data-testid="state-card"'))]
    assert "The venue closed." in card and 'data-testid="step-cancel"' not in card


def test_unknown_steps_and_plans_are_404(client_as, make_plan):
    client = client_as("admin")
    assert client.post(step_path(make_plan(), "approve")).status_code == 404
    assert client.post("/events/plans/99999/steps/cancel", data={"comment": "x"}).status_code == 404
