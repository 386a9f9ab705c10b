"""The customer list: filters, search, sort and pagination in SQL.

Customers are LEFT JOINed to their row of the latest tier run, so customers
added since that run still show (without a tier). The same statement feeds the
list page (one page at a time) and the exports (every row, streamed).
"""
from dataclasses import dataclass
from datetime import timedelta
from math import ceil

from sqlalchemy import and_, case, exists, false, func, or_, select

from app.core import clock
from app.customers.models import TIERS, Customer, CustomerTag, TierAssignment
from app.extensions import db

PAGE_SIZE = 50

# The sort keys a request may name; anything else falls back to the default.
SORT_COLUMNS = {
    "name": Customer.name,
    "company": Customer.company,
    "tier": case({tier: rank for rank, tier in enumerate(TIERS)}, value=TierAssignment.tier),
    "recency": TierAssignment.recency_days,
    "frequency": TierAssignment.frequency,
    "monetary": TierAssignment.monetary,
    # The CLV rank follows lifetime spend: the bigger the spend, the smaller the top %.
    "clv": case((TierAssignment.lifetime_spend > 0, -TierAssignment.lifetime_spend)),
    "last_contact": TierAssignment.last_activity_on,
}
DEFAULT_SORT = "name"


@dataclass(frozen=True)
class CustomerFilters:
    tiers: tuple = ()
    lifecycle: str | None = None
    industry: str | None = None
    tag: str | None = None
    city: str | None = None
    silent_days: int | None = None  # no contact for more than N days
    contacted_days: int | None = None  # contacted within the last N days
    q: str | None = None
    sort: str = DEFAULT_SORT
    descending: bool = False

    def __post_init__(self):
        if self.sort not in SORT_COLUMNS:
            object.__setattr__(self, "sort", DEFAULT_SORT)


def _conditions(filters, today):
    conditions = []
    if filters.tiers:
        conditions.append(TierAssignment.tier.in_(filters.tiers))
    if filters.lifecycle:
        conditions.append(TierAssignment.lifecycle == filters.lifecycle)
    if filters.industry:
        conditions.append(Customer.industry == filters.industry)
    if filters.city:
        conditions.append(Customer.city == filters.city)
    if filters.tag:
        conditions.append(
            exists().where(CustomerTag.customer_id == Customer.id, CustomerTag.tag == filters.tag.strip())
        )
    if filters.silent_days is not None:
        # Never contacted counts as silent too.
        conditions.append(
            or_(TierAssignment.last_activity_on.is_(None),
                TierAssignment.last_activity_on < today - timedelta(days=filters.silent_days))
        )
    if filters.contacted_days is not None:
        conditions.append(TierAssignment.last_activity_on >= today - timedelta(days=filters.contacted_days))
    if filters.q and filters.q.strip():
        text = filters.q.strip()
        conditions.append(or_(*(column.icontains(text, autoescape=True) for column in
                                (Customer.name, Customer.company, Customer.phone, Customer.external_id))))
    return conditions


def _needs_a_row(filters):
    """Only customers with a row in the run can match."""
    return bool(filters.tiers or filters.lifecycle or filters.contacted_days is not None)


def _reads_customers(filters):
    return bool(filters.industry or filters.city or filters.tag or (filters.q and filters.q.strip())
                or filters.silent_days is not None)  # silent: customers without a row too


def _join_latest(statement, run, filters):
    on = and_(TierAssignment.customer_id == Customer.id, TierAssignment.run_id == run.id) if run else false()
    if _needs_a_row(filters):
        # Only tiered customers can match: an inner join lets SQLite start from the
        # run's rows instead of probing every customer.
        return statement.join(TierAssignment, on)
    return statement.outerjoin(TierAssignment, on)


def customer_select(filters, run, today=None):
    """SELECT (Customer, TierAssignment or None) rows, filtered and sorted."""
    column = SORT_COLUMNS[filters.sort]
    order = column.desc() if filters.descending else column.asc()
    return (
        _join_latest(select(Customer, TierAssignment).select_from(Customer), run, filters)
        .where(*_conditions(filters, today or clock.today()))
        .order_by(order.nulls_last(), Customer.id)
    )


def count_customers(filters, run, today=None):
    if run is not None and _needs_a_row(filters) and not _reads_customers(filters):
        # Each row of the run is one customer: count the rows without reading customers.
        statement = select(func.count()).select_from(TierAssignment).where(TierAssignment.run_id == run.id)
    else:
        statement = select(func.count()).select_from(Customer)
        if _needs_a_row(filters) or filters.silent_days is not None:
            # Otherwise the join (to at most one row per customer) changes no count: leave it out.
            statement = _join_latest(statement, run, filters)
    return db.session.scalar(statement.where(*_conditions(filters, today or clock.today())))


@dataclass(frozen=True)
class Page:
    rows: list
    total: int
    number: int
    size: int = PAGE_SIZE

    @property
    def pages(self):
        return max(1, ceil(self.total / self.size))

    @property
    def first_index(self):
        return (self.number - 1) * self.size + 1 if self.total else 0

    @property
    def last_index(self):
        return min(self.number * self.size, self.total)

    def nearby(self, around=2):
        """Page numbers to offer: the first, the last and those near this one;
        None marks a gap."""
        shown = sorted({1, self.pages, *range(max(1, self.number - around), min(self.pages, self.number + around) + 1)})
        numbers = []
        for number in shown:
            if numbers and number - numbers[-1] > 1:
                numbers.append(None)
            numbers.append(number)
        return numbers


def customer_page(filters, run, number=1, today=None, size=PAGE_SIZE):
    """One page of (Customer, TierAssignment or None): a count and a LIMIT/OFFSET
    query; tags come with one more query for the whole page (selectin)."""
    total = count_customers(filters, run, today)
    number = min(max(1, number), max(1, ceil(total / size)))
    rows = db.session.execute(customer_select(filters, run, today).limit(size).offset((number - 1) * size)).all()
    return Page(rows=rows, total=total, number=number, size=size)


def filter_choices():
    """Distinct industries and cities for the filter selects, and known tags."""
    def distinct(column, limit=None):
        statement = select(column).where(column.is_not(None), column != "").distinct().order_by(column)
        return list(db.session.scalars(statement.limit(limit) if limit else statement))

    return {
        "industries": distinct(Customer.industry),
        "cities": distinct(Customer.city),
        "tags": distinct(CustomerTag.tag, limit=500),
    }
