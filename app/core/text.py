"""Text made safe for where it goes: one line for e-mail headers and names, plain text
for spreadsheets. Every door (form, import, API, export, mail) uses these two."""
import re
import unicodedata

# Spreadsheet programs run cells that start with these as formulas.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

_LINE_BREAKS = re.compile(r"[\r\n\u0085\u2028\u2029]+")


def single_line(value):
    """The value on one line without control characters: line breaks become one space,
    other control and format characters (NUL, ESC, bidi overrides) are dropped.

    Names, companies and anything else that may end up in a mail header go through this
    at input and again when the header is built, so "Wang\\nBcc: x" can never add a header."""
    if value is None:
        return None
    text = _LINE_BREAKS.sub(" ", str(value)).replace("\t", " ")
    return "".join(ch for ch in text if unicodedata.category(ch) not in ("Cc", "Cf")).strip()


def spreadsheet_text(value):
    """A cell value that spreadsheet programs show as text, never run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
