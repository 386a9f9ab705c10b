"""Jinja filters that format money, numbers and dates in the page's language.

One date style and one time style per language, everywhere (pages, e-mails, PDFs):
`day` "Tue, 8 Dec 2026" / "2026年12月8日 周二", `time` "18:30" in both (24-hour, as the
organisation writes it), `moment` a day and its time. The older `date` and `datetime` filters
follow the same styles."""
from datetime import datetime as DateTime
from decimal import ROUND_HALF_UP, Decimal

from flask_babel import format_date, format_datetime, format_decimal, get_locale

CENT = Decimal("0.01")
DAY_PATTERNS = {"zh": "y年M月d日 EEE", "en": "EEE, d MMM y"}
TIME_PATTERN = "HH:mm"
NAMED = ("short", "medium", "long", "full")  # Babel's own styles, replaced by `day`


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


def _language():
    return "zh" if str(get_locale()).startswith("zh") else "en"


def day(value):
    """A calendar day: "Tue, 8 Dec 2026" or "2026年12月8日 周二". A datetime (stored in UTC)
    is first moved to the organisation's time zone."""
    if not value:
        return ""
    pattern = DAY_PATTERNS[_language()]
    return format_datetime(value, pattern) if isinstance(value, DateTime) else format_date(value, pattern)


def time(value):
    """A time of day, 24-hour: "18:30". A datetime is moved to the organisation's time zone;
    a plain time (a plan's start time) is the local time already."""
    if value is None:
        return ""
    if isinstance(value, DateTime):
        return format_datetime(value, TIME_PATTERN)
    return value.strftime("%H:%M")


def moment(value, at=None):
    """A day and its time: a datetime, or a day with the time `at` (a plan's event day and
    start time); the day alone when there is no time."""
    if not value:
        return ""
    if isinstance(value, DateTime):
        return f"{day(value)} {time(value)}"
    return f"{day(value)} {time(at)}" if at is not None else day(value)


def _date(value, fmt="medium"):
    """The older `date` filter: Babel's named styles give way to `day`; a pattern such as
    "M/d" (a chart's axis) is kept."""
    if not value:
        return ""
    return day(value) if fmt in NAMED else format_date(value, fmt)


def _datetime(value, fmt="medium"):
    if not value:
        return ""
    return moment(value) if fmt in NAMED else format_datetime(value, fmt)


def register_filters(app):
    app.jinja_env.filters.update(
        money=money,
        listing=listing,
        day=day,
        time=time,
        moment=moment,
        date=_date,
        datetime=_datetime,
        number=lambda value: format_decimal(value) if value is not None else "",
    )
