"""The plan's iCalendar download, parsed back with icalendar."""
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from app.events.plans import set_task_status
from app.extensions import db

DAY = date(2027, 5, 20)


@pytest.fixture
def plan(make_event_type, make_plan):
    event_type = make_event_type(tasks=[("preparation", -30, "customer_team"), ("execution", 0, "execution_team"),
                                        ("review", 7, "planning_team")])
    plan = make_plan(event_type=event_type, event_day=DAY, title="客户答谢晚宴", start_time=time(18, 30),
                     venue="静安酒店", content="年度成果与案例分享")
    for number, task in enumerate(plan.tasks, 1):
        task.title_zh, task.title_en = f"任务{number}", f"Task {number}"
    db.session.commit()
    return plan


def download(client, plan):
    response = client.get(f"/events/plans/{plan.id}/plan.ics")
    assert response.status_code == 200
    return response


def parse(response):
    return Calendar.from_ical(response.data)


def by_uid(calendar):
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def test_the_file_holds_the_event_its_phases_and_its_tasks(plan, client_as):
    response = download(client_as("planner", locale="en"), plan)
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.headers["Content-Disposition"] == (
        f"attachment; filename=\"plan-{plan.id}.ics\"; "
        "filename*=UTF-8''%E5%AE%A2%E6%88%B7%E7%AD%94%E8%B0%A2%E6%99%9A%E5%AE%B4.ics"
    )
    calendar = parse(response)
    assert (str(calendar["VERSION"]), str(calendar["CALSCALE"]), str(calendar["METHOD"])) == (
        "2.0", "GREGORIAN", "PUBLISH")
    assert str(calendar["X-WR-CALNAME"]) == "客户答谢晚宴"
    events = by_uid(calendar)
    tasks = plan.tasks
    assert set(events) == {
        f"plan-{plan.id}@rapport.test",
        *(f"plan-{plan.id}-phase-{phase}@rapport.test" for phase in ("preparation", "execution", "review")),
        *(f"plan-task-{task.id}@rapport.test" for task in tasks),
    }

    event = events[f"plan-{plan.id}@rapport.test"]
    shanghai = ZoneInfo("Asia/Shanghai")
    assert event.decoded("DTSTART") == datetime(2027, 5, 20, 18, 30, tzinfo=shanghai)
    assert event.decoded("DTSTART").utcoffset() == timedelta(hours=8)
    assert event.decoded("DTEND") == datetime(2027, 5, 20, 21, 30, tzinfo=shanghai)
    assert (str(event["SUMMARY"]), str(event["LOCATION"]), str(event["DESCRIPTION"]), str(event["URL"])) == (
        "客户答谢晚宴", "静安酒店", "年度成果与案例分享", f"http://rapport.test/events/plans/{plan.id}")
    assert calendar.walk("VTIMEZONE")[0]["TZID"] == "Asia/Shanghai"

    phases = {uid.split("-phase-")[1].split("@")[0]: e for uid, e in events.items() if "-phase-" in uid}
    spans = {phase: (e.decoded("DTSTART"), e.decoded("DTEND")) for phase, e in phases.items()}
    assert spans == {  # inclusive windows T-60..T-7, T-7..T+3, T+1..T+7; DTEND is the day after
        "preparation": (DAY - timedelta(days=60), DAY - timedelta(days=6)),
        "execution": (DAY - timedelta(days=7), DAY + timedelta(days=4)),
        "review": (DAY + timedelta(days=1), DAY + timedelta(days=8)),
    }
    assert str(phases["preparation"]["SUMMARY"]) == "Preparation · 客户答谢晚宴"

    task_events = [events[f"plan-task-{task.id}@rapport.test"] for task in tasks]
    assert [(e.decoded("DTSTART"), e.decoded("DTEND")) for e in task_events] == [
        (task.due_on, task.due_on + timedelta(days=1)) for task in tasks]
    assert [str(e["SUMMARY"]) for e in task_events] == [
        "[Customer team] Task 1", "[Execution team] Task 2", "[Planning team] Task 3"]
    assert b"\r\n" in response.data and all(len(line) <= 75 for line in response.data.split(b"\r\n"))


def test_summaries_follow_the_users_language_and_mark_done_tasks(plan, client_as):
    set_task_status(plan.tasks[0], "done", None)
    db.session.commit()
    calendar = parse(download(client_as("planner", locale="zh"), plan))
    events = by_uid(calendar)
    first, second = (events[f"plan-task-{task.id}@rapport.test"] for task in plan.tasks[:2])
    assert str(first["SUMMARY"]) == "✓ [客户组] 任务1" and str(first["X-RAPPORT-TASK-STATUS"]) == "done"
    assert str(second["SUMMARY"]).endswith("] 任务2") and str(second["X-RAPPORT-TASK-STATUS"]) == "open"
    phase = events[f"plan-{plan.id}-phase-preparation@rapport.test"]
    assert str(phase["SUMMARY"]) == "筹备期 · 客户答谢晚宴"


def test_an_event_without_start_time_is_all_day_and_online_is_the_location(make_plan, client_as):
    plan = make_plan(event_day=DAY, title="Webinar", online=True)
    calendar = parse(download(client_as("manager", locale="zh"), plan))
    event = by_uid(calendar)[f"plan-{plan.id}@rapport.test"]
    assert (event.decoded("DTSTART"), event.decoded("DTEND")) == (DAY, DAY + timedelta(days=1))
    assert str(event["LOCATION"]) == "线上" and "DESCRIPTION" not in event
    assert not calendar.walk("VTIMEZONE")


def test_downloads_are_identical_and_uids_survive_moving_the_event(plan, client_as):
    client = client_as("planner")
    before = download(client, plan).data
    assert download(client, plan).data == before
    response = client.post(f"/events/plans/{plan.id}/move", data={"event_day": (DAY + timedelta(days=14)).isoformat()})
    assert response.status_code == 302
    after = parse(download(client, plan))
    old = by_uid(Calendar.from_ical(before))
    new = by_uid(after)
    assert set(new) == set(old)
    event_uid = f"plan-{plan.id}@rapport.test"
    assert new[event_uid].decoded("DTSTART") == old[event_uid].decoded("DTSTART") + timedelta(days=14)
    for task in plan.tasks:
        uid = f"plan-task-{task.id}@rapport.test"
        assert new[uid].decoded("DTSTART") == old[uid].decoded("DTSTART") + timedelta(days=14)


def test_plan_page_links_to_the_file_and_unknown_plans_are_404(plan, client_as):
    client = client_as("manager")
    page = client.get(f"/events/plans/{plan.id}").get_data(as_text=True)
    assert f'href="/events/plans/{plan.id}/plan.ics"' in page and "Add to calendar (.ics)" in page
    assert client.get(f"/events/plans/{plan.id + 1000}/plan.ics").status_code == 404
