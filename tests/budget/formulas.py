"""A small evaluator for the budget workbook's own formulas, in exact decimals, so that the
tests compute what Excel shows: cell references and ranges, + - * /, comparisons, strings,
and SUM, ROUND, ROUNDUP, ROUNDDOWN, IF, AND, OR, as Excel defines them. Anything else
fails to evaluate, which keeps the workbook to these simple formulas."""
import re
from decimal import ROUND_DOWN, ROUND_HALF_UP, ROUND_UP, Decimal

from openpyxl.utils import column_index_from_string

TOKENS = re.compile(r'"(?:[^"]|"")*"|([A-Z]{1,3})(\d+):([A-Z]{1,3})(\d+)|\b([A-Z]{1,3})(\d+)\b|<>|<=|>=|=|[A-Z]+\(|.',
                    re.S)
FUNCTIONS = {"SUM(", "ROUND(", "ROUNDUP(", "ROUNDDOWN(", "IF(", "AND(", "OR("}


class Empty(Decimal):
    """An empty cell: 0 in arithmetic, equal to ""."""

    def __eq__(self, other):
        return other == "" or Decimal.__eq__(self, other)

    __hash__ = Decimal.__hash__


def _round(value, digits, rounding):
    return Decimal(value).quantize(Decimal(1).scaleb(-int(digits)), rounding=rounding)


def _flat(values):
    for value in values:
        yield from (_flat(value) if isinstance(value, list) else [value])


NAMES = {
    "SUM": lambda *values: sum((Decimal(v) for v in _flat(values) if not isinstance(v, str)), Decimal(0)),
    "ROUND": lambda value, digits: _round(value, digits, ROUND_HALF_UP),  # half away from zero
    "ROUNDUP": lambda value, digits: _round(value, digits, ROUND_UP),  # away from zero
    "ROUNDDOWN": lambda value, digits: _round(value, digits, ROUND_DOWN),
    "IF": lambda condition, then, otherwise: then if condition else otherwise,
    "AND": lambda *values: all(values),
    "OR": lambda *values: any(values),
}


def _python(formula):
    """The formula as a Python expression over `cell(ref)` and `cells(first, last)`."""
    parts = []
    for match in TOKENS.finditer(formula[1:]):
        token = match.group(0)
        if token.startswith('"'):
            parts.append(repr(token[1:-1].replace('""', '"')))
        elif match.group(1):
            parts.append(f"cells({match.group(1) + match.group(2)!r}, {match.group(3) + match.group(4)!r})")
        elif match.group(5):
            parts.append(f"cell({token!r})")
        elif token.endswith("("):
            assert token in FUNCTIONS, f"unexpected function {token} in {formula}"
            parts.append(token)
        else:
            assert token in "<>=<=>=+-*/(),. 0123456789", f"unexpected {token!r} in {formula}"
            parts.append({"<>": "!=", "=": "=="}.get(token, token))
    # number literals as decimals
    return re.sub(r"(?<![\w.'])(\d+(?:\.\d+)?)(?![\w.'])", r"Decimal('\1')", "".join(parts))


def evaluate(sheet, ref):
    """The value of cell `ref`, computing formulas (IF's branches are computed eagerly:
    enough for these formulas, whose branches never fail)."""
    value = sheet[ref].value
    if sheet[ref].data_type == "f":
        scope = dict(NAMES, Decimal=Decimal, cell=lambda other: evaluate(sheet, other),
                     cells=lambda first, last: _cells(sheet, first, last))
        return eval(_python(value), {"__builtins__": {}}, scope)  # noqa: S307 - our own test workbook
    if value is None:
        return Empty(0)
    if isinstance(value, str):
        return value
    return Decimal(str(value))


def _cells(sheet, first, last):
    (start_column, start_row), (end_column, end_row) = (re.match(r"([A-Z]+)(\d+)", ref).groups()
                                                        for ref in (first, last))
    assert start_column == end_column, "only ranges within a column"
    assert column_index_from_string(start_column)
    return [evaluate(sheet, f"{start_column}{row}") for row in range(int(start_row), int(end_row) + 1)]
