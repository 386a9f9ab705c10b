"""The budget's JSON API: reading the current revision with its check, submitting it, and
approving or rejecting as the person a token acts for (a token acting for no one may not)."""
from app.budget import services as budgets
from app.events.plan_models import PlanActivity
from app.extensions import db
from app.notifications.models import Notification
from tests.budget.test_approvals import FAILING_BUDGET, people, ready_plan, submitted  # noqa: F401  (fixtures)
from tests.conftest import new_api


def path(plan, step=""):
    return f"/api/v1/plans/{plan.id}/budget" + (f"/{step}" if step else "")


def test_reading_a_budget_gives_money_as_strings_and_the_rule(app, make_budget):
    revision = make_budget()
    response = new_api(app).get(path(revision.plan))
    assert response.status_code == 200
    data = response.json
    assert {key: data[key] for key in ("plan_id", "plan_state", "revision", "state", "approvals_needed", "submitted_at",
                                       "base", "contingency", "ratio", "total", "passes", "passing_range")} == {
        "plan_id": revision.plan_id, "plan_state": "draft", "revision": 1, "state": "draft", "approvals_needed": 1,
        "submitted_at": None, "base": "42000.00", "contingency": "4200.00", "ratio": "0.1000", "total": "46200.00",
        "passes": True, "passing_range": {"low": "4200.00", "high": "6300.00"},
    }
    assert len(data["lines"]) == 8 and data["approvals"] == []
    catering = data["lines"][4]
    assert catering | {"category": "catering", "quantity": "50.00", "unit_price": "200.00", "amount": "10000.00",
                       "position": 5} == catering


def test_a_failing_budget_and_one_without_contingency_read_as_such(app, make_budget):
    api = new_api(app)
    failing = api.get(path(make_budget(lines=FAILING_BUDGET).plan)).json
    assert (failing["passes"], failing["ratio"], failing["contingency"]) == (False, "0.0950", "3990.00")
    bare = api.get(path(make_budget(lines=FAILING_BUDGET[:2]).plan)).json
    assert (bare["contingency"], bare["ratio"], bare["passes"], bare["total"]) == (None, None, False, "13000.00")


def test_unknown_plans_and_plans_without_budget_are_404(app, make_plan):
    api = new_api(app)
    assert api.get("/api/v1/plans/99999/budget").status_code == 404
    response = api.get(path(make_plan()))
    assert response.status_code == 404 and response.json["error"] == "The plan has no budget yet."


def test_without_a_token_the_budget_is_not_shown(client, make_budget):
    plan = make_budget().plan
    assert client.get(path(plan)).status_code == 401
    assert client.post(path(plan, "submit")).status_code == 401


def test_submitting_through_the_api_tells_the_managers(app, ready_plan, people):
    plan = ready_plan()
    response = new_api(app, name="ERP").post(path(plan, "submit"))
    assert response.status_code == 200, response.json
    assert (response.json["state"], response.json["plan_state"]) == ("submitted", "submitted")
    assert response.json["submitted_at"]
    db.session.expire_all()
    revision = budgets.current_revision(plan)
    assert revision.state == "submitted" and revision.submitted_by_id is None  # a system, not a person
    entry = db.session.query(PlanActivity).filter_by(plan_id=plan.id, action="plan.submit").one()
    assert entry.user_id is None
    notice = db.session.query(Notification).filter_by(user_id=people.manager.id).one()
    assert notice.params["submitter"] == "ERP (API)"


def test_a_blocked_submission_lists_the_checklists_reasons(app, ready_plan):
    plan = ready_plan(lines=FAILING_BUDGET)
    plan.channels = []
    db.session.commit()
    response = new_api(app).post(path(plan, "submit"), json={})
    assert response.status_code == 422
    assert {error["field"] for error in response.json["errors"]} == {"budget", "promotion"}
    assert "The budget passes the contingency rule" in [error["message"] for error in response.json["errors"]]
    db.session.expire_all()
    assert plan.state == "draft"


def test_a_second_submission_is_refused(app, ready_plan, people):
    plan = ready_plan()
    submitted(plan, people.planner)
    response = new_api(app).post(path(plan, "submit"))
    assert response.status_code == 422 and response.json["errors"][0]["field"] == "step"


def test_malformed_bodies_are_400(app, ready_plan, people):
    api, plan = new_api(app), ready_plan()
    for body in ("[1]", "{", '{"note": "x"}'):
        response = api.post(path(plan, "submit"), data=body, content_type="application/json")
        assert response.status_code == 400, body
    manager = new_api(app, acts_for=people.manager)
    assert manager.post(path(plan, "reject"), json={"comment": 5}).status_code == 400


def test_tokens_acting_for_no_one_cannot_approve_or_reject(app, ready_plan, people):
    plan = ready_plan()
    submitted(plan, people.planner)
    api = new_api(app)
    for step in ("approve", "reject"):
        response = api.post(path(plan, step), json={"comment": "Fine"})
        assert response.status_code == 403 and "acts for a system" in response.json["error"]
    assert api.post("/api/v1/plans/99999/budget/approve").status_code == 403  # refused before any lookup
    db.session.expire_all()
    assert plan.state == "submitted" and budgets.current_revision(plan).approvals == []


def test_a_managers_token_approves_and_tells_the_planner(app, ready_plan, people):
    plan = ready_plan()
    submitted(plan, people.planner)
    response = new_api(app, name="OA", acts_for=people.manager).post(path(plan, "approve"), json={"comment": "OK"})
    assert response.status_code == 200, response.json
    assert (response.json["state"], response.json["plan_state"]) == ("approved", "approved")
    db.session.expire_all()
    [approval] = budgets.current_revision(plan).approvals
    assert (approval.approver_id, approval.comment) == (people.manager.id, "OK")
    assert db.session.query(Notification).filter_by(user_id=people.planner.id).count() == 1


def test_a_token_has_its_persons_roles_and_limits(app, ready_plan, people, make_user):
    plan = ready_plan()
    submitted(plan, people.both)
    own = new_api(app, acts_for=people.both).post(path(plan, "approve"), json={})
    planner = new_api(app, acts_for=make_user(roles=("planner",))).post(path(plan, "approve"), json={})
    assert own.status_code == 422 and planner.status_code == 403
    rejected_without_comment = new_api(app, acts_for=people.manager).post(path(plan, "reject"), json={})
    assert rejected_without_comment.status_code == 422
    db.session.expire_all()
    assert plan.state == "submitted" and budgets.current_revision(plan).approvals == []


def test_a_token_acting_for_a_deactivated_person_is_refused(app, ready_plan, people):
    plan = ready_plan()
    submitted(plan, people.planner)
    api = new_api(app, acts_for=people.manager)
    people.manager.active = False
    db.session.commit()
    assert api.post(path(plan, "approve"), json={}).status_code == 401


def test_the_budget_endpoints_are_documented(client):
    document = client.get("/api/openapi.json").json
    assert set(document["paths"]["/api/v1/plans/{plan_id}/budget"]) == {"get"}
    for step in ("approve", "reject"):
        operation = document["paths"][f"/api/v1/plans/{{plan_id}}/budget/{step}"]["post"]
        assert "403" in operation["responses"] and "acts for" in operation["description"]
    assert "passing_range" in document["components"]["schemas"]["Budget"]["properties"]
