"""JSON API, reading: customers with their tier and RFM values from the latest tier run."""
import re
from datetime import date, datetime, timezone
from decimal import Decimal

from flask import request
from flask_babel import gettext as _
from sqlalchemy import func, select

from app.auth.access import api_token_required
from app.core.api import ApiRefused, api_error, api_rate_limit, page_args, page_links, timestamp
from app.core.formatting import CENT
from app.customers import queries, tiering
from app.customers.api.blueprint import bp
from app.customers.models import TIERS, Customer
from app.extensions import db

PER_PAGE = 100
MAX_PER_PAGE = 500
TEXT_FIELDS = ("name", "company", "industry", "contact_person", "contact_title", "email", "phone", "wechat_id", "city",
               "preferred_channel", "preferred_language")


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
