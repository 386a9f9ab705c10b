"""Cells of every CSV and XLSX export: what users typed is always text, never a formula.

CSV has no types: a spreadsheet program runs a cell starting with = + - @ as a formula,
so such a cell gets a leading apostrophe (`spreadsheet_text`). XLSX has types: a text cell
is shown as typed and never run, so the text is kept exactly; only openpyxl must be kept
from turning a string that starts with "=" into a formula. An export's own formulas
(totals) are written by the export itself, never from a user's value.
"""
from openpyxl.cell import WriteOnlyCell

from app.core.text import spreadsheet_text


def csv_row(values):
    """A row for `csv.writer`: None as an empty cell, text neutralised."""
    return ["" if value is None else spreadsheet_text(value) for value in values]


def xlsx_row(sheet, values):
    """A row for `sheet.append` in openpyxl's write-only mode: strings as text cells."""
    return [_write_only_text(sheet, value) if isinstance(value, str) else value for value in values]


def _write_only_text(sheet, value):
    cell = WriteOnlyCell(sheet, value)
    cell.data_type = "s"
    return cell


def set_text(cell, value):
    """Puts `value` in a cell of an ordinary worksheet; a string stays text."""
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
    return cell
