"""The XLSX export: the layout finance teams expect, real numbers, totals as formulas that give
the budget page's figures, the user's language."""
import re
import zipfile
from datetime import datetime
from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import load_workbook

from app.budget.rule import check_contingency
from app.budget.services import ratio_percent
from app.extensions import db
from tests.budget.formulas import evaluate
from tests.conftest import SOURCE_BUDGET

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def export(client, plan):
    response = client.get(f"/events/plans/{plan.id}/budget/budget.xlsx")
    assert response.status_code == 200
    assert response.mimetype == XLSX
    return response


def test_the_export_has_the_header_block_lines_and_totals(planner, plan, make_budget):
    revision = make_budget(plan=plan)
    revision.lines[0].actual_amount = Decimal("8500.00")
    revision.lines[0].receipt_note = "发票 001"
    revision.state = "approved"
    db.session.commit()
    response = export(planner, plan)
    assert response.headers["Content-Disposition"] == f"attachment; filename=budget-{plan.id}-r1.xlsx"
    sheet = load_workbook(BytesIO(response.data)).active

    assert sheet.title == "Budget"
    assert sheet["A1"].value == "客户答谢晚宴"
    assert (sheet["A2"].value, sheet["C2"].value) == ("Event day", datetime.combine(plan.event_day, datetime.min.time()))
    assert (sheet["A3"].value, sheet["C3"].value) == ("Revision", 1)
    assert (sheet["A4"].value, sheet["C4"].value) == ("State", "Approved")
    assert [cell.value for cell in sheet[6]] == [
        "No.", "Category", "Description", "Quantity", "Unit", "Unit price", "Amount", "Actual", "Variance", "Note",
        "Receipt"]
    assert sheet.freeze_panes == "A7"
    assert sheet.column_dimensions["C"].width == 42

    first = [cell.value for cell in sheet[7]]
    assert first[:9] == [1, "Venue rental", "宴会场地及设备、培训室", 1, "项", 8000, "=ROUND(D7*F7,2)", 8500, "=H7-G7"]
    assert first[10] == "发票 001"
    assert sheet["I8"].value is None  # no actual, no variance
    catering = [cell.value for cell in sheet[11]]
    assert catering[:7] == [5, "Catering", "宴会餐饮 200元/人 × 50人", 50, "人", 200, "=ROUND(D11*F11,2)"]
    assert sheet.cell(14, 2).value == "Contingency" and evaluate(sheet, "G14") == 4200
    for column in "DFH":
        assert sheet[f"{column}7"].number_format == "#,##0.00"
        assert sheet[f"{column}7"].data_type == "n"
    for column in "GI":
        assert sheet[f"{column}7"].number_format == "#,##0.00"
        assert sheet[f"{column}7"].data_type == "f"

    summary = {sheet.cell(row, 3).value: sheet.cell(row, 7) for row in range(16, 21)}
    assert summary["Subtotal before contingency"].value == "=SUM(G7:G13)"
    assert summary["Contingency"].value == "=SUM(G14)"
    assert summary["Total"].value == "=SUM(G16,G17)"
    values = {label: evaluate(sheet, cell.coordinate) for label, cell in summary.items()}
    assert values == {"Subtotal before contingency": 42000, "Contingency": 4200, "Contingency ratio": Decimal("0.1"),
                      "Total": 46200, "Contingency rule (10% to 15%)": "passes"}
    assert summary["Contingency ratio"].number_format == "0.00%"
    total_row = summary["Total"].row
    assert (sheet.cell(total_row, 8).value, sheet.cell(total_row, 9).value) == ("=SUM(H7)", "=SUM(I7)")
    assert (evaluate(sheet, f"H{total_row}"), evaluate(sheet, f"I{total_row}")) == (8500, 500)


