"""Who may check guests in, asked by every door through app.checkin.access: door staff on the
plan's team, planners and admins; a helper link for its own event only, until it expires or is
revoked. Nobody else: not another event's door staff, not a guest's own tokens."""
from datetime import timedelta

import pytest

from app.checkin import access, links
from app.core import clock
from app.events.plan_models import RoleAssignment
from app.extensions import db
from tests.checkin.conftest import NOW, nonce
from tests.conftest import sign_in


def on_team(plan, user, role="door_staff"):
    db.session.add(RoleAssignment(plan_id=plan.id, role=role, user_id=user.id))
    db.session.commit()
    return user


@pytest.mark.parametrize("roles, team_role, allowed", [
    (("admin",), None, True),
    (("planner",), None, True),
    (("manager",), None, False),
    (("staff",), None, False),
    (("staff",), "door_staff", True),
    (("manager",), "door_staff", True),  # anyone the planner puts on the door
    (("staff",), "execution_team", False),  # on the team, but not at the door
])
def test_who_may_check_in(door_plan, make_user, roles, team_role, allowed):
    user = make_user(roles=roles)
    if team_role:
        on_team(door_plan, user, team_role)
    assert access.may_check_in(door_plan, user) is allowed
    assert (access.door_actor(door_plan, user) is not None) is allowed


def test_door_staff_of_another_event_and_inactive_users_may_not(door_plan, make_plan, make_user):
    other = make_plan()
    staff = on_team(other, make_user(roles=("staff",)))
    assert access.may_check_in(other, staff) and not access.may_check_in(door_plan, staff)
    gone = on_team(door_plan, make_user(roles=("staff",), active=False))
    assert not access.may_check_in(door_plan, gone)
    assert not access.may_check_in(door_plan, None)


def test_a_helper_link_opens_its_own_event_until_it_expires_or_is_revoked(door_plan, make_plan, make_user,
                                                                          monkeypatch):
    planner = make_user(roles=("planner",))
    link, secret = links.create_link(door_plan, planner, "前门 小李", "正门")
    db.session.commit()
    assert links.link_by_secret(secret) == link and access.may_check_in(door_plan, link=link)
    assert not access.may_check_in(make_plan(), link=link)
    assert link.expires_at == links.expiry(door_plan)
    # The day after the event, 06:00 in the organisation's time zone: over.
    after = link.expires_at + timedelta(seconds=1)
    monkeypatch.setattr(clock, "stamp", lambda: after)
    assert not access.may_check_in(door_plan, link=link)
    monkeypatch.undo()
    assert links.revoke_link(door_plan, link, planner) is True
    assert links.revoke_link(door_plan, link, planner) is False  # once
    assert not access.may_check_in(door_plan, link=link)


def test_no_link_for_an_event_that_is_over(make_plan, make_user):
    from app.core.errors import DomainError

    past = make_plan(event_day=clock.today() - timedelta(days=2))
    with pytest.raises(DomainError):
        links.create_link(past, make_user(), "小李")


def test_only_a_hash_of_the_link_is_stored(door_plan, make_user):
    link, secret = links.create_link(door_plan, make_user(), "小李")
    assert secret not in link.token_hash and len(link.token_hash) == 64


# ---------------------------------------------------------------- through the page's doors

def scan_json(code):
    return {"code": code, "nonce": nonce(), "scanned_at": NOW.isoformat(), "source": "scanner", "entrance": ""}


def test_a_helper_opens_the_scanner_through_the_link_and_checks_in(app, door_plan, make_user, make_guest, make_plan):
    link, secret = links.create_link(door_plan, make_user(), "前门 小李", "正门")
    db.session.commit()
    guest = make_guest()
    helper = app.test_client()
    opened = helper.get(f"/door/link/{secret}")
    assert opened.status_code == 302 and opened.headers["Location"].endswith(f"/door/plans/{door_plan.id}?entrance=%E6%AD%A3%E9%97%A8")
    page = helper.get(f"/door/plans/{door_plan.id}?entrance=正门")
    assert page.status_code == 200 and "前门 小李" in page.get_data(as_text=True)
    answer = helper.post(f"/door/plans/{door_plan.id}/scan", json=scan_json(guest.checkin_token)).get_json()
    assert answer["status"] == "ok" and answer["checkin"]["by"] == "前门 小李"
    # Only this event; no undo and no customer search for a helper.
    other = make_plan()
    elsewhere = helper.get(f"/door/plans/{other.id}")
    assert elsewhere.status_code == 302 and "/login" in elsewhere.headers["Location"]
    assert helper.post(f"/door/plans/{other.id}/scan", json=scan_json(guest.checkin_token)).status_code == 403
    assert helper.post(f"/door/plans/{door_plan.id}/undo",
                       json={"checkin_id": answer["checkin"]["id"], "reason": "x"}).status_code == 403
    assert helper.get(f"/door/plans/{door_plan.id}/customers?q=客户公司").status_code == 403
    # Revoked: refused at once, with the session still holding the link.
    links.revoke_link(door_plan, link, None)
    db.session.commit()
    assert helper.post(f"/door/plans/{door_plan.id}/scan", json=scan_json(guest.checkin_token)).status_code == 403
    assert helper.get(f"/door/link/{secret}").status_code == 404


def test_an_expired_link_does_not_open(app, make_plan, make_user, monkeypatch):
    plan = make_plan(event_day=clock.today() + timedelta(days=1))
    link, secret = links.create_link(plan, make_user(), "小李")
    db.session.commit()
    later = link.expires_at + timedelta(minutes=1)
    monkeypatch.setattr(clock, "stamp", lambda: later)
    assert app.test_client().get(f"/door/link/{secret}").status_code == 404


