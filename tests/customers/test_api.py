"""The JSON API for CRM/ERP systems: reading customers with tier and RFM values,
bulk upserts of customers and orders (all or nothing), bad input, limits."""
import json
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from app.core import clock
from app.customers import labels, tiering
from app.customers.api import bulk as bulk_api
from app.customers.api import openapi as api_openapi
from app.customers.imports import fields
from app.customers.models import Customer, Order
from app.extensions import db, limiter
from tests.conftest import new_api

AS_OF = date(2026, 11, 23)


@pytest.fixture
def api(app):
    return new_api(app)


@pytest.fixture
def queued(monkeypatch):
    """Records tier recomputations queued by the API instead of running them."""
    calls = []
    monkeypatch.setattr(bulk_api, "refresh_tiers_soon", lambda: calls.append(True))
    return calls


def customer_count():
    return db.session.scalar(select(func.count()).select_from(Customer))


def order_count():
    return db.session.scalar(select(func.count()).select_from(Order))


CUSTOMERS = [
    {"external_id": "C-1", "name": "星河科技", "company": "星河科技有限公司", "industry": "制造业",
     "email": "wang@xinghe.example", "phone": "138 1234 5678", "preferred_channel": "微信",
     "preferred_language": "zh", "registered_on": "2024-07-15", "tags": ["制造业", "成长期"], "consent": True},
    {"external_id": "C-2", "name": "Blue Ocean Ltd", "city": "London", "tags": "education; key account",
     "consent": "no", "wechat_id": None},
    {"external_id": 3003, "name": "华东医疗"},  # a numeric ID is taken as its text
]


# ---------------------------------------------------------------- reading


@pytest.fixture
def tiered(make_customer, make_order):
    """A high-value customer and one without orders, tiered twice (the older run
    as of a year earlier must not show)."""
    big = make_customer(external_id="BIG", name="大客户", tags=["制造业"], registered_on=date(2020, 1, 1))
    for day in range(9):
        make_order(big, AS_OF - timedelta(days=day + 1), "1200.05")
    quiet = make_customer(external_id="QUIET", name="安静客户", registered_on=date(2020, 1, 1))
    tiering.recompute(AS_OF - timedelta(days=365))
    run = tiering.recompute(AS_OF)
    db.session.commit()
    return big, quiet, run


def test_customers_come_with_tier_and_rfm_of_the_latest_run(api, tiered):
    _big, _quiet, run = tiered
    body = api.get("/api/v1/customers").json
    assert body["tier_run"] == {"id": run.id, "as_of": "2026-11-23"}
    assert body["total"] == 2 and body["page"] == 1 and body["pages"] == 1 and body["next"] is None
    big, quiet = body["customers"]
    assert big["external_id"] == "BIG" and big["name"] == "大客户" and big["tags"] == ["制造业"]
    assert big["tier"] == "high_value" and big["lifecycle"] == "mature"
    assert (big["recency_days"], big["frequency"]) == (1, 9)
    assert big["monetary"] == "10800.45" and big["lifetime_spend"] == "10800.45"
    assert big["clv_top_percent"] == "100.00" and big["tier_as_of"] == "2026-11-23"
    assert big["registered_on"] == "2020-01-01" and big["last_activity_on"] == "2026-11-22"
    assert quiet["tier"] == "general" and quiet["monetary"] == "0.00" and quiet["clv_top_percent"] is None
    assert quiet["recency_days"] is None and quiet["frequency"] == 0


def test_money_is_a_string_in_the_raw_json(api, tiered):
    raw = api.get("/api/v1/customers/BIG").get_data(as_text=True)
    assert '"monetary":"10800.45"' in raw.replace(" ", "")


def test_customer_added_after_the_run_has_no_tier_yet(api, tiered, make_customer):
    make_customer(external_id="LATE")
    late = api.get("/api/v1/customers/LATE").json
    assert late["external_id"] == "LATE"
    assert late["tier"] is None and late["monetary"] is None and late["tier_as_of"] is None


