import re
from datetime import date

import pytest
from sqlalchemy import func, select

from app.core import clock
from app.core import demo
from app.customers import tiering
from app.customers.models import (
    Customer,
    Interaction,
    Lifecycle,
    Order,
    Tier,
    TierAssignment,
    TierRun,
)
from app.extensions import db


def _count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def _lifecycle_counts(run):
    rows = db.session.execute(
        select(TierAssignment.lifecycle, func.count()).where(TierAssignment.run_id == run.id).group_by(TierAssignment.lifecycle)
    )
    return {Lifecycle(stage): count for stage, count in rows}


@pytest.mark.parametrize("as_of", [None, date(2028, 2, 29), date(2027, 1, 1)], ids=["today", "leap-day", "new-year"])
def test_demo_customers_land_in_every_tier_and_lifecycle_stage(app, as_of):
    demo.load(as_of=as_of)
    assert 250 <= _count(Customer) <= 350
    run = tiering.recompute(as_of=as_of or clock.today())
    counts = tiering.tier_counts(run)
    total = sum(counts.values())
    assert all(counts[tier] > 0 for tier in Tier), counts
    # Every history lands in the tier it was built for.
    assert counts == {tier: round(demo.DEMO_CUSTOMERS * share) for tier, share in demo.TIER_MIX.items()}
    for tier, target in tiering.TARGET_SHARES.items():
        assert abs(counts[tier] * 100 / total - target) <= 8, (tier, counts)
    assert set(_lifecycle_counts(run)) == set(Lifecycle)
    # The run that load() made itself agrees with a fresh one.
    first = db.session.scalar(select(TierRun).order_by(TierRun.id).limit(1))
    assert tiering.tier_counts(first) == counts


def test_demo_load_twice_adds_nothing(app):
    demo.load()
    before = [_count(model) for model in (Customer, Order, Interaction, TierRun, TierAssignment)]
    assert before[1] > before[0] and before[2] > 0 and before[3] == 1
    demo.load()
    assert [_count(model) for model in (Customer, Order, Interaction, TierRun, TierAssignment)] == before


def test_demo_customers_look_real(app):
    demo.load()
    customers = db.session.scalars(select(Customer)).all()
    assert all(c.company.endswith("有限公司") and c.industry in demo.INDUSTRIES for c in customers)
    assert len({c.name for c in customers}) == len(customers)
    assert all(re.fullmatch(r"1[3-9]\d{9}", c.phone) and "@" in c.email and c.wechat_id for c in customers)
    assert all(c.industry in c.tags and len(c.tags) >= 3 for c in customers)
    chinese = [c for c in customers if c.preferred_language == "zh"]
    assert len(chinese) > 0.8 * len(customers) > len(customers) - len(chinese) > 0
    assert all(re.fullmatch(r".(经理|总|主管|总监|校长|主任|院长|厂长)", c.contact_person) for c in chinese)
    assert 0.7 * len(customers) < sum(c.consent for c in customers) < len(customers)
    assert {c.preferred_channel for c in customers} == set(demo.CHANNEL_TAGS)
    assert any("操作复杂度高" in c.tags for c in customers) and any("成本敏感" in c.tags for c in customers)


def test_demo_leaves_existing_customers_alone(app, make_customer):
    make_customer()
    assert demo.database_is_empty()  # emptiness still means "no users"
    demo.load()
    assert _count(Customer) == 1 and _count(Order) == 0 and _count(TierRun) == 0
    assert not demo.database_is_empty()
