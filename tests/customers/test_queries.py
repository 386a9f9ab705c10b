"""The customer list query: each filter, search, the sort whitelist and pagination."""
from datetime import date, timedelta
from decimal import Decimal

import pytest

from app.customers import queries, tiering
from app.customers.models import Lifecycle, Tier
from app.extensions import db

AS_OF = date(2026, 11, 23)


def days_ago(n):
    return AS_OF - timedelta(days=n)


@pytest.fixture
def sample(make_customer, make_order, make_interaction):
    """One customer per tier as of AS_OF, with distinct industry, city, tags and contact."""
    high = make_customer(name="Alpha 高价值", company="星河科技有限公司", industry="制造业", city="上海",
                         phone="138 0000 0001", tags=["制造业", "key account"], registered_on=days_ago(800))
    for n in range(10):
        make_order(high, days_ago(5 + n), "1500.00")
    growth = make_customer(name="Bravo 成长", company="Blue Ocean Ltd", industry="教育", city="杭州",
                           phone="+86 571 1234", tags=["education"], registered_on=days_ago(800))
    for n in range(4):
        make_order(growth, days_ago(20 + n), "1000.00")
    churn = make_customer(name="Charlie 流失", company="华东医疗", industry="医疗", city="杭州",
                          tags=["制造业"], registered_on=days_ago(800))
    make_order(churn, days_ago(120), "200.00")
    new = make_customer(name="Delta 新客", company="100% Growth Co", industry="制造业", city="北京",
                        registered_on=days_ago(3))
    make_order(new, days_ago(3), "600.00")
    general = make_customer(name="Echo 普通", company="Quiet Ltd", city="上海", registered_on=days_ago(800),
                            external_id="EXT-ECHO")
    make_interaction(general, days_ago(10))
    run = tiering.recompute(AS_OF)
    return {"high": high, "growth": growth, "churn": churn, "new": new, "general": general, "run": run}


def names(sample, **filters):
    page = queries.customer_page(queries.CustomerFilters(**filters), sample["run"], today=AS_OF)
    return [customer.name for customer, _assignment in page.rows]


def test_sample_has_every_tier(sample):
    counts = tiering.tier_counts(sample["run"])
    assert all(counts[tier] == 1 for tier in Tier)


def test_no_filter_lists_everyone_by_name(sample):
    assert names(sample) == ["Alpha 高价值", "Bravo 成长", "Charlie 流失", "Delta 新客", "Echo 普通"]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"tiers": (Tier.HIGH_VALUE,)}, ["Alpha 高价值"]),
        ({"tiers": (Tier.CHURN_RISK, Tier.NEW)}, ["Charlie 流失", "Delta 新客"]),
        ({"lifecycle": Lifecycle.CHURN_RISK}, ["Charlie 流失"]),
        ({"lifecycle": Lifecycle.NEW}, ["Delta 新客"]),
        ({"industry": "制造业"}, ["Alpha 高价值", "Delta 新客"]),
        ({"city": "杭州"}, ["Bravo 成长", "Charlie 流失"]),
        ({"tag": "制造业"}, ["Alpha 高价值", "Charlie 流失"]),
        ({"tag": "education"}, ["Bravo 成长"]),
        ({"tag": "nobody has this"}, []),
        ({"industry": "制造业", "tiers": (Tier.NEW,)}, ["Delta 新客"]),
    ],
    ids=["tier", "two tiers", "lifecycle churn", "lifecycle new", "industry", "city", "tag", "tag 2", "unknown tag",
         "industry and tier"],
)
def test_filters(sample, filters, expected):
    assert names(sample, **filters) == expected


def test_last_contact_filters(sample):
    # Last activity: high 5, growth 20, churn 120, new 3, general 10 days ago.
    assert names(sample, silent_days=30) == ["Charlie 流失"]
    assert names(sample, silent_days=9) == ["Bravo 成长", "Charlie 流失", "Echo 普通"]
    assert names(sample, contacted_days=5) == ["Alpha 高价值", "Delta 新客"]
    assert names(sample, contacted_days=30, silent_days=9) == ["Bravo 成长", "Echo 普通"]


def test_never_contacted_counts_as_silent(sample, make_customer):
    make_customer(name="Foxtrot 无联系", registered_on=days_ago(800))
    run = tiering.recompute(AS_OF)
    page = queries.customer_page(queries.CustomerFilters(silent_days=365), run, today=AS_OF)
    assert [c.name for c, _a in page.rows] == ["Foxtrot 无联系"]


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("alpha", ["Alpha 高价值"]),  # case-insensitive
        ("星河", ["Alpha 高价值"]),  # company
        ("571", ["Bravo 成长"]),  # phone
        ("ext-echo", ["Echo 普通"]),  # customer number
        ("100%", ["Delta 新客"]),  # % is a character, not a wildcard
        ("  流失  ", ["Charlie 流失"]),  # surrounding spaces ignored
        ("zzz", []),
    ],
)
def test_search(sample, q, expected):
    assert names(sample, q=q) == expected


