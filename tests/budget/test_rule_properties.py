"""Property-based tests of the contingency rule (DOMAIN.md section 6): exact sums, bounds
inclusive, and Decimal, never float, from the form through the services to the database
and the XLSX export.

The oracle is integer arithmetic on cents: contingency c passes on base b (both in cents)
exactly when b > 0, 10c >= b and 20c <= 3b."""
import re
import zipfile
from decimal import Decimal
from fractions import Fraction
from io import BytesIO
from types import SimpleNamespace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from sqlalchemy import event
from sqlalchemy.orm import Session
from werkzeug.datastructures import MultiDict

from app.budget import lines, services
from app.budget.web.forms import LineForm
from app.budget.models import BudgetLine
from app.budget.rule import CENT, check_contingency, line_amount
from app.budget.xlsx import budget_workbook
from app.core.errors import DomainError
from app.events.models import BUDGET_CATEGORIES
from app.extensions import db
from tests.budget.conftest import line_form
from tests.budget.formulas import evaluate

MAX_CENTS = 10**14 - 1  # Numeric(14, 2)
# The app and its clients are safe to share between examples: each example makes its own plan.
WITH_APP = settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
WITH_REQUESTS = settings(WITH_APP, max_examples=25)


def money(cents):
    return Decimal(cents).scaleb(-2)


def passes(base_cents, reserve_cents):
    return base_cents > 0 and 10 * reserve_cents >= base_cents and 20 * reserve_cents <= 3 * base_cents


def exact_amount(quantity, unit_price):
    """quantity x unit price to the cent, half up, computed with fractions."""
    product = Fraction(quantity) * Fraction(unit_price) * 100
    whole, rest = divmod(product, 1)
    return money(int(whole) + (1 if rest >= Fraction(1, 2) else 0))


cents = st.integers(min_value=0, max_value=MAX_CENTS)
quantities = st.integers(min_value=0, max_value=100_000_00).map(money)  # up to 100,000.00
prices = st.integers(min_value=0, max_value=1_000_000_00).map(money)  # up to ¥1,000,000.00
rows = st.lists(st.tuples(st.sampled_from(BUDGET_CATEGORIES), quantities, prices), min_size=1, max_size=5)


@given(base=cents, reserve=cents)
def test_the_rule_is_the_exact_inequality(base, reserve):
    assert check_contingency(money(base), money(reserve)).passes == passes(base, reserve)


@given(base=cents)
def test_no_contingency_line_never_passes(base):
    assert not check_contingency(money(base), None).passes


