"""The budget as an XLSX workbook in the layout finance teams expect: a header block (plan,
event day, revision, state), one row per line with real numbers, then the subtotal,
contingency, ratio and total rows. Titles and headers are in the current language."""
from io import BytesIO

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from openpyxl import Workbook
from openpyxl.styles import Border, Font, PatternFill, Side

from app.budget.actuals import spending, variance
from app.budget.labels import CATEGORY_LABELS, REVISION_STATE_LABELS
from app.budget.services import ratio_percent
from app.core.spreadsheets import set_text

MONEY_FORMAT = "#,##0.00"
HEADER_ROW = 6
# (header, width); the columns of a line row.
COLUMNS = (
    (_l("No."), 6), (_l("Category"), 14), (_l("Description"), 42), (_l("Quantity"), 11), (_l("Unit"), 8),
    (_l("Unit price"), 15), (_l("Amount"), 17), (_l("Actual"), 17), (_l("Variance"), 17), (_l("Note"), 36),
    (_l("Receipt"), 28),
)
BOLD = Font(bold=True)
OVER = Font(color="B02A37")
FAILED = Font(bold=True, color="B02A37")
HEADER_FILL = PatternFill("solid", fgColor="E9ECEF")
RULE = Border(bottom=Side(style="thin", color="6C757D"))


def _number(cell, value, number_format=MONEY_FORMAT):
    """Writes a Decimal as a numeric cell with its exact decimal text: openpyxl would
    format a Decimal through float ("%.16g")."""
    if value is None:
        return
    cell.value = str(value)
    cell.data_type = "n"
    cell.number_format = number_format


def budget_workbook(plan, revision, check):
    """The .xlsx file (bytes) of `revision`, the plan's budget, whose check is `check`."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Budget")
    set_text(sheet["A1"], plan.title)  # what users typed is written with set_text: never a formula
    sheet["A1"].font = Font(bold=True, size=14)
    for row, (label, value) in enumerate(((_("Event day"), plan.event_day), (_("Revision"), revision.number),
                                          (_("State"), str(REVISION_STATE_LABELS[revision.state]))), 2):
        sheet.cell(row, 1, label).font = BOLD
        sheet.cell(row, 3, value)
    sheet["C2"].number_format = "yyyy-mm-dd"
    sheet["C3"].number_format = "0"

    for column, (header, width) in enumerate(COLUMNS, 1):
        cell = sheet.cell(HEADER_ROW, column, str(header))
        cell.font, cell.fill, cell.border = BOLD, HEADER_FILL, RULE
        sheet.column_dimensions[cell.column_letter].width = width
    sheet.freeze_panes = sheet.cell(HEADER_ROW + 1, 1)

    row = HEADER_ROW
    for number, line in enumerate(revision.lines, 1):
        row += 1
        sheet.cell(row, 1, number)
        sheet.cell(row, 2, str(CATEGORY_LABELS[line.category]))
        set_text(sheet.cell(row, 3), line.description)
        _number(sheet.cell(row, 4), line.quantity)
        set_text(sheet.cell(row, 5), line.unit)
        _number(sheet.cell(row, 6), line.unit_price)
        _number(sheet.cell(row, 7), line.amount)
        _number(sheet.cell(row, 8), line.actual_amount)
        _number(sheet.cell(row, 9), variance(line))
        if line.actual_amount is not None and line.actual_amount > line.amount:
            sheet.cell(row, 9).font = OVER
        set_text(sheet.cell(row, 10), line.note)
        set_text(sheet.cell(row, 11), line.receipt_note)

    spent = spending(revision.lines)
    ratio = ratio_percent(check)
    summary = (
        (_("Subtotal before contingency"), check.base, MONEY_FORMAT),
        (_("Contingency"), check.contingency, MONEY_FORMAT),
        (_("Contingency ratio"), None if ratio is None else ratio / 100, "0.00%"),
        (_("Total"), check.total, MONEY_FORMAT),
    )
    row += 1
    for label, value, number_format in summary:
        row += 1
        sheet.cell(row, 3, label).font = BOLD
        _number(sheet.cell(row, 7), value, number_format)
        sheet.cell(row, 7).font = BOLD
    _number(sheet.cell(row, 8), spent.actual)
    _number(sheet.cell(row, 9), spent.variance)
    sheet.cell(row + 1, 3, _("Contingency rule (%(low)s to %(high)s)", low="10%", high="15%")).font = BOLD
    sheet.cell(row + 1, 7, _("passes") if check.passes else _("fails")).font = BOLD if check.passes else FAILED

    output = BytesIO()
    workbook.save(output)
    return output.getvalue()
