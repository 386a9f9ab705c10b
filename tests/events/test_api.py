"""The JSON API for event plans: reading plans with phases and tasks, creating one
from an event type and a date, token access and refused input."""
import json
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from app.auth import api_tokens
from app.events.plan_models import Plan
from app.events.plans import set_task_status
from app.extensions import db
from tests.conftest import new_api

DAY = date(2027, 5, 20)


@pytest.fixture
def token_and_api(app):
    api = new_api(app)
    return api.token, api


@pytest.fixture
def api(token_and_api):
    return token_and_api[1]


@pytest.fixture
def dinner(make_event_type):
    return make_event_type(
        code="vip_dinner", tiers=("high_value", "growth"),
        tasks=[("preparation", -45, "project_lead"), ("execution", 0, "execution_team"), ("review", 7, "planning_team")],
    )


def plan_count():
    return db.session.scalar(select(func.count()).select_from(Plan))


def body(**changes):
    values = {"event_type": "vip_dinner", "event_day": DAY.isoformat(), "title": "VIP dinner",
              "expected_guests": 40, "capacity": 50, "venue": "Jing'an hotel", "start_time": "18:30"}
    return {**values, **changes}


# ---------------------------------------------------------------- reading


def test_list_shows_plans_with_tiers_and_task_counts(api, make_plan, dinner):
    plan = make_plan(event_type=dinner, event_day=DAY, tiers=("high_value", "growth"), title="VIP dinner",
                     expected_guests=40, capacity=50, venue="Hotel", online=True)
    set_task_status(plan.tasks[0], "done", None)
    db.session.commit()
    response = api.get("/api/v1/plans")
    assert response.status_code == 200
    data = response.json
    assert (data["total"], data["page"], data["pages"], data["next"]) == (1, 1, 1, None)
    assert data["plans"] == [{
        "id": plan.id, "title": "VIP dinner", "event_type": "vip_dinner", "event_day": "2027-05-20",
        "start_time": None, "venue": "Hotel", "online": True, "expected_guests": 40, "capacity": 50,
        "state": "draft", "tiers": ["high_value", "growth"], "tasks_done": 1, "tasks_total": 3,
    }]


def test_list_pages(api, make_plan, dinner):
    plans = [make_plan(event_type=dinner, title=f"Plan {n}") for n in range(3)]
    first = api.get("/api/v1/plans?per_page=2").json
    assert [p["id"] for p in first["plans"]] == [plans[0].id, plans[1].id]
    assert first["pages"] == 2 and first["next"].endswith("page=2")
    second = api.get(first["next"]).json
    assert [p["id"] for p in second["plans"]] == [plans[2].id] and second["next"] is None
    assert api.get("/api/v1/plans?per_page=0").status_code == 400
    assert api.get("/api/v1/plans?per_page=101").status_code == 400
    assert api.get("/api/v1/plans?per_page=100").json["per_page"] == 100


def test_list_runs_a_fixed_number_of_queries(api, make_plan, dinner, count_queries):
    def queries_for_list():
        with count_queries() as queries:
            assert api.get("/api/v1/plans").status_code == 200
        return len(queries)

    assert api.get("/api/v1/plans").status_code == 200  # the token's first use records it: not counted
    for _ in range(2):
        make_plan(event_type=dinner)
    few = queries_for_list()
    for _ in range(8):
        make_plan(event_type=dinner)
    assert api.get("/api/v1/plans").json["total"] == 10
    assert queries_for_list() == few


def test_detail_shows_phases_and_tasks(api, make_plan, dinner):
    plan = make_plan(event_type=dinner, event_day=DAY, tiers=("growth",), content="Results")
    data = api.get(f"/api/v1/plans/{plan.id}").json
    assert data["id"] == plan.id and data["content"] == "Results" and data["tiers"] == ["growth"]
    assert data["phases"] == [
        {"phase": "preparation", "first_day": "2027-03-21", "last_day": "2027-05-13"},
        {"phase": "execution", "first_day": "2027-05-13", "last_day": "2027-05-23"},
        {"phase": "review", "first_day": "2027-05-21", "last_day": "2027-05-27"},
    ]
    assert data["tasks"][0] == {"id": plan.tasks[0].id, "phase": "preparation", "title_zh": "任务", "title_en": "Task",
                                "owner_role": "project_lead", "due_on": "2027-04-05", "status": "open"}
    assert [t["due_on"] for t in data["tasks"]] == ["2027-04-05", "2027-05-20", "2027-05-27"]


