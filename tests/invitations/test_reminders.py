"""Reminders to accepted guests N days before, the nudge to those who have not answered, each at
most once per guest however often beat runs; the manual "send reminder now"."""
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app.config import load_config
from app.core import clock
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


def test_send_reminder_now_asks_for_confirmation_first(client_as, answered, outbox):
    plan, _guests = answered
    client = client_as("planner")
    page = client.get(f"/events/plans/{plan.id}/reminders/send").get_data(as_text=True)
    assert "1 guest who accepted will get the reminder by e-mail." in page
    assert 'name="confirmed" value="1"' in page
    unconfirmed = client.post(f"/events/plans/{plan.id}/reminders/send")  # an old page's button
    assert unconfirmed.status_code == 200 and "will get the reminder" in unconfirmed.get_data(as_text=True)
    assert outbox() == [] and kinds(plan) == []


def test_send_reminder_now_reaches_each_guest_once_a_day(client_as, answered, outbox):
    plan, _guests = answered
    client = client_as("planner")
    response = client.post(f"/events/plans/{plan.id}/reminders/send", data={"confirmed": "1"})
    assert response.status_code == 302 and "/sends/" in response.location
    assert sent_to(outbox) == [("accepted@example.com", "Reminder: Banquet")]
    again = client.post(f"/events/plans/{plan.id}/reminders/send", data={"confirmed": "1"}, follow_redirects=True)
    assert "there is nobody to remind" in again.get_data(as_text=True)
    assert len(outbox()) == 1
    assert kinds(plan) == [reminders.manual_kind(clock.today())]
    page = client.get(f"/events/plans/{plan.id}/reminders/send").get_data(as_text=True)
    assert "Nobody is left to remind today." in page
    assert "1 guest was reminded by hand today already" in page


def test_the_once_a_day_rule_is_the_service_s(answered, outbox):
    plan, guests = answered
    assert reminders.send_now(plan, None, TODAY) is not None
    assert reminders.send_now(plan, None, TODAY) is None  # a second click, the API or a task alike
    assert reminders.manual_counts(plan, TODAY) == (0, 1)
    late = make_accepted(plan, "late")  # accepted after the first reminder: gets one today
    job = reminders.send_now(plan, None, TODAY)
    assert [m.invitation_id for m in db.session.scalars(select(OutboxMessage).where(OutboxMessage.job_id == job.id))] == [late.id]
    assert reminders.send_now(plan, None, TODAY + timedelta(days=1)) is not None  # the next day: again
    assert reminders.manual_counts(plan, TODAY + timedelta(days=1)) == (0, 2)
    assert guests["accepted"].id in db.session.scalars(
        select(OutboxMessage.invitation_id).where(OutboxMessage.kind == "manual_2026-12-02")).all()


def make_accepted(plan, name):
    from app.invitations.services import add_guest

    guest = add_guest(plan, None, name=name, email=f"{name}@example.com")
    guest.rsvp = Rsvp.ACCEPTED
    db.session.commit()
    return guest


def test_the_day_is_the_organisation_s(client_as, make_plan, monkeypatch):
    """23:30 in UTC on 1 December is already 2 December in Shanghai (RAPPORT_TIMEZONE's default):
    the reminder sent by hand is counted on the organisation's day."""
    from datetime import UTC, datetime

    monkeypatch.setattr(clock, "_utcnow", lambda: datetime(2026, 12, 1, 23, 30, tzinfo=UTC))
    assert reminders.manual_kind(clock.today()) == "manual_2026-12-02"


def test_nobody_to_remind(client_as, make_plan):
    plan = make_plan()
    client = client_as("admin")
    assert "Nobody is left to remind today." in client.get(f"/events/plans/{plan.id}/reminders/send").get_data(as_text=True)
    page = client.post(f"/events/plans/{plan.id}/reminders/send", data={"confirmed": "1"},
                       follow_redirects=True).get_data(as_text=True)
    assert "there is nobody to remind" in page


def test_beat_runs_the_reminders_hourly(tmp_path):
    schedule = load_config(tmp_path)["CELERY"]["beat_schedule"]["send-due-reminders"]
    assert schedule["task"] == "app.invitations.tasks.send_due_reminders"
    assert schedule["schedule"].minute == {5} and len(schedule["schedule"].hour) == 24
