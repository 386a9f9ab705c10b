"""Each customer's RFM inputs as of one date, kept in `rfm_inputs` so that a tier
run reads one row per customer instead of every order, interaction and record.

The inputs (start of the relationship, first purchase, last purchase (R), last order
or interaction (the lifecycle stage), orders and spend in the 12 months up to the date, lifetime spend) are what a run
used to compute from scratch, computed ahead of time by the same SQL, and kept as
of the date of the latest run or today, whichever is later:

- whoever writes customers, orders or interactions calls `refresh(customer_ids)`
  before committing (the import does so for everything it wrote);
- a tier run calls `move_to(day)`.

Moving the inputs forward recomputes only the customers whose `valid_until` has
come (an order left the 12 months, or an order or interaction dated after the old
date now counts): everybody else's inputs are the same on both dates. Going back
in time, or on the first run, every customer's inputs are recomputed.
"""

from sqlalchemy import Select, func, select, true

from app.core import clock
from app.customers.models import Customer, Interaction, Order, RfmInputs, RfmInputsDate
from app.customers.sql import (
    date_of,
    earliest_of,
    in_values,
    latest_of,
    upsert,
    year_after,
)
from app.extensions import db

CHUNK = 5000  # customers recomputed per statement, when given by id
COLUMNS = ("customer_id", "start_on", "first_order_on", "last_order_on", "last_activity_on", "frequency",
           "monetary", "lifetime_spend", "valid_until")
_inputs = RfmInputs.__table__


def year_before(day):
    """The same day a year earlier: the 12 months up to `day` start after it."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def inputs_select(as_of, customer_ids=None):
    """SELECT of the `rfm_inputs` rows as of `as_of`, counting only orders and
    interactions up to that date: of every customer, or of `customer_ids` (a list
    of ids, or a SELECT of them)."""
    in_window = Order.ordered_on > year_before(as_of)
    orders = select(
        Order.customer_id.label("customer_id"),
        func.min(Order.ordered_on).label("first_order_on"),
        func.max(Order.ordered_on).label("last_order_on"),
        func.round(func.sum(Order.amount), 2).label("lifetime_spend"),
        func.count().filter(in_window).label("frequency"),
        func.round(func.sum(Order.amount).filter(in_window), 2).label("monetary"),
        func.min(Order.ordered_on).filter(in_window).label("oldest_counted_on"),
    ).where(Order.ordered_on <= as_of).group_by(Order.customer_id)
    contacts = (
        select(Interaction.customer_id.label("customer_id"), func.max(Interaction.occurred_on).label("last_contact_on"))
        .where(Interaction.occurred_on <= as_of)
        .group_by(Interaction.customer_id)
    )
    if customer_ids is not None:
        orders = orders.where(_among(Order.customer_id, customer_ids))
        contacts = contacts.where(_among(Interaction.customer_id, customer_ids))
    o, i = orders.subquery("o"), contacts.subquery("i")
    next_order_on = (select(func.min(Order.ordered_on))
                     .where(Order.customer_id == Customer.id, Order.ordered_on > as_of).scalar_subquery())
    next_contact_on = (select(func.min(Interaction.occurred_on))
                       .where(Interaction.customer_id == Customer.id, Interaction.occurred_on > as_of).scalar_subquery())
    values = (
        Customer.id,
        func.coalesce(earliest_of(Customer.registered_on, o.c.first_order_on), date_of(Customer.created_at)),
        o.c.first_order_on,
        o.c.last_order_on,
        latest_of(o.c.last_order_on, i.c.last_contact_on),
        func.coalesce(o.c.frequency, 0),
        func.coalesce(o.c.monetary, 0),
        func.coalesce(o.c.lifetime_spend, 0),
        # The oldest counted order leaves the 12 months a year after it was placed.
        earliest_of(year_after(o.c.oldest_counted_on), next_order_on, next_contact_on),
    )
    statement = (
        select(*(value.label(name) for value, name in zip(values, COLUMNS, strict=True)))
        .outerjoin(o, o.c.customer_id == Customer.id)
        .outerjoin(i, i.c.customer_id == Customer.id)
    )
    return statement if customer_ids is None else statement.where(_among(Customer.id, customer_ids))


def _among(column, customer_ids):
    return column.in_(customer_ids) if isinstance(customer_ids, Select) else in_values(column, customer_ids)


def refresh(customer_ids):
    """Recompute the inputs of these customers (ids) after their record, orders or
    interactions were written; before the first tier run there is nothing to keep.
    Inputs dated before today are moved to today first, the likely date of the
    next run (which the import asks for), so that it has nothing left to do."""
    customer_ids = sorted(set(customer_ids))
    current = db.session.scalar(select(RfmInputsDate).with_for_update()) if customer_ids else None
    if current is None:
        return
    if current.as_of < clock.today():
        _move_forward(current, clock.today())
    for start in range(0, len(customer_ids), CHUNK):
        _recompute(current.as_of, customer_ids[start:start + CHUNK])


def _recompute(as_of, customer_ids=None):
    """Insert or replace the inputs of `customer_ids` (a list or a SELECT of ids;
    every customer when None)."""
    rows = inputs_select(as_of, customer_ids)
    if customer_ids is None:
        rows = rows.where(true())  # SQLite reads ON CONFLICT after a join as part of it otherwise
    statement = upsert(_inputs).from_select(COLUMNS, rows)
    db.session.execute(statement.on_conflict_do_update(
        index_elements=["customer_id"], set_={name: statement.excluded[name] for name in COLUMNS[1:]}))


def rebuild(as_of):
    """Compute every customer's inputs as of `as_of`: on the first run, on a run
    back in time, and for data written without `refresh` (generated data)."""
    current = db.session.get(RfmInputsDate, 1)
    if current is None:
        db.session.add(RfmInputsDate(as_of=as_of))
    else:
        current.as_of = as_of
    _recompute(as_of)
    db.session.flush()


def move_to(day):
    """Bring every customer's inputs to `day` (the date of a tier run)."""
    current = db.session.scalar(select(RfmInputsDate).with_for_update())
    if current is None or day < current.as_of:
        rebuild(day)
    elif day > current.as_of:
        _move_forward(current, day)


def _move_forward(current, day):
    current.as_of = day
    due = select(RfmInputs.customer_id).where(RfmInputs.valid_until <= day).cte("due")  # found once
    _recompute(day, select(due.c.customer_id))
    db.session.flush()
