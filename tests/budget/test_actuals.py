"""Actual spend after the event: when it may be entered, variance, highlighting, the audit
and `services.actual_cost` for the ROI review."""
from decimal import Decimal

import pytest

from app.budget import services
from app.budget.models import BudgetRevision
from app.events.plan_models import PlanActivity
from app.extensions import db
from tests.budget.conftest import line_form

LINES = (
    ("venue", "场地", "1", "天", "8000.00"),
    ("catering", "餐饮", "50", "人", "200.00"),
    ("contingency", "应急备用金", "1", "", "1800.00"),
)


@pytest.fixture
def approved(past_plan, make_budget):
    """Yesterday's event with its approved budget."""
    revision = make_budget(plan=past_plan, lines=LINES, state="approved")
    past_plan.state = "approved"
    db.session.commit()
    return revision


def actuals_form(revision, values):
    """The actuals form as the page posts it: `values` {line index: (actual, receipt)}."""
    data = {}
    for index, line in enumerate(revision.lines):
        actual, receipt = values.get(index, ("", ""))
        data.update({f"lines-{index}-line_id": str(line.id), f"lines-{index}-actual": actual,
                     f"lines-{index}-receipt_note": receipt})
    return data


def url(plan):
    return f"/events/plans/{plan.id}/budget/actuals"


def test_actuals_wait_for_the_event_day(planner, plan, make_budget):
    revision = make_budget(plan=plan, lines=LINES, state="approved")
    page = planner.get(url(plan)).get_data(as_text=True)
    assert "once the event day has come" in page and 'data-testid="actuals-form"' not in page
    response = planner.post(url(plan), data=actuals_form(revision, {0: ("7000", "")}), follow_redirects=True)
    assert "once the event day has come" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(BudgetRevision, revision.id).lines[0].actual_amount is None
    assert 'data-testid="enter-actuals"' not in planner.get(f"/events/plans/{plan.id}/budget").get_data(as_text=True)


@pytest.mark.parametrize("state", ["draft", "submitted", "rejected"])
def test_actuals_go_on_an_approved_budget_only(planner, past_plan, make_budget, state):
    make_budget(plan=past_plan, lines=LINES, state=state)
    page = planner.get(url(past_plan)).get_data(as_text=True)
    assert "Actual spend is entered on the approved budget" in page


def test_entering_actuals_shows_variance_and_highlights_overspend(planner, approved):
    plan = approved.plan
    assert 'data-testid="enter-actuals"' in planner.get(f"/events/plans/{plan.id}/budget").get_data(as_text=True)
    assert planner.get(url(plan)).status_code == 200
    response = planner.post(url(plan), data=actuals_form(approved, {0: ("7,500.50", "发票 No.001"),
                                                                    1: ("10200", "发票 No.002")}))
    assert response.status_code == 302

    page = planner.get(f"/events/plans/{plan.id}/budget").get_data(as_text=True)
    venue, catering, reserve = approved.lines
    venue_row = page[page.index(f'id="line-{venue.id}"'):page.index(f'id="line-{catering.id}"')]
    catering_row = page[page.index(f'id="line-{catering.id}"'):page.index(f'id="line-{reserve.id}"')]
    assert "¥7,500.50" in venue_row and "-¥499.50" in venue_row and "table-danger" not in venue_row
    assert "发票 No.001" in venue_row
    assert "+¥200.00" in catering_row and "table-danger" in catering_row and "Over budget" in catering_row
    assert 'data-testid="actual-total">¥17,700.50<' in page
    assert 'data-testid="variance-total">-¥299.50<' in page  # the two lines with an actual
    assert "Actual spend entered for 2 of 3 lines" in page
    assert "budget-bar-over" in page  # the chart's catering bar

    db.session.expire_all()
    assert services.actual_cost(plan) == Decimal("17700.50")


def test_actual_cost_is_none_before_any_actual_and_ignores_drafts(past_plan, approved, make_budget):
    assert services.actual_cost(past_plan) is None
    approved.lines[0].actual_amount = Decimal("0.00")
    db.session.commit()
    assert services.actual_cost(past_plan) == Decimal("0.00")
    assert services.actual_cost(make_budget(lines=LINES).plan) is None  # a draft budget has no actual cost


def test_each_actual_is_logged_once(planner, approved):
    plan = approved.plan
    planner.post(url(plan), data=actuals_form(approved, {0: ("7000", "发票 A")}))
    planner.post(url(plan), data=actuals_form(approved, {0: ("7000.00", "发票 A")}))  # unchanged
    planner.post(url(plan), data=actuals_form(approved, {0: ("", "")}))  # cleared
    db.session.expire_all()
    log = db.session.scalars(db.select(PlanActivity).where(PlanActivity.plan_id == plan.id,
                                                           PlanActivity.action == "budget.actual_entered")
                             .order_by(PlanActivity.id)).all()
    assert [entry.detail for entry in log] == [
        {"revision": 1, "line": "场地", "category": "venue", "planned": "8000.00", "actual": "7000.00",
         "previous": None, "receipt": "发票 A"},
        {"revision": 1, "line": "场地", "category": "venue", "planned": "8000.00", "actual": None,
         "previous": "7000.00", "receipt": ""},
    ]
    assert services.actual_cost(plan) is None


def test_bad_actuals_are_shown_next_to_their_line_and_nothing_is_saved(planner, approved):
    plan = approved.plan
    response = planner.post(url(plan), data=actuals_form(approved, {0: ("7000", ""), 1: ("12.345", "")}))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Use at most two decimal places." in page and 'value="12.345"' in page
    db.session.expire_all()
    assert services.actual_cost(plan) is None


def test_a_line_of_another_budget_is_refused(planner, approved, make_budget):
    other = make_budget(lines=LINES)
    data = actuals_form(approved, {0: ("1", "")})
    data["lines-0-line_id"] = str(other.lines[0].id)
    response = planner.post(url(approved.plan), data=data, follow_redirects=True)
    assert "That line is not in the approved budget." in response.get_data(as_text=True)
    db.session.expire_all()
    assert approved.lines[0].actual_amount is None and other.lines[0].actual_amount is None


def test_a_change_after_approval_carries_the_actuals_into_the_next_revision(planner, approved):
    plan = approved.plan
    planner.post(url(plan), data=actuals_form(approved, {0: ("7000", "发票 A")}))
    venue = approved.lines[0]
    planner.post(f"/events/plans/{plan.id}/budget/lines/{venue.id}", data=line_form("venue", "场地", "1", "天", "7500"))
    db.session.expire_all()
    newest = services.current_revision(plan)
    assert newest.number == 2
    assert (newest.lines[0].actual_amount, newest.lines[0].receipt_note) == (Decimal("7000.00"), "发票 A")
    # Until revision 2 is approved, the cost stays that of revision 1, and no actual can be entered.
    assert services.actual_cost(plan) == Decimal("7000.00")
    assert "Actual spend is entered on the approved budget" in planner.get(url(plan)).get_data(as_text=True)
