"""JSON API for CRM/ERP systems: read customers with their tier and RFM values
from the latest tier run, and upsert customers and orders in bulk through the
same validation as the file import (all or nothing)."""
import json
import re
from datetime import date, datetime, timezone
from decimal import Decimal

from flask import Blueprint, request
from flask_babel import gettext as _
from sqlalchemy import func, select

from app.auth.access import api_token_required
from app.core.api import (
    ApiRefused,
    api_error,
    api_rate_limit,
    json_content,
    page_args,
    page_links,
    page_parameters,
    schema_field,
    timestamp,
    timestamp_field,
)
from app.core.formatting import CENT
from app.core.text import single_line
from app.customers import queries, tiering
from app.customers.importing import REQUIRED, import_records
from app.customers.models import CHANNELS, LIFECYCLES, TIERS, Customer
from app.customers.tasks import refresh_tiers_soon
from app.extensions import csrf, db

bp = Blueprint("api_customers", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # token-authenticated, no cookies: CSRF cannot apply

MAX_RECORDS = 5000
MAX_BODY_BYTES = 32 * 1024 * 1024
PER_PAGE = 100
MAX_PER_PAGE = 500
TEXT_FIELDS = ("name", "company", "industry", "contact_person", "contact_title", "email", "phone", "wechat_id", "city",
               "preferred_channel", "preferred_language")
# Text that may end up in a mail header (a guest's name, company, address): kept on one line.
ONE_LINE_FIELDS = ("name", "company", "contact_person", "contact_title", "email", "phone", "wechat_id", "city")


# ---------------------------------------------------------------- reading


def _money(value):
    return None if value is None else f"{Decimal(value).quantize(CENT):f}"


def _iso(value):
    return value.isoformat() if value else None


def customer_json(customer, assignment, run):
    """A customer as the API shows it; the tier fields are null until a tier run
    has included the customer."""
    data = {name: getattr(customer, name) for name in ("external_id", *TEXT_FIELDS)}
    data.update(
        registered_on=_iso(customer.registered_on),
        tags=customer.tags,
        consent=customer.consent,
        created_at=timestamp(customer.created_at),
        updated_at=timestamp(customer.updated_at),
        tier=None, lifecycle=None, recency_days=None, frequency=None, monetary=None, lifetime_spend=None,
        clv_top_percent=None, first_order_on=None, last_activity_on=None, tier_as_of=None,
    )
    if assignment is not None:
        data.update(
            tier=assignment.tier,
            lifecycle=assignment.lifecycle,
            recency_days=assignment.recency_days,
            frequency=assignment.frequency,
            monetary=_money(assignment.monetary),
            lifetime_spend=_money(assignment.lifetime_spend),
            clv_top_percent=_money(assignment.clv_top_percent),
            first_order_on=_iso(assignment.first_order_on),
            last_activity_on=_iso(assignment.last_activity_on),
            tier_as_of=_iso(run.as_of),
        )
    return data


def _tiers():
    tiers = [tier.strip() for value in request.args.getlist("tier") for tier in value.split(",")]
    unknown = sorted(set(tiers) - set(TIERS))
    if unknown:
        raise ApiRefused(_("Unknown tier %(tier)s. Use %(tiers)s.", tier=unknown[0], tiers=", ".join(TIERS)),
                         parameter="tier")
    return tuple(tiers)


# ISO 8601 as RFC 3339 has it: a date, or a timestamp with its offset.
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})")


def _updated_since():
    """The moment as naive UTC; a date alone is its midnight UTC."""
    raw = request.args.get("updated_since")
    if raw is None:
        return None
    try:
        if DATE.fullmatch(raw):
            return datetime.combine(date.fromisoformat(raw), datetime.min.time())
        if TIMESTAMP.fullmatch(raw):
            return datetime.fromisoformat(raw.upper().replace("Z", "+00:00")).astimezone(timezone.utc).replace(tzinfo=None)
    except (ValueError, OverflowError):
        pass
    raise ApiRefused(_("updated_since must be a date or a timestamp with its offset, such as 2026-01-31 or "
                       "2026-01-31T08:00:00Z."), parameter="updated_since")


