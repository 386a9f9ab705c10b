"""Tier runs read each customer's RFM inputs, kept up to date by the writers and
moved to the run's date incrementally: they must give exactly what a computation
from scratch over the orders, interactions and customers gives, row for row."""
import random
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import Numeric, and_, case, cast, func, literal, or_, select

from app.core import clock
from app.customers import rfm_inputs, tiering
from app.customers.imports.importer import import_records
from app.customers.models import (
    Customer,
    Interaction,
    Lifecycle,
    Order,
    RfmInputs,
    RfmInputsDate,
    Tier,
    TierAssignment,
)
from app.customers.sql import date_of, days_between
from app.extensions import db

AS_OF = date(2026, 11, 23)
CENT = Decimal("0.01")


def _before(a, b):
    return case((a.is_(None), b), (b.is_(None), a), (a <= b, a), else_=b)


def _after(a, b):
    return case((a.is_(None), b), (b.is_(None), a), (a >= b, a), else_=b)


def _a_year_before(day):
    return day - timedelta(days=366) if (day.month, day.day) == (2, 29) else date(day.year - 1, day.month, day.day)


def reference_select(as_of, rules):
    """The tiering query as it was before RFM inputs: everything from scratch,
    in one statement over customers, orders and interactions. R counts orders only;
    the lifecycle counts orders and interactions."""
    day = literal(as_of)
    money = lambda value: literal(Decimal(value), Numeric(12, 2))  # noqa: E731
    in_window = Order.ordered_on > literal(_a_year_before(as_of))
    orders = (
        select(
            Order.customer_id.label("customer_id"),
            func.max(Order.ordered_on).label("last_order_on"),
            func.min(Order.ordered_on).label("first_order_on"),
            func.count().filter(in_window).label("frequency"),
            func.round(func.sum(Order.amount).filter(in_window), 2).label("monetary"),
            func.round(func.sum(Order.amount), 2).label("lifetime"),
        )
        .where(Order.ordered_on <= day)
        .group_by(Order.customer_id)
        .subquery("o")
    )
    contacts = (
        select(Interaction.customer_id.label("customer_id"), func.max(Interaction.occurred_on).label("last_contact_on"))
        .where(Interaction.occurred_on <= day)
        .group_by(Interaction.customer_id)
        .subquery("i")
    )
    last_activity = _after(orders.c.last_order_on, contacts.c.last_contact_on)
    recency = days_between(day, orders.c.last_order_on)  # R: purchases only (seed 000)
    frequency = func.coalesce(orders.c.frequency, 0)
    monetary = func.coalesce(orders.c.monetary, 0)
    first_order_age = days_between(day, orders.c.first_order_on)
    age = days_between(day, func.coalesce(_before(Customer.registered_on, orders.c.first_order_on),
                                          date_of(Customer.created_at)))
    tier = case(
        (and_(recency <= rules.high_r_max, frequency >= rules.high_f_min, monetary >= money(rules.high_m_min)),
         Tier.HIGH_VALUE.value),
        (and_(recency >= rules.churn_r_min, frequency <= rules.churn_f_max, monetary <= money(rules.churn_m_max)),
         Tier.CHURN_RISK.value),
        (and_(first_order_age <= rules.new_first_days, frequency == rules.new_f, monetary >= money(rules.new_m_min)),
         Tier.NEW.value),
        (and_(recency <= rules.growth_r_max, frequency.between(rules.growth_f_min, rules.growth_f_max),
              monetary.between(money(rules.growth_m_min), money(rules.growth_m_max))),
         Tier.GROWTH.value),
        else_=Tier.GENERAL.value,
    )
    lifecycle = case(
        (or_(days_between(day, last_activity) > 90, and_(last_activity.is_(None), age > 90)),
         Lifecycle.CHURN_RISK.value),
        (age <= 90, Lifecycle.NEW.value),
        (age <= 365, Lifecycle.GROWTH.value),
        else_=Lifecycle.MATURE.value,
    )
    clv_top = case(
        (orders.c.lifetime > 0,
         func.round(cast(func.cume_dist().over(partition_by=orders.c.lifetime > 0, order_by=orders.c.lifetime.desc())
                         * 100, Numeric(9, 4)), 2)),
        else_=None,
    )
    return (
        select(Customer.id, tier, lifecycle, recency, frequency, monetary, orders.c.first_order_on, last_activity,
               func.coalesce(orders.c.lifetime, 0), clv_top)
        .select_from(Customer)
        .outerjoin(orders, orders.c.customer_id == Customer.id)
        .outerjoin(contacts, contacts.c.customer_id == Customer.id)
    )


def _money(value):
    return None if value is None else Decimal(str(value)).quantize(CENT)


def _day(value):
    return value if value is None or isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _normalised(row):
    customer_id, tier, lifecycle, recency, frequency, monetary, first, last, lifetime, clv = row
    return customer_id, (tier, lifecycle, recency, frequency, _money(monetary), _day(first), _day(last),
                         _money(lifetime), _money(clv))


