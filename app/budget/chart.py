"""The geometry of the budget page's planned-vs-actual chart (rendered as inline SVG by
templates/budget/_chart.html): per category, a bar of the planned amount and, once actual
spend is entered, a bar of the actual spend below it, on one scale."""
from dataclasses import dataclass
from decimal import Decimal

from app.budget.models import LINE_CATEGORIES
from app.budget.rule import ZERO

WIDTH = 720
PLOT_LEFT = 130  # category labels right-aligned before this
PLOT_RIGHT = WIDTH - 120  # room for the figures after the longest bar
TOP = 10
ROW_HEIGHT = 50
BAR = 16
TENTH = Decimal("0.1")


@dataclass(frozen=True)
class Row:
    category: str
    y: int  # top of the planned bar; the actual bar sits right below it
    planned: Decimal
    actual: Decimal | None  # None: no actual spend entered in this category
    planned_width: Decimal
    actual_width: Decimal | None

    @property
    def over(self):
        return self.actual is not None and self.actual > self.planned


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    plot_left: int
    bar: int
    rows: list
    has_actuals: bool


def spend_chart(lines):
    """The chart of `lines` (any revision's), categories in the source's order."""
    planned, actual = {}, {}
    for line in lines:
        planned[line.category] = planned.get(line.category, ZERO) + line.amount
        if line.actual_amount is not None:
            actual[line.category] = actual.get(line.category, ZERO) + line.actual_amount
    categories = [category for category in LINE_CATEGORIES if category in planned]
    top = max([*planned.values(), *actual.values(), ZERO])

    def width(value):
        return (value * (PLOT_RIGHT - PLOT_LEFT) / top).quantize(TENTH) if top else ZERO

    rows = [
        Row(category, TOP + n * ROW_HEIGHT, planned[category], actual.get(category), width(planned[category]),
            width(actual[category]) if category in actual else None)
        for n, category in enumerate(categories)
    ]
    return Chart(width=WIDTH, height=TOP + len(rows) * ROW_HEIGHT, plot_left=PLOT_LEFT, bar=BAR, rows=rows,
                 has_actuals=bool(actual))
