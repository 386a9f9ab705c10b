"""The check-in endpoint of the JSON API: every business outcome is 200 with a status; who calls
is 401/403, malformed input 422, beyond the rate limit 429."""
import pytest

from app.checkin.models import CheckIn
from app.events.plan_models import RoleAssignment
from app.extensions import db, limiter
from app.invitations.qr import checkin_payload
from tests.checkin.conftest import nonce
from tests.conftest import new_api


def body(code, **more):
    return {"code": code, "nonce": nonce(), "scanned_at": "2026-12-08T18:30:05+08:00", "source": "scanner",
            "entrance": "正门", **more}


@pytest.fixture
def door_api(app, make_user, door_plan):
    staff = make_user(roles=("staff",), name="门口小王")
    db.session.add(RoleAssignment(plan_id=door_plan.id, role="door_staff", user_id=staff.id))
    db.session.commit()
    return new_api(app, "Scanner app", acts_for=staff)


def url(plan):
    return f"/api/v1/plans/{plan.id}/checkins"


def test_door_staff_check_a_guest_in_through_the_api(door_api, door_plan, make_guest):
    guest = make_guest(name="张伟", company="星河科技", tier="growth")
    response = door_api.post(url(door_plan), json=body(checkin_payload(guest.checkin_token)))
    assert response.status_code == 200
    answer = response.get_json()
    assert (answer["status"], answer["admitted"], answer["colour"]) == ("ok", True, "green")
    assert answer["guest"] == {"name": "张伟", "company": "星河科技", "tier": "growth", "companions": 0,
                               "dietary": "", "notes": ""}
    assert (answer["checkin"]["entrance"], answer["checkin"]["by"]) == ("正门", "门口小王")
    assert answer["checkin"]["at"].endswith("Z")
    checkin = db.session.get(CheckIn, answer["checkin"]["id"])
    assert checkin.scanned_at.isoformat() == "2026-12-08T10:30:05"  # stored in UTC

    again = door_api.post(url(door_plan), json=body(guest.checkin_token)).get_json()
    assert (again["status"], again["admitted"], again["colour"]) == ("already_checked_in", False, "red")
    assert again["checkin"]["by"] == "门口小王"


def test_a_replayed_request_gets_the_same_answer(door_api, door_plan, make_guest):
    guest = make_guest()
    request = body(guest.checkin_token)
    first = door_api.post(url(door_plan), json=request).get_json()
    second = door_api.post(url(door_plan), json=request).get_json()
    assert second == {**first, "replayed": True}


@pytest.mark.parametrize("code", ["", "RAPPORT:", "x" * 3000, "RAPPORT:\x00\x1b[2J",
                                  "' OR 1=1 --", "RAPPORT:" + "é" * 40, "🎉" * 30])
def test_hostile_codes_are_unknown(door_api, door_plan, code):
    answer = door_api.post(url(door_plan), json=body(code)).get_json()
    assert (answer["status"], answer["admitted"], answer["guest"]) == ("unknown", False, None)


@pytest.mark.parametrize("change, field, status", [
    ({"nonce": "short"}, "nonce", 422),
    ({"source": "fax"}, "source", 422),
    ({"scanned_at": "2026-12-08"}, "scanned_at", 422),
    ({"scanned_at": "2026-12-08T18:30:05"}, "scanned_at", 422),  # no offset
    ({"entrance": "门" * 61}, "entrance", 422),
    ({"companions": "2"}, "companions", 422),
    ({"code": None}, "code", 422),
    ({"colour": "green"}, "colour", 400),
])
def test_malformed_input_is_refused_naming_the_field(door_api, door_plan, change, field, status):
    response = door_api.post(url(door_plan), json={**body("RAPPORT:abc"), **change})
    assert response.status_code == status
    data = response.get_json()
    assert field in (data.get("field"), *(error["field"] for error in data.get("errors", [])))


def test_not_json_and_too_large_bodies_are_refused(door_api, door_plan):
    assert door_api.post(url(door_plan), data="code=1", headers={"Content-Type": "text/plain"}).status_code == 400
    assert door_api.post(url(door_plan), json=body("x" * 5000)).status_code == 413


def test_who_may_call(app, make_user, door_plan, make_plan, door_api, make_guest):
    guest = make_guest()
    assert app.test_client().post(url(door_plan), json=body(guest.checkin_token)).status_code == 401
    refused = [new_api(app, "ERP"),  # acts for no one: a check-in is a person's act
               new_api(app, "Staff", acts_for=make_user(roles=("staff",))),  # not on this event's door
               new_api(app, "Manager", acts_for=make_user(roles=("manager",)))]
    for client in refused:
        assert client.post(url(door_plan), json=body(guest.checkin_token)).status_code == 403
    other = make_plan()
    assert door_api.post(url(other), json=body(guest.checkin_token)).status_code == 403  # another event
    assert door_api.post("/api/v1/plans/999999/checkins", json=body("x")).status_code == 404
    planner = new_api(app, "Planner", acts_for=make_user(roles=("planner",)))
    assert planner.post(url(door_plan), json=body(guest.checkin_token)).get_json()["status"] == "ok"
    assert db.session.query(CheckIn).filter_by(plan_id=door_plan.id).count() == 1


def test_a_guests_own_tokens_are_no_api_token(app, door_plan, make_guest):
    guest = make_guest()
    for secret in (guest.rsvp_token, guest.survey_token, guest.checkin_token):
        client = app.test_client()
        response = client.post(url(door_plan), json=body(guest.checkin_token),
                               headers={"Authorization": f"Bearer {secret}"})
        assert response.status_code == 401


@pytest.fixture
def limited_app(make_app, backend):
    redis = backend.broker_url("limits")
    storage = redis.rsplit("/", 1)[0] + "/2" if redis else "memory://"
    limited = make_app(RATELIMIT_ENABLED=True, API_RATE_LIMIT="2 per minute", RATELIMIT_STORAGE_URI=storage)
    with limited.app_context():
        limiter.reset()
    return limited


def test_the_api_rate_limit_applies(limited_app, make_user, door_plan):
    with limited_app.app_context():
        api = new_api(limited_app, "Scanner", acts_for=make_user(roles=("planner",)))
        assert api.post(url(door_plan), json=body("RAPPORT:nope")).status_code == 200
        assert api.post(url(door_plan), json=body("RAPPORT:nope")).status_code == 200
        refused = api.post(url(door_plan), json=body("RAPPORT:nope"))
        assert refused.status_code == 429 and "Retry-After" in refused.headers


def test_the_openapi_description_lists_the_operation(client):
    document = client.get("/api/openapi.json").get_json()
    operation = document["paths"]["/api/v1/plans/{plan_id}/checkins"]["post"]
    assert operation["x-integration"] is False
    assert set(document["components"]["schemas"]["CheckInAnswer"]["properties"]["status"]["enum"]) == {
        "ok", "already_checked_in", "unknown", "revoked", "wrong_event", "declined", "not_attending"}
