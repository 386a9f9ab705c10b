"""RFM values, tiers and lifecycle stages of every customer, stored as dated snapshots.

A run brings every customer's RFM inputs to its date (rfm_inputs.py), then writes
the snapshot with one INSERT ... SELECT over those inputs, and the CLV ranks as
steps of lifetime spend (ClvStep) with another.

Definitions (as of a date D, counting only orders and interactions on or before D):
- R (recency): days from the last order (purchase, seed 000's 最近购买时间) to D; none
  without orders. Interactions do not count: they belong to the lifecycle stage.
- F (frequency): orders in the 12 months up to D (after the same day a year earlier).
- M (monetary): their amount.
- CLV rank: position by lifetime spend among customers who ever ordered, as "top x%"
  (cume_dist, highest spender first): 10.00 means within the top 10%.
- Tier: the first of high-value, churn-risk, new, growth whose rule holds (the rules
  overlap, hence a fixed precedence), else general.
- Lifecycle (seed 002): churn-risk when the last order or interaction is over 90 days
  before D (or there is none and the customer is known for over 90 days); otherwise new up to 90 days after registration or first purchase
  (whichever is earlier, else when the record was created), growth up to a year,
  mature after that.
"""
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    Date,
    Numeric,
    and_,
    case,
    cast,
    func,
    insert,
    literal,
    or_,
    select,
)

from app.core import clock
from app.core.errors import DomainError
from app.customers import rfm_inputs
from app.customers.models import (
    ClvStep,
    Lifecycle,
    RfmInputs,
    Tier,
    TierAssignment,
    TierRules,
    TierRun,
)
from app.customers.sql import days_between
from app.extensions import db

LIFECYCLE_NEW_DAYS = 90
LIFECYCLE_GROWTH_DAYS = 365
LIFECYCLE_CHURN_DAYS = 90

# Target shares of seed 000 (general has none).
TARGET_SHARES = {Tier.HIGH_VALUE: 15, Tier.GROWTH: 30, Tier.NEW: 25, Tier.CHURN_RISK: 30}


def current_rules():
    """The organisation's thresholds, created with the seed defaults on first use."""
    rules = db.session.get(TierRules, 1)
    if rules is None:
        rules = TierRules(id=1)
        db.session.add(rules)
        db.session.flush()
    return rules


def update_rules(values, user=None):
    """Set thresholds from a mapping of field name to value; all-or-nothing."""
    rules = current_rules()
    cleaned = {}
    for name in TierRules.FIELDS:
        if name not in values:
            continue
        value = values[name]
        number = Decimal(str(value)) if name.endswith(("m_min", "m_max")) else int(value)
        if number < 0:
            raise DomainError(_l("Thresholds cannot be negative."), name)
        cleaned[name] = number
    merged = {name: cleaned.get(name, getattr(rules, name)) for name in TierRules.FIELDS}
    if merged["growth_f_min"] > merged["growth_f_max"]:
        raise DomainError(_l("The lowest growth frequency is above the highest."), "growth_f_min")
    if merged["growth_m_min"] > merged["growth_m_max"]:
        raise DomainError(_l("The lowest growth amount is above the highest."), "growth_m_min")
    for name, value in cleaned.items():
        setattr(rules, name, value)
    rules.updated_by_id = user.id if user is not None else None
    db.session.flush()
    return rules


def reset_rules(user=None):
    defaults = {column.name: column.default.arg for column in TierRules.__table__.columns if column.name in TierRules.FIELDS}
    return update_rules(defaults, user)


def _days_before(day, days):
    """The date `days` days before `day`; a threshold reaching before the calendar
    starts means no date is that old."""
    try:
        return day - timedelta(days=days)
    except OverflowError:
        return date.min


