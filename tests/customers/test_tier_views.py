"""Tier overview, tier rules, recomputation, runs and movement, and the quarterly schedule."""
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.core import clock
from app.customers import tiering
from app.customers.models import Tier, TierRun
from app.customers.web.tiers import tier_shares
from app.extensions import db

TODAY = clock.today()


def days_ago(n):
    return TODAY - timedelta(days=n)


@pytest.fixture
def rfm(make_customer, make_order):
    """rfm("high"|"growth"|"churn"|"general") -> a customer in that tier as of today."""

    def make(kind, name=None):
        customer = make_customer(name=name or kind, registered_on=days_ago(800))
        plan = {"high": (10, 1500, 5), "growth": (4, 1000, 20), "churn": (1, 200, 120), "general": (0, 0, 0)}[kind]
        count, amount, start = plan
        for n in range(count):
            make_order(customer, days_ago(start + n), amount)
        return customer

    return make


def run_count():
    return db.session.scalar(select(func.count()).select_from(TierRun))


def cells(html, tier):
    row = re.search(rf'<tr data-testid="share-{tier}">(.*?)</tr>', html, re.DOTALL).group(1)
    return [re.sub(r"<[^>]+>|\s+", " ", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.DOTALL)]


def test_shares_against_targets():
    counts = {Tier.HIGH_VALUE: 3, Tier.GROWTH: 3, Tier.NEW: 0, Tier.CHURN_RISK: 1, Tier.GENERAL: 0}
    rows = {row["tier"]: row for row in tier_shares(counts)}
    assert [row["tier"] for row in tier_shares(counts)] == [
        Tier.HIGH_VALUE, Tier.GROWTH, Tier.NEW, Tier.CHURN_RISK, Tier.GENERAL]
    assert rows[Tier.HIGH_VALUE]["share"] == Decimal("42.9")  # 3/7, one decimal, exact
    assert rows[Tier.HIGH_VALUE]["target"] == 15 and rows[Tier.HIGH_VALUE]["difference"] == Decimal("27.9")
    assert rows[Tier.CHURN_RISK]["share"] == Decimal("14.3") and rows[Tier.CHURN_RISK]["off_target"]
    assert rows[Tier.GENERAL]["target"] is None and not rows[Tier.GENERAL]["off_target"]
    assert all(row["share"] == 0 for row in tier_shares(dict.fromkeys(Tier, 0)))


def test_overview_shows_counts_shares_targets_and_the_chart(client_as, rfm):
    for kind in ("high", "growth", "churn", "general"):
        rfm(kind)
    manager = client_as("manager", locale="en")
    tiering.recompute(TODAY, triggered_by=manager.user)
    html = manager.get("/customers/tiers").get_data(as_text=True)
    assert cells(html, "high_value") == ["High-value", "1", "25.0%", "15%", "+10.0 pts"]
    assert cells(html, "growth") == ["Growth potential", "1", "25.0%", "30%", "-5.0 pts"]
    assert cells(html, "new") == ["Newly active", "0", "0.0%", "25%", "-25.0 pts"]
    assert cells(html, "general") == ["General", "1", "25.0%", "—", "—"]
    assert html.count('class="off-target') == 4  # 5 points or more away
    assert manager.user.name in html and "4 customers" in html
    assert 'data-testid="stale-warning"' not in html
    chart = html[html.index("<svg"):html.index("</svg>")]
    assert chart.count('class="chart-bar') == 5 and chart.count('class="chart-target"') == 5  # 4 targets + legend
    assert "style=" not in chart and "<script" not in html.lower().replace('<script src=', '')


def test_overview_warns_when_tiers_are_older_than_a_quarter(client_as, rfm):
    rfm("high")
    tiering.recompute(days_ago(93))
    html = client_as("planner").get("/customers/tiers").get_data(as_text=True)
    assert 'data-testid="stale-warning"' in html


def test_overview_without_a_run(client_as):
    html = client_as("planner").get("/customers/tiers").get_data(as_text=True)
    assert 'data-testid="no-run"' in html and "<svg" not in html


