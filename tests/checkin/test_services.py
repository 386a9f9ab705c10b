"""The check-in service: every answer, the nonce, undo and walk-ins."""
import pytest
from sqlalchemy import func, select

from app.checkin import services
from app.checkin.models import CheckIn, ScanAttempt, ScanSource, ScanStatus
from app.core.errors import DomainError
from app.events.plan_models import PlanActivity, PlanState
from app.extensions import db
from app.invitations import services as invitation_services
from app.invitations.models import GuestStatus, Rsvp
from app.invitations.qr import checkin_payload
from tests.checkin.conftest import NOW, nonce


def checkins(plan):
    return db.session.scalar(select(func.count()).select_from(CheckIn).where(CheckIn.plan_id == plan.id,
                                                                              CheckIn.undone_at.is_(None)))


def test_an_accepted_guest_is_checked_in_once_with_the_qr_payload_or_the_bare_token(scan, make_guest, door_plan):
    guest = make_guest(name="张伟", company="星河科技")
    answer = scan(checkin_payload(guest.checkin_token))
    assert (answer.status, answer.admitted, answer.colour) == ("ok", True, "green")
    assert (answer.guest.name, answer.guest.company) == ("张伟", "星河科技")
    assert (answer.arrival.entrance, answer.arrival.by) == ("正门", "王策划")
    again = scan(guest.checkin_token)
    assert (again.status, again.admitted, again.colour) == ("already_checked_in", False, "red")
    assert (again.arrival.at, again.arrival.entrance, again.arrival.by) == (answer.arrival.at, "正门", "王策划")
    assert checkins(door_plan) == 1


def test_lowercase_prefix_and_whitespace_of_a_wedge_scanner_are_accepted(scan, make_guest):
    guest = make_guest()
    assert scan(f"  rapport:{guest.checkin_token}\r\n").status == "ok"


@pytest.mark.parametrize("rsvp, status, expected, reason", [
    (Rsvp.DECLINED, GuestStatus.GUEST, "declined", ""),
    (Rsvp.PENDING, GuestStatus.GUEST, "not_attending", "no_answer"),
    (Rsvp.ACCEPTED, GuestStatus.WAITLIST, "not_attending", "waitlist"),
    (Rsvp.ACCEPTED, GuestStatus.REMOVED, "revoked", "removed"),
])
def test_guests_who_are_not_admitted_are_refused_with_the_reason(scan, make_guest, door_plan, rsvp, status, expected,
                                                                 reason):
    guest = make_guest(rsvp=rsvp, status=status, name="李娜")
    answer = scan(guest.checkin_token)
    assert (answer.status, answer.admitted, answer.reason, answer.colour) == (expected, False, reason, "red")
    assert answer.guest.name == "李娜"
    assert checkins(door_plan) == 0


def test_the_event_setting_admits_guests_not_attending_with_an_amber_answer(scan, make_guest, door_plan):
    services.set_admit_not_attending(door_plan, True, None)
    db.session.commit()
    pending = make_guest(rsvp=Rsvp.PENDING)
    answer = scan(pending.checkin_token)
    assert (answer.status, answer.admitted, answer.colour) == ("not_attending", True, "amber")
    assert "not_attending" in answer.look
    assert scan(pending.checkin_token).status == "already_checked_in"
    declined = make_guest(rsvp=Rsvp.DECLINED)
    assert scan(declined.checkin_token).admitted is False  # a "no" stays a no
    assert checkins(door_plan) == 1


def test_a_cancelled_event_admits_no_one(scan, make_guest, door_plan):
    guest = make_guest()
    door_plan.state = PlanState.CANCELLED
    db.session.commit()
    answer = scan(guest.checkin_token)
    assert (answer.status, answer.reason, answer.admitted) == ("revoked", "event_cancelled", False)


def test_another_events_guest_is_the_wrong_event(scan, make_guest, make_plan):
    other = make_plan(title="技术沙龙")
    other.state = PlanState.APPROVED
    db.session.commit()
    guest = make_guest(plan=other)
    answer = scan(guest.checkin_token)
    assert (answer.status, answer.admitted, answer.event.title) == ("wrong_event", False, "技术沙龙")
    assert checkins(other) == 0


