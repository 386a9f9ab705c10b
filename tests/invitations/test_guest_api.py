"""JSON API of the guest list: paged guests with their RSVP states, the funnel; never a token."""
from datetime import datetime

from app.extensions import db
from tests.conftest import new_api


def test_guests_are_listed_without_tokens(app, make_plan, make_invitation):
    plan = make_plan(capacity=1)
    first = make_invitation(plan=plan, name="甲", company="星河科技")
    first.rsvp, first.companions, first.opened_at = "accepted", 1, datetime(2026, 5, 1, 8, 30)
    db.session.commit()
    second = make_invitation(plan=plan, name="乙")
    response = new_api(app).get(f"/api/v1/plans/{plan.id}/guests")
    assert response.status_code == 200
    body = response.get_json()
    assert body["total"] == 2 and body["next"] is None
    guest = body["guests"][0]
    assert (guest["name"], guest["company"], guest["status"], guest["rsvp"], guest["companions"]) == (
        "甲", "星河科技", "guest", "accepted", 1)
    assert guest["opened_at"] == "2026-05-01T08:30:00Z" and guest["responded_at"] is None
    assert body["guests"][1]["status"] == "waitlist" and body["guests"][1]["waitlist_position"] == 1
    text = response.get_data(as_text=True)
    for invitation in (first, second):
        for token in (invitation.rsvp_token, invitation.checkin_token, invitation.survey_token):
            assert token not in text
    assert "token" not in text


def test_guests_answers_are_listed(app, make_plan, make_invitation):
    plan = make_plan()
    coming, away = make_invitation(plan=plan), make_invitation(plan=plan)
    coming.rsvp, coming.dietary, coming.notes = "accepted", "清真", "需要停车位"
    away.rsvp, away.decline_reason, away.decline_text = "declined", "distance", "在外地"
    db.session.commit()
    first, second = new_api(app).get(f"/api/v1/plans/{plan.id}/guests").get_json()["guests"]
    assert (first["dietary"], first["notes"], first["decline_text"]) == ("清真", "需要停车位", "")
    assert (second["decline_reason"], second["decline_text"], second["dietary"]) == ("distance", "在外地", "")


def test_filters_and_paging(app, make_plan, make_invitation):
    plan = make_plan()
    guests = [make_invitation(plan=plan) for _ in range(3)]
    guests[0].rsvp = "declined"
    db.session.commit()
    api = new_api(app)
    body = api.get(f"/api/v1/plans/{plan.id}/guests?rsvp=declined").get_json()
    assert [g["id"] for g in body["guests"]] == [guests[0].id]
    body = api.get(f"/api/v1/plans/{plan.id}/guests?per_page=2").get_json()
    assert len(body["guests"]) == 2 and body["pages"] == 2
    assert body["next"].endswith(f"/api/v1/plans/{plan.id}/guests?per_page=2&page=2")
    assert len(api.get(body["next"]).get_json()["guests"]) == 1
    refused = api.get(f"/api/v1/plans/{plan.id}/guests?status=vip")
    assert refused.status_code == 400 and refused.get_json()["parameter"] == "status"
    assert api.get(f"/api/v1/plans/{plan.id}/guests?page=0").status_code == 400
    assert api.get("/api/v1/plans/999999/guests").status_code == 404


def test_summary_is_the_funnel(app, make_plan, make_invitation):
    plan = make_plan()
    now = datetime.now()
    for tier, rsvp, reason in (("general", "accepted", None), ("general", "declined", "schedule"),
                               (None, "pending", None)):
        guest = make_invitation(plan=plan)
        guest.tier, guest.rsvp, guest.decline_reason, guest.invited_at = tier, rsvp, reason, now
    db.session.commit()
    body = new_api(app).get(f"/api/v1/plans/{plan.id}/guests/summary").get_json()
    assert body["plan_id"] == plan.id and body["capacity"] is None
    assert {k: body["total"][k] for k in ("invited", "opened", "accepted", "declined", "no_answer", "waitlisted")} == {
        "invited": 3, "opened": 2, "accepted": 1, "declined": 1, "no_answer": 1, "waitlisted": 0}
    assert [(t["tier"], t["invited"]) for t in body["tiers"]] == [("general", 2), (None, 1)]
    assert {"reason": "schedule", "count": 1} in body["decline_reasons"]


def test_the_api_needs_a_token(client, make_plan):
    plan = make_plan()
    assert client.get(f"/api/v1/plans/{plan.id}/guests").status_code == 401
    assert client.get(f"/api/v1/plans/{plan.id}/guests/summary").status_code == 401


def test_the_openapi_document_describes_the_guest_api(client):
    paths = client.get("/api/openapi.json").get_json()["paths"]
    assert paths["/api/v1/plans/{plan_id}/guests"]["get"]["operationId"] == "listGuests"
    assert "/api/v1/plans/{plan_id}/guests/summary" in paths
    guest = client.get("/api/openapi.json").get_json()["components"]["schemas"]["Guest"]["properties"]
    assert {"dietary", "notes", "decline_text"} <= set(guest)
