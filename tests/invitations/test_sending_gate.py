"""Only an approved plan invites: the send button, the send itself, the task that sends what was
queued, and the waitlist all go through `services.require_sending_allowed`."""
import pytest
from sqlalchemy import func, select

from app.core.errors import DomainError
from app.events.plan_models import PlanState
from app.extensions import db
from app.invitations import sending, services
from app.invitations.models import Invitation, MessageState, OutboxMessage
from app.invitations.tasks import send_job
from tests.conftest import new_api


@pytest.fixture
def submitted(make_plan, make_invitation):
    plan = make_plan(title="Customer day")
    for n in range(3):
        make_invitation(plan=plan, email=f"g{n}@example.com", locale="en")
    plan.state = PlanState.SUBMITTED
    db.session.commit()
    return plan


def messages_of(plan):
    return db.session.scalar(select(func.count()).select_from(OutboxMessage).join(OutboxMessage.invitation)
                             .where(Invitation.plan_id == plan.id))


@pytest.mark.parametrize("state", [PlanState.DRAFT, PlanState.SUBMITTED, PlanState.REJECTED])
def test_the_service_refuses_to_invite_before_the_approval(submitted, state):
    submitted.state = state
    with pytest.raises(DomainError) as refused:
        sending.queue(submitted, None, sending.INVITATION, None)
    assert "approved" in str(refused.value.message)
    db.session.rollback()
    assert messages_of(submitted) == 0


def test_the_send_button_of_a_submitted_plan_is_refused_with_a_translated_reason(client_as, submitted, outbox):
    planner = client_as("planner", locale="zh")
    page = planner.get(f"/events/plans/{submitted.id}/guests").get_data(as_text=True)
    assert 'data-testid="send-refused"' in page and "方案获批后才能发送邀请" in page
    assert 'disabled aria-describedby="send-refused"' in page
    response = planner.post(f"/events/plans/{submitted.id}/guests/send", follow_redirects=True)
    assert response.status_code == 200 and "方案获批后才能发送邀请" in response.get_data(as_text=True)
    assert messages_of(submitted) == 0 and outbox() == []


def test_once_approved_the_invitations_go_out(client_as, submitted, outbox):
    submitted.state = PlanState.APPROVED
    db.session.commit()
    planner = client_as("planner")
    page = planner.get(f"/events/plans/{submitted.id}/guests").get_data(as_text=True)
    assert 'data-testid="send-refused"' not in page
    assert planner.post(f"/events/plans/{submitted.id}/guests/send").status_code == 302
    assert len(outbox()) == 3


def test_invitations_queued_before_the_plan_went_back_to_draft_are_not_sent(app, submitted, outbox):
    submitted.state = PlanState.APPROVED
    job = sending.queue(submitted, None, sending.INVITATION, None)
    submitted.state = PlanState.DRAFT  # e.g. moved: to be approved again before anything goes out
    db.session.commit()
    send_job.apply(args=[job.id])
    states = db.session.scalars(select(OutboxMessage.state).where(OutboxMessage.job_id == job.id)).all()
    assert states == [MessageState.FAILED] * 3 and outbox() == []
    assert services.sending_refused(submitted) is not None


def test_the_api_refuses_to_invite_before_the_approval_and_sends_once_approved(app, submitted, outbox):
    api = new_api(app)
    response = api.post(f"/api/v1/plans/{submitted.id}/guests/send")
    assert response.status_code == 422 and "approved" in response.json["error"]
    assert response.json["errors"][0]["field"] == "plan"
    assert messages_of(submitted) == 0
    submitted.state = PlanState.APPROVED
    db.session.commit()
    response = api.post(f"/api/v1/plans/{submitted.id}/guests/send")
    assert response.status_code == 202 and response.json["total"] == 3
    assert len(outbox()) == 3
    again = api.post(f"/api/v1/plans/{submitted.id}/guests/send")
    assert again.status_code == 200 and again.json["job_id"] is None and len(outbox()) == 3
