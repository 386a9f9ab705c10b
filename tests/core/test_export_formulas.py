"""Every CSV and XLSX export keeps what users typed as text: a name, a budget line or a note
that starts like a formula is never run by a spreadsheet program, and its text is kept. The
only formulas are an export's own totals, over cell references."""
import csv
import io
import re
from datetime import timedelta

import pytest
from openpyxl import load_workbook

from app.core import clock
from app.customers import tiering
from app.extensions import db
from tests.conftest import SOURCE_BUDGET

HOSTILE = ('=HYPERLINK("http://evil.example","点我")', "=1+1", "=cmd|' /C calc'!A0", "+SUM(1,2)", "-2+3",
           "@SUM(1)")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# The exports' own formulas: in which columns, with which functions (the budget's amounts,
# variances and totals, and its rule's verdict).
OWN_FORMULAS = {"budget.xlsx": ("GHI", {"SUM", "ROUND", "ROUNDUP", "ROUNDDOWN", "IF", "AND", "OR"})}


@pytest.fixture
def hostile(make_customer, make_plan, make_invitation, make_budget):
    """Hostile text in every column users write that each export shows."""
    old = clock.today() - timedelta(days=800)
    make_customer(name=HOSTILE[0], company=HOSTILE[1], city=HOSTILE[2], industry=HOSTILE[3],
                  contact_person=HOSTILE[4], tags=[HOSTILE[5]], registered_on=old)
    tiering.recompute(clock.today())
    plan = make_plan(title=HOSTILE[0])
    make_invitation(plan=plan, name=HOSTILE[0], company=HOSTILE[2])
    make_invitation(plan=plan, name=HOSTILE[3], company=HOSTILE[4])
    category = SOURCE_BUDGET[0][0]
    revision = make_budget(plan=plan, lines=[(category, HOSTILE[0], "1", HOSTILE[1], "100.00"),
                                             (category, HOSTILE[4], "2", HOSTILE[3], "50.00")])
    revision.lines[0].note, revision.lines[0].receipt_note = HOSTILE[2], HOSTILE[5]
    db.session.commit()
    return plan


# Every export endpoint, with the hostile values it shows.
EXPORTS = {
    "customers.csv": ("/customers/export.csv", HOSTILE),
    "customers.xlsx": ("/customers/export.xlsx", HOSTILE),
    "guests.csv": ("/events/plans/{plan}/guests/export.csv", (HOSTILE[0], HOSTILE[2], HOSTILE[3], HOSTILE[4])),
    "guests.xlsx": ("/events/plans/{plan}/guests/export.xlsx", (HOSTILE[0], HOSTILE[2], HOSTILE[3], HOSTILE[4])),
    "budget.xlsx": ("/events/plans/{plan}/budget/budget.xlsx", HOSTILE),
}


def test_every_export_is_covered(app):
    exporting = {rule.endpoint for rule in app.url_map.iter_rules()
                 if rule.rule.endswith((".csv", ".xlsx")) and "GET" in rule.methods}
    assert len(exporting) == len(EXPORTS), f"an export is missing from EXPORTS: {sorted(exporting)}"


@pytest.mark.parametrize("name", sorted(EXPORTS))
def test_user_text_is_never_a_formula(client_as, hostile, name):
    path, expected = EXPORTS[name]
    response = client_as("planner").get(path.format(plan=hostile.id))
    assert response.status_code == 200
    if name.endswith(".csv"):
        cells = [cell for row in csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")))
                 for cell in row]
        assert not [cell for cell in cells if cell.startswith(FORMULA_STARTS)]
        for value in expected:  # kept, behind the apostrophe that makes it text
            assert "'" + value in cells
    else:
        workbook = load_workbook(io.BytesIO(response.data))
        cells = [cell for sheet in workbook for row in sheet.iter_rows() for cell in row if cell.value is not None]
        columns, functions = OWN_FORMULAS.get(name, ("", set()))
        formulas = [cell for cell in cells if cell.data_type == "f"]
        for cell in formulas:  # ours: where expected, over cells, nothing of a user's text
            assert cell.column_letter in columns, f"a formula in {cell.coordinate}: {cell.value}"
            assert set(re.findall(r"([A-Z]+)\(", cell.value)) <= functions, cell.value
            assert re.search(r"[A-Z]+\d+", cell.value), cell.value
            assert not [value for value in HOSTILE if value in cell.value], cell.value
        assert bool(formulas) == bool(columns)
        texts = {cell.value for cell in cells if cell.data_type == "s"}
        for value in expected:  # exactly as typed: a text cell is never run
            assert value in texts