@given(base=st.integers(min_value=1, max_value=MAX_CENTS))
def test_low_and_high_are_the_passing_bounds_to_the_cent(base):
    result = check_contingency(money(base), None)
    assert (result.low, result.high) == (money(-(-base // 10)), money(3 * base // 20))
    assert result.ten_percent == result.low
    if result.low <= result.high:
        for amount, expected in ((result.low, True), (result.low - CENT, False),
                                 (result.high, True), (result.high + CENT, False)):
            assert check_contingency(money(base), amount).passes is expected


@given(base=st.integers(min_value=1, max_value=MAX_CENTS), reserve=cents)
def test_the_shown_ratio_never_contradicts_the_rule(base, reserve):
    result = check_contingency(money(base), money(reserve))
    percent = services.ratio_percent(result)
    assert percent == percent.quantize(CENT)
    assert abs(Fraction(percent) - Fraction(reserve * 100, base)) < Fraction(1, 100)
    assert (Decimal(10) <= percent <= Decimal(15)) is result.passes


@given(quantity=quantities, unit_price=prices)
def test_line_amounts_are_rounded_half_up_to_the_cent(quantity, unit_price):
    assert line_amount(quantity, unit_price) == exact_amount(quantity, unit_price)


@WITH_APP
@given(amount=cents, separators=st.booleans())
def test_the_form_reads_money_as_the_exact_decimal(app, amount, separators):
    value = min(money(amount), Decimal("100000000"))
    text = f"¥{value:,}" if separators else str(value)
    with app.test_request_context(method="POST", data=line_form("venue", "场地", "1", "", text)):
        form = LineForm(formdata=MultiDict(line_form("venue", "场地", "1", "", text)))
        assert form.validate(), form.errors
        assert type(form.unit_price.data) is Decimal and form.unit_price.data == value
        assert type(form.quantity.data) is Decimal


def test_a_float_is_refused_by_the_services():
    with pytest.raises(TypeError):
        lines.money_value(0.1, "quantity")
    with pytest.raises(DomainError):
        lines.money_value(Decimal("0.001"), "quantity")


@pytest.fixture
def no_float():
    """Fails a test in which a budget line holds a float when it is flushed, or (on
    PostgreSQL, whose driver takes Decimal) a float is sent to the database. SQLite has no
    decimal type: SQLAlchemy's pysqlite dialect binds Numeric as a double, exact for the
    14 significant digits of Numeric(14, 2), and reads it back as the Decimal it was."""
    floats = []

    def before_flush(session, context, instances):
        for line in [*session.new, *session.dirty]:
            if isinstance(line, BudgetLine):
                floats.extend(name for name in ("quantity", "unit_price", "amount", "actual_amount")
                              if isinstance(getattr(line, name), float))

    def before_execute(conn, cursor, statement, parameters, context, executemany):
        if conn.dialect.name == "sqlite" or "budget_lines" not in statement:
            return
        batches = parameters if executemany else [parameters]
        for batch in batches:
            values = batch.values() if isinstance(batch, dict) else batch
            floats.extend(repr(value) for value in values if isinstance(value, float))

    event.listen(Session, "before_flush", before_flush)
    event.listen(db.engine, "before_cursor_execute", before_execute)
    yield floats
    event.remove(Session, "before_flush", before_flush)
    event.remove(db.engine, "before_cursor_execute", before_execute)


@WITH_REQUESTS
@given(rows=rows, data=st.data())
def test_from_the_form_to_the_database_the_sums_are_exact(planner, make_plan, make_event_type, post_lines, lines_of,
                                                           no_float, rows, data):
    expected = [exact_amount(quantity, price) for _category, quantity, price in rows]
    base_cents = int(sum(expected) * 100)
    low, high = -(-base_cents // 10), 3 * base_cents // 20  # the passing bounds, in cents
    reserve = data.draw(st.sampled_from([low - 1, low, high, high + 1]) | st.integers(0, 2 * high + 1), "reserve")
    reserve = min(max(reserve, 0), 10**10)  # the form takes unit prices up to ¥100,000,000.00
    plan = make_plan(event_type=make_event_type())
    post_lines(planner, plan, [(category, "项目", str(quantity), "", str(price)) for category, quantity, price in rows])
    post_lines(planner, plan, [("contingency", "应急备用金", "1", "", str(money(reserve)))])

    stored = lines_of(plan)
    assert [line.amount for line in stored[:-1]] == expected
    assert [(line.quantity, line.unit_price) for line in stored[:-1]] == [(q, p) for _c, q, p in rows]
    assert all(type(getattr(line, name)) is Decimal for line in stored for name in ("quantity", "unit_price", "amount"))
    base = sum(expected, Decimal("0.00"))
    result = services.check(services.current_revision(plan))
    assert (result.base, result.contingency, result.total) == (base, money(reserve), base + money(reserve))
    assert result.passes == passes(int(base * 100), reserve)

    page = planner.get(f"/events/plans/{plan.id}/budget").get_data(as_text=True)
    assert f'data-passes="{"yes" if result.passes else "no"}"' in page
    assert f'data-testid="figure-total">¥{result.total:,.2f}<' in page
    assert no_float == []


@WITH_APP
@given(rows=rows)
def test_the_xlsx_holds_the_exact_figures(app, rows):
    items = [BudgetLine(category=category, description="项目", quantity=quantity, unit="", unit_price=price,
                        amount=line_amount(quantity, price), note="", receipt_note="", actual_amount=price)
             for category, quantity, price in rows]
    revision = SimpleNamespace(lines=items, number=1, state="draft")
    plan = SimpleNamespace(title="Plan", event_day=None)
    base = sum((item.amount for item in items), Decimal("0.00"))
    with app.test_request_context():
        content = budget_workbook(plan, revision, check_contingency(base, None))
    with zipfile.ZipFile(BytesIO(content)) as archive:
        values = re.findall(r'<c r="([A-Z]+)(\d+)"[^>]*t="n"[^>]*><v>([^<]*)</v>',
                            archive.read("xl/worksheets/sheet1.xml").decode())
    written = {(column, int(row)): text for column, row, text in values}
    sheet = load_workbook(BytesIO(content)).active  # amounts and totals are formulas: computed exactly
    for row, item in enumerate(items, 7):
        assert written[("D", row)] == str(item.quantity)
        assert written[("F", row)] == str(item.unit_price)
        assert written[("H", row)] == str(item.actual_amount)
        assert evaluate(sheet, f"G{row}") == item.amount
        assert evaluate(sheet, f"I{row}") == item.actual_amount - item.amount
    assert evaluate(sheet, f"G{len(items) + 8}") == base
