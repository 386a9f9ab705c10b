"""Reminders to accepted guests N days before, the nudge to those who have not answered, each at
most once per guest however often beat runs; the manual "send reminder now"."""
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app.config import load_config
from app.extensions import db
from app.invitations import reminders
from app.invitations.models import OutboxMessage, Rsvp
from app.invitations.services import settings_for
from app.invitations.tasks import send_due_reminders
from tests.invitations.test_messages import inline_image, qr_text

TODAY = date(2026, 12, 1)


@pytest.fixture
def answered(make_plan, make_invitation):
    """A plan three days after TODAY: an accepted, a pending (invited) and a declined guest, and a
    pending guest who was never sent the invitation."""
    plan = make_plan(title="Banquet", event_day=TODAY + timedelta(days=3))
    settings = settings_for(plan)
    settings.reminder_days = [3, 1]
    guests = {}
    for name, answer, locale in (("accepted", Rsvp.ACCEPTED, "en"), ("pending", Rsvp.PENDING, "zh"),
                                 ("declined", Rsvp.DECLINED, "en"), ("uninvited", Rsvp.PENDING, "en")):
        guest = make_invitation(plan=plan, name=name, email=f"{name}@example.com", locale=locale)
        guest.rsvp = answer
        guest.invited_at = None if name == "uninvited" else TODAY - timedelta(days=20)
        guests[name] = guest
    db.session.commit()
    return plan, guests


def sent_to(outbox):
    return sorted((message["To"].addresses[0].addr_spec, message["Subject"]) for message in outbox())


def kinds(plan):
    return sorted(db.session.scalars(select(OutboxMessage.kind).join(OutboxMessage.invitation)
                                      .where(OutboxMessage.invitation.has(plan_id=plan.id))).all())


def test_reminder_goes_to_accepted_guests_once_however_often_beat_runs(answered, outbox):
    plan, _guests = answered
    for _run in range(3):
        send_due_reminders.delay(TODAY.isoformat())
    assert sent_to(outbox) == [("accepted@example.com", "Reminder: Banquet in 3 days")]
    send_due_reminders.delay((TODAY + timedelta(days=1)).isoformat())  # two days before: nothing due
    assert len(outbox()) == 1
    for _run in range(2):
        send_due_reminders.delay((TODAY + timedelta(days=2)).isoformat())
    assert [subject for _to, subject in sent_to(outbox)] == ["Reminder: Banquet in 3 days", "Reminder: Banquet is tomorrow"]
    send_due_reminders.delay((TODAY + timedelta(days=3)).isoformat())  # the event day: no more
    assert kinds(plan) == ["reminder_1", "reminder_3"]


def test_the_reminder_carries_the_qr_code(answered, outbox):
    _plan, guests = answered
    send_due_reminders.delay(TODAY.isoformat())
    [message] = outbox()
    assert qr_text(inline_image(message, "checkin-qr@rapport").get_content()) == "RAPPORT:" + guests["accepted"].checkin_token
    assert "show the QR code" in message.get_body(("plain",)).get_content()


def test_nudge_goes_to_invited_guests_without_an_answer_once(answered, outbox):
    plan, _guests = answered
    settings_for(plan).reminder_days = []
    settings_for(plan).nudge_on = TODAY - timedelta(days=1)
    db.session.commit()
    send_due_reminders.delay(TODAY.isoformat())
    send_due_reminders.delay((TODAY + timedelta(days=1)).isoformat())
    assert sent_to(outbox) == [("pending@example.com", "诚邀您出席：Banquet")]  # in the guest's language


def test_nothing_before_the_nudge_date_or_for_past_events(answered, outbox):
    plan, _guests = answered
    settings_for(plan).nudge_on = TODAY + timedelta(days=1)
    settings_for(plan).reminder_days = [5]
    db.session.commit()
    assert reminders.queue_due(TODAY) == []
    assert reminders.queue_due(TODAY + timedelta(days=4)) == []


def test_send_reminder_now_by_hand(client_as, answered, outbox):
    plan, _guests = answered
    client = client_as("planner")
    response = client.post(f"/events/plans/{plan.id}/reminders/send")
    assert response.status_code == 302 and "/sends/" in response.location
    assert sent_to(outbox) == [("accepted@example.com", "Reminder: Banquet")]
    client.post(f"/events/plans/{plan.id}/reminders/send")  # a second reminder is a new send, on purpose
    assert len(outbox()) == 2
    assert all(kind.startswith("manual_") for kind in kinds(plan)) and len(set(kinds(plan))) == 2


def test_nobody_to_remind(client_as, make_plan):
    plan = make_plan()
    client = client_as("admin")
    page = client.post(f"/events/plans/{plan.id}/reminders/send", follow_redirects=True).get_data(as_text=True)
    assert "there is nobody to remind" in page


def test_beat_runs_the_reminders_hourly(tmp_path):
    schedule = load_config(tmp_path)["CELERY"]["beat_schedule"]["send-due-reminders"]
    assert schedule["task"] == "app.invitations.tasks.send_due_reminders"
    assert schedule["schedule"].minute == {5} and len(schedule["schedule"].hour) == 24
