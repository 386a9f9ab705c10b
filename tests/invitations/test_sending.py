"""Bulk sending through the outbox: once per guest and kind (a second click, a task run twice),
an SMTP server that is down and comes back, a message the server refuses, progress and retry."""
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from celery.exceptions import Retry
from sqlalchemy import func, select

from app.events.plan_models import PlanState
from app.extensions import db
from app.invitations import sending, tasks
from app.invitations.models import GuestStatus, Invitation, MessageState, OutboxMessage, SendJob
from app.invitations.services import settings_for
from app.invitations.tasks import backoff, resume_sends, send_job
from app.mail import services as mail_services
from tests.backends import free_port
from tests.invitations.test_messages import parsed
from tests.mail.test_mail import Collector


class Flaky(Collector):
    """Answers 421 (try later) to the message number `busy_at`, 550 to the addresses in `refused`."""

    def __init__(self, busy_at=None, refused=()):
        super().__init__()
        self.calls, self.busy_at, self.refused = 0, busy_at, set(refused)

    async def handle_DATA(self, server, session, envelope):
        self.calls += 1
        if self.calls == self.busy_at:
            return "421 4.3.2 Busy, try again later"
        if self.refused & set(envelope.rcpt_tos):
            return "550 5.1.1 Mailbox unavailable"
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def guests(make_plan, make_invitation):
    """Five guests holding a seat, and one waitlisted, one flagged, one removed."""
    plan = make_plan(title="Customer day")
    plan.state = PlanState.APPROVED  # only an approved plan invites
    seated = [make_invitation(plan=plan, name=f"Guest {n}", email=f"g{n}@example.com", locale="en") for n in range(5)]
    for status in (GuestStatus.WAITLIST, GuestStatus.FLAGGED, GuestStatus.REMOVED):
        make_invitation(plan=plan, name=status.value, email=f"{status.value}@example.com").status = status
    db.session.commit()
    return plan, seated


def server(handler, port=None):
    controller = Controller(handler, hostname="127.0.0.1", port=port or free_port())
    controller.start()
    return controller


def recipients(handler):
    return sorted(message["X-RcptTo"] for message in handler.messages)


def queue_all(plan):
    job = sending.queue(plan, None, sending.INVITATION, None)
    db.session.commit()
    return job


def test_only_seated_guests_are_queued_and_only_once(app, guests):
    plan, seated = guests
    job = queue_all(plan)
    assert sending.progress(job) == {"sent": 0, "failed": 0, "unknown": 0, "remaining": 5, "total": 5, "finished": False}
    assert sending.queue(plan, None, sending.INVITATION, None) is None
    assert sending.queue(plan, [seated[0].id], sending.INVITATION, None) is None
    assert db.session.scalar(select(func.count(SendJob.id)).where(SendJob.plan_id == plan.id)) == 1
    # Another kind is another message.
    assert sending.progress(sending.queue(plan, [seated[0].id], "nudge", None))["total"] == 1


def test_two_clicks_send_each_invitation_once(client_as, guests, outbox):
    plan, seated = guests
    client = client_as("planner")
    first = client.post(f"/events/plans/{plan.id}/guests/send")
    assert first.status_code == 302 and "/sends/" in first.location
    second = client.post(f"/events/plans/{plan.id}/guests/send", follow_redirects=True)
    assert "has been sent the invitation already" in second.get_data(as_text=True)
    sent = outbox()
    assert sorted(message["To"].addresses[0].addr_spec for message in sent) == [g.email for g in seated]
    db.session.expire_all()
    assert all(guest.invited_at is not None for guest in seated)
    page = client.get(first.location).get_data(as_text=True)
    assert 'data-count="sent">5<' in page


@pytest.mark.parametrize("state", ["cancelled", "completed", "reviewed"])
def test_nothing_is_sent_for_an_event_cancelled_or_over(client_as, guests, outbox, state):
    plan, seated = guests
    plan.state = state
    db.session.commit()
    client = client_as("planner")
    for path in (f"/events/plans/{plan.id}/guests/send", f"/events/plans/{plan.id}/reminders/send"):
        page = client.post(path, follow_redirects=True).get_data(as_text=True)
        assert "This event is cancelled or over" in page
    assert tasks.invite_promoted(plan, seated[:1], None) is None  # nor to a guest moved up from the waitlist
    assert outbox() == [] and db.session.scalar(select(func.count(SendJob.id)).where(SendJob.plan_id == plan.id)) == 0


