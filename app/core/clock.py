"""One notion of "now" and "today": the organisation's, in RAPPORT_TIMEZONE.

A server usually runs in UTC while the organisation lives in Asia/Shanghai: between
midnight and 08:00 in China, the server's clock.today() is yesterday. Every page, PDF,
tier run, beat task and reminder asks this module instead of the server's clock.
The database stores naive UTC timestamps (`stamp()`), as its own now() does.
"""
import os
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context

DEFAULT_TIMEZONE = "Asia/Shanghai"


def _utcnow():
    """The one call to the system clock (tests replace it to stand at a given moment)."""
    return datetime.now(UTC)


def zone():
    """The organisation's time zone."""
    if has_app_context():
        return ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE", DEFAULT_TIMEZONE))
    return ZoneInfo(os.environ.get("RAPPORT_TIMEZONE", DEFAULT_TIMEZONE))


def now():
    """The current moment in the organisation's time zone (aware)."""
    return _utcnow().astimezone(zone())


def today():
    """The organisation's date today."""
    return now().date()


def stamp():
    """The current moment as the database stores it: naive UTC."""
    return _utcnow().replace(tzinfo=None)
