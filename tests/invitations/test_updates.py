"""Guests hear of changes: moving the event, a new venue or start time, a cancellation send the
accepted and waitlisted guests a notice in their language with the updated .ics (same UID, higher
SEQUENCE; METHOD:CANCEL for a cancellation), by a Celery task after the commit, once per change."""
from datetime import time, timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import select

from app.events import plans as planning
from app.events.calendar import guest_calendar
from app.events.plan_models import PlanState
from app.extensions import db
from app.invitations import changes
from app.invitations.models import GuestStatus, OutboxMessage
from app.invitations.tasks import send_plan_notice


@pytest.fixture
def banquet(make_plan, make_invitation):
    """An approved banquet: two guests accepted (en, zh), one pending, one declined, one waitlisted."""
    plan = make_plan(title="Banquet", venue="Bund Hotel", start_time=time(18, 30))
    guests = {name: make_invitation(plan=plan, name=name, email=f"{name}@example.com", locale=locale)
              for name, locale in (("ann", "en"), ("li", "zh"), ("pending", "en"), ("declined", "en"), ("wait", "zh"))}
    guests["ann"].rsvp = guests["li"].rsvp = "accepted"
    guests["declined"].rsvp = "declined"
    guests["wait"].status, guests["wait"].waitlist_position = GuestStatus.WAITLIST, 1
    plan.state = PlanState.APPROVED
    db.session.commit()
    return plan, guests


def calendar_of(message):
    [ics] = [part for part in message.iter_attachments() if part.get_filename() == "event.ics"]
    calendar = Calendar.from_ical(ics.get_content())
    [event] = calendar.walk("VEVENT")
    return calendar, event


def by_recipient(messages):
    return {message["To"].split("@")[0].split("<")[-1]: message for message in messages}


def test_moving_the_event_tells_the_accepted_and_waitlisted_guests_once(client_as, banquet, outbox, app):
    plan, guests = banquet
    before = Calendar.from_ical(guest_calendar(plan, "en", app.config["BASE_URL"])).walk("VEVENT")[0]
    new_day = plan.event_day + timedelta(days=7)
    planner = client_as("planner")
    response = planner.post(f"/events/plans/{plan.id}/move", data={"event_day": new_day.isoformat(),
                                                                   "version": plan.version})
    assert response.status_code == 302
    sent = by_recipient(outbox())  # Celery runs eagerly in tests: the task ran after the commit
    assert sorted(sent) == ["ann", "li", "wait"]
    assert sent["ann"]["Subject"] == "Changed: Banquet" and sent["li"]["Subject"] == "活动变更：Banquet"
    assert "请留意" in sent["li"].get_body(("plain",)).get_content()
    assert "cid:checkin-qr" not in sent["ann"].get_body(("html",)).get_content()
    calendar, event = calendar_of(sent["ann"])
    assert str(event["UID"]) == str(before["UID"])
    assert int(event["SEQUENCE"]) > int(before["SEQUENCE"])
    assert event["DTSTART"].dt.date() == new_day and str(calendar["METHOD"]) == "PUBLISH"
    # The task again (a retry, a second worker): nothing is sent twice.
    db.session.expire_all()
    assert send_plan_notice.apply(args=[plan.id]).get() is None
    assert len(outbox()) == 3


def test_each_change_is_a_notice_of_its_own(app, banquet, outbox, make_user):
    planner = make_user()
    plan, guests = banquet
    planning.update_plan(plan, planner, venue="Peace Hotel")
    db.session.commit()
    changes.dispatch_noted()
    planning.update_plan(plan, planner, start_time=time(19, 0))
    db.session.commit()
    changes.dispatch_noted()
    ann = [m for m in outbox() if "ann@" in m["To"]]
    assert len(ann) == 2
    sequences = sorted(int(calendar_of(message)[1]["SEQUENCE"]) for message in ann)
    assert sequences[0] < sequences[1]  # the later notice replaces the earlier one in the calendar
    latest = max(ann, key=lambda message: int(calendar_of(message)[1]["SEQUENCE"])).get_body(("plain",)).get_content()
    assert "Peace Hotel" in latest and "19:00" in latest


def test_changes_guests_do_not_see_send_nothing(app, banquet, outbox, make_user):
    planner = make_user()
    plan, guests = banquet
    planning.update_plan(plan, planner, content="New run of show", expected_guests=80)
    db.session.commit()
    changes.dispatch_noted()
    assert outbox() == []


def test_a_change_rolled_back_sends_nothing(app, banquet, outbox, make_user):
    planner = make_user()
    plan, guests = banquet
    planning.update_plan(plan, planner, venue="Peace Hotel")
    db.session.rollback()
    changes.dispatch_noted()
    assert outbox() == []


def test_cancelling_sends_a_calendar_cancellation_once(client_as, banquet, outbox):
    plan, guests = banquet
    manager = client_as("manager")
    response = manager.post(f"/events/plans/{plan.id}/steps/cancel", data={"comment": "Venue closed"})
    assert response.status_code == 302
    sent = by_recipient(outbox())
    assert sorted(sent) == ["ann", "li", "wait"]
    assert sent["ann"]["Subject"] == "Cancelled: Banquet" and sent["li"]["Subject"] == "活动取消：Banquet"
    calendar, event = calendar_of(sent["li"])
    assert str(calendar["METHOD"]) == "CANCEL" and str(event["STATUS"]) == "CANCELLED"
    assert str(event["UID"]) == f"plan-{plan.id}@rapport.test"
    db.session.expire_all()
    send_plan_notice.apply(args=[plan.id])
    assert len(outbox()) == 3
    kinds = set(db.session.scalars(select(OutboxMessage.kind).where(OutboxMessage.kind.like("cancel%"))))
    assert kinds == {"cancellation"}
