"""The planned-vs-actual chart by category (server-rendered SVG)."""
from decimal import Decimal
from types import SimpleNamespace

from app.budget.chart import PLOT_LEFT, PLOT_RIGHT, spend_chart


def line(category, amount, actual=None):
    return SimpleNamespace(category=category, amount=Decimal(amount),
                           actual_amount=None if actual is None else Decimal(actual))


def test_categories_in_the_sources_order_on_one_scale():
    chart = spend_chart([line("contingency", "400"), line("catering", "2000", "2500"), line("venue", "1000", "900"),
                         line("catering", "1000")])
    assert [row.category for row in chart.rows] == ["venue", "catering", "contingency"]
    venue, catering, reserve = chart.rows
    assert (catering.planned, catering.actual, catering.over) == (Decimal("3000"), Decimal("2500"), False)
    assert catering.planned_width == PLOT_RIGHT - PLOT_LEFT  # the largest figure spans the plot
    assert abs(venue.planned_width * 3 - catering.planned_width) <= Decimal("0.15")  # to a tenth of a pixel
    assert (venue.actual, venue.over) == (Decimal("900"), False)
    assert (reserve.actual, reserve.actual_width) == (None, None)
    assert chart.has_actuals


def test_overspend_and_an_all_zero_budget():
    (row,) = spend_chart([line("gifts", "100", "100.01")]).rows
    assert row.over and row.actual_width == PLOT_RIGHT - PLOT_LEFT
    (zero,) = spend_chart([line("gifts", "0")]).rows
    assert zero.planned_width == 0
    assert not spend_chart([line("gifts", "0")]).has_actuals
    assert spend_chart([]).rows == []


def test_the_page_draws_a_bar_per_category(planner, plan, make_budget):
    make_budget(plan=plan)
    page = planner.get(f"/events/plans/{plan.id}/budget").get_data(as_text=True)
    assert 'data-testid="budget-chart"' in page
    assert page.count('class="budget-bar budget-bar-planned"') == 7  # six categories and the contingency
    assert "budget-bar-actual" not in page
    assert "<script" not in page.split('data-testid="budget-chart"')[1].split("</section>")[0]
