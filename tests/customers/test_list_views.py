"""The customer list page and the customer page."""
import re
from datetime import timedelta

import pytest

from app.core import clock
from app.customers import tiering

TODAY = clock.today()


def days_ago(n):
    return TODAY - timedelta(days=n)


@pytest.fixture
def sample(make_customer, make_order, make_interaction):
    """One customer per tier as of today."""
    high = make_customer(name="Alpha 高价值", company="星河科技有限公司", industry="制造业", city="上海",
                         phone="138 0000 0001", tags=["制造业", "key account"], registered_on=days_ago(800),
                         consent=True, email="alpha@example.com", contact_person="王经理", contact_title="采购")
    for n in range(10):
        make_order(high, days_ago(12 + n), "1520.00", product="年度服务")
    growth = make_customer(name="Bravo 成长", industry="教育", city="杭州", tags=["education"],
                           registered_on=days_ago(800))
    for n in range(4):
        make_order(growth, days_ago(20 + n), "1000.00")
    churn = make_customer(name="Charlie 流失", industry="医疗", city="杭州", registered_on=days_ago(800))
    make_order(churn, days_ago(120), "200.00")
    general = make_customer(name="Echo 普通", city="上海", registered_on=days_ago(800))
    make_interaction(general, days_ago(10), note="回访电话")
    run = tiering.recompute(TODAY)
    return {"high": high, "growth": growth, "churn": churn, "general": general, "run": run}


def listed(response):
    """Customer names in the list, in order."""
    html = response.get_data(as_text=True)
    return re.findall(r'<a href="/customers/\d+" class="fw-semibold">([^<]+)</a>', html)


@pytest.fixture
def planner(client_as):
    return client_as("planner", locale="en")


def test_list_shows_each_customer_with_tier_and_money(planner, sample):
    response = planner.get("/customers/")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert listed(response) == ["Alpha 高价值", "Bravo 成长", "Charlie 流失", "Echo 普通"]
    assert "¥15,200.00" in html and "High-value" in html and "星河科技有限公司" in html
    assert "1–4 of 4 customers" in html
    assert "is-invalid" not in html  # no filter given, no filter wrong


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("tier=high_value", ["Alpha 高价值"]),
        ("tier=churn_risk&tier=growth", ["Bravo 成长", "Charlie 流失"]),
        ("tier=not_a_tier", ["Alpha 高价值", "Bravo 成长", "Charlie 流失", "Echo 普通"]),
        ("lifecycle=churn_risk", ["Charlie 流失"]),
        ("lifecycle=unknown", ["Alpha 高价值", "Bravo 成长", "Charlie 流失", "Echo 普通"]),
        ("industry=制造业", ["Alpha 高价值"]),
        ("tag=education", ["Bravo 成长"]),
        ("city=杭州", ["Bravo 成长", "Charlie 流失"]),
        ("silent_days=30", ["Charlie 流失"]),
        ("contacted_days=11", ["Echo 普通"]),
        ("q=星河", ["Alpha 高价值"]),
        ("q=ECHO", ["Echo 普通"]),
        ("sort=monetary&order=desc", ["Alpha 高价值", "Bravo 成长", "Charlie 流失", "Echo 普通"]),
        ("sort=recency", ["Alpha 高价值", "Bravo 成长", "Charlie 流失", "Echo 普通"]),  # Echo never bought: no R
        ("sort=name&order=desc", ["Echo 普通", "Charlie 流失", "Bravo 成长", "Alpha 高价值"]),
    ],
)
def test_filters_and_sort_in_the_url(planner, sample, query, expected):
    response = planner.get(f"/customers/?{query}")
    assert response.status_code == 200
    assert listed(response) == expected


def test_unknown_sort_is_ignored(planner, sample):
    response = planner.get("/customers/?sort=password_hash&order=sideways")
    assert response.status_code == 200
    assert listed(response) == ["Alpha 高价值", "Bravo 成长", "Charlie 流失", "Echo 普通"]


def test_bad_number_shows_an_error_keeps_the_input_and_ignores_the_filter(planner, sample):
    response = planner.get("/customers/?silent_days=abc&city=上海")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Not a valid integer value" in html and 'value="abc"' in html
    assert listed(response) == ["Alpha 高价值", "Echo 普通"]


def test_filters_are_kept_in_links(planner, make_customer):
    for n in range(55):
        make_customer(name=f"Kilo {n:02d}", city="深圳")
    make_customer(name="Lima", city="上海")
    tiering.recompute(TODAY)
    html = planner.get("/customers/?city=深圳&sort=name&order=desc").get_data(as_text=True)
    assert "1–50 of 55 customers" in html
    next_link = re.search(r'href="([^"]+)" rel="next"', html).group(1).replace("&amp;", "&")
    assert "city=%E6%B7%B1%E5%9C%B3" in next_link and "page=2" in next_link and "order=desc" in next_link
    second = planner.get(next_link)
    assert listed(second) == [f"Kilo {n:02d}" for n in range(4, -1, -1)]
    export = re.search(r'href="([^"]+)" data-testid="export-csv"', html).group(1).replace("&amp;", "&")
    assert export.startswith("/customers/export.csv?") and "city=%E6%B7%B1%E5%9C%B3" in export


def test_page_beyond_the_end_shows_the_last(planner, sample):
    response = planner.get("/customers/?page=9")
    assert listed(response)[0] == "Alpha 高价值"
    assert planner.get("/customers/?page=x").status_code == 200