def assignment_select(as_of, rules, run_id):
    """SELECT of every customer's row for tier_assignments, from their RFM inputs
    as of `as_of` (see rfm_inputs.move_to): one table, no join, no Python loop.
    A rule on R compares dates: R <= 30 is a last purchase on or after the day
    30 days before `as_of`. The lifecycle reads the last order or interaction."""
    since = lambda days: literal(_days_before(as_of, days), Date)  # noqa: E731
    money = lambda value: literal(Decimal(value), Numeric(12, 2))  # noqa: E731
    inputs = RfmInputs
    last, frequency, monetary = inputs.last_order_on, inputs.frequency, inputs.monetary
    active = inputs.last_activity_on
    tier = case(
        (and_(last >= since(rules.high_r_max), frequency >= rules.high_f_min, monetary >= money(rules.high_m_min)),
         Tier.HIGH_VALUE.value),
        (and_(last <= since(rules.churn_r_min), frequency <= rules.churn_f_max, monetary <= money(rules.churn_m_max)),
         Tier.CHURN_RISK.value),
        (and_(inputs.first_order_on >= since(rules.new_first_days), frequency == rules.new_f,
              monetary >= money(rules.new_m_min)),
         Tier.NEW.value),
        (and_(last >= since(rules.growth_r_max), frequency.between(rules.growth_f_min, rules.growth_f_max),
              monetary.between(money(rules.growth_m_min), money(rules.growth_m_max))),
         Tier.GROWTH.value),
        else_=Tier.GENERAL.value,
    )
    lifecycle = case(
        (or_(active < since(LIFECYCLE_CHURN_DAYS), and_(active.is_(None), inputs.start_on < since(LIFECYCLE_CHURN_DAYS))),
         Lifecycle.CHURN_RISK.value),
        (inputs.start_on >= since(LIFECYCLE_NEW_DAYS), Lifecycle.NEW.value),
        (inputs.start_on >= since(LIFECYCLE_GROWTH_DAYS), Lifecycle.GROWTH.value),
        else_=Lifecycle.MATURE.value,
    )
    return (
        select(
            literal(run_id), inputs.customer_id, tier, lifecycle, days_between(literal(as_of), last), frequency,
            monetary, inputs.first_order_on, active, inputs.lifetime_spend,
        )
        # Rows in key order make the snapshot's inserts appends, not random B-tree writes.
        .order_by(inputs.customer_id)
    )


COLUMNS = (
    "run_id", "customer_id", "tier", "lifecycle", "recency_days", "frequency", "monetary",
    "first_order_on", "last_activity_on", "lifetime_spend",
)


def clv_steps_select(run_id):
    """SELECT of the run's CLV steps: each customer who spent anything is in the top
    x% by lifetime spend (cume_dist, biggest spender first); one row per x, with
    the least lifetime spend that has it."""
    ranked = (
        select(
            RfmInputs.lifetime_spend,
            func.round(cast(func.cume_dist().over(order_by=RfmInputs.lifetime_spend.desc()) * 100,
                            Numeric(9, 4)), 2).label("top_percent"),
        )
        .where(RfmInputs.lifetime_spend > 0)
        .subquery()
    )
    return select(literal(run_id), func.min(ranked.c.lifetime_spend), ranked.c.top_percent).group_by(ranked.c.top_percent)


def recompute(as_of=None, triggered_by=None):
    """Tier every customer as of `as_of` (today by default) and store the snapshot."""
    as_of = as_of or clock.today()
    rules = current_rules()
    run = TierRun(as_of=as_of, rules=rules.as_dict(), triggered_by_id=getattr(triggered_by, "id", None))
    db.session.add(run)
    db.session.flush()  # first write: on SQLite the transaction now holds the lock
    rfm_inputs.move_to(as_of)
    db.session.execute(insert(TierAssignment).from_select(COLUMNS, assignment_select(as_of, rules, run.id)))
    db.session.execute(insert(ClvStep).from_select(("run_id", "lifetime_min", "top_percent"), clv_steps_select(run.id)))
    # Counted rather than taken from rowcount, which not every driver reports for INSERT ... SELECT.
    run.customer_count = db.session.scalar(
        select(func.count()).select_from(TierAssignment).where(TierAssignment.run_id == run.id)
    )
    run.status = "done"
    run.finished_at = datetime.now(timezone.utc).replace(tzinfo=None)
    db.session.flush()
    return run