def assert_matches_reference(run):
    expected = dict(_normalised(row) for row in db.session.execute(reference_select(run.as_of, tiering.current_rules())))
    actual = dict(_normalised((
        a.customer_id, a.tier, a.lifecycle, a.recency_days, a.frequency, a.monetary, a.first_order_on,
        a.last_activity_on, a.lifetime_spend, a.clv_top_percent,
    )) for a in db.session.scalars(select(TierAssignment).where(TierAssignment.run_id == run.id)))
    assert actual.keys() == expected.keys()
    wrong = {cid: (actual[cid], expected[cid]) for cid in expected if actual[cid] != expected[cid]}
    assert not wrong, f"{len(wrong)} of {len(expected)} differ as of {run.as_of}, e.g. {next(iter(wrong.items()))}"
    assert run.customer_count == len(expected)


def _day_around(rng, center, days):
    return center + timedelta(days=rng.randint(-days, days))


def _import(kind, rows):
    result = import_records(kind, list(enumerate(rows, start=2)))
    assert result.ok, result.errors[:3]


def _customers(rng, numbers):
    return [{"external_id": f"R{n:04d}", "name": f"客户{n}",
             "registered_on": rng.choice([None, _day_around(rng, AS_OF, 900).isoformat()])} for n in numbers]


def _orders(rng, first, count, customers):
    # Whole amounts repeat, so that some lifetime spends tie for the CLV rank; zero amounts too.
    amounts = ["0.00", "100.00", "500.00", "1000.00", "2500.50", "3333.33", "9999.99"]
    return [{"external_id": f"RO{n:05d}", "customer_external_id": f"R{rng.choice(customers):04d}",
             "ordered_on": _day_around(rng, AS_OF, 800).isoformat(),
             "amount": rng.choice(amounts) if rng.random() < 0.4 else f"{rng.uniform(1, 6000):.2f}"}
            for n in range(first, first + count)]


def _contacts(rng, count):
    ids = db.session.scalars(select(Customer.id)).all()
    chosen = [rng.choice(ids) for _ in range(count)]
    db.session.add_all([Interaction(customer_id=cid, occurred_on=_day_around(rng, AS_OF, 500)) for cid in chosen])
    db.session.flush()
    rfm_inputs.refresh(chosen)


def test_every_run_matches_a_computation_from_scratch(app):
    rng = random.Random(3)
    _import("customers", _customers(rng, range(1, 121)))
    _import("orders", _orders(rng, 1, 900, range(1, 121)))
    _contacts(rng, 60)

    assert_matches_reference(tiering.recompute(AS_OF))  # the first run computes every customer's inputs

    # New customers, new orders (some dated later), orders moved to another
    # customer or changed, registration dates changed, new contacts: same day.
    _import("customers", _customers(rng, range(100, 141)))
    _import("orders", _orders(rng, 850, 300, range(1, 141)))
    _contacts(rng, 20)
    assert_matches_reference(tiering.recompute(AS_OF))

    # Forward by a day, a month, a quarter, more than a year; then back in time.
    for day in (AS_OF + timedelta(days=1), AS_OF + timedelta(days=31), AS_OF + timedelta(days=92),
                AS_OF + timedelta(days=500), AS_OF - timedelta(days=200), AS_OF):
        assert_matches_reference(tiering.recompute(day))

    # Other thresholds apply to the same inputs.
    tiering.update_rules({"high_r_max": 60, "high_f_min": 3, "high_m_min": "2000", "churn_r_min": 30,
                          "new_first_days": 60, "growth_f_min": 1, "growth_m_max": "50000"})
    assert_matches_reference(tiering.recompute(AS_OF + timedelta(days=2)))


def test_daily_runs_cross_every_threshold(app):
    """Low thresholds put many customers near every edge; day after day, each
    customer's R, first-purchase age and relationship age pass every threshold."""
    rng = random.Random(7)
    _import("customers", _customers(rng, range(1, 81)))
    _import("orders", _orders(rng, 1, 500, range(1, 81)))
    _contacts(rng, 30)
    tiering.update_rules({"high_f_min": 2, "high_m_min": "500", "churn_f_max": 4, "churn_m_max": "8000",
                          "new_first_days": 20, "new_m_min": "0", "growth_f_min": 1, "growth_m_min": "100"})
    for days in range(0, 100, 3):
        assert_matches_reference(tiering.recompute(AS_OF - timedelta(days=days)))
    for days in range(40):
        assert_matches_reference(tiering.recompute(AS_OF + timedelta(days=days)))


def test_leap_days(app):
    rng = random.Random(5)
    _import("customers", _customers(rng, range(1, 41)))
    _import("orders", [{"external_id": f"L{n}", "customer_external_id": f"R{rng.randint(1, 40):04d}",
                        "ordered_on": (date(2027, 2, 20) + timedelta(days=rng.randint(0, 20))).isoformat(),
                        "amount": f"{rng.uniform(1, 900):.2f}"} for n in range(300)])
    for day in (date(2028, 2, 27), date(2028, 2, 28), date(2028, 2, 29), date(2028, 3, 1), date(2028, 3, 2)):
        assert_matches_reference(tiering.recompute(day))