def test_without_any_run_tiers_are_null(api, make_customer):
    make_customer(external_id="X")
    body = api.get("/api/v1/customers").json
    assert body["tier_run"] is None and body["customers"][0]["tier"] is None


def test_one_customer_and_an_unknown_one(api, tiered, make_customer):
    body = api.get("/api/v1/customers/BIG").json
    assert body["tier"] == "high_value" and body["frequency"] == 9
    make_customer(external_id="2024/001")
    assert api.get("/api/v1/customers/2024/001").json["external_id"] == "2024/001"
    missing = api.get("/api/v1/customers/NOPE")
    assert missing.status_code == 404 and missing.is_json and "NOPE" in missing.json["error"]


def test_pagination(api, make_customer):
    for n in range(5):
        make_customer(external_id=f"P{n}")
    first = api.get("/api/v1/customers?per_page=2").json
    assert [c["external_id"] for c in first["customers"]] == ["P0", "P1"]
    assert (first["total"], first["pages"]) == (5, 3)
    second = api.get(first["next"]).json
    assert [c["external_id"] for c in second["customers"]] == ["P2", "P3"]
    last = api.get(second["next"]).json
    assert [c["external_id"] for c in last["customers"]] == ["P4"] and last["next"] is None
    assert api.get("/api/v1/customers?per_page=2&page=9").json["customers"] == []
    too_many = api.get("/api/v1/customers?per_page=501")
    assert too_many.status_code == 400 and too_many.json["parameter"] == "per_page"
    assert api.get("/api/v1/customers?per_page=500").json["per_page"] == 500


@pytest.mark.parametrize("query", ["page=0", "page=x", "per_page=-1", "tier=platinum", "updated_since=yesterday"])
def test_bad_parameters_are_400(api, query):
    response = api.get(f"/api/v1/customers?{query}")
    assert response.status_code == 400 and response.is_json and response.json["error"]


def test_filters_tier_search_and_updated_since(api, tiered, make_customer):
    assert [c["external_id"] for c in api.get("/api/v1/customers?tier=high_value").json["customers"]] == ["BIG"]
    both = api.get("/api/v1/customers?tier=general,high_value").json
    assert both["total"] == 2
    assert api.get("/api/v1/customers?tier=general&tier=high_value").json["total"] == 2
    assert [c["external_id"] for c in api.get("/api/v1/customers?q=安静").json["customers"]] == ["QUIET"]
    big, quiet, _run = tiered
    big.updated_at = datetime(2026, 1, 1, 8, 0)
    quiet.updated_at = datetime(2026, 3, 1, 8, 0)
    db.session.commit()
    since = api.get("/api/v1/customers?updated_since=2026-02-01").json["customers"]
    assert [c["external_id"] for c in since] == ["QUIET"]
    # An offset is converted to UTC: 09:00+08:00 is 01:00 UTC, before 08:00 UTC.
    assert api.get("/api/v1/customers?updated_since=2026-01-01T09:00:00%2B08:00").json["total"] == 2
    assert api.get("/api/v1/customers?updated_since=2026-01-01T09:00:00Z").json["total"] == 1


def test_list_has_a_fixed_number_of_queries(api, tiered, make_customer, count_queries):
    api.get("/api/v1/customers")
    with count_queries() as few:
        api.get("/api/v1/customers")
    for n in range(8):
        make_customer(external_id=f"M{n}", tags=["a", "b"])
    with count_queries() as many:
        assert api.get("/api/v1/customers").json["total"] == 10
    assert len(many) == len(few)


# ---------------------------------------------------------------- bulk upsert