def test_a_price_edited_in_the_spreadsheet_updates_the_totals(planner, plan, make_budget):
    make_budget(plan=plan)
    sheet = load_workbook(BytesIO(export(planner, plan).data)).active
    sheet["F11"] = 250  # catering: 50 guests at 250 instead of 200
    assert evaluate(sheet, "G11") == 12500
    assert [evaluate(sheet, f"G{row}") for row in range(16, 20)] == [44500, 4200, Decimal("0.0943"), 48700]
    assert evaluate(sheet, "G20") == "fails"  # 4,200 is below 10% of 44,500


CASES = {
    "source": SOURCE_BUDGET,
    "no contingency": [row for row in SOURCE_BUDGET if row[0] != "contingency"],
    "a cent over 15%": [("venue", "场地", "1", "项", "42000.00"), ("contingency", "应急", "1", "", "6300.01")],
    "a cent under 10%": [("venue", "场地", "1", "项", "42000.00"), ("contingency", "应急", "1", "", "4199.99")],
    "exactly 15%, cents rounded": [("venue", "场地", "3", "天", "333.33"), ("gifts", "礼品", "0.5", "份", "0.01"),
                                   ("contingency", "应急", "1", "", "150.00"), ("gifts", "礼品", "1", "份", "0.00")],
    "contingency between lines": [("venue", "场地", "1", "项", "30000.00"), ("contingency", "应急", "0.5", "", "8400.01"),
                                  ("catering", "餐饮", "0.33", "人", "3.03")],
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_the_formulas_give_the_budget_pages_figures(planner, plan, make_budget, case):
    revision = make_budget(plan=plan, lines=CASES[case])
    amounts = [line.amount for line in revision.lines]
    contingency = [line.amount for line in revision.lines if line.category == "contingency"]
    check = check_contingency(sum(amounts) - sum(contingency), sum(contingency) if contingency else None)
    sheet = load_workbook(BytesIO(export(planner, plan).data)).active

    if case == "contingency between lines":
        assert (sheet["G11"].value, sheet["G12"].value) == ("=SUM(G7,G9)", "=SUM(G8)")
    rows = range(7, 7 + len(amounts))
    assert [evaluate(sheet, f"G{row}") for row in rows] == amounts
    first = 7 + len(amounts) + 1
    ratio = ratio_percent(check)
    assert [evaluate(sheet, f"G{row}") for row in range(first, first + 5)] == [
        check.base, "" if check.contingency is None else check.contingency, "" if ratio is None else ratio / 100,
        check.total, "passes" if check.passes else "fails"]


def test_the_numbers_are_written_as_their_exact_decimal_text(planner, plan, make_budget):
    make_budget(plan=plan, lines=[("venue", "场地", "3", "天", "333.33"), ("gifts", "礼品", "0.5", "份", "0.01"),
                                  ("contingency", "应急", "1", "", "6300.01")])
    with zipfile.ZipFile(BytesIO(export(planner, plan).data)) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
    values = re.findall(r"<v>([^<]*)</v>", xml)
    assert {"3.00", "333.33", "0.50", "0.01", "6300.01"} <= set(values)


def test_titles_and_names_follow_the_users_language(client_as, plan, make_budget):
    make_budget(plan=plan, lines=[row for row in SOURCE_BUDGET if row[0] != "contingency"])
    chinese = load_workbook(BytesIO(export(client_as("manager", locale="zh"), plan).data)).active
    english = load_workbook(BytesIO(export(client_as("manager", locale="en"), plan).data)).active
    assert (english.title, english.cell(7, 2).value) == ("Budget", "Venue rental")
    assert (chinese.title, chinese.cell(7, 2).value) == ("预算编制", "场地租赁费")
    assert evaluate(english, f"G{english.max_row}") == "fails"  # no contingency line
    assert evaluate(chinese, f"G{chinese.max_row}") == "不符合"


def test_a_plan_without_a_budget_has_nothing_to_export(planner, plan):
    response = planner.get(f"/events/plans/{plan.id}/budget/budget.xlsx", follow_redirects=True)
    assert response.mimetype == "text/html"
    assert "The budget has not been started yet." in response.get_data(as_text=True)
