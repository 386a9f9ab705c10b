"""RFM values, tiers and lifecycle stages, computed in one SQL statement per run.

Definitions (as of a date D, counting only orders and interactions on or before D):
- R (recency): days from the last order *or* interaction to D; none when neither exists.
- F (frequency): orders in the 12 months up to D (after the same day a year earlier).
- M (monetary): their amount.
- CLV rank: position by lifetime spend among customers who ever ordered, as "top x%"
  (cume_dist, highest spender first): 10.00 means within the top 10%.
- Tier: the first of high-value, churn-risk, new, growth whose rule holds (the rules
  overlap, hence a fixed precedence), else general.
- Lifecycle (seed 002): churn-risk when R > 90 (or never active and known for over
  90 days); otherwise new up to 90 days after registration or first purchase
  (whichever is earlier, else when the record was created), growth up to a year,
  mature after that.
"""
from datetime import date, datetime, timezone
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import Numeric, and_, case, cast, func, insert, literal, or_, select

from app.core.errors import DomainError
from app.customers.models import (
    Customer,
    Interaction,
    Lifecycle,
    Order,
    Tier,
    TierAssignment,
    TierRules,
    TierRun,
)
from app.customers.sql import date_of, days_between
from app.extensions import db

LIFECYCLE_NEW_DAYS = 90
LIFECYCLE_GROWTH_DAYS = 365
LIFECYCLE_CHURN_DAYS = 90

TIER_LABELS = {
    Tier.HIGH_VALUE: _l("High-value"),
    Tier.CHURN_RISK: _l("Churn-risk"),
    Tier.NEW: _l("Newly active"),
    Tier.GROWTH: _l("Growth potential"),
    Tier.GENERAL: _l("General"),
}
# Target shares of seed 000 (general has none).
TARGET_SHARES = {Tier.HIGH_VALUE: 15, Tier.GROWTH: 30, Tier.NEW: 25, Tier.CHURN_RISK: 30}
LIFECYCLE_LABELS = {
    Lifecycle.NEW: _l("New"),
    Lifecycle.GROWTH: _l("Growing"),
    Lifecycle.MATURE: _l("Mature"),
    Lifecycle.CHURN_RISK: _l("At risk of churn"),
}


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


def _year_before(day):
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def _earliest(a, b):
    return case((a.is_(None), b), (b.is_(None), a), (a <= b, a), else_=b)


def _latest(a, b):
    return case((a.is_(None), b), (b.is_(None), a), (a >= b, a), else_=b)


def assignment_select(as_of, rules, run_id):
    """SELECT of every customer's row for tier_assignments (no Python loop)."""
    day = literal(as_of)
    money = lambda value: literal(Decimal(value), Numeric(12, 2))  # noqa: E731
    window_start = literal(_year_before(as_of))
    in_window = Order.ordered_on > window_start

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
    last_activity = _latest(orders.c.last_order_on, contacts.c.last_contact_on)
    recency = days_between(day, last_activity)
    frequency = func.coalesce(orders.c.frequency, 0)
    monetary = func.coalesce(orders.c.monetary, 0)
    first_order_age = days_between(day, orders.c.first_order_on)
    start = func.coalesce(_earliest(Customer.registered_on, orders.c.first_order_on), date_of(Customer.created_at))
    age = days_between(day, start)

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
        (or_(recency > LIFECYCLE_CHURN_DAYS, and_(last_activity.is_(None), age > LIFECYCLE_CHURN_DAYS)),
         Lifecycle.CHURN_RISK.value),
        (age <= LIFECYCLE_NEW_DAYS, Lifecycle.NEW.value),
        (age <= LIFECYCLE_GROWTH_DAYS, Lifecycle.GROWTH.value),
        else_=Lifecycle.MATURE.value,
    )
    clv_top = case(
        (orders.c.lifetime > 0,
         func.round(cast(func.cume_dist().over(partition_by=orders.c.lifetime > 0, order_by=orders.c.lifetime.desc()) * 100, Numeric(9, 4)), 2)),
        else_=None,
    )
    return (
        select(
            literal(run_id).label("run_id"),
            Customer.id.label("customer_id"),
            tier.label("tier"),
            lifecycle.label("lifecycle"),
            recency.label("recency_days"),
            frequency.label("frequency"),
            monetary.label("monetary"),
            orders.c.first_order_on,
            last_activity.label("last_activity_on"),
            func.coalesce(orders.c.lifetime, 0).label("lifetime_spend"),
            clv_top.label("clv_top_percent"),
        )
        .select_from(Customer)
        .outerjoin(orders, orders.c.customer_id == Customer.id)
        .outerjoin(contacts, contacts.c.customer_id == Customer.id)
        # Rows in key order make the snapshot's inserts appends, not random B-tree writes.
        .order_by(Customer.id)
    )


COLUMNS = (
    "run_id", "customer_id", "tier", "lifecycle", "recency_days", "frequency", "monetary",
    "first_order_on", "last_activity_on", "lifetime_spend", "clv_top_percent",
)


def recompute(as_of=None, triggered_by=None):
    """Tier every customer as of `as_of` (today by default) and store the snapshot."""
    as_of = as_of or date.today()
    rules = current_rules()
    run = TierRun(as_of=as_of, rules=rules.as_dict(), triggered_by_id=getattr(triggered_by, "id", None))
    db.session.add(run)
    db.session.flush()
    db.session.execute(insert(TierAssignment).from_select(COLUMNS, assignment_select(as_of, rules, run.id)))
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
        select(TierRun).where(TierRun.status == "done", TierRun.started_at >= moment, TierRun.as_of == date.today()).limit(1)
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


def assignment_run_day(assignment):
    return db.session.get(TierRun, assignment.run_id).as_of
