"""JSON API, writing: upsert customers and orders in bulk through the same checks as
the file import (all or nothing)."""
import json
from decimal import Decimal

from flask import request
from flask_babel import gettext as _

from app.auth.access import api_token_required
from app.core.api import ApiRefused, api_error, api_rate_limit
from app.core.text import single_line
from app.customers.api.blueprint import bp
from app.customers.imports.importer import import_records
from app.customers.tasks import refresh_tiers_soon
from app.extensions import db

MAX_RECORDS = 5000
MAX_BODY_BYTES = 32 * 1024 * 1024
# Text that may end up in a mail header (a guest's name, company, address): kept on one line.
ONE_LINE_FIELDS = ("name", "company", "contact_person", "contact_title", "email", "phone", "wechat_id", "city")

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