@bp.route("/customers")
@api_token_required
@api_rate_limit
def list_customers():
    page, per_page = page_args(PER_PAGE, MAX_PER_PAGE)
    filters = queries.CustomerFilters(tiers=_tiers(), q=request.args.get("q"))
    since = _updated_since()
    run = tiering.latest_run()
    statement = queries.customer_select(filters, run).order_by(None).order_by(Customer.id)
    if since is not None:
        statement = statement.where(Customer.updated_at >= since)
    total = db.session.scalar(select(func.count()).select_from(statement.order_by(None).subquery()))
    rows = db.session.execute(statement.limit(per_page).offset((page - 1) * per_page)).all()
    return {
        "customers": [customer_json(customer, assignment, run) for customer, assignment in rows],
        **page_links(".list_customers", page, per_page, total),
        "tier_run": {"id": run.id, "as_of": run.as_of.isoformat()} if run else None,
    }


@bp.route("/customers/<path:external_id>")  # IDs such as 2024/001 contain slashes
@api_token_required
@api_rate_limit
def get_customer(external_id):
    customer = db.session.scalar(select(Customer).where(Customer.external_id == external_id))
    if customer is None:
        return api_error(404, _("No customer has the ID %(id)s.", id=external_id))
    run = tiering.latest_run()
    return customer_json(customer, tiering.assignment_for(customer.id, run), run)


# ---------------------------------------------------------------- bulk upsert


def _reject_constant(name):
    raise ValueError(name)


def _json_body():
    """The body parsed as JSON, numbers with a fraction as Decimal (never float)."""
    request.max_content_length = MAX_BODY_BYTES
    try:
        return json.loads(request.get_data(cache=False), parse_float=Decimal, parse_constant=_reject_constant)
    except (ValueError, RecursionError):  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        raise ApiRefused(_("The body is not valid JSON.")) from None


def _records(kind):
    """[(index from 1, {field: raw value})] from {"<kind>": [{...}, ...]}; the
    values go to the importer as they are (it parses strings, numbers, booleans)."""
    body = _json_body()
    if not isinstance(body, dict) or not isinstance(body.get(kind), list):
        raise ApiRefused(_('The body must be a JSON object with a list: {"%(kind)s": [{...}, ...]}.', kind=kind))
    unknown = sorted(set(body) - {kind})
    if unknown:
        raise ApiRefused(_("Unknown field %(field)s.", field=unknown[0]), field=unknown[0])
    items = body[kind]
    if len(items) > MAX_RECORDS:
        raise ApiRefused(_("At most %(max)d records per call, this one has %(count)d: split them.",
                        max=MAX_RECORDS, count=len(items)), status=413)
    records = []
    for index, item in enumerate(items, 1):
        if not isinstance(item, dict):
            raise ApiRefused(_("Record %(index)d is not a JSON object.", index=index), index=index)
        record = {}
        for name, value in item.items():
            if name == "tags" and isinstance(value, list):
                if not all(isinstance(tag, str) for tag in value):
                    raise ApiRefused(_("Record %(index)d: tags must be a string or a list of strings.", index=index),
                                  index=index, field=name)
                value = ",".join(value)
            elif isinstance(value, dict | list):
                raise ApiRefused(
                    _("Record %(index)d: %(field)s must be a string, a number, true/false or null.", index=index, field=name),
                    index=index, field=name,
                )
            if isinstance(value, str) and name in ONE_LINE_FIELDS:
                value = single_line(value)  # may reach a mail header: no line breaks, no control characters
            record[name] = value
        records.append((index, record))
    return records