def run_started_since(moment):
    """A finished run for today that started at or after `moment` (naive UTC), if any."""
    return db.session.scalar(
        select(TierRun).where(TierRun.status == "done", TierRun.started_at >= moment, TierRun.as_of == clock.today()).limit(1)
    )


def latest_run():
    return db.session.scalar(select(TierRun).where(TierRun.status == "done").order_by(TierRun.id.desc()).limit(1))


def tier_counts(run):
    """{Tier: count} for a run, every tier present."""
    rows = db.session.execute(
        select(TierAssignment.tier, func.count()).where(TierAssignment.run_id == run.id).group_by(TierAssignment.tier)
    )
    counts = dict.fromkeys(Tier, 0)
    counts.update({Tier(tier): count for tier, count in rows})
    return counts


def movement(from_run, to_run):
    """[(from_tier, to_tier, count)] for customers present in both runs, largest first."""
    before = TierAssignment.__table__.alias("before")
    after = TierAssignment.__table__.alias("after")
    rows = db.session.execute(
        select(before.c.tier, after.c.tier, func.count())
        .join(after, and_(after.c.customer_id == before.c.customer_id, after.c.run_id == to_run.id))
        .where(before.c.run_id == from_run.id, before.c.tier != after.c.tier)
        .group_by(before.c.tier, after.c.tier)
        .order_by(func.count().desc())
    )
    return [(Tier(a), Tier(b), n) for a, b, n in rows]


def assignment_for(customer_id, run=None):
    run = run or latest_run()
    if run is None:
        return None
    return db.session.get(TierAssignment, (run.id, customer_id))


class Condition:
    """One comparison of a rule, e.g. R=12 <= 30; `kind` says how to show the numbers."""

    OPS = {"<=": lambda a, b: a <= b, ">=": lambda a, b: a >= b, "=": lambda a, b: a == b}

    def __init__(self, symbol, value, op, threshold, kind="number"):
        self.symbol, self.value, self.op, self.threshold, self.kind = symbol, value, op, threshold, kind
        self.ok = value is not None and self.OPS[op](value, threshold)


def explain(assignment, rules):
    """Why the customer is in their tier: each rule in precedence order with its
    conditions. `rules` is the thresholds dict stored on the run. The first rule
    whose conditions all hold is the tier, exactly as the SQL decided."""
    r = {k: Decimal(v) if k.endswith(("m_min", "m_max")) else int(v) for k, v in rules.items()}
    rec, freq, mon = assignment.recency_days, assignment.frequency, Decimal(assignment.monetary)
    first_age = (assignment_run_day(assignment) - assignment.first_order_on).days if assignment.first_order_on else None
    checks = [
        (Tier.HIGH_VALUE, [Condition("R", rec, "<=", r["high_r_max"], "days"),
                           Condition("F", freq, ">=", r["high_f_min"]),
                           Condition("M", mon, ">=", r["high_m_min"], "money")]),
        (Tier.CHURN_RISK, [Condition("R", rec, ">=", r["churn_r_min"], "days"),
                           Condition("F", freq, "<=", r["churn_f_max"]),
                           Condition("M", mon, "<=", r["churn_m_max"], "money")]),
        (Tier.NEW, [Condition("first", first_age, "<=", r["new_first_days"], "days"),
                    Condition("F", freq, "=", r["new_f"]),
                    Condition("M", mon, ">=", r["new_m_min"], "money")]),
        (Tier.GROWTH, [Condition("R", rec, "<=", r["growth_r_max"], "days"),
                       Condition("F", freq, ">=", r["growth_f_min"]),
                       Condition("F", freq, "<=", r["growth_f_max"]),
                       Condition("M", mon, ">=", r["growth_m_min"], "money"),
                       Condition("M", mon, "<=", r["growth_m_max"], "money")]),
    ]
    return [(tier, all(c.ok for c in conditions), conditions) for tier, conditions in checks]


def last_purchase_on(assignment, as_of):
    """The date of the last purchase that R counts from, as of the run's date."""
    return None if assignment.recency_days is None else as_of - timedelta(days=assignment.recency_days)


def assignment_run_day(assignment):
    return db.session.get(TierRun, assignment.run_id).as_of