def test_list_runs_a_fixed_number_of_queries(planner, make_customer, make_order, count_queries):
    def add(count):
        for n in range(count):
            customer = make_customer(tags=["a", "b"], industry=f"行业{n % 3}", city=f"城市{n % 4}")
            make_order(customer, days_ago(n % 40 + 1), "1200.00")
        tiering.recompute(TODAY)

    add(2)
    with count_queries() as few:
        assert planner.get("/customers/").status_code == 200
    add(48)
    with count_queries() as many:
        response = planner.get("/customers/")
    assert len(listed(response)) == 50
    assert len(many) == len(few)


def test_without_a_run_the_list_says_so_and_offers_to_compute(planner, make_customer):
    make_customer(name="November")
    html = planner.get("/customers/").get_data(as_text=True)
    assert 'data-testid="no-run"' in html and "Tiers have not been computed yet" in html
    assert 'action="/customers/tiers/recompute"' in html
    assert listed(planner.get("/customers/")) == ["November"]


def test_staff_and_anonymous_see_no_customers(client_as, sample):
    assert client_as("staff").get("/customers/").status_code == 403
    assert client_as("staff").get(f"/customers/{sample['high'].id}").status_code == 403
    assert client_as(None).get("/customers/").status_code == 302


def test_menu_offers_customers_to_planners_only(client_as):
    assert 'href="/customers/"' in client_as("manager").get("/").get_data(as_text=True)
    assert 'href="/customers/tiers"' in client_as("manager").get("/").get_data(as_text=True)
    assert 'href="/customers/"' not in client_as("staff").get("/").get_data(as_text=True)


def test_customer_page_explains_a_high_value_tier(planner, sample):
    response = planner.get(f"/customers/{sample['high'].id}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "R=12 ≤ 30 ✓" in html and "F=10 ≥ 8 ✓" in html and "M=¥15,200.00 ≥ ¥10,000.00 ✓" in html
    decides = re.search(r'<li class="list-group-item rule-decides" data-testid="rule-(\w+)"', html)
    assert decides.group(1) == "high_value"
    assert ("Rules are tried in this order: High-value, Churn-risk, Newly active, Growth potential; "
            "the first that holds decides; otherwise general.") in html
    # Churn-risk does not hold, and says why.
    assert "R=12 ≥ 90 ✗" in html
    # Contact, consent, tags, orders and history.
    assert "王经理 (采购)" in html and "alpha@example.com" in html and "Agreed to be contacted" in html
    assert "key account" in html and html.count("年度服务") == 10
    assert 'data-testid="tier-history"' in html


def test_customer_page_explains_a_general_customer(planner, sample):
    html = planner.get(f"/customers/{sample['general'].id}").get_data(as_text=True)
    assert 'class="list-group-item rule-decides" data-testid="rule-general"' in html
    assert "No rule holds, so the customer is general" in html
    # A phone call is no purchase: R has none; the call is the lifecycle's last contact.
    assert "R=— ≤ 30 ✗" in html and "F=0 ≥ 8 ✗" in html and "M=¥0.00 ≥ ¥10,000.00 ✗" in html
    assert "No consent to marketing contact" in html and "回访电话" in html and "No orders yet." in html
    last_contact = re.search(r'data-testid="lifecycle">([^<]+)</span>\s*<div[^>]*data-testid="last-contact">([^<]+)<', html)
    assert last_contact.group(1) == "Mature" and last_contact.group(2).startswith("Last contact: ")
    assert re.search(r'data-testid="last-purchase">—<', html)


def test_customer_page_counts_r_from_the_last_purchase_not_a_later_call(planner, sample, make_interaction):
    churn = sample["churn"]
    make_interaction(churn, days_ago(3), note="电话回访")
    tiering.recompute(TODAY)
    html = planner.get(f"/customers/{churn.id}").get_data(as_text=True)
    assert re.search(r'<li class="list-group-item rule-decides" data-testid="rule-(\w+)"', html).group(1) == "churn_risk"
    assert "R=120 ≥ 90 ✓" in html
    assert re.search(r'data-testid="lifecycle">Mature</span>', html)  # we talked to them three days ago
    purchase = days_ago(120)
    assert f'data-testid="last-purchase">{purchase:%a}, {purchase.day} {purchase:%b %Y}' in html  # the one English style
    assert "R = days since the last purchase;" in html


def test_customer_without_activity_shows_a_dash(planner, make_customer):
    customer = make_customer(name="Oscar", registered_on=days_ago(5))
    tiering.recompute(TODAY)
    html = planner.get(f"/customers/{customer.id}").get_data(as_text=True)
    assert "R=— ≤ 30 ✗" in html


def test_customer_page_shows_the_tier_history(planner, sample, make_order):
    churn = sample["churn"]
    for n in range(4):
        make_order(churn, days_ago(n + 1), "1000.00")
    tiering.recompute(TODAY)
    html = planner.get(f"/customers/{churn.id}").get_data(as_text=True)
    history = html[html.index('data-testid="tier-history"'):]
    assert history.index("Growth potential") < history.index("Churn-risk")  # latest first


def test_customer_added_after_the_run(planner, sample, make_customer):
    customer = make_customer(name="Papa")
    html = planner.get(f"/customers/{customer.id}").get_data(as_text=True)
    assert "was added after the latest tier run" in html


def test_unknown_customer_is_404(planner):
    assert planner.get("/customers/999999").status_code == 404


def test_list_in_chinese(client_as, sample):
    html = client_as("manager", locale="zh").get("/customers/?tier=high_value").get_data(as_text=True)
    assert '<html lang="zh-CN">' in html and "Alpha 高价值" in html


def test_import_button_shows_only_to_those_who_may_import(client_as):
    assert 'data-testid="imports"' in client_as("planner").get("/customers/").get_data(as_text=True)
    assert 'data-testid="imports"' not in client_as("manager").get("/customers/").get_data(as_text=True)
