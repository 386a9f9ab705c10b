"""One notion of "today", the organisation's (RAPPORT_TIMEZONE), whatever the server's clock.

The clock is stood at 23:30 and 00:30 UTC on a day far from the real one, so any place
that still asks the server's clock (date.today(), datetime.now()) shows up."""
from datetime import UTC, date, datetime, timedelta

import pytest

from app.core import clock
from app.events import roles
from app.extensions import db
from app.customers import tiering
from app.invitations import reminders, tasks as invitation_tasks

LATE_EVENING_UTC = datetime(2031, 3, 1, 23, 30, tzinfo=UTC)  # 2 March, 07:30 in Shanghai
SMALL_HOURS_UTC = datetime(2031, 3, 2, 0, 30, tzinfo=UTC)  # 2 March, 08:30 in Shanghai


@pytest.fixture
def stand_at(monkeypatch):
    def stand(moment):
        monkeypatch.setattr(clock, "_utcnow", lambda: moment)
    return stand


@pytest.mark.parametrize(
    ("zone", "moment", "expected"),
    [
        ("Asia/Shanghai", LATE_EVENING_UTC, date(2031, 3, 2)),
        ("Asia/Shanghai", SMALL_HOURS_UTC, date(2031, 3, 2)),
        ("Europe/London", LATE_EVENING_UTC, date(2031, 3, 1)),
        ("America/Los_Angeles", SMALL_HOURS_UTC, date(2031, 3, 1)),
    ],
)
def test_today_is_the_organisations_date(make_app, stand_at, zone, moment, expected):
    stand_at(moment)
    with make_app(BABEL_DEFAULT_TIMEZONE=zone).app_context():
        assert clock.today() == expected
        assert clock.now().tzinfo is not None
        assert clock.stamp() == moment.replace(tzinfo=None)  # the database keeps naive UTC


@pytest.mark.parametrize("moment", [LATE_EVENING_UTC, SMALL_HOURS_UTC])
def test_home_page_says_the_organisations_date(client_as, stand_at, moment):
    stand_at(moment)
    page = client_as("planner").get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Sun, 2 Mar 2031" in page


@pytest.mark.parametrize("moment", [LATE_EVENING_UTC, SMALL_HOURS_UTC])
def test_a_tier_run_without_a_date_is_for_the_organisations_today(app, stand_at, make_customer, moment):
    stand_at(moment)
    make_customer()
    run = tiering.recompute()
    assert run.as_of == date(2031, 3, 2)


def test_my_tasks_count_overdue_by_the_organisations_date(client_as, make_plan, stand_at):
    client = client_as("planner")
    plan = make_plan(event_day=date(2031, 3, 20))
    task = plan.tasks[0]
    task.due_on = date(2031, 3, 1)
    roles.assign(plan, task.owner_role, client.user, client.user)
    db.session.commit()
    stand_at(LATE_EVENING_UTC - timedelta(days=1))  # 1 March in Shanghai: due today
    assert "data-overdue" not in client.get("/events/my-tasks").get_data(as_text=True)
    stand_at(LATE_EVENING_UTC)  # still 1 March on a server in UTC, already 2 March in Shanghai
    assert "data-overdue" in client.get("/events/my-tasks").get_data(as_text=True)


def test_the_reminder_task_runs_for_the_organisations_day(app, stand_at, monkeypatch):
    seen = []
    monkeypatch.setattr(reminders, "queue_due", lambda day: seen.append(day) or [])
    stand_at(LATE_EVENING_UTC)
    invitation_tasks.send_due_reminders()
    assert seen == [date(2031, 3, 2)]


def test_the_plan_pdf_is_printed_on_the_organisations_date(app, make_plan, stand_at, monkeypatch):
    from app.events import pdf
    seen = {}
    monkeypatch.setattr(pdf, "HTML", lambda string, url_fetcher: seen.setdefault("html", string) and _NoPdf())
    stand_at(LATE_EVENING_UTC)
    plan = make_plan(event_day=date(2031, 4, 1))
    with app.test_request_context():
        pdf.render_plan_pdf(plan, "en")
    assert "Printed on Sun, 2 Mar 2031" in seen["html"]


class _NoPdf:
    def write_pdf(self):
        return b""
