"""Jinja filters that format money, numbers and dates in the page's language."""
from decimal import ROUND_HALF_UP, Decimal

from flask_babel import format_date, format_datetime, format_decimal, get_locale

CENT = Decimal("0.01")


def money(amount):
    """¥1,234.50 in every locale (Babel would print CN¥ in English)."""
    if amount is None:
        return ""
    value = Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)
    text = format_decimal(abs(value), format="#,##0.00")
    return f"-¥{text}" if value < 0 else f"¥{text}"


def listing(items):
    """Items joined as the page's language writes a list: 甲、乙、丙 or a, b, c."""
    separator = "、" if str(get_locale()) == "zh" else ", "
    return separator.join(str(item) for item in items)


def register_filters(app):
    app.jinja_env.filters.update(
        money=money,
        listing=listing,
        date=lambda value, fmt="medium": format_date(value, fmt) if value else "",
        datetime=lambda value, fmt="medium": format_datetime(value, fmt) if value else "",
        number=lambda value: format_decimal(value) if value is not None else "",
    )