def test_a_guests_own_tokens_open_no_door(app, door_plan, make_guest):
    guest = make_guest()
    client = app.test_client()
    for secret in (guest.rsvp_token, guest.survey_token, guest.checkin_token, "x" * 500, "%00"):
        assert client.get(f"/door/link/{secret}").status_code == 404
    assert client.post(f"/door/plans/{door_plan.id}/scan", json=scan_json(guest.checkin_token)).status_code == 403
    assert client.get(f"/door/plans/{door_plan.id}").status_code == 302  # to the sign-in page


def test_signed_in_door_staff_use_the_page_endpoints(app, door_plan, make_user, make_guest, make_plan):
    staff = on_team(door_plan, make_user(roles=("staff",), name="门口小王"))
    client = sign_in(app.test_client(), staff)
    guest = make_guest(name="欧阳娜娜", phone="13800001234")
    assert client.get(f"/door/plans/{door_plan.id}").status_code == 200
    found = client.get(f"/door/plans/{door_plan.id}/search?q=欧阳").get_json()["guests"]
    assert [row["id"] for row in found] == [guest.id] and "email" not in found[0]
    answer = client.post(f"/door/plans/{door_plan.id}/guest",
                         json={"invitation_id": guest.id, "nonce": nonce(), "scanned_at": NOW.isoformat()}).get_json()
    assert answer["status"] == "ok" and answer["checkin"]["by"] == "门口小王"
    assert client.get(f"/door/plans/{door_plan.id}/tally").get_json()["checked_in"] == 1
    undone = client.post(f"/door/plans/{door_plan.id}/undo", json={"checkin_id": answer["checkin"]["id"],
                                                                    "reason": "扫错了"})
    assert undone.status_code == 200 and undone.get_json()["tally"]["checked_in"] == 0
    walk_in = client.post(f"/door/plans/{door_plan.id}/walk-in",
                          json={"name": "陈默", "phone": "13900000000", "nonce": nonce(),
                                "scanned_at": NOW.isoformat(), "companions": 1}).get_json()
    assert walk_in["status"] == "ok" and walk_in["look"] == ["walk_in", "companions"]
    short = client.get(f"/door/plans/{door_plan.id}/search?q=欧")
    assert short.status_code == 422 and "2" in short.get_json()["error"]
    other = make_plan()
    assert client.get(f"/door/plans/{other.id}").status_code == 403


def test_the_page_needs_the_csrf_token(make_app, door_plan, make_user):
    strict = make_app(WTF_CSRF_ENABLED=True)
    client = sign_in(strict.test_client(), make_user(roles=("planner",)))
    assert client.post(f"/door/plans/{door_plan.id}/scan", json=scan_json("RAPPORT:x")).status_code == 400


def test_the_planner_creates_and_revokes_helper_links_on_the_setup_page(client_as, door_plan):
    planner = client_as("planner")
    page = planner.post(f"/events/plans/{door_plan.id}/door/links", data={"label": "侧门 小赵", "entrance": "侧门"})
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and 'data-testid="helper-qr"' in text and "data:image/png;base64," in text
    link = links.links_for(door_plan)[0]
    assert "/door/link/" in text and link.label == "侧门 小赵"
    empty = planner.post(f"/events/plans/{door_plan.id}/door/links", data={"label": ""})
    assert empty.status_code == 422
    revoked = planner.post(f"/events/plans/{door_plan.id}/door/links/{link.id}/revoke")
    assert revoked.status_code == 302
    db.session.refresh(link)
    assert link.revoked_at is not None
    assert "/door/link/" not in planner.get(f"/events/plans/{door_plan.id}/door").get_data(as_text=True)


def test_the_door_setting_for_guests_not_attending(client_as, door_plan):
    from app.checkin.services import admits_not_attending

    planner = client_as("planner")
    assert planner.post(f"/events/plans/{door_plan.id}/door/settings",
                        data={"admit_not_attending": "y"}).status_code == 302
    assert admits_not_attending(door_plan.id) is True


def test_a_planner_puts_door_staff_on_the_team_from_the_plan_page(client_as, door_plan, make_user):
    staff = make_user(roles=("staff",), name="门口小王")
    assert not access.may_check_in(door_plan, staff)
    planner = client_as("planner")
    page = planner.get(f"/events/plans/{door_plan.id}").get_data(as_text=True)
    assert 'data-testid="role-door_staff"' in page
    added = planner.post(f"/events/plans/{door_plan.id}/roles", data={"role": "door_staff", "user_id": staff.id})
    assert added.status_code == 302
    assert access.may_check_in(door_plan, staff)


def test_the_page_endpoints_are_rate_limited_per_person(make_app, backend, door_plan, make_user):
    from app.extensions import limiter

    redis = backend.broker_url("limits")
    storage = redis.rsplit("/", 1)[0] + "/2" if redis else "memory://"
    limited = make_app(RATELIMIT_ENABLED=True, CHECKIN_RATE_LIMIT="2 per minute", RATELIMIT_STORAGE_URI=storage)
    with limited.app_context():
        limiter.reset()
    first = sign_in(limited.test_client(), make_user(roles=("planner",)))
    second = sign_in(limited.test_client(), make_user(roles=("planner",)))
    url = f"/door/plans/{door_plan.id}/scan"
    assert [first.post(url, json=scan_json("RAPPORT:nope")).status_code for _ in range(3)] == [200, 200, 429]
    assert second.post(url, json=scan_json("RAPPORT:nope")).status_code == 200