def test_moving_forward_recomputes_only_the_customers_whose_inputs_change(app, make_customer, make_order,
                                                                        make_interaction, monkeypatch):
    leaving = make_customer()
    make_order(leaving, AS_OF - timedelta(days=364), "100.00")  # leaves the 12 months on AS_OF + 1
    arriving = make_customer()
    make_order(arriving, AS_OF + timedelta(days=1), "100.00")  # counts from AS_OF + 1
    calling = make_customer()
    make_interaction(calling, AS_OF + timedelta(days=1))
    quiet = [make_customer() for _ in range(20)]
    for customer in quiet:
        make_order(customer, AS_OF - timedelta(days=10), "100.00")  # the same on both days
    tiering.recompute(AS_OF)
    assert db.session.get(RfmInputs, quiet[0].id).valid_until == AS_OF - timedelta(days=10) + timedelta(days=365)
    assert db.session.get(RfmInputs, arriving.id).valid_until == AS_OF + timedelta(days=1)

    recomputed = []
    original = rfm_inputs._recompute

    def recompute(as_of, customer_ids):  # given as a SELECT of ids
        recomputed.extend(db.session.scalars(customer_ids))
        original(as_of, customer_ids)

    monkeypatch.setattr(rfm_inputs, "_recompute", recompute)
    assert_matches_reference(tiering.recompute(AS_OF + timedelta(days=1)))
    assert sorted(recomputed) == sorted([leaving.id, arriving.id, calling.id])


def test_writers_move_the_inputs_to_today_so_that_the_next_run_has_nothing_to_do(app, make_customer, make_order,
                                                                                   monkeypatch):
    rng = random.Random(11)
    _import("customers", _customers(rng, range(1, 61)))
    _import("orders", _orders(rng, 1, 400, range(1, 61)))
    tiering.recompute(AS_OF)
    monkeypatch.setattr(clock, "today", lambda: AS_OF + timedelta(days=10))
    make_order(make_customer(), AS_OF + timedelta(days=10), "800.00")  # written ten days after the run
    assert db.session.get(RfmInputsDate, 1).as_of == AS_OF + timedelta(days=10)
    monkeypatch.setattr(rfm_inputs, "_recompute", lambda *args: pytest.fail("nothing is left to recompute"))
    assert_matches_reference(tiering.recompute(AS_OF + timedelta(days=10)))


def test_writers_keep_the_inputs_of_what_they_wrote(app, make_customer, make_order):
    one, other = make_customer(external_id="W1"), make_customer(external_id="W2")
    make_order(one, AS_OF - timedelta(days=5), "100.00", external_id="WO1")
    tiering.recompute(AS_OF)
    assert db.session.get(RfmInputs, one.id).frequency == 1
    # The import moves the order to the other customer: both customers' inputs change.
    _import("orders", [{"external_id": "WO1", "customer_external_id": "W2", "ordered_on": AS_OF.isoformat(),
                        "amount": "300.00"}])
    assert (db.session.get(RfmInputs, one.id).frequency, db.session.get(RfmInputs, other.id).monetary) == (0, 300)
    _import("customers", [{"external_id": "W3", "name": "新客户", "registered_on": "2026-11-01"}])
    new = db.session.scalar(select(Customer).where(Customer.external_id == "W3"))
    assert db.session.get(RfmInputs, new.id).start_on == date(2026, 11, 1)


def test_nothing_is_kept_before_the_first_run(app, make_customer, make_order):
    make_order(make_customer(), AS_OF, "100.00")
    assert db.session.scalar(select(func.count()).select_from(RfmInputs)) == 0
    assert db.session.get(RfmInputsDate, 1) is None
    run = tiering.recompute(AS_OF)
    assert db.session.get(RfmInputsDate, 1).as_of == AS_OF
    assert_matches_reference(run)


def test_the_nightly_task_brings_the_inputs_to_today_and_is_scheduled(app, make_customer, make_order, tmp_path):
    from app.config import load_config
    from app.customers.models import RfmInputsDate
    from app.customers.tasks import advance_rfm_inputs

    make_order(make_customer(), clock.today() - timedelta(days=30), "100.00")
    tiering.recompute(clock.today() - timedelta(days=3))
    assert db.session.scalar(select(RfmInputsDate.as_of)) == clock.today() - timedelta(days=3)
    advance_rfm_inputs.delay()
    advance_rfm_inputs.delay()  # twice is harmless
    assert db.session.scalar(select(RfmInputsDate.as_of)) == clock.today()
    entry = load_config(tmp_path, {"RAPPORT_ENV": "testing", "SECRET_KEY": "x"})["CELERY"]["beat_schedule"][
        "advance-rfm-inputs"]
    assert entry["task"] == "app.customers.tasks.advance_rfm_inputs"
