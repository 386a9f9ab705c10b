"""The RFM tier rules of seed 000 at and just past every threshold, the precedence,
edited thresholds, lifecycle stages, the CLV rank and snapshots."""
from datetime import date, timedelta
from decimal import Decimal

import pytest

from app.core import clock
from app.customers import tiering
from app.customers.models import Lifecycle, Tier
from app.extensions import db

AS_OF = date(2026, 11, 23)


@pytest.fixture
def rfm_customer(make_customer, make_order):
    """A customer whose R, F and M as of AS_OF are exactly the given values.

    F orders end R days before AS_OF, one a day, amounts summing to M exactly;
    `older` adds one order outside the 12-month window (it counts for lifetime
    spend and first purchase, not for F or M)."""

    def make(recency, frequency, monetary, older=None, **fields):
        fields.setdefault("registered_on", AS_OF - timedelta(days=800))
        customer = make_customer(**fields)
        monetary = Decimal(monetary)
        if frequency:
            share = (monetary / frequency).quantize(Decimal("0.01"), rounding="ROUND_DOWN")
            amounts = [share] * (frequency - 1) + [monetary - share * (frequency - 1)]
            for offset, amount in enumerate(reversed(amounts)):
                make_order(customer, AS_OF - timedelta(days=recency + offset), amount)
        if older is not None:
            make_order(customer, AS_OF - timedelta(days=older), "50.00")
        return customer

    return make


def tier_of(customer, run):
    assignment = tiering.assignment_for(customer.id, run)
    decided = [tier for tier, matched, _ in tiering.explain(assignment, run.rules) if matched]
    # The explanation must agree with the SQL: the first rule that holds is the tier.
    assert (decided[0] if decided else Tier.GENERAL) == assignment.tier
    return assignment.tier


CASES = [
    # high-value: R <= 30, F >= 8, M >= 10000
    ("high-value at every edge", 30, 8, "10000.00", None, Tier.HIGH_VALUE),
    ("R one day past", 31, 8, "10000.00", None, Tier.GENERAL),
    ("F one below", 30, 7, "10000.00", None, Tier.GENERAL),
    ("M one cent below", 30, 8, "9999.99", None, Tier.GENERAL),
    # growth: R <= 60, 3 <= F <= 7, 3000 <= M <= 9999
    ("growth at the low edges", 60, 3, "3000.00", None, Tier.GROWTH),
    ("growth at the high edges", 60, 7, "9999.00", None, Tier.GROWTH),
    ("growth R one day past", 61, 3, "3000.00", None, Tier.GENERAL),
    ("growth F below", 60, 2, "3000.00", None, Tier.GENERAL),
    ("growth F above", 60, 8, "9999.00", None, Tier.GENERAL),
    ("growth M one cent below", 60, 3, "2999.99", None, Tier.GENERAL),
    ("growth M one cent above (the seed's gap up to 10000)", 60, 7, "9999.01", None, Tier.GENERAL),
    # churn-risk: R >= 90, F <= 2, M <= 1000
    ("churn-risk at every edge", 90, 2, "1000.00", None, Tier.CHURN_RISK),
    ("churn R one day short", 89, 2, "1000.00", None, Tier.GENERAL),
    ("churn F above", 90, 3, "1000.00", None, Tier.GENERAL),
    ("churn M one cent above", 90, 2, "1000.01", None, Tier.GENERAL),
    ("no order this year, one long ago", 400, 0, "0", 400, Tier.CHURN_RISK),
    # newly active: first purchase within 7 days, F = 1, M >= 500
    ("new at every edge", 7, 1, "500.00", None, Tier.NEW),
    ("new first purchase one day too early", 8, 1, "500.00", None, Tier.GENERAL),
    ("new M one cent below", 7, 1, "499.99", None, Tier.GENERAL),
    ("new but a second order", 6, 2, "500.00", None, Tier.GENERAL),
    ("recent order but not the first ever", 3, 1, "800.00", 500, Tier.GENERAL),
]


