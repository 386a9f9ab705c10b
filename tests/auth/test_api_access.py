"""Every /api/v1 operation for a token acting for each role, and for a token acting for no
one (an integration). A token has exactly the powers of its person: the roles of the page
taking the same step. Refused calls change nothing."""
import pytest
from flask import g
from sqlalchemy import func, select

from app.auth.access import API_DOORS, api_roles, api_token_required, rule_for
from app.budget import services as budgets
from app.customers.models import Customer
from app.events.models import EventType
from app.events.plan_models import Plan
from app.extensions import db
from tests.conftest import new_api

ROLES = ("admin", "planner", "manager", "staff")
NO_ONE = "no one"  # a token acting for no person
VIEWERS = {"admin", "planner", "manager"}
EDITORS = {"admin", "planner"}
DECIDERS = {"admin", "manager"}

# endpoint: (method, path, body, roles that may, whether a token acting for no one may)
OPERATIONS = {
    "api_customers.list_customers": ("GET", "/api/v1/customers", None, VIEWERS, True),
    "api_customers.get_customer": ("GET", "/api/v1/customers/{external_id}", None, VIEWERS, True),
    "api_customers.bulk_customers": ("POST", "/api/v1/customers/bulk",
                                     {"customers": [{"external_id": "API-NEW", "name": "新客户"}]}, EDITORS, True),
    "api_customers.bulk_orders": ("POST", "/api/v1/orders/bulk",
                                  {"orders": [{"external_id": "API-O1", "customer_external_id": "{external_id}",
                                               "ordered_on": "2026-01-05", "amount": "100.00"}]}, EDITORS, True),
    "api_events.list_plans": ("GET", "/api/v1/plans", None, VIEWERS, True),
    "api_events.get_plan_json": ("GET", "/api/v1/plans/{plan_id}", None, VIEWERS, True),
    "api_events.create_plan_json": ("POST", "/api/v1/plans",
                                    {"event_type": "{event_type}", "event_day": "2027-05-20", "title": "API"},
                                    EDITORS, True),
    "api_budget.get_budget": ("GET", "/api/v1/plans/{plan_id}/budget", None, VIEWERS, True),
    "api_budget.submit_budget": ("POST", "/api/v1/plans/{plan_id}/budget/submit", {}, EDITORS, True),
    "api_budget.approve_budget": ("POST", "/api/v1/plans/{plan_id}/budget/approve", {}, DECIDERS, False),
    "api_budget.reject_budget": ("POST", "/api/v1/plans/{plan_id}/budget/reject", {"comment": "No"}, DECIDERS, False),
    "api_invitations.list_guests": ("GET", "/api/v1/plans/{plan_id}/guests", None, VIEWERS, True),
    "api_invitations.guest_summary": ("GET", "/api/v1/plans/{plan_id}/guests/summary", None, VIEWERS, True),
    "api_invitations.send_invitations": ("POST", "/api/v1/plans/{plan_id}/guests/send", {}, EDITORS, True),
    # The door's page is open to helper links too (no page roles): who may is decided per plan.
    "api_checkin.check_in": ("POST", "/api/v1/plans/{plan_id}/checkins",
                             {"code": "RAPPORT:x", "nonce": "api-access-1", "scanned_at": "2026-12-08T10:00:00Z",
                              "source": "scanner"}, set(), False),
}
# Operations whose access is decided per plan (app/checkin/access.py): who may on route_ids' plan,
# which has no door staff on its team.
PER_PLAN = {"api_checkin.check_in": EDITORS}


@pytest.fixture
def api_ids(route_ids):
    customer = db.session.get(Customer, route_ids["customer_id"])
    event_type = db.session.get(EventType, route_ids["event_type_id"])
    return {**route_ids, "external_id": customer.external_id, "event_type": event_type.code}


def _filled(value, ids):
    if isinstance(value, str):
        return value.format(**ids)
    if isinstance(value, dict):
        return {key: _filled(item, ids) for key, item in value.items()}
    if isinstance(value, list):
        return [_filled(item, ids) for item in value]
    return value


def _state():
    """What a refused call must leave as it was."""
    revisions = [(revision.state, len(revision.approvals)) for plan in db.session.scalars(select(Plan))
                 if (revision := budgets.current_revision(plan)) is not None]
    return (db.session.scalar(select(func.count()).select_from(Customer)),
            db.session.scalar(select(func.count()).select_from(Plan)),
            db.session.scalar(select(func.count(Plan.id)).where(Plan.state != "draft")), revisions)


def test_every_api_operation_is_in_the_door_table_and_in_this_test(app):
    api_endpoints = {rule.endpoint for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/v1/")}
    assert api_endpoints == set(API_DOORS) == set(OPERATIONS)
    for endpoint, door in API_DOORS.items():
        assert rule_for(app, door.page) is not None, f"{endpoint}: no page {door.page}"


@pytest.mark.parametrize("endpoint", sorted(OPERATIONS))
def test_each_operation_needs_the_roles_of_its_page(app, endpoint):
    assert {str(role) for role in api_roles(app, endpoint)} == OPERATIONS[endpoint][3]


@pytest.mark.parametrize("who", (*ROLES, NO_ONE))
@pytest.mark.parametrize("endpoint", sorted(OPERATIONS))
def test_operation_answers_each_role(app, make_user, api_ids, endpoint, who):
    method, path, body, roles, integration = OPERATIONS[endpoint]
    api = new_api(app, acts_for=None if who == NO_ONE else make_user(roles=(who,)))
    allowed = integration if who == NO_ONE else who in PER_PLAN.get(endpoint, roles)
    before = _state()
    send = api.get if method == "GET" else api.post
    response = send(path.format(**api_ids), **({} if body is None else {"json": _filled(body, api_ids)}))
    if allowed:
        assert response.status_code in (200, 201, 422), response.get_data(as_text=True)[:300]
    else:
        assert response.status_code == 403, response.get_data(as_text=True)[:300]
        assert response.json["status"] == 403 and response.json["error"]
        db.session.expire_all()
        assert _state() == before


def test_a_token_acting_for_a_person_creates_their_plan(app, make_user, api_ids):
    planner = make_user(roles=("planner",))
    response = new_api(app, acts_for=planner).post("/api/v1/plans", json={
        "event_type": api_ids["event_type"], "event_day": "2027-05-20", "title": "API"})
    assert response.status_code == 201
    assert db.session.get(Plan, response.json["id"]).created_by_id == planner.id


def test_the_refusal_names_the_roles_needed(app, make_user, api_ids):
    response = new_api(app, acts_for=make_user(roles=("staff",))).get("/api/v1/customers")
    assert response.status_code == 403 and "admin / manager / planner" in response.json["error"]
    response = new_api(app).post(f"/api/v1/plans/{api_ids['plan_id']}/budget/approve", json={})
    assert response.status_code == 403 and "acts for a system" in response.json["error"]


def test_an_api_route_missing_from_the_door_table_is_refused(app, make_user):
    @app.route("/api/v1/forgotten")
    @api_token_required
    def forgotten():
        return {"token": g.api_token.id}

    for acts_for in (None, make_user(roles=("admin",))):
        assert new_api(app, acts_for=acts_for).get("/api/v1/forgotten").status_code == 403
