"""One date style and one time style per language: `day`, `time` and `moment`, and the older
`date` and `datetime` filters that follow them."""
from datetime import UTC, date, datetime, time

import pytest
from flask import render_template_string
from flask_babel import force_locale

from app.core import formatting

EXPECTED = {
    "en": ("Tue, 8 Dec 2026", "Tue, 8 Dec 2026 18:30"),
    "zh": ("2026年12月8日 周二", "2026年12月8日 周二 18:30"),
}


@pytest.mark.parametrize("locale", ["en", "zh"])
def test_one_day_and_time_style_per_language(app, locale):
    day, moment = EXPECTED[locale]
    with app.test_request_context(), force_locale(locale):
        assert formatting.day(date(2026, 12, 8)) == day
        assert formatting.time(time(18, 30)) == "18:30" and formatting.time(time(9, 5)) == "09:05"
        assert formatting.moment(date(2026, 12, 8), time(18, 30)) == moment
        assert formatting.moment(date(2026, 12, 8)) == day
        assert (formatting.day(None), formatting.time(None), formatting.moment(None)) == ("", "", "")


@pytest.mark.parametrize("locale", ["en", "zh"])
def test_a_stored_utc_datetime_is_written_in_the_organisations_time_zone(app, locale):
    # 10:30 UTC is 18:30 in Shanghai (the default time zone).
    assert app.config["BABEL_DEFAULT_TIMEZONE"] == "Asia/Shanghai"
    with app.test_request_context(), force_locale(locale):
        assert formatting.moment(datetime(2026, 12, 8, 10, 30)) == EXPECTED[locale][1]
        assert formatting.moment(datetime(2026, 12, 8, 10, 30, tzinfo=UTC)) == EXPECTED[locale][1]
        assert formatting.time(datetime(2026, 12, 8, 10, 30)) == "18:30"


@pytest.mark.parametrize("locale", ["en", "zh"])
def test_the_template_filters_all_write_the_same_styles(app, locale):
    day, moment = EXPECTED[locale]
    template = ("{{ d|day }}|{{ d|date }}|{{ d|date('long') }}|{{ d|date('full') }}|{{ t|time }}|"
                "{{ d|moment(t) }}|{{ at|datetime('short') }}|{{ at|moment }}|{{ d|date('M/d') }}")
    with app.test_request_context(), force_locale(locale):
        text = render_template_string(template, d=date(2026, 12, 8), t=time(18, 30), at=datetime(2026, 12, 8, 10, 30))
    assert text == f"{day}|{day}|{day}|{day}|18:30|{moment}|{moment}|{moment}|12/8"