def test_running_the_task_twice_sends_nothing_twice(app, guests, outbox):
    plan, _seated = guests
    job = queue_all(plan)
    send_job.delay(job.id)
    send_job.delay(job.id)
    assert len(outbox()) == 5
    assert sending.progress(job) == {"sent": 5, "failed": 0, "unknown": 0, "remaining": 0, "total": 5, "finished": True}
    assert db.session.scalars(select(OutboxMessage.attempts).where(OutboxMessage.job_id == job.id)).all() == [1] * 5


def test_smtp_down_then_up_delivers_every_invitation_exactly_once(make_app, guests):
    plan, seated = guests
    port = free_port()  # nothing listens yet
    smtp_app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_TIMEOUT=2)
    job = queue_all(plan)
    with smtp_app.app_context(), pytest.raises(Retry):
        tasks.dispatch(job)
    assert sending.progress(job)["remaining"] == 5  # still queued, for the retry
    # The server comes back, but is busy at the third message: the task retries again.
    handler = Flaky(busy_at=3)
    controller = server(handler, port)
    try:
        with smtp_app.app_context():
            with pytest.raises(Retry):
                send_job.delay(job.id)
            assert sending.progress(job) == {"sent": 2, "failed": 0, "unknown": 0, "remaining": 3, "total": 5, "finished": False}
            assert send_job.delay(job.id).get() == {"sent": 5, "failed": 0, "unknown": 0, "remaining": 0, "total": 5,
                                                   "finished": True}
            send_job.delay(job.id)  # a late duplicate of the retry
    finally:
        controller.stop()
    assert recipients(handler) == [guest.email for guest in seated]


def test_a_refused_message_fails_with_its_error_and_can_be_retried(make_app, client_as, guests):
    plan, seated = guests
    handler = Flaky(refused={seated[1].email})
    controller = server(handler)
    smtp_app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port)
    try:
        job = queue_all(plan)
        with smtp_app.app_context():
            tasks.dispatch(job)
        assert sending.progress(job) == {"sent": 4, "failed": 1, "unknown": 0, "remaining": 0, "total": 5, "finished": True}
        client = client_as("manager")  # managers follow the progress
        page = client.get(f"/events/plans/{plan.id}/sends/{job.id}").get_data(as_text=True)
        assert "Mailbox unavailable" in page and seated[1].email in page
        assert seated[1].rsvp_token not in page
        assert client.get(f"/events/plans/{plan.id}/sends/{job.id}/progress").get_json()["failed"] == 1
        handler.refused.clear()
        planner = client_as("planner")
        with smtp_app.test_request_context():
            assert sending.requeue_failed(job) == 1
            db.session.commit()
            tasks.dispatch(job)
    finally:
        controller.stop()
    assert sending.progress(job)["sent"] == 5
    assert recipients(handler) == [guest.email for guest in seated]
    retry = planner.post(f"/events/plans/{plan.id}/sends/{job.id}/retry", follow_redirects=True)
    assert "No message of this send is waiting or failed" in retry.get_data(as_text=True)


def test_progress_is_one_query(app, guests, count_queries):
    plan, _seated = guests
    job = queue_all(plan)
    with count_queries() as queries:
        sending.progress(job)
    assert len(queries) == 1


def test_the_error_never_shows_a_token(app, guests):
    _plan, seated = guests
    error = OSError(f"refused http://x/rsvp/{seated[0].rsvp_token}")
    text = sending._error_text(error, seated[0])
    assert seated[0].rsvp_token not in text and seated[0].rsvp_token[:4] in text


def test_backoff_grows_to_an_hour():
    assert [backoff(n) for n in (0, 1, 2, 10)] == [30, 60, 120, 3600]


