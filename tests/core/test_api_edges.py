"""The edges of the JSON API where the behaviour must match the OpenAPI description:
numbers beyond the database's range, timestamps with their offset, strict query
parameters, unknown fields, and 405 with Allow."""
import re
from datetime import datetime

import pytest

from app.core.api import ID_MAX, PAGE_MAX
from app.extensions import db
from tests.conftest import new_api

HUGE = 2**64  # beyond SQLite's and PostgreSQL's integers
TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")


@pytest.fixture
def api(app, make_user):
    return new_api(app, acts_for=make_user(roles=("admin",)))


@pytest.mark.parametrize("method, path", [
    ("GET", "/api/v1/plans/{id}"),
    ("GET", "/api/v1/plans/{id}/budget"),
    ("POST", "/api/v1/plans/{id}/budget/submit"),
    ("POST", "/api/v1/plans/{id}/budget/approve"),
    ("POST", "/api/v1/plans/{id}/budget/reject"),
    ("GET", "/api/v1/plans/{id}/guests"),
    ("GET", "/api/v1/plans/{id}/guests/summary"),
])
@pytest.mark.parametrize("number", [ID_MAX + 1, 2**63, HUGE, 0])
def test_ids_beyond_the_database_are_not_found(api, method, path, number):
    response = (api.get if method == "GET" else api.post)(path.format(id=number))
    assert response.status_code == 404 and response.is_json


@pytest.mark.parametrize("path", ["/api/v1/customers", "/api/v1/plans", "/api/v1/plans/{plan}/guests"])
@pytest.mark.parametrize("query, parameter", [
    (f"page={HUGE}", "page"), (f"page={PAGE_MAX + 1}", "page"), ("page=²", "page"), ("page=", "page"),
    ("per_page=501", "per_page"), (f"per_page={HUGE}", "per_page"), ("per_page=0", "per_page"),
])
def test_paging_outside_the_documented_range_is_400(api, make_plan, path, query, parameter):
    response = api.get(path.format(plan=make_plan().id) + "?" + query)
    assert response.status_code == 400 and response.json["parameter"] == parameter


def test_per_page_just_above_the_plans_maximum_is_refused_not_capped(api):
    response = api.get("/api/v1/plans?per_page=101")
    assert response.status_code == 400 and "1 to 100" in response.json["error"]
    assert api.get(f"/api/v1/plans?page={PAGE_MAX}").json["plans"] == []


@pytest.mark.parametrize("value", ["", " ", "2026-01-31T08:00:00", "20260131", "2026-W05", "yesterday"])
def test_updated_since_must_be_a_date_or_a_timestamp_with_offset(api, value):
    response = api.get("/api/v1/customers", query_string={"updated_since": value})
    assert response.status_code == 400 and response.json["parameter"] == "updated_since"


@pytest.mark.parametrize("value", ["2026-01-31", "2026-01-31T08:00:00Z", "2026-01-31T16:00:00.5+08:00"])
def test_updated_since_takes_dates_and_timestamps_with_offset(api, value):
    assert api.get("/api/v1/customers", query_string={"updated_since": value}).status_code == 200


@pytest.mark.parametrize("field, value", [("capacity", HUGE), ("expected_guests", ID_MAX + 1),
                                          ("capacity", -1)])
def test_counts_beyond_the_database_are_refused_on_their_field(api, make_event_type, field, value):
    code = make_event_type().code
    response = api.post("/api/v1/plans", json={"event_type": code, "event_day": "2027-05-20", "title": "T",
                                               field: value})
    assert response.status_code == 422 and response.json["errors"][0]["field"] == field


def test_an_event_day_whose_timeline_leaves_the_calendar_is_refused(api, make_event_type):
    code = make_event_type(tasks=[("review", 7, "planning_team")]).code
    response = api.post("/api/v1/plans", json={"event_type": code, "event_day": "9999-12-30", "title": "T"})
    assert response.status_code == 422 and response.json["errors"][0]["field"] == "event_day"


@pytest.mark.parametrize("path, body", [
    ("/api/v1/customers/bulk", {"customers": [], "dry_run": True}),
    ("/api/v1/orders/bulk", {"orders": [], "source": "ERP"}),
])
def test_unknown_fields_of_a_bulk_body_are_refused_by_name(api, path, body):
    response = api.post(path, json=body)
    unknown = (set(body) - {"customers", "orders"}).pop()
    assert response.status_code == 400 and response.json["field"] == unknown and unknown in response.json["error"]


def test_unknown_fields_of_a_bulk_record_are_refused_by_name(api):
    response = api.post("/api/v1/customers/bulk", json={"customers": [{"external_id": "X", "name": "x", "vip": 1}]})
    assert response.status_code == 422 and response.json["errors"][0]["field"] == "vip"


def test_budget_timestamps_carry_their_offset(app, make_budget, make_user):
    from app.budget.models import BudgetApproval

    manager = make_user(roles=("manager",))
    revision = make_budget(state="submitted", submitted_at=datetime(2026, 3, 1, 8, 30))
    db.session.add(BudgetApproval(revision_id=revision.id, level=1, decision="approved", approver_id=manager.id,
                            comment="", decided_at=datetime(2026, 3, 2, 9, 0)))
    db.session.commit()
    body = new_api(app).get(f"/api/v1/plans/{revision.plan_id}/budget").json
    assert body["submitted_at"] == "2026-03-01T08:30:00Z"
    assert body["approvals"][0]["decided_at"] == "2026-03-02T09:00:00Z"


def test_customer_and_guest_timestamps_carry_their_offset(api, make_customer, make_invitation):
    make_customer()
    customer = api.get("/api/v1/customers").json["customers"][0]
    assert TIMESTAMP.fullmatch(customer["created_at"]) and TIMESTAMP.fullmatch(customer["updated_at"])
    invitation = make_invitation()
    invitation.invited_at = datetime(2026, 3, 1, 8, 0)
    db.session.commit()
    guest = api.get(f"/api/v1/plans/{invitation.plan_id}/guests").json["guests"][0]
    assert guest["invited_at"] == "2026-03-01T08:00:00Z"


@pytest.mark.parametrize("method, path, allowed", [
    ("GET", "/api/v1/orders/bulk", {"POST"}),
    ("DELETE", "/api/v1/plans", {"GET", "HEAD", "OPTIONS", "POST"}),
    ("PUT", "/api/v1/plans/1/budget/approve", {"POST"}),
])
def test_405_names_the_allowed_methods(api, method, path, allowed):
    response = api.client.open(path, method=method, headers={"Authorization": f"Bearer {api.secret}"})
    assert response.status_code == 405 and response.is_json
    assert {m.strip() for m in response.headers["Allow"].split(",")} >= allowed - {"HEAD", "OPTIONS"}


@pytest.mark.parametrize("amount", ["1e30", "1.8810329192884924e+250", "-2.5e+292", "1e-40", str(10**30)])
def test_amounts_far_beyond_money_are_refused_on_their_field(api, make_customer, amount):
    make_customer(external_id="C1")
    body = ('{"orders": [{"external_id": "O1", "customer_external_id": "C1", "ordered_on": "2026-01-01", '
            f'"amount": {amount}}}]}}')
    response = api.post("/api/v1/orders/bulk", data=body, content_type="application/json")
    assert response.status_code == 422 and response.json["errors"][0]["field"] == "amount"