def test_bulk_customers_creates_them_and_queues_a_tier_run(api, queued):
    response = api.post("/api/v1/customers/bulk", json={"customers": CUSTOMERS})
    assert response.status_code == 200, response.json
    assert response.json == {"created": 3, "updated": 0}
    assert len(queued) == 1
    star = db.session.scalar(select(Customer).where(Customer.external_id == "C-1"))
    assert star.tags == ["制造业", "成长期"] and star.consent is True
    assert star.phone == "13812345678" and star.preferred_channel == "wechat" and star.registered_on == date(2024, 7, 15)
    ocean = db.session.scalar(select(Customer).where(Customer.external_id == "C-2"))
    assert ocean.tags == ["education", "key account"] and ocean.consent is False
    assert db.session.scalar(select(Customer).where(Customer.external_id == "3003")).name == "华东医疗"


def test_bulk_upsert_is_idempotent(api, queued):
    first = api.post("/api/v1/customers/bulk", json={"customers": CUSTOMERS})
    second = api.post("/api/v1/customers/bulk", json={"customers": CUSTOMERS})
    assert first.json == {"created": 3, "updated": 0}
    assert second.json == {"created": 0, "updated": 3}
    assert customer_count() == 3


def test_bulk_update_changes_only_the_fields_sent(api, queued, make_customer):
    make_customer(external_id="C-9", name="Old name", city="上海", tags=["旧"])
    response = api.post("/api/v1/customers/bulk", json={"customers": [{"external_id": "C-9", "name": "New name"}]})
    assert response.json == {"created": 0, "updated": 1}
    customer = db.session.scalar(select(Customer).where(Customer.external_id == "C-9"))
    assert customer.name == "New name" and customer.city == "上海" and customer.tags == ["旧"]


def test_bulk_orders_with_exact_amounts_then_tiers_show_them(api, make_customer):
    make_customer(external_id="C-1")
    day = (clock.today() - timedelta(days=3)).isoformat()
    orders = [
        {"external_id": "O-1", "customer_external_id": "C-1", "ordered_on": day, "amount": "1234.50"},
        {"external_id": "O-2", "customer_external_id": "C-1", "ordered_on": day.replace("-", "/"), "amount": 0.1},
        {"external_id": "O-3", "customer_external_id": "C-1", "ordered_on": day, "amount": 12000},
        {"external_id": "O-4", "customer_external_id": "C-1", "ordered_on": day, "amount": 1234567.89,
         "product": "设备", "channel": "线下"},
    ]
    response = api.post("/api/v1/orders/bulk", json={"orders": orders})
    assert response.json == {"created": 4, "updated": 0}
    amounts = dict(db.session.execute(select(Order.external_id, Order.amount)).all())
    assert amounts == {"O-1": Decimal("1234.50"), "O-2": Decimal("0.10"), "O-3": Decimal("12000.00"),
                       "O-4": Decimal("1234567.89")}
    # The queued (here: eager) tier run already includes the new orders.
    customer = api.get("/api/v1/customers/C-1").json
    assert customer["lifetime_spend"] == "1247802.49" and customer["tier_as_of"] == clock.today().isoformat()
    again = api.post("/api/v1/orders/bulk", json={"orders": orders})
    assert again.json == {"created": 0, "updated": 4} and order_count() == 4


def test_bad_records_are_all_reported_and_nothing_is_written(api, queued, make_customer):
    make_customer(external_id="KNOWN", name="Unchanged")
    records = [
        {"external_id": "KNOWN", "name": "Changed"},  # valid, yet not written
        {"external_id": "E-1"},  # no name
        {"external_id": "E-2", "name": "x", "email": "not-an-email", "registered_on": "2024-13-45"},
        {"external_id": "E-2", "name": "duplicate"},
        {"external_id": "E-3", "name": "y", "colour": "red"},
    ]
    response = api.post("/api/v1/customers/bulk", json={"customers": records})
    assert response.status_code == 422
    body = response.json
    found = {(e["index"], e["field"], e["code"]) for e in body["errors"]}
    assert found == {
        (2, "name", "required"),
        (3, "email", "invalid_email"),
        (3, "registered_on", "invalid_date"),
        (4, "external_id", "duplicate_id"),
        (5, "colour", "unknown_field"),
    }
    assert body["error_count"] == 5 and body["status"] == 422
    email_error = next(e for e in body["errors"] if e["field"] == "email")
    assert email_error["value"] == "not-an-email" and "e-mail" in email_error["message"]
    assert customer_count() == 1 and queued == []
    assert db.session.scalar(select(Customer.name).where(Customer.external_id == "KNOWN")) == "Unchanged"