def test_recompute_button_queues_a_run(client_as, rfm):
    customer = rfm("high")
    planner = client_as("planner", locale="en")
    response = planner.post("/customers/tiers/recompute", data={"next": "/customers/"})
    assert response.status_code == 302 and response.headers["Location"] == "/customers/"
    run = tiering.latest_run()  # tasks run eagerly in tests
    assert run.as_of == TODAY and run.triggered_by_id == planner.user.id
    assert tiering.assignment_for(customer.id, run).tier == Tier.HIGH_VALUE
    assert "Tier recomputation queued" in planner.get("/customers/tiers").get_data(as_text=True)


def test_recompute_as_of_a_past_date(client_as, rfm):
    rfm("high")
    response = client_as("manager").post("/customers/tiers/recompute", data={"as_of": "2026-01-01"})
    assert response.status_code == 302
    assert tiering.latest_run().as_of == date(2026, 1, 1)


@pytest.mark.parametrize(("as_of", "message"), [
    ((TODAY + timedelta(days=1)).isoformat(), "The date cannot be in the future."),
    ("31/02/2026", "Not a valid date value."),
])
def test_recompute_refuses_a_bad_date_and_keeps_it(client_as, as_of, message):
    response = client_as("planner", locale="en").post("/customers/tiers/recompute", data={"as_of": as_of})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and message in html and f'value="{as_of}"' in html
    assert run_count() == 0


def test_rules_page_shows_thresholds_with_seed_hints(client_as):
    html = client_as("admin", locale="en").get("/customers/tiers/rules").get_data(as_text=True)
    assert 'name="high_r_max"' in html and 'value="30"' in html and "Default: 30" in html
    assert 'value="10000.00"' in html and "Default: ¥10,000" in html
    assert "apply from the next recomputation" in html


def test_rules_are_admin_only(client_as):
    assert client_as("planner").get("/customers/tiers/rules").status_code == 403
    assert client_as("manager").post("/customers/tiers/rules", data={"high_r_max": "1"}).status_code == 403
    assert client_as("planner").post("/customers/tiers/rules/reset").status_code == 403


def valid_rules(**changes):
    values = {name: str(value) for name, value in tiering.current_rules().as_dict().items()}
    return {**values, **changes}


def test_saving_rules(client_as):
    admin = client_as("admin", locale="en")
    response = admin.post("/customers/tiers/rules", data=valid_rules(high_r_max="45", high_m_min="12000.50"))
    assert response.status_code == 302
    rules = tiering.current_rules()
    assert rules.high_r_max == 45 and rules.high_m_min == Decimal("12000.50") and rules.updated_by_id == admin.user.id
    html = admin.get("/customers/tiers/rules").get_data(as_text=True)
    assert "Thresholds saved" in html and 'value="45"' in html


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"growth_f_min": "9", "growth_f_max": "7"}, "growth_f_min", "The lowest growth frequency is above the highest."),
    ({"growth_m_min": "9000", "growth_m_max": "8000.5"}, "growth_m_min", "The lowest growth amount is above the highest."),
    ({"high_r_max": "-1"}, "high_r_max", "Number must be between 0 and 36500."),
    ({"high_m_min": "lots"}, "high_m_min", "Not a valid decimal value."),
    ({"churn_f_max": ""}, "churn_f_max", "This field is required."),
])
def test_invalid_rules_are_refused_with_the_input_kept(client_as, changes, field, message):
    response = client_as("admin", locale="en").post("/customers/tiers/rules", data=valid_rules(**changes))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    field_html = html[html.index(f'id="{field}"'):]
    assert message in field_html[:600]
    assert f'value="{changes[field]}"' in html[html.index(f'name="{field}"') - 300:html.index(f'name="{field}"') + 300]
    rules = tiering.current_rules()
    assert (rules.growth_f_min, rules.high_r_max) == (3, 30)


def test_resetting_rules(client_as):
    tiering.update_rules({"high_r_max": 10, "growth_m_max": "20000"})
    db.session.commit()
    admin = client_as("admin", locale="en")
    assert admin.post("/customers/tiers/rules/reset").status_code == 302
    rules = tiering.current_rules()
    assert rules.high_r_max == 30 and rules.growth_m_max == Decimal("9999")
    assert "The seed thresholds are restored" in admin.get("/customers/tiers/rules").get_data(as_text=True)


