"""The budget as an XLSX workbook in the layout finance teams expect: a header block (plan,
event day, revision, state), one row per line with real numbers, then the subtotal,
contingency, ratio and total rows. Titles and headers are in the current language.

Quantities, unit prices and actuals are exact numbers; amounts, variances, totals, the ratio
and the rule's verdict are formulas over them (the same rule as `app.budget.rule`), so a
price edited in the spreadsheet updates the totals. Only these formulas are written as
formulas: what users typed goes through `set_text`."""
from io import BytesIO

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from openpyxl import Workbook
from openpyxl.styles import Border, Font, PatternFill, Side

from app.budget.labels import CATEGORY_LABELS, REVISION_STATE_LABELS
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


def _formula(cell, formula, number_format=MONEY_FORMAT):
    """One of the export's own formulas (never built from a user's value)."""
    cell.value = formula
    cell.data_type = "f"
    cell.number_format = number_format


def _quoted(text):
    """Our own (translated) words as a formula's string."""
    return '"' + text.replace('"', '""') + '"'


def _ranges(column, rows):
    """The rows as few `G7:G12`-style ranges as possible (consecutive rows merged)."""
    runs = []
    for row in rows:
        if runs and runs[-1][1] == row - 1:
            runs[-1][1] = row
        else:
            runs.append([row, row])
    return [f"{column}{first}" if first == last else f"{column}{first}:{column}{last}" for first, last in runs]


def _sum(column, rows):
    """A SUM formula over `rows` of `column` (0 without rows); SUM takes 255 arguments."""
    ranges = _ranges(column, rows)
    if not ranges:
        return "=0"
    return "=" + "+".join(f"SUM({','.join(ranges[at:at + 255])})" for at in range(0, len(ranges), 255))


def _rule_formulas(base, contingency):
    """(ratio, passes) formulas from the subtotal and contingency cells. The rule compares
    whole cents (exact even in floating point), and the ratio is rounded away from the bound
    it missed, as `services.ratio_percent` does."""
    cents_base, cents = f"ROUND({base}*100,0)", f"ROUND({contingency}*100,0)"
    passes = f"AND({contingency}<>\"\",{cents_base}>0,{cents}*10>={cents_base},{cents}*100<={cents_base}*15)"
    ratio = (f"=IF(OR({contingency}=\"\",{base}<=0),\"\",IF({passes},ROUND({contingency}/{base},4),"
             f"IF({cents}*100>{cents_base}*15,ROUNDUP({contingency}/{base},4),ROUNDDOWN({contingency}/{base},4))))")
    return ratio, passes


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
    base_rows, contingency_rows, actual_rows = [], [], []
    for number, line in enumerate(revision.lines, 1):
        row += 1
        (contingency_rows if line.category == "contingency" else base_rows).append(row)
        sheet.cell(row, 1, number)
        sheet.cell(row, 2, str(CATEGORY_LABELS[line.category]))
        set_text(sheet.cell(row, 3), line.description)
        _number(sheet.cell(row, 4), line.quantity)
        set_text(sheet.cell(row, 5), line.unit)
        _number(sheet.cell(row, 6), line.unit_price)
        _formula(sheet.cell(row, 7), f"=ROUND(D{row}*F{row},2)")  # as `rule.line_amount`
        _number(sheet.cell(row, 8), line.actual_amount)
        if line.actual_amount is not None:
            actual_rows.append(row)
            _formula(sheet.cell(row, 9), f"=H{row}-G{row}")
        if line.actual_amount is not None and line.actual_amount > line.amount:
            sheet.cell(row, 9).font = OVER
        set_text(sheet.cell(row, 10), line.note)
        set_text(sheet.cell(row, 11), line.receipt_note)

    first = row + 2  # the subtotal's row; contingency, ratio and total follow
    base, contingency = f"G{first}", f"G{first + 1}"
    ratio, passes = _rule_formulas(base, contingency)
    summary = (
        (_("Subtotal before contingency"), _sum("G", base_rows), MONEY_FORMAT),
        # empty without a contingency line, as the budget page shows none
        (_("Contingency"), _sum("G", contingency_rows) if contingency_rows else None, MONEY_FORMAT),
        (_("Contingency ratio"), ratio, "0.00%"),
        (_("Total"), f"=SUM({base},{contingency})", MONEY_FORMAT),
    )
    row += 1
    for label, formula, number_format in summary:
        row += 1
        sheet.cell(row, 3, label).font = BOLD
        if formula:
            _formula(sheet.cell(row, 7), formula, number_format)
        sheet.cell(row, 7).font = BOLD
    if actual_rows:
        _formula(sheet.cell(row, 8), _sum("H", actual_rows))
        _formula(sheet.cell(row, 9), _sum("I", actual_rows))
    sheet.cell(row + 1, 3, _("Contingency rule (%(low)s to %(high)s)", low="10%", high="15%")).font = BOLD
    verdict = sheet.cell(row + 1, 7)
    yes, no = _quoted(_("passes")), _quoted(_("fails"))  # outside the f-string, where Babel finds them
    _formula(verdict, f"=IF({passes},{yes},{no})", "General")
    verdict.font = BOLD if check.passes else FAILED

    output = BytesIO()
    workbook.save(output)
    return output.getvalue()