def test_detail_of_a_missing_plan_is_404(api):
    response = api.get("/api/v1/plans/999999")
    assert response.status_code == 404 and response.is_json


def test_no_token_or_a_revoked_one_is_401(app, token_and_api, make_plan):
    token, api = token_and_api
    plan = make_plan()
    anonymous = app.test_client()
    assert anonymous.get("/api/v1/plans").status_code == 401
    assert anonymous.get(f"/api/v1/plans/{plan.id}").status_code == 401
    assert anonymous.post("/api/v1/plans", json=body()).status_code == 401
    assert api.get("/api/v1/plans").status_code == 200
    api_tokens.revoke_token(token, None)
    db.session.commit()
    assert api.get("/api/v1/plans").status_code == 401
    assert api.post("/api/v1/plans", json=body()).status_code == 401


# ---------------------------------------------------------------- creating


def test_create_makes_a_draft_with_the_type_tasks(api, dinner):
    response = api.post("/api/v1/plans", json=body(content="Cases", online=True))
    assert response.status_code == 201
    data = response.json
    assert response.headers["Location"] == f"/api/v1/plans/{data['id']}"
    plan = db.session.get(Plan, data["id"])
    assert plan.created_by_id is None and plan.state == "draft" and plan.title == "VIP dinner"
    assert plan.tiers == ["high_value", "growth"]  # the type's fitting tiers
    assert (plan.expected_guests, plan.capacity, plan.venue, plan.online, plan.content) == (40, 50, "Jing'an hotel", True, "Cases")
    assert data["start_time"] == "18:30" and data["tasks_total"] == 3
    assert [(t["phase"], t["due_on"], t["owner_role"]) for t in data["tasks"]] == [
        ("preparation", (DAY - timedelta(days=45)).isoformat(), "project_lead"),
        ("execution", DAY.isoformat(), "execution_team"),
        ("review", (DAY + timedelta(days=7)).isoformat(), "planning_team"),
    ]
    assert api.get(response.headers["Location"]).json == data


def test_create_with_chosen_tiers(api, dinner):
    data = api.post("/api/v1/plans", json=body(tiers=["churn_risk"])).json
    assert data["tiers"] == ["churn_risk"]


@pytest.mark.parametrize(("changes", "field"), [
    ({"title": None}, "title"),
    ({"title": "  "}, "title"),
    ({"event_type": "no_such_type"}, "event_type"),
    ({"event_type": None}, "event_type"),
    ({"capacity": 30}, "capacity"),
    ({"event_day": "20.5.2027"}, "event_day"),
    ({"event_day": None}, "event_day"),
    ({"start_time": "half past six"}, "start_time"),
    ({"tiers": ["vip"]}, "tiers"),
    ({"expected_guests": -1, "capacity": None}, "expected_guests"),
])
def test_refused_values_are_422_on_their_field(api, dinner, changes, field):
    response = api.post("/api/v1/plans", json=body(**changes))
    assert response.status_code == 422, response.json
    assert response.json["status"] == 422
    assert [error["field"] for error in response.json["errors"]] == [field]
    assert response.json["errors"][0]["message"]
    assert plan_count() == 0


def test_an_inactive_type_is_refused(api, make_event_type):
    make_event_type(code="old_fair", active=False)
    response = api.post("/api/v1/plans", json=body(event_type="old_fair"))
    assert response.status_code == 422 and response.json["errors"][0]["field"] == "event_type"


@pytest.mark.parametrize("data", [
    "{not json",
    json.dumps([body()]),
    json.dumps(body(capacity="50")),
    json.dumps(body(expected_guests=True)),
    json.dumps(body(title=7)),
    json.dumps(body(online="yes")),
    json.dumps(body(tiers="growth")),
    json.dumps(body(colour="red")),
])
def test_malformed_bodies_are_400(api, dinner, data):
    response = api.post("/api/v1/plans", data=data, content_type="application/json")
    assert response.status_code == 400 and response.is_json and response.json["error"]
    assert plan_count() == 0


def test_messages_follow_accept_language(api, dinner):
    chinese = api.post("/api/v1/plans", json=body(title=""), headers={"Accept-Language": "zh-CN"})
    assert chinese.json["errors"] == [{"field": "title", "message": "请填写名称。"}]
    english = api.post("/api/v1/plans", json=body(capacity=10), headers={"Accept-Language": "en"})
    assert english.json["errors"] == [{"field": "capacity", "message": "The capacity must hold the expected guests."}]
