"""The RSVP service: answers, the companions' cap and the seats left, the deadline, who may
answer at all, and the waitlist moving up when seats are freed."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.core import clock
from app.core.errors import DomainError
from app.events.plan_models import PlanActivity, PlanState
from app.extensions import db
from app.invitations import rsvp, services
from app.invitations.models import GuestStatus, Rsvp

TODAY = clock.today()


@pytest.fixture
def guest(make_invitation, make_plan):
    """A guest of a plan 60 days ahead, companions capped at 2, no capacity."""
    plan = make_plan()
    services.settings_for(plan).companions_cap = 2
    db.session.commit()
    return make_invitation(plan=plan, name="张伟")


def answer(invitation, accept=True, today=TODAY, **fields):
    promoted = rsvp.respond(invitation, services.settings_for(invitation.plan), accept, today=today, **fields)
    db.session.commit()
    return promoted


def test_accepting_records_the_answer(guest):
    assert answer(guest, companions=2, dietary=" vegetarian ", notes="Arriving late") == []
    assert (guest.rsvp, guest.companions, guest.dietary) == (Rsvp.ACCEPTED, 2, "vegetarian")
    assert guest.notes == "Arriving late"
    assert guest.responded_at is not None and guest.opened_at is not None


def test_declining_records_the_reason_and_clears_companions(guest):
    answer(guest, companions=1, dietary="halal")
    answer(guest, accept=False, decline_reason="schedule", decline_text="Travelling that week")
    assert (guest.rsvp, guest.companions, guest.dietary) == (Rsvp.DECLINED, 0, "")
    assert (guest.decline_reason, guest.decline_text) == ("schedule", "Travelling that week")
    answer(guest, companions=0)  # changing back to yes clears the reason
    assert (guest.rsvp, guest.decline_reason, guest.decline_text) == (Rsvp.ACCEPTED, None, "")


@pytest.mark.parametrize("companions", [3, -1, "1"])
def test_companions_outside_the_cap_are_refused(guest, companions):
    with pytest.raises(DomainError) as refused:
        answer(guest, companions=companions)
    assert refused.value.field == "companions"
    db.session.rollback()
    assert guest.rsvp == Rsvp.PENDING


@pytest.mark.parametrize("reason", [None, "", "busy"])
def test_a_decline_needs_a_reason_from_the_list(guest, reason):
    with pytest.raises(DomainError) as refused:
        answer(guest, accept=False, decline_reason=reason)
    assert refused.value.field == "decline_reason"


@pytest.mark.parametrize("fields, field", [
    ({"dietary": "x" * (rsvp.DIETARY_MAX + 1)}, "dietary"),
    ({"notes": "x" * (rsvp.NOTES_MAX + 1)}, "notes"),
    ({"accept": False, "decline_reason": "other", "decline_text": "x" * (rsvp.DECLINE_TEXT_MAX + 1)}, "decline_text"),
])
def test_over_long_texts_are_refused(guest, fields, field):
    with pytest.raises(DomainError) as refused:
        answer(guest, **fields)
    assert refused.value.field == field


def test_companions_are_limited_by_the_seats_left(make_plan, make_invitation):
    plan = make_plan(capacity=4)
    services.settings_for(plan).companions_cap = 3
    first, second = make_invitation(plan=plan), make_invitation(plan=plan)  # 2 of 4 seats held
    settings = services.settings_for(plan)
    assert rsvp.companions_allowed(first, settings) == 2
    with pytest.raises(DomainError, match="almost full: the number of companions is limited to 2"):
        answer(first, companions=3)
    answer(first, companions=2)  # now full
    assert rsvp.companions_allowed(second, settings) == 0
    with pytest.raises(DomainError) as refused:
        answer(second, companions=1)
    assert refused.value.field == "companions"
    answer(second, companions=0)
    answer(first, companions=1)  # the guest's own seats count as theirs: fewer is always fine
    assert services.seats_taken(plan.id) == 3


def test_a_guest_who_declined_cannot_come_back_to_a_full_event(make_plan, make_invitation):
    plan = make_plan(capacity=1)
    first = make_invitation(plan=plan)
    answer(first, accept=False, decline_reason="distance")
    make_invitation(plan=plan)  # takes the freed seat
    assert rsvp.companions_allowed(first, services.settings_for(plan)) is None
    with pytest.raises(DomainError, match="full"):
        answer(first)


@pytest.mark.parametrize("deadline, today, allowed", [
    (None, "event_day", True),
    (None, "after_event_day", False),
    ("in_10_days", "in_10_days", True),
    ("in_10_days", "in_11_days", False),
])
def test_answers_close_after_the_deadline_or_else_the_event_day(guest, deadline, today, allowed):
    days = {"event_day": guest.plan.event_day, "after_event_day": guest.plan.event_day + timedelta(days=1),
            "in_10_days": TODAY + timedelta(days=10), "in_11_days": TODAY + timedelta(days=11)}
    settings = services.settings_for(guest.plan)
    settings.rsvp_deadline = days.get(deadline)
    db.session.commit()
    assert rsvp.deadline(guest.plan, settings) == days.get(deadline, guest.plan.event_day)
    if allowed:
        answer(guest, today=days[today])
        assert guest.rsvp == Rsvp.ACCEPTED
    else:
        with pytest.raises(DomainError, match="closed"):
            answer(guest, today=days[today])


def test_the_waitlist_is_told_so(make_plan, make_invitation):
    plan = make_plan(capacity=1)
    make_invitation(plan=plan)
    waiting = make_invitation(plan=plan)
    assert waiting.status == GuestStatus.WAITLIST
    with pytest.raises(DomainError, match="waiting list"):
        answer(waiting)


@pytest.mark.parametrize("status", [GuestStatus.REMOVED, GuestStatus.FLAGGED])
def test_removed_and_flagged_guests_cannot_answer(guest, status):
    guest.status = status
    db.session.commit()
    with pytest.raises(DomainError, match="no longer"):
        answer(guest)


def test_a_cancelled_event_takes_no_answers(guest):
    guest.plan.state = PlanState.CANCELLED
    db.session.commit()
    with pytest.raises(DomainError, match="cancelled"):
        answer(guest)


def test_a_decline_promotes_the_first_on_the_waitlist(make_plan, make_invitation):
    plan = make_plan(capacity=2)
    services.settings_for(plan).companions_cap = 1
    first, second = make_invitation(plan=plan), make_invitation(plan=plan)
    waiting = [make_invitation(plan=plan), make_invitation(plan=plan)]
    answer(second, companions=0)
    assert answer(first, accept=False, decline_reason="schedule") == [waiting[0]]
    assert (waiting[0].status, waiting[0].waitlist_position) == (GuestStatus.GUEST, None)
    assert waiting[1].status == GuestStatus.WAITLIST


def test_fewer_companions_promote_too_but_an_unchanged_answer_does_not(make_plan, make_invitation):
    plan = make_plan(capacity=3)
    services.settings_for(plan).companions_cap = 1
    first, _second = make_invitation(plan=plan), make_invitation(plan=plan)
    answer(first, companions=1)  # full: 1 + 1 companion + 1
    waiting = make_invitation(plan=plan)
    assert waiting.status == GuestStatus.WAITLIST
    assert answer(first, companions=1, notes="still two of us") == []
    assert answer(first, companions=0) == [waiting]


def test_the_log_names_the_guest_never_a_token(guest):
    answer(guest, companions=1)
    entry = db.session.scalars(select(PlanActivity).where(PlanActivity.action == "guests.answered")).one()
    assert entry.detail == {"guest": "张伟", "rsvp": "accepted", "companions": 1}
    assert entry.user_id is None