def test_a_code_replaced_by_a_reissue_is_revoked_and_the_new_one_admits(scan, make_guest, door_plan):
    guest = make_guest()
    old = guest.checkin_token
    invitation_services.reissue_link(guest, None)
    db.session.commit()
    answer = scan(old)
    assert (answer.status, answer.reason, answer.admitted, answer.guest) == ("revoked", "reissued", False, None)
    assert scan(guest.checkin_token).status == "ok"


def test_an_unknown_code_and_garbage_are_unknown(scan):
    assert scan("RAPPORT:" + "A" * 32).status == "unknown"
    assert scan("RAPPORT:../../etc").status == "unknown"
    assert scan("\x00" * 10).status == "unknown"


def test_the_amber_answer_names_what_to_look_at(scan, make_guest):
    guest = make_guest(tier="high_value", companions=2, dietary="素食", notes="董事长，请引导至主桌")
    answer = scan(guest.checkin_token)
    assert answer.colour == "amber"
    assert set(answer.look) == {"high_value", "companions", "dietary", "notes"}
    assert (answer.guest.companions, answer.arrival.companions) == (2, 2)


def test_companions_who_came_are_recorded(scan, make_guest):
    guest = make_guest(companions=2)
    answer = scan(guest.checkin_token, companions=1)
    assert answer.arrival.companions == 1
    assert db.session.get(CheckIn, answer.arrival.checkin_id).companions == 1


def test_a_replayed_nonce_returns_the_first_answer_and_no_second_check_in(scan, make_guest, door_plan):
    guest, other = make_guest(), make_guest()
    key = nonce()
    first = scan(guest.checkin_token, nonce_=key)
    replay = scan(guest.checkin_token, nonce_=key)
    assert (first.status, replay.status, replay.replayed) == ("ok", "ok", True)
    assert replay.arrival == first.arrival and replay.guest == first.guest
    # Even with another code: the nonce is that scan's, the answer is that scan's.
    assert scan(other.checkin_token, nonce_=key).guest.name == guest.name
    assert checkins(door_plan) == 1
    assert db.session.scalar(select(func.count()).select_from(ScanAttempt)
                             .where(ScanAttempt.plan_id == door_plan.id)) == 1


def test_nonces_are_per_actor(scan, make_guest, make_user, door_plan):
    from app.checkin.access import door_actor

    guest = make_guest()
    key = nonce()
    other_actor = door_actor(door_plan, make_user(roles=("admin",)))
    assert scan(guest.checkin_token, nonce_=key).status == "ok"
    assert scan(guest.checkin_token, nonce_=key, actor=other_actor).status == "already_checked_in"


def test_every_attempt_is_recorded_with_the_code_hash_never_the_code(scan, make_guest, door_plan, planner_actor):
    guest = make_guest()
    scan(guest.checkin_token, source=ScanSource.CAMERA, entrance="侧门")
    scan("garbage code!")
    scan(guest.checkin_token)
    attempts = db.session.scalars(select(ScanAttempt).where(ScanAttempt.plan_id == door_plan.id)
                                  .order_by(ScanAttempt.id)).all()
    assert [a.status for a in attempts] == ["ok", "unknown", "already_checked_in"]
    assert [a.reason for a in attempts] == ["", "malformed", ""]
    assert attempts[0].source == "camera" and attempts[0].entrance == "侧门"
    assert attempts[0].user_id == planner_actor.user_id and attempts[0].scanned_at == NOW.replace(tzinfo=None)
    assert attempts[0].at is not None and attempts[0].checkin_id == attempts[2].checkin_id
    for attempt in attempts:
        assert guest.checkin_token not in (attempt.code_hash or "")
        assert len(attempt.code_hash) == 64


@pytest.mark.parametrize("field, value", [("nonce", "short"), ("nonce", "x" * 65), ("nonce", "bad nonce!"),
                                          ("source", "telepathy"), ("entrance", "门" * 61),
                                          ("scanned_at", "yesterday"), ("companions", -1), ("companions", 51)])
def test_malformed_scans_are_refused_naming_the_field(door_plan, planner_actor, field, value):
    arguments = {"nonce": nonce(), "scanned_at": NOW, "source": "scanner", "entrance": "", "companions": None,
                 field: value}
    with pytest.raises(DomainError) as refused:
        services.check_in(door_plan, "RAPPORT:x", arguments["nonce"], arguments["scanned_at"], arguments["source"],
                          arguments["entrance"], planner_actor, companions=arguments["companions"])
    assert refused.value.field == field


