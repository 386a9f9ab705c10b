"""The customers' fragment of the OpenAPI document (see app.core.api)."""
from app.core.api import json_content, page_parameters, schema_field, timestamp_field
from app.customers.api.bulk import MAX_RECORDS
from app.customers.api.customers import MAX_PER_PAGE, PER_PAGE
from app.customers.imports.fields import REQUIRED
from app.customers.models import CHANNELS, LIFECYCLES, TIERS

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
