"""The XLSX export: the layout finance teams expect, real numbers, the user's language."""
import re
import zipfile
from datetime import datetime
from decimal import Decimal
from io import BytesIO

from openpyxl import load_workbook

from app.extensions import db
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
    assert first[:9] == [1, "Venue rental", "宴会场地及设备、培训室", 1, "项", 8000, 8000, 8500, 500]
    assert first[10] == "发票 001"
    catering = [cell.value for cell in sheet[11]]
    assert catering[:7] == [5, "Catering", "宴会餐饮 200元/人 × 50人", 50, "人", 200, 10000]
    assert sheet.cell(14, 2).value == "Contingency" and sheet.cell(14, 7).value == 4200
    for column in "DFGHI":
        assert sheet[f"{column}7"].number_format == "#,##0.00"
        assert sheet[f"{column}7"].data_type == "n"

    summary = {sheet.cell(row, 3).value: sheet.cell(row, 7) for row in range(16, 21)}
    assert summary["Subtotal before contingency"].value == 42000
    assert summary["Contingency"].value == 4200
    assert summary["Contingency ratio"].value == 0.1 and summary["Contingency ratio"].number_format == "0.00%"
    assert summary["Total"].value == 46200
    total_row = summary["Total"].row
    assert (sheet.cell(total_row, 8).value, sheet.cell(total_row, 9).value) == (8500, 500)
    assert summary["Contingency rule (10% to 15%)"].value == "passes"


def test_the_numbers_are_written_as_their_exact_decimal_text(planner, plan, make_budget):
    make_budget(plan=plan, lines=[("venue", "场地", "3", "天", "333.33"), ("gifts", "礼品", "0.5", "份", "0.01"),
                                  ("contingency", "应急", "1", "", "6300.01")])
    with zipfile.ZipFile(BytesIO(export(planner, plan).data)) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
    values = re.findall(r"<v>([^<]*)</v>", xml)
    assert {"999.99", "333.33", "0.50", "0.01", "6300.01", "1000.00"} <= set(values)


def test_titles_and_names_follow_the_users_language(client_as, plan, make_budget):
    make_budget(plan=plan, lines=[row for row in SOURCE_BUDGET if row[0] != "contingency"])
    chinese = load_workbook(BytesIO(export(client_as("manager", locale="zh"), plan).data)).active
    english = load_workbook(BytesIO(export(client_as("manager", locale="en"), plan).data)).active
    assert (english.title, english.cell(7, 2).value) == ("Budget", "Venue rental")
    assert (chinese.title, chinese.cell(7, 2).value) == ("预算编制", "场地租赁费")
    assert english.cell(english.max_row, 7).value == "fails"  # no contingency line


def test_a_plan_without_a_budget_has_nothing_to_export(planner, plan):
    response = planner.get(f"/events/plans/{plan.id}/budget/budget.xlsx", follow_redirects=True)
    assert response.mimetype == "text/html"
    assert "The budget has not been started yet." in response.get_data(as_text=True)