def test_orders_of_unknown_customers_and_bad_amounts(api, queued, make_customer):
    make_customer(external_id="C-1")
    orders = [
        {"external_id": "O-1", "customer_external_id": "C-1", "ordered_on": "2026-11-01", "amount": "12.345"},
        {"external_id": "O-2", "customer_external_id": "GHOST", "ordered_on": "2026-11-01", "amount": "-5"},
        {"external_id": "O-3", "customer_external_id": "C-1", "ordered_on": "2026-11-01", "amount": True},
    ]
    response = api.post("/api/v1/orders/bulk", json={"orders": orders})
    assert response.status_code == 422
    found = {(e["index"], e["field"], e["code"]) for e in response.json["errors"]}
    assert found == {
        (1, "amount", "too_many_decimals"),
        (2, "amount", "negative_amount"),
        (2, "customer_external_id", "unknown_customer"),
        (3, "amount", "invalid_amount"),
    }
    assert order_count() == 0 and queued == []


@pytest.mark.parametrize(
    "body, words",
    [
        (b"{not json", "not valid JSON"),
        (b'{"customers": [1, NaN]}', "not valid JSON"),
        (b"\xff\xfe", "not valid JSON"),
        (b"", "not valid JSON"),
        (b'[{"external_id": "C-1"}]', '{"customers"'),
        (b'{"orders": []}', '{"customers"'),
        (b'{"customers": {"external_id": "C-1"}}', '{"customers"'),
        (b'{"customers": [{"external_id": "C-1", "name": "x"}, "C-2"]}', "Record 2 is not a JSON object"),
        (b'{"customers": [{"external_id": "C-1", "name": {"zh": "x"}}]}', "Record 1: name must be"),
        (b'{"customers": [{"external_id": "C-1", "name": "x", "tags": [1, 2]}]}', "tags must be"),
    ],
    ids=["syntax", "nan", "bytes", "empty", "array", "wrong-key", "not-a-list", "not-object", "nested", "tag-numbers"],
)
def test_malformed_json_is_400_with_a_clear_message(api, queued, body, words):
    response = api.post("/api/v1/customers/bulk", data=body, content_type="application/json")
    assert response.status_code == 400 and response.is_json
    assert words in response.json["error"]
    assert customer_count() == 0 and queued == []


def test_too_many_records_is_413(api, queued):
    records = [{"external_id": f"C{n}", "name": "x"} for n in range(bulk_api.MAX_RECORDS + 1)]
    response = api.post("/api/v1/customers/bulk", json={"customers": records})
    assert response.status_code == 413 and "5000" in response.json["error"]
    assert customer_count() == 0
    ok = api.post("/api/v1/customers/bulk", json={"customers": records[:bulk_api.MAX_RECORDS]})
    assert ok.json == {"created": bulk_api.MAX_RECORDS, "updated": 0}


def test_too_large_a_body_is_413_in_json(api, monkeypatch):
    monkeypatch.setattr(bulk_api, "MAX_BODY_BYTES", 100)
    response = api.post("/api/v1/customers/bulk", json={"customers": [{"external_id": "C1", "name": "x" * 200}]})
    assert response.status_code == 413 and response.is_json and response.json["status"] == 413


def test_empty_list_changes_nothing(api, queued):
    assert api.post("/api/v1/customers/bulk", json={"customers": []}).json == {"created": 0, "updated": 0}
    assert queued == []


class Localised:
    """Stands in for a catalogue entry: its text depends on the request's language."""

    def __str__(self):
        from flask_babel import get_locale

        return "需要填写。" if str(get_locale()) == "zh" else "A value is required."