def _bulk(kind):
    result = import_records(kind, _records(kind), max_errors=None)
    if result.errors:
        db.session.rollback()
        return api_error(
            422,
            _("Nothing was saved: %(count)d errors. Correct them and send the whole list again.", count=result.error_count),
            error_count=result.error_count,
            errors=[
                {"index": error.line, "field": error.column, "code": error.code, "message": error.message, "value": error.value}
                for error in result.errors
            ],
        )
    db.session.commit()
    if result.created or result.updated:
        refresh_tiers_soon()  # the new data changes R, F, M and so the tiers
    return {"created": result.created, "updated": result.updated}


@bp.route("/customers/bulk", methods=["POST"])
@api_token_required
@api_rate_limit
def bulk_customers():
    return _bulk("customers")


@bp.route("/orders/bulk", methods=["POST"])
@api_token_required
@api_rate_limit
def bulk_orders():
    return _bulk("orders")


# ---------------------------------------------------------------- OpenAPI fragment


def _record_list(kind, record_schema):
    return {
        "type": "object",
        "required": [kind],
        "additionalProperties": False,
        "properties": {kind: {"type": "array", "maxItems": MAX_RECORDS, "description": f"At most {MAX_RECORDS}.",
                              "items": {"$ref": f"#/components/schemas/{record_schema}"}}},
    }


def _bulk_operation(kind, record_schema, summary, description):
    return {
        "post": {
            "operationId": f"upsert{kind.title()}",
            "summary": summary,
            "description": description + (
                f" At most {MAX_RECORDS} records per call. Every record is checked first; if any has an error, "
                "nothing is saved and the answer lists every error, each with the record's position in the list "
                "(`index`, counted from 1). A field left out keeps its stored value; null or \"\" clears it. "
                "Sending the same list twice changes nothing the second time (all records are `updated`). "
                "After a successful call the tiers are recomputed in the background."
            ),
            "requestBody": {"required": True, "content": json_content(f"{record_schema}List")},
            "responses": {
                "200": {"description": "Everything was saved.", "content": json_content("BulkResult")},
                "400": {"$ref": "#/components/responses/BadRequest"},
                "401": {"$ref": "#/components/responses/Unauthorized"},
                "413": {"$ref": "#/components/responses/TooLarge"},
                "422": {"description": "Some records have errors; nothing was saved.", "content": json_content("RecordErrors")},
                "429": {"$ref": "#/components/responses/TooManyRequests"},
            },
        }
    }


_TEXT = "string"
_NULLABLE_TEXT = ["string", "null"]
_CUSTOMER_TEXT = {
    "name": "Name of the customer (person or organisation).",
    "company": "Company name.",
    "industry": "Industry, e.g. 制造业 (manufacturing).",
    "contact_person": "Key contact, e.g. 王经理.",
    "contact_title": "The contact's title, e.g. 采购经理.",
    "email": "E-mail address.",
    "phone": "Mainland mobile (13812345678), landline (010-12345678) or +country code.",
    "wechat_id": "WeChat ID.",
    "city": "City.",
}