def test_a_guest_taken_off_the_list_after_queueing_is_not_sent(app, guests, outbox):
    plan, seated = guests
    job = queue_all(plan)
    seated[0].status = GuestStatus.REMOVED
    db.session.commit()
    send_job.delay(job.id)
    assert len(outbox()) == 4
    failed = db.session.scalar(select(OutboxMessage).where(OutboxMessage.invitation_id == seated[0].id))
    assert failed.state == MessageState.FAILED and "no longer on the list" in failed.last_error


def test_the_send_panel_counts_and_lists_sends(client_as, guests):
    plan, _seated = guests
    client = client_as("planner")
    page = client.get(f"/events/plans/{plan.id}/guests").get_data(as_text=True)
    assert "5 guests with an e-mail address have not been sent the invitation yet." in page
    client.post(f"/events/plans/{plan.id}/guests/send")
    page = client.get(f"/events/plans/{plan.id}/guests").get_data(as_text=True)
    assert "0 guests with an e-mail address" in page and "5 of 5 sent" in page


def test_the_received_message_is_the_guests(make_app, guests):
    plan, seated = guests
    handler = Collector()
    controller = server(handler)
    try:
        with make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port).app_context():
            tasks.dispatch(queue_all(plan))
    finally:
        controller.stop()
    by_address = {message["X-RcptTo"]: parsed(message) for message in handler.messages}
    for guest in seated:
        text = by_address[guest.email].get_body(("plain",)).get_content()
        assert f"Dear {guest.name}," in text and guest.rsvp_token in text
        others = [other.rsvp_token for other in seated if other is not guest]
        assert not any(token in text for token in others)


def test_managers_see_the_sends_but_no_send_buttons(client_as, guests):
    plan, _seated = guests
    client_as("planner").post(f"/events/plans/{plan.id}/guests/send")
    page = client_as("manager").get(f"/events/plans/{plan.id}/guests").get_data(as_text=True)
    assert "5 of 5 sent" in page
    assert f"/events/plans/{plan.id}/guests/send" not in page and "export.csv" not in page


def test_a_hostile_name_adds_no_header_and_blocks_no_one(make_app, guests):
    plan, seated = guests
    seated[2].name = "Wang\nBcc: spy@example.com"  # as stored before names were cleaned at input
    seated[3].company = "Evil\r\nX-Injected: 1"
    settings_for(plan).subject_en = "For {name} of {company}"  # both in the Subject header too
    db.session.commit()
    handler = Collector()
    controller = server(handler)
    try:
        with make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port).app_context():
            tasks.dispatch(queue_all(plan))
    finally:
        controller.stop()
    assert recipients(handler) == [guest.email for guest in seated]  # each once, nobody else
    hostile = next(m for m in handler.messages if m["X-RcptTo"] == seated[2].email)
    assert hostile["Bcc"] is None and hostile["To"] == f'"Wang Bcc: spy@example.com" <{seated[2].email}>'
    assert hostile["Subject"] == "For Wang Bcc: spy@example.com of"
    assert all(message["X-Injected"] is None for message in handler.messages)
    assert sending.progress(plan_job(plan)) == {"sent": 5, "failed": 0, "unknown": 0, "remaining": 0, "total": 5,
                                                "finished": True}


def plan_job(plan):
    return db.session.scalar(select(SendJob).where(SendJob.plan_id == plan.id).order_by(SendJob.id.desc()))


def test_any_error_fails_its_own_message_only_with_its_reason(client_as, guests, outbox, monkeypatch):
    plan, seated = guests
    deliver = mail_services.write_to_outbox

    def picky(message, folder):
        if seated[1].email in message["To"]:
            raise ValueError("the mail library refused this header")
        return deliver(message, folder)

    monkeypatch.setattr(mail_services, "write_to_outbox", picky)
    send_job.delay(queue_all(plan).id)
    job = plan_job(plan)
    assert sending.progress(job) == {"sent": 4, "failed": 1, "unknown": 0, "remaining": 0, "total": 5, "finished": True}
    assert len(outbox()) == 4
    page = client_as("planner").get(f"/events/plans/{plan.id}/sends/{job.id}").get_data(as_text=True)
    assert "ValueError: the mail library refused this header" in page and seated[1].email in page