def test_undo_with_a_reason_is_in_the_activity_log_and_the_guest_may_come_in_again(scan, make_guest, door_plan,
                                                                                    make_user):
    guest = make_guest(name="赵敏")
    first = scan(guest.checkin_token)
    planner = make_user(roles=("planner",))
    with pytest.raises(DomainError):
        services.undo(door_plan, first.arrival.checkin_id, planner, "   ")
    services.undo(door_plan, first.arrival.checkin_id, planner, "扫错了人")
    db.session.commit()
    undone = db.session.get(CheckIn, first.arrival.checkin_id)
    assert (undone.undone_reason, undone.undone_by_id) == ("扫错了人", planner.id)
    entry = db.session.scalar(select(PlanActivity).where(PlanActivity.plan_id == door_plan.id,
                                                         PlanActivity.action == "checkin.undone"))
    assert entry.detail == {"guest": "赵敏", "reason": "扫错了人"} and entry.user_id == planner.id
    with pytest.raises(DomainError):
        services.undo(door_plan, first.arrival.checkin_id, planner, "again")
    assert scan(guest.checkin_token).status == "ok"
    assert checkins(door_plan) == 1


def test_manual_check_in_by_the_guest_found_in_the_search(door_plan, planner_actor, make_guest):
    from app.checkin import search

    guest = make_guest(name="欧阳娜娜", company="蓝海贸易", phone="13800001234")
    found = search.search_guests(door_plan, "欧阳")
    assert found == [{"id": guest.id, "name": "欧阳娜娜", "company": "蓝海贸易", "tier": None, "rsvp": "accepted",
                      "status": "guest", "phone": "…1234", "checked_in": False}]
    assert search.search_guests(door_plan, "0001234")[0]["id"] == guest.id
    answer = services.check_in_guest(door_plan, guest.id, nonce(), NOW, "", planner_actor)
    assert answer.status == "ok"
    assert search.search_guests(door_plan, "蓝海贸")[0]["checked_in"] is True
    for short in ("欧", "ab", "  a1 "):
        with pytest.raises(DomainError):
            search.search_guests(door_plan, short)


def test_the_search_finds_at_most_20_and_treats_wildcards_as_text(door_plan, make_guest):
    from app.checkin import search

    for number in range(25):
        make_guest(name=f"王{number:02d}号", company="100%_公司")
    assert len(search.search_guests(door_plan, "王00")) == 1  # one Chinese character and two digits
    assert len(search.search_guests(door_plan, "100%_")) == 20
    assert search.search_guests(door_plan, "10%0") == []  # % is a character, not "anything"


def test_a_walk_in_contact_is_added_and_checked_in_flagged(door_plan, planner_actor, make_user):
    user = make_user(roles=("planner",))
    answer = services.walk_in(door_plan, planner_actor, user, nonce(), NOW, "正门", name="陈默", company="新客户公司",
                              phone="13900000000", companions=1)
    assert (answer.status, answer.admitted, answer.colour, answer.reason) == ("ok", True, "amber", "walk_in")
    assert "walk_in" in answer.look
    checkin = db.session.get(CheckIn, answer.arrival.checkin_id)
    assert checkin.walk_in is True and checkin.companions == 1
    assert checkin.invitation.name == "陈默" and checkin.invitation.status == "guest"


def test_a_walk_in_customer_on_the_list_already_is_checked_in_as_invited(door_plan, planner_actor, make_customer,
                                                                         make_guest, make_user):
    customer = make_customer(name="周杰")
    invited = make_guest(customer=customer, name="周杰")
    answer = services.walk_in(door_plan, planner_actor, make_user(), nonce(), NOW, "", customer=customer)
    assert answer.status == "ok" and answer.guest.invitation_id == invited.id and "walk_in" not in answer.look
    stranger = make_customer(name="吴昊")
    answer = services.walk_in(door_plan, planner_actor, make_user(), nonce(), NOW, "", customer=stranger)
    assert answer.status == "ok" and "walk_in" in answer.look
    assert db.session.get(CheckIn, answer.arrival.checkin_id).invitation.customer_id == stranger.id


def test_a_walk_in_needs_a_name_and_a_way_to_reach_them(door_plan, planner_actor, make_user):
    with pytest.raises(DomainError):
        services.walk_in(door_plan, planner_actor, make_user(), nonce(), NOW, "", name="无名")