OPENAPI = {
    "paths": {
        "/api/v1/customers": {
            "get": {
                "operationId": "listCustomers",
                "summary": "List customers with tier and RFM values",
                "description": (
                    "Customers in the order they were created, a page at a time, each with the tier, lifecycle "
                    "stage and RFM values of the latest tier run (null for customers added since)."
                ),
                "parameters": [
                    *page_parameters("Customers", PER_PAGE, MAX_PER_PAGE),
                    {"name": "tier", "in": "query", "style": "form", "explode": True,
                     "schema": {"type": "array", "items": {"type": "string", "enum": list(TIERS)}},
                     "description": "Only these tiers (repeat the parameter or separate with commas)."},
                    {"name": "updated_since", "in": "query",
                     "schema": {"anyOf": [{"type": "string", "format": "date-time"}, {"type": "string", "format": "date"}]},
                     "description": "Only customers changed at or after this moment: a timestamp with its offset "
                                    "(2026-01-31T08:00:00Z, 2026-01-31T16:00:00+08:00) or a date (its midnight UTC)."},
                    {"name": "q", "in": "query", "schema": {"type": "string"},
                     "description": "Search in name, company, phone and customer ID."},
                ],
                "responses": {
                    "200": {"description": "One page of customers.", "content": json_content("CustomerPage")},
                    "400": {"$ref": "#/components/responses/BadRequest"},
                    "401": {"$ref": "#/components/responses/Unauthorized"},
                    "429": {"$ref": "#/components/responses/TooManyRequests"},
                },
            }
        },
        "/api/v1/customers/{external_id}": {
            "get": {
                "operationId": "getCustomer",
                "summary": "Read one customer",
                "description": "The customer with this customer ID (yours), with tier and RFM values.",
                "parameters": [
                    {"name": "external_id", "in": "path", "required": True, "schema": {"type": "string"},
                     "description": "The customer ID of your system."},
                ],
                "responses": {
                    "200": {"description": "The customer.", "content": json_content("Customer")},
                    "401": {"$ref": "#/components/responses/Unauthorized"},
                    "404": {"$ref": "#/components/responses/NotFound"},
                    "429": {"$ref": "#/components/responses/TooManyRequests"},
                },
            }
        },
        "/api/v1/customers/bulk": _bulk_operation(
            "customers", "CustomerRecord", "Create or update customers",
            "Upserts customers by `external_id`: a known ID updates that customer, a new one creates it.",
        ),
        "/api/v1/orders/bulk": _bulk_operation(
            "orders", "OrderRecord", "Create or update orders",
            "Upserts orders by `external_id`. Each order's customer must already exist: send customers first.",
        ),
    },
    "components": {
        "schemas": {
            "Customer": {
                "type": "object",
                "description": "A customer with the tier fields of the latest tier run.",
                "properties": {
                    "external_id": schema_field(_TEXT, "Customer ID of your system."),
                    **{name: schema_field(_NULLABLE_TEXT, text) for name, text in _CUSTOMER_TEXT.items()},
                    "preferred_channel": schema_field(_NULLABLE_TEXT, "Preferred contact channel.", enum=[*CHANNELS, None]),
                    "preferred_language": schema_field(_NULLABLE_TEXT, "Preferred language.", enum=["zh", "en", None]),
                    "registered_on": schema_field(_NULLABLE_TEXT, "Registration or first purchase.", format="date"),
                    "tags": {"type": "array", "items": {"type": "string"}, "description": "Tags, e.g. 制造业, *经理."},
                    "consent": schema_field("boolean", "Agreed to be contacted."),
                    "created_at": timestamp_field("When Rapport first saw the customer."),
                    "updated_at": timestamp_field("Last change in Rapport."),
                    "tier": schema_field(_NULLABLE_TEXT, "RFM tier.", enum=[*TIERS, None]),
                    "lifecycle": schema_field(_NULLABLE_TEXT, "Lifecycle stage.", enum=[*LIFECYCLES, None]),
                    "recency_days": schema_field(["integer", "null"], "R: days since the last order or interaction."),
                    "frequency": schema_field(["integer", "null"], "F: orders in the 12 months up to the run's date."),
                    "monetary": schema_field(_NULLABLE_TEXT, "M: their amount in CNY, e.g. \"12000.00\".", format="decimal"),
                    "lifetime_spend": schema_field(_NULLABLE_TEXT, "All orders' amount in CNY.", format="decimal"),
                    "clv_top_percent": schema_field(
                        _NULLABLE_TEXT, "Rank by lifetime spend: \"4.00\" means within the top 4%.", format="decimal"
                    ),
                    "first_order_on": schema_field(_NULLABLE_TEXT, "Date of the first order.", format="date"),
                    "last_activity_on": schema_field(_NULLABLE_TEXT, "Date of the last order or interaction.", format="date"),
                    "tier_as_of": schema_field(_NULLABLE_TEXT, "Date of the tier run these values come from.", format="date"),
                },
            },
            "CustomerPage": {
                "type": "object",
                "properties": {
                    "customers": {"type": "array", "items": {"$ref": "#/components/schemas/Customer"}},
                    "page": schema_field("integer", "This page's number."),
                    "per_page": schema_field("integer", "Customers per page."),
                    "total": schema_field("integer", "Customers matching the filters."),
                    "pages": schema_field("integer", "Number of pages."),
                    "next": schema_field(_NULLABLE_TEXT, "Path of the next page, null on the last."),
                    "tier_run": {"$ref": "#/components/schemas/TierRun"},
                },
            },
            "TierRun": {
                "type": ["object", "null"],
                "description": "The latest tier run, null before the first.",
                "properties": {
                    "id": schema_field("integer", "Run number."),
                    "as_of": schema_field(_TEXT, "The date the RFM values are computed for.", format="date"),
                },
            },
            "CustomerRecord": {
                "type": "object",
                "description": "A customer to create or update. Unknown fields are errors.",
                "required": list(REQUIRED["customers"]),
                "additionalProperties": False,
                "properties": {
                    "external_id": schema_field(_TEXT, "Customer ID of your system (at most 64 characters): the upsert key."),
                    **{name: schema_field(_NULLABLE_TEXT, text) for name, text in _CUSTOMER_TEXT.items()},
                    "name": schema_field(_TEXT, _CUSTOMER_TEXT["name"]),
                    "preferred_channel": schema_field(
                        _NULLABLE_TEXT, "wechat, community, sms, email, phone or visit (Chinese names are understood)."
                    ),
                    "preferred_language": schema_field(_NULLABLE_TEXT, "zh or en."),
                    "registered_on": schema_field(_NULLABLE_TEXT, "Date of registration or first purchase: 2024-07-15."),
                    "tags": schema_field(["array", "string", "null"],
                                   "A list of tags, or one string with the tags separated by commas, semicolons, 、 or |. Replaces the stored tags.",
                                   items={"type": "string"}),
                    "consent": schema_field(["boolean", "string", "null"], "true/false, or yes/no, 是/否."),
                },
            },
            "OrderRecord": {
                "type": "object",
                "description": "An order to create or update. Unknown fields are errors.",
                "required": list(REQUIRED["orders"]),
                "additionalProperties": False,
                "properties": {
                    "external_id": schema_field(_TEXT, "Order ID of your system (at most 64 characters): the upsert key."),
                    "customer_external_id": schema_field(_TEXT, "The customer's ID; the customer must exist."),
                    "ordered_on": schema_field(_TEXT, "Order date: 2024-07-15.", format="date"),
                    "amount": schema_field(["string", "number"],
                                     "Amount in CNY, at most two decimals, not negative: \"1234.50\" or 1234.50."),
                    "product": schema_field(_NULLABLE_TEXT, "Product."),
                    "channel": schema_field(_NULLABLE_TEXT, "Sales channel."),
                },
            },
            "CustomerRecordList": _record_list("customers", "CustomerRecord"),
            "OrderRecordList": _record_list("orders", "OrderRecord"),
            "BulkResult": {
                "type": "object",
                "required": ["created", "updated"],
                "properties": {
                    "created": schema_field("integer", "Records that were new."),
                    "updated": schema_field("integer", "Records that existed and were updated."),
                },
            },
            "RecordError": {
                "type": "object",
                "properties": {
                    "index": schema_field("integer", "Position of the record in the list, from 1."),
                    "field": schema_field(_NULLABLE_TEXT, "The field in error."),
                    "code": schema_field(_TEXT, "Stable error code, e.g. required, invalid_date, unknown_customer."),
                    "message": schema_field(_TEXT, "The error explained in the caller's language (Accept-Language)."),
                    "value": schema_field(_TEXT, "The value sent (shortened)."),
                },
            },
            "RecordErrors": {
                "type": "object",
                "properties": {
                    "error": schema_field(_TEXT, "Summary."),
                    "status": schema_field("integer", "422."),
                    "error_count": schema_field("integer", "Number of errors."),
                    "errors": {"type": "array", "items": {"$ref": "#/components/schemas/RecordError"}},
                },
            },
        }
    },
}