def test_a_message_cut_off_by_a_dead_worker_is_unknown_never_resent(client_as, guests, outbox, app, monkeypatch):
    plan, seated = guests
    monkeypatch.setitem(app.config, "SEND_STALE_AFTER", 60)
    job = queue_all(plan)
    cut_off = db.session.scalar(select(OutboxMessage).where(OutboxMessage.invitation_id == seated[0].id))
    # The worker claimed it, talked to the SMTP server, and died before recording the answer.
    cut_off.state, cut_off.claimed_at, cut_off.attempts = MessageState.SENDING, sending._now() - timedelta(minutes=2), 1
    job.heartbeat_at = sending._now() - timedelta(minutes=2)
    db.session.commit()
    assert resume_sends.delay().get() == [job.id]  # beat resumes the job by itself
    assert resume_sends.delay().get() == []  # finished: nothing to resume again
    assert sorted(m["To"].addresses[0].addr_spec for m in outbox()) == [g.email for g in seated[1:]]
    assert sending.progress(job) == {"sent": 4, "failed": 0, "unknown": 1, "remaining": 0, "total": 5, "finished": True}
    send_job.delay(job.id)  # a late duplicate sends nothing
    assert len(outbox()) == 4
    planner = client_as("planner")
    page = planner.get(f"/events/plans/{plan.id}/sends/{job.id}").get_data(as_text=True)
    assert "Delivery not known" in page and seated[0].email in page and 'data-count="unknown">1<' in page
    resend = f"/events/plans/{plan.id}/sends/{job.id}/messages/{cut_off.id}/resend"
    assert "Count it as sent" in page and resend in page
    assert client_as("manager").post(resend).status_code == 403
    planner.post(resend)
    assert sorted(m["To"].addresses[0].addr_spec for m in outbox()) == [g.email for g in seated]
    again = planner.post(resend, follow_redirects=True).get_data(as_text=True)
    assert "no longer waiting for a decision" in again and len(outbox()) == 5


def test_the_planner_may_count_an_unknown_message_as_sent(client_as, guests, outbox):
    plan, seated = guests
    job = queue_all(plan)
    message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.invitation_id == seated[0].id))
    message.state = MessageState.UNKNOWN
    db.session.commit()
    client_as("planner").post(f"/events/plans/{plan.id}/sends/{job.id}/messages/{message.id}/sent")
    db.session.expire_all()
    assert message.state == MessageState.SENT and seated[0].invited_at is not None and outbox() == []


def test_two_beats_resume_a_stuck_job_once(app, guests, monkeypatch):
    plan, _seated = guests
    job = queue_all(plan)
    job.heartbeat_at = sending._now() - timedelta(seconds=app.config["SEND_STALE_AFTER"] + 1)
    db.session.commit()
    assert sending.stuck_jobs() == [job.id]
    assert sending.take_for_resume(job.id) is True
    assert sending.take_for_resume(job.id) is False  # the other beat
    assert sending.stuck_jobs() == []


def test_a_scheduled_retry_is_not_taken_for_stuck(make_app, guests):
    plan, _seated = guests
    smtp_app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), MAIL_TIMEOUT=2, SEND_STALE_AFTER=1)
    job = queue_all(plan)
    with smtp_app.app_context(), pytest.raises(Retry):
        tasks.dispatch(job)
    with smtp_app.app_context():
        assert sending.stuck_jobs() == []  # waiting 30 s for its retry, not stuck


def test_names_are_one_line_at_input(client_as, make_plan):
    plan = make_plan()
    client_as("planner").post(f"/events/plans/{plan.id}/guests/contact", data={
        "name": "Wang\nBcc: spy@example.com", "company": "ACME\r\nLtd\x00", "email": "wang@example.com", "locale": "en"})
    guest = db.session.scalar(select(Invitation).where(Invitation.plan_id == plan.id))
    assert (guest.name, guest.company) == ("Wang Bcc: spy@example.com", "ACME Ltd")