def test_runs_show_movement_between_the_latest_two(client_as, rfm, make_order):
    moving = rfm("churn", name="Mover")
    rfm("general")
    first = tiering.recompute(days_ago(10))
    for n in range(4):
        make_order(moving, days_ago(n + 1), "1000.00")
    second = tiering.recompute(TODAY)
    db.session.commit()
    html = client_as("manager", locale="en").get("/customers/tiers/runs").get_data(as_text=True)
    assert "1 customer moved from Churn-risk to Growth potential" in html
    assert "1 customer changed tier" in html
    assert f'<option value="{first.id}" selected>' in html and f'<option value="{second.id}" selected>' in html


def test_runs_compare_chosen_runs(client_as, rfm, make_order):
    movers = [rfm("churn", name=f"Mover {n}") for n in range(3)]
    first = tiering.recompute(days_ago(10))
    for mover in movers:
        for n in range(4):
            make_order(mover, days_ago(n + 1), "1000.00")
    second = tiering.recompute(TODAY)
    third = tiering.recompute(TODAY)
    db.session.commit()
    manager = client_as("manager", locale="en")
    # The latest two did not differ.
    assert "No customer changed tier" in manager.get("/customers/tiers/runs").get_data(as_text=True)
    html = manager.get(f"/customers/tiers/runs?from={first.id}&to={third.id}").get_data(as_text=True)
    assert "3 customers moved from Churn-risk to Growth potential" in html
    html = manager.get(f"/customers/tiers/runs?from={second.id}&to={second.id}").get_data(as_text=True)
    assert "Choose two different runs." in html
    # Unknown ids fall back to the latest two.
    assert manager.get("/customers/tiers/runs?from=999&to=abc").status_code == 200


def test_runs_history_lists_counts_per_tier(client_as, rfm):
    rfm("high")
    rfm("general")
    tiering.recompute(TODAY)
    db.session.commit()
    html = client_as("planner", locale="en").get("/customers/tiers/runs").get_data(as_text=True)
    assert 'data-testid="runs"' in html and "Movement needs at least two tier runs" in html
    assert "Automatic" in html  # not triggered by a user


class TestQuarterlySchedule:
    def config(self, monkeypatch, tmp_path, cron=None):
        from app.config import load_config

        if cron is None:
            monkeypatch.delenv("TIER_RECOMPUTE_CRON", raising=False)
        else:
            monkeypatch.setenv("TIER_RECOMPUTE_CRON", cron)
        return load_config(tmp_path, {"RAPPORT_ENV": "testing", "SECRET_KEY": "x"})["CELERY"]["beat_schedule"]

    def test_quarterly_by_default(self, monkeypatch, tmp_path):
        from celery.schedules import crontab

        entry = self.config(monkeypatch, tmp_path)["recompute-tiers"]
        assert entry["task"] == "app.customers.tasks.recompute_tiers"
        assert entry["schedule"] == crontab(0, 2, day_of_month=1, month_of_year="1,4,7,10")

    def test_configurable_and_can_be_turned_off(self, monkeypatch, tmp_path):
        from celery.schedules import crontab

        assert self.config(monkeypatch, tmp_path, "30 3 1 * *")["recompute-tiers"]["schedule"] == crontab(
            30, 3, day_of_month=1)
        assert "recompute-tiers" not in self.config(monkeypatch, tmp_path, "off")

    def test_a_bad_cron_line_stops_the_start(self, monkeypatch, tmp_path):
        from app.config import ConfigError

        with pytest.raises(ConfigError, match="TIER_RECOMPUTE_CRON"):
            self.config(monkeypatch, tmp_path, "every quarter")
        with pytest.raises(ConfigError):
            self.config(monkeypatch, tmp_path, "0 25 1 1 *")

    def test_the_task_is_registered_under_that_name(self, app):
        from app.extensions import celery

        assert "app.customers.tasks.recompute_tiers" in celery.tasks
        assert "app.customers.tasks.expire_stale_imports" in celery.tasks