def test_percent_sign_is_not_a_wildcard(sample):
    assert names(sample, q="%") == ["Delta 新客"]
    assert names(sample, q="_") == []


@pytest.mark.parametrize(
    ("sort", "descending", "expected_first"),
    [
        ("monetary", True, "Alpha 高价值"),
        ("monetary", False, "Echo 普通"),
        ("recency", False, "Delta 新客"),
        ("frequency", True, "Alpha 高价值"),
        ("clv", False, "Alpha 高价值"),
        ("last_contact", True, "Delta 新客"),
        ("company", False, "Delta 新客"),  # "100% Growth Co"
        ("tier", False, "Alpha 高价值"),  # precedence order: high-value first
        ("name", True, "Echo 普通"),
    ],
)
def test_sort(sample, sort, descending, expected_first):
    assert names(sample, sort=sort, descending=descending)[0] == expected_first


def test_empty_values_sort_last_both_ways(sample):
    # The general customer has no CLV rank (never ordered).
    assert names(sample, sort="clv")[-1] == "Echo 普通"
    assert names(sample, sort="clv", descending=True)[-1] == "Echo 普通"


def test_unknown_sort_falls_back_to_name(sample):
    filters = queries.CustomerFilters(sort="name; DROP TABLE customers", descending=True)
    assert filters.sort == "name"
    assert names(sample, sort="password_hash") == names(sample)


def test_tier_sort_follows_precedence(sample):
    page = queries.customer_page(queries.CustomerFilters(sort="tier"), sample["run"], today=AS_OF)
    assert [a.tier for _c, a in page.rows] == [Tier.HIGH_VALUE, Tier.CHURN_RISK, Tier.NEW, Tier.GROWTH, Tier.GENERAL]


def test_customers_added_after_the_run_are_listed_without_tier(sample, make_customer):
    make_customer(name="Golf 新录入")
    page = queries.customer_page(queries.CustomerFilters(), sample["run"], today=AS_OF)
    assert page.total == 6
    assert [a for c, a in page.rows if c.name == "Golf 新录入"] == [None]
    assert names(sample, tiers=(Tier.GENERAL,)) == ["Echo 普通"]


def test_without_any_run_everyone_is_listed_and_tier_filters_match_nobody(make_customer):
    make_customer(name="Hotel")
    page = queries.customer_page(queries.CustomerFilters(), None, today=AS_OF)
    assert page.total == 1 and page.rows[0][1] is None
    assert queries.customer_page(queries.CustomerFilters(tiers=(Tier.GENERAL,)), None, today=AS_OF).total == 0


def test_pagination(make_customer):
    for n in range(57):
        make_customer(name=f"P{n:03d}")
    run = tiering.recompute(AS_OF)
    first = queries.customer_page(queries.CustomerFilters(), run, 1, today=AS_OF)
    second = queries.customer_page(queries.CustomerFilters(), run, 2, today=AS_OF)
    assert (first.total, first.pages, len(first.rows), len(second.rows)) == (57, 2, 50, 7)
    assert first.rows[0][0].name == "P000" and second.rows[0][0].name == "P050"
    assert (second.first_index, second.last_index) == (51, 57)
    # Past the end: the last page; before the start: the first.
    assert queries.customer_page(queries.CustomerFilters(), run, 99, today=AS_OF).number == 2
    assert queries.customer_page(queries.CustomerFilters(), run, -3, today=AS_OF).number == 1


def test_pager_numbers():
    page = queries.Page(rows=[], total=1000, number=10)
    assert page.nearby() == [1, None, 8, 9, 10, 11, 12, None, 20]
    assert queries.Page(rows=[], total=120, number=1).nearby() == [1, 2, 3]
    assert queries.Page(rows=[], total=0, number=1).nearby() == [1]


@pytest.mark.parametrize("filters", [
    {}, {"city": "杭州"}, {"tiers": (Tier.CHURN_RISK, Tier.GROWTH)}, {"tiers": (Tier.GROWTH,), "city": "杭州"},
    {"lifecycle": Lifecycle.MATURE}, {"contacted_days": 30}, {"silent_days": 30}, {"silent_days": 30, "tag": "制造业"},
])
def test_count_matches_rows(sample, make_customer, filters):
    """The count reads the run's rows alone, the customers alone or both, as the filters need."""
    make_customer(name="Golf 新录入", city="杭州")  # added after the run: no row in it
    filters = queries.CustomerFilters(**filters)
    rows = db.session.execute(queries.customer_select(filters, sample["run"], today=AS_OF)).all()
    assert queries.count_customers(filters, sample["run"], today=AS_OF) == len(rows) > 0


def test_money_stays_decimal(sample):
    page = queries.customer_page(queries.CustomerFilters(tiers=(Tier.HIGH_VALUE,)), sample["run"], today=AS_OF)
    assert page.rows[0][1].monetary == Decimal("15000.00")


def test_filter_choices(sample):
    choices = queries.filter_choices()
    assert choices["industries"] == sorted(["制造业", "教育", "医疗"])
    assert choices["cities"] == sorted(["上海", "杭州", "北京"])
    assert set(choices["tags"]) == {"制造业", "key account", "education"}