@pytest.mark.parametrize("language, expected", [("zh-CN,zh;q=0.9", "需要填写。"), ("en-GB,en;q=0.8", "A value is required.")])
def test_error_messages_follow_accept_language(api, queued, monkeypatch, language, expected):
    monkeypatch.setitem(labels.ERROR_MESSAGES, "required", Localised())
    response = api.post("/api/v1/customers/bulk", json={"customers": [{"external_id": "C1"}]},
                        headers={"Accept-Language": language})
    assert response.json["errors"][0]["message"] == expected


@pytest.mark.parametrize("language, locale", [("zh-CN", "zh"), ("en", "en")])
def test_messages_use_the_catalogue_of_the_language(app, api, queued, language, locale):
    response = api.post("/api/v1/customers/bulk", json={"customers": [{"external_id": "C1", "name": "x", "email": "@"}]},
                        headers={"Accept-Language": language})
    with app.test_request_context(), force_locale(locale):
        assert response.json["errors"][0]["message"] == str(labels.ERROR_MESSAGES["invalid_email"])


def test_post_needs_no_csrf_token_but_a_token(make_app, app):
    strict = make_app(WTF_CSRF_ENABLED=True)
    with strict.app_context():
        api = new_api(strict)
        response = api.post("/api/v1/customers/bulk", json={"customers": []})
        assert response.status_code == 200
        anonymous = strict.test_client().post("/api/v1/customers/bulk", json={"customers": []})
        assert anonymous.status_code == 401


def test_wrong_method_and_unknown_path_answer_in_json(api):
    wrong = api.get("/api/v1/orders/bulk")
    assert wrong.status_code == 405 and wrong.is_json
    missing = api.get("/api/v1/nothing-here")
    assert missing.status_code == 404 and missing.is_json


@pytest.fixture
def limited_app(make_app, backend):
    """Rate limits on, kept in Redis when the run has one, as in production."""
    redis = backend.broker_url("limits")
    storage = redis.rsplit("/", 1)[0] + "/2" if redis else "memory://"
    limited = make_app(RATELIMIT_ENABLED=True, API_RATE_LIMIT="2 per minute", RATELIMIT_STORAGE_URI=storage)
    with limited.app_context():
        limiter.reset()
    return limited


def test_rate_limit_counts_per_token_across_endpoints(limited_app):
    with limited_app.app_context():
        first, second = new_api(limited_app, "first"), new_api(limited_app, "second")
        assert first.get("/api/v1/customers").status_code == 200
        assert first.post("/api/v1/customers/bulk", json={"customers": []}).status_code == 200
        refused = first.get("/api/v1/customers")
        assert refused.status_code == 429 and refused.is_json and "Retry-After" in refused.headers
        assert second.get("/api/v1/customers").status_code == 200


def test_records_schema_lists_the_import_fields():
    """The OpenAPI text documents exactly the fields the importer takes."""
    schemas = api_openapi.OPENAPI["components"]["schemas"]
    assert tuple(schemas["CustomerRecord"]["properties"]) == fields.CUSTOMER_FIELDS
    assert tuple(schemas["OrderRecord"]["properties"]) == fields.ORDER_FIELDS


def test_customer_schema_lists_every_field_the_api_sends(api, tiered):
    body = api.get("/api/v1/customers/BIG").json
    assert set(body) == set(api_openapi.OPENAPI["components"]["schemas"]["Customer"]["properties"])
    assert json.dumps(body)  # plain JSON types only


def test_bulk_names_are_kept_on_one_line(api, queued):
    record = {"external_id": "C-7", "name": "Wang\nBcc: spy@example.com", "company": "ACME\r\nX-Evil: 1"}
    assert api.post("/api/v1/customers/bulk", json={"customers": [record]}).status_code == 200
    customer = db.session.scalar(select(Customer).where(Customer.external_id == "C-7"))
    assert (customer.name, customer.company) == ("Wang Bcc: spy@example.com", "ACME X-Evil: 1")
