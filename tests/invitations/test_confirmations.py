"""The check-in code comes with the acceptance: the confirmation e-mail (QR code and .ics, once per
guest, in the guest's language), and a declined guest's code no longer admits anywhere."""
from io import BytesIO

import pytest
import zxingcpp
from icalendar import Calendar
from PIL import Image
from sqlalchemy import select

from app.events.plan_models import PlanState
from app.extensions import db
from app.invitations import confirmations, services
from app.invitations.models import MessageState, OutboxMessage, TokenKind
from app.invitations.tasks import send_after_acceptance, send_job


@pytest.fixture
def plan(make_plan):
    plan = make_plan(title="2026 答谢晚宴", venue="上海外滩茂悦酒店")
    plan.state = PlanState.APPROVED
    db.session.commit()
    return plan


def accept(client, guest):
    return client.post(f"/rsvp/{guest.rsvp_token}", data={"answer": "accept", "companions": "0"})


def decline(client, guest):
    return client.post(f"/rsvp/{guest.rsvp_token}", data={"answer": "decline", "decline_reason": "schedule"})


def qr_texts(png):
    return [code.text for code in zxingcpp.read_barcodes(Image.open(BytesIO(png)))]


@pytest.mark.parametrize(("locale", "subject"), [("zh", "报名成功：2026 答谢晚宴"), ("en", "You are registered: 2026 答谢晚宴")])
def test_an_acceptance_is_confirmed_with_the_qr_code_and_the_calendar(client, plan, make_invitation, outbox,
                                                                       locale, subject):
    guest = make_invitation(plan=plan, name="张伟", email="zhang@example.com", locale=locale)
    assert accept(client, guest).status_code == 302
    [message] = outbox()  # Celery runs eagerly in tests
    assert message["Subject"] == subject and "zhang@example.com" in message["To"]
    html = message.get_body(("html",)).get_content()
    assert 'src="cid:checkin-qr@rapport"' in html
    [qr] = [part for part in message.walk() if part.get("Content-ID") == "<checkin-qr@rapport>"]
    assert qr_texts(qr.get_content()) == ["RAPPORT:" + guest.checkin_token]
    [ics] = [part for part in message.iter_attachments() if part.get_filename() == "event.ics"]
    [event] = Calendar.from_ical(ics.get_content()).walk("VEVENT")
    assert str(event["UID"]) == f"plan-{plan.id}@rapport.test"
    assert guest.rsvp_token in message.get_body(("plain",)).get_content()


def test_the_confirmation_is_sent_once_however_often_the_answer_is_saved(client, plan, make_invitation, outbox):
    guest = make_invitation(plan=plan)
    accept(client, guest)
    accept(client, guest)  # e.g. a change of companions
    assert send_after_acceptance(guest) is None
    assert len(outbox()) == 1
    kinds = db.session.scalars(select(OutboxMessage.kind).where(OutboxMessage.invitation_id == guest.id)).all()
    assert kinds == ["confirmation"]


def test_a_guest_who_declines_before_the_confirmation_leaves_gets_no_code(app, plan, make_invitation, outbox):
    guest = make_invitation(plan=plan)
    guest.rsvp = "accepted"
    job = confirmations.queue(guest)
    guest.rsvp = "declined"
    db.session.commit()
    send_job.apply(args=[job.id])
    message = db.session.scalars(select(OutboxMessage).where(OutboxMessage.invitation_id == guest.id)).one()
    assert message.state == MessageState.FAILED and outbox() == []
    # Accepting again queues the confirmation again.
    guest.rsvp = "accepted"
    assert send_after_acceptance(guest) is not None
    assert len(outbox()) == 1


def test_a_declined_guests_code_no_longer_admits(client, plan, make_invitation):
    guest = make_invitation(plan=plan)
    accept(client, guest)
    db.session.expire_all()  # the client answered in a session of its own
    assert services.admitted_by_checkin(guest.checkin_token) == guest
    assert client.get(f"/rsvp/{guest.rsvp_token}/qr.png").status_code == 200
    decline(client, guest)
    db.session.expire_all()
    assert not services.admits(guest)
    assert services.admitted_by_checkin(guest.checkin_token) is None
    assert services.by_token(TokenKind.CHECKIN, guest.checkin_token) == guest  # known, but not admitted
    assert client.get(f"/rsvp/{guest.rsvp_token}/qr.png").status_code == 404
    assert 'data-testid="checkin-qr"' not in client.get(f"/rsvp/{guest.rsvp_token}").get_data(as_text=True)


def test_a_cancelled_events_code_admits_no_one(client, plan, make_invitation):
    guest = make_invitation(plan=plan)
    accept(client, guest)
    plan.state = PlanState.CANCELLED
    db.session.commit()
    assert services.admitted_by_checkin(guest.checkin_token) is None
    assert client.get(f"/rsvp/{guest.rsvp_token}/qr.png").status_code == 404