@pytest.mark.parametrize(("recency", "frequency", "monetary", "older", "expected"),
                         [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_seed_thresholds(rfm_customer, recency, frequency, monetary, older, expected):
    customer = rfm_customer(recency, frequency, monetary, older)
    run = tiering.recompute(AS_OF)
    assignment = tiering.assignment_for(customer.id, run)
    if frequency:
        assert (assignment.recency_days, assignment.frequency, assignment.monetary) == (recency, frequency, Decimal(monetary))
    assert tier_of(customer, run) == expected


def test_customer_without_orders_is_general(make_customer):
    customer = make_customer(registered_on=AS_OF - timedelta(days=10))
    run = tiering.recompute(AS_OF)
    assignment = tiering.assignment_for(customer.id, run)
    assert assignment.tier == Tier.GENERAL and assignment.recency_days is None
    assert assignment.frequency == 0 and assignment.monetary == 0 and assignment.clv_top_percent is None


def test_recency_counts_purchases_only_and_contacts_keep_the_lifecycle(rfm_customer, make_interaction):
    """Seed 000's R is the days since the last purchase (最近购买时间): a recent phone call
    does not save an old buyer from churn-risk; it belongs to the lifecycle stage (seed 002)."""
    customer = rfm_customer(120, 1, "200.00")
    make_interaction(customer, AS_OF - timedelta(days=5))
    run = tiering.recompute(AS_OF)
    assignment = tiering.assignment_for(customer.id, run)
    assert assignment.recency_days == 120
    assert tier_of(customer, run) == Tier.CHURN_RISK
    assert assignment.last_activity_on == AS_OF - timedelta(days=5)
    assert assignment.lifecycle == Lifecycle.MATURE  # we talked to them last week


def test_contacts_alone_give_no_recency(make_customer, make_interaction):
    customer = make_customer(registered_on=AS_OF - timedelta(days=400))
    make_interaction(customer, AS_OF - timedelta(days=3))
    run = tiering.recompute(AS_OF)
    assignment = tiering.assignment_for(customer.id, run)
    assert (assignment.recency_days, assignment.tier, assignment.lifecycle) == (None, Tier.GENERAL, Lifecycle.MATURE)


def test_orders_after_the_as_of_date_are_ignored(rfm_customer, make_order):
    customer = rfm_customer(30, 8, "10000.00")
    make_order(customer, AS_OF + timedelta(days=3), "99999.00")
    run = tiering.recompute(AS_OF)
    assignment = tiering.assignment_for(customer.id, run)
    assert assignment.monetary == Decimal("10000.00") and assignment.frequency == 8


def test_precedence_when_edited_rules_overlap(rfm_customer):
    """Widen growth so that high-value and new customers also fit it: the
    precedence high-value, churn-risk, new, growth decides."""
    high = rfm_customer(10, 9, "20000.00")
    new = rfm_customer(2, 1, "600.00")
    tiering.update_rules({"growth_f_min": 1, "growth_f_max": 50, "growth_m_min": "0", "growth_m_max": "1000000"})
    run = tiering.recompute(AS_OF)
    assert tier_of(high, run) == Tier.HIGH_VALUE
    assert tier_of(new, run) == Tier.NEW
    explained = {tier: matched for tier, matched, _ in tiering.explain(tiering.assignment_for(high.id, run), run.rules)}
    assert explained[Tier.GROWTH] is True  # it matches growth too, but high-value comes first


def test_edited_thresholds_apply_and_are_kept_with_the_run(rfm_customer):
    customer = rfm_customer(10, 8, "15000.00")
    before = tiering.recompute(AS_OF)
    tiering.update_rules({"high_m_min": "20000"})
    after = tiering.recompute(AS_OF)
    assert tier_of(customer, before) == Tier.HIGH_VALUE
    assert tier_of(customer, after) == Tier.GENERAL
    assert before.rules["high_m_min"] == "10000.00" and after.rules["high_m_min"] == "20000.00"
    tiering.reset_rules()
    assert tiering.current_rules().high_m_min == Decimal("10000")


def test_invalid_thresholds_are_refused_and_nothing_changes(app):
    from app.core.errors import DomainError

    with pytest.raises(DomainError) as error:
        tiering.update_rules({"growth_f_min": 9, "growth_f_max": 7})
    assert error.value.field == "growth_f_min"
    with pytest.raises(DomainError):
        tiering.update_rules({"high_r_max": -1})
    assert tiering.current_rules().growth_f_min == 3


@pytest.mark.parametrize(
    ("registered_days_ago", "last_activity_days_ago", "expected"),
    [
        (90, 1, Lifecycle.NEW),
        (91, 1, Lifecycle.GROWTH),
        (365, 1, Lifecycle.GROWTH),
        (366, 1, Lifecycle.MATURE),
        (800, 90, Lifecycle.MATURE),
        (800, 91, Lifecycle.CHURN_RISK),
        (100, None, Lifecycle.CHURN_RISK),
        (30, None, Lifecycle.NEW),
    ],
)
def test_lifecycle_stages(make_customer, make_interaction, registered_days_ago, last_activity_days_ago, expected):
    customer = make_customer(registered_on=AS_OF - timedelta(days=registered_days_ago))
    if last_activity_days_ago is not None:
        make_interaction(customer, AS_OF - timedelta(days=last_activity_days_ago))
    run = tiering.recompute(AS_OF)
    assert tiering.assignment_for(customer.id, run).lifecycle == expected


def test_lifecycle_starts_at_the_first_purchase_when_earlier(make_customer, make_order):
    customer = make_customer(registered_on=AS_OF - timedelta(days=10))
    make_order(customer, AS_OF - timedelta(days=200), "100.00")
    make_order(customer, AS_OF - timedelta(days=2), "100.00")
    run = tiering.recompute(AS_OF)
    assert tiering.assignment_for(customer.id, run).lifecycle == Lifecycle.GROWTH


def test_clv_rank_is_top_percent_by_lifetime_spend(make_customer, make_order):
    customers = []
    for rank in range(1, 11):
        customer = make_customer()
        make_order(customer, AS_OF - timedelta(days=500), Decimal(rank * 1000))
        customers.append(customer)
    nobody = make_customer()
    run = tiering.recompute(AS_OF)
    top = {c.id: tiering.assignment_for(c.id, run).clv_top_percent for c in customers}
    assert top[customers[-1].id] == Decimal("10.00")  # the biggest spender is in the top 10%
    assert top[customers[0].id] == Decimal("100.00")
    assert tiering.assignment_for(nobody.id, run).clv_top_percent is None


def test_snapshots_show_movement_between_runs(rfm_customer, make_order):
    moving = rfm_customer(100, 1, "300.00")
    staying = rfm_customer(10, 8, "12000.00")
    first = tiering.recompute(AS_OF - timedelta(days=5))
    for day in range(4):
        make_order(moving, AS_OF - timedelta(days=day + 1), "1000.00")
    second = tiering.recompute(AS_OF)
    assert tiering.tier_counts(first)[Tier.CHURN_RISK] == 1
    assert tiering.movement(first, second) == [(Tier.CHURN_RISK, Tier.GROWTH, 1)]
    assert tiering.assignment_for(staying.id).run_id == second.id
    assert tiering.latest_run() == second


def test_recompute_runs_one_insert_whatever_the_customer_count(rfm_customer, count_queries):
    today = clock.today()  # the day the writers keep the RFM inputs for
    for _ in range(3):
        rfm_customer(10, 8, "12000.00")
    tiering.recompute(today)  # creates the rules row and the RFM inputs
    with count_queries() as few:
        tiering.recompute(today)
    for _ in range(20):
        rfm_customer(50, 3, "4000.00")
    with count_queries() as many:
        tiering.recompute(today)
    assert len(many) == len(few)


def test_recompute_task(app, rfm_customer):
    from app.customers.tasks import recompute_tiers

    rfm_customer(30, 8, "10000.00")
    run_id = recompute_tiers.delay(AS_OF.isoformat()).get()
    run = db.session.get(tiering.TierRun, run_id)
    assert run.as_of == AS_OF and run.customer_count == 1 and run.status == "done"


def test_a_refresh_already_covered_by_a_later_run_is_skipped(app, rfm_customer):
    from datetime import datetime, timezone

    from app.customers.tasks import recompute_tiers

    rfm_customer(30, 8, "10000.00")
    requested_at = (datetime.now(timezone.utc).replace(tzinfo=None) - timedelta(seconds=5)).isoformat()
    first = recompute_tiers.delay(requested_at=requested_at).get()
    assert recompute_tiers.delay(requested_at=requested_at).get() == first  # covered: no second run
    later = (datetime.now(timezone.utc).replace(tzinfo=None) + timedelta(seconds=5)).isoformat()
    assert recompute_tiers.delay(requested_at=later).get() != first
