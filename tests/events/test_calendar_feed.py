"""Each user's calendar subscription: "my events and tasks" behind a secret, resettable link,
parsed back with icalendar."""
import re
from datetime import date, time, timedelta

import pytest
from icalendar import Calendar

from app.events.calendar import feed_owner, reset_feed_token
from app.events.plans import move_event
from app.events.roles import assign
from app.events.workflow import Step, take
from app.extensions import db, limiter

DAY = date(2027, 5, 20)


@pytest.fixture
def member(make_user):
    return make_user(roles=("staff",), name="李助理", locale="en")


@pytest.fixture
def plans(make_event_type, make_plan, member, make_user):
    """Three plans: `member` is in the execution team of the first, created the second, has
    nothing to do with the third."""
    event_type = make_event_type(tasks=[("preparation", -30, "customer_team"), ("execution", -1, "execution_team"),
                                        ("execution", 0, "execution_team"), ("review", 7, "planning_team")])
    team = make_plan(event_type=event_type, event_day=DAY, title="客户答谢晚宴", start_time=time(18, 30))
    own = make_plan(event_day=DAY + timedelta(days=30), title="线上抽奖", user=member)
    other = make_plan(event_day=DAY, title="别人的活动")
    assign(team, "execution_team", member, None)
    assign(other, "customer_team", make_user(), None)
    db.session.commit()
    return team, own, other


def feed_path(user):
    return f"/events/calendar/{user.calendar_token}.ics"


def by_uid(data):
    return {str(event["UID"]): event for event in Calendar.from_ical(data).walk("VEVENT")}


def test_the_feed_holds_my_plans_their_phases_and_my_tasks(plans, member, client):
    team, own, _other = plans
    reset_feed_token(member)
    db.session.commit()
    response = client.get(feed_path(member))
    assert response.status_code == 200 and response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.data)
    assert str(calendar["X-WR-CALNAME"]) == "Rapport: my events and tasks" and str(calendar["VERSION"]) == "2.0"
    execution_tasks = [task for task in team.tasks if task.owner_role == "execution_team"]
    assert set(by_uid(response.data)) == {
        *(f"plan-{plan.id}@rapport.test" for plan in (team, own)),
        *(f"plan-{plan.id}-phase-{phase}@rapport.test" for plan in (team, own)
          for phase in ("preparation", "execution", "review")),
        *(f"plan-task-{task.id}@rapport.test" for task in execution_tasks),
    }
    events = by_uid(response.data)
    assert str(events[f"plan-task-{execution_tasks[0].id}@rapport.test"]["SUMMARY"]) == "[Execution team] Task"
    assert str(events[f"plan-{team.id}-phase-review@rapport.test"]["SUMMARY"]) == "Review · 客户答谢晚宴"
    assert calendar.walk("VTIMEZONE")[0]["TZID"] == "Asia/Shanghai"  # the team plan starts at 18:30


def test_the_uids_are_those_of_the_plans_own_file_and_stay_when_the_plan_moves(plans, member, client, client_as):
    team = plans[0]
    reset_feed_token(member)
    db.session.commit()
    first = client.get(feed_path(member)).data
    assert client.get(feed_path(member)).data == first  # byte-identical while nothing changes
    plan_file = by_uid(client_as("planner").get(f"/events/plans/{team.id}/plan.ics").data)
    assert f"plan-{team.id}@rapport.test" in plan_file
    assert {uid for uid in by_uid(first) if f"plan-{team.id}" in uid} <= set(plan_file)
    move_event(team, DAY + timedelta(days=7))
    db.session.commit()
    moved = by_uid(client.get(feed_path(member)).data)
    assert set(moved) == set(by_uid(first))
    uid = f"plan-{team.id}@rapport.test"
    assert moved[uid].decoded("DTSTART") == by_uid(first)[uid].decoded("DTSTART") + timedelta(days=7)


def test_cancelled_plans_leave_the_feed(plans, member, client, make_user):
    team, own, _other = plans
    take(own, Step.CANCEL, make_user(roles=("planner",)), comment="budget cut")
    reset_feed_token(member)
    db.session.commit()
    uids = set(by_uid(client.get(feed_path(member)).data))
    assert f"plan-{own.id}@rapport.test" not in uids and f"plan-{team.id}@rapport.test" in uids


def test_the_feed_speaks_the_users_language(plans, member, client):
    member.locale = "zh"
    reset_feed_token(member)
    db.session.commit()
    events = by_uid(client.get(feed_path(member)).data)
    assert str(events[f"plan-{plans[0].id}-phase-preparation@rapport.test"]["SUMMARY"]) == "筹备期 · 客户答谢晚宴"


@pytest.mark.parametrize("mangle", [
    lambda token: token[:-1] + ("A" if token[-1] != "A" else "B"),  # right user, wrong secret
    lambda token: "9" + token,  # another user's id
    lambda token: token.split(".")[1],  # no id
    lambda token: token + "x",
    lambda token: "1.é" + token[3:],
    lambda token: "99999999999999999999." + token.split(".")[1],
])
def test_a_wrong_token_is_a_plain_404(plans, member, client, mangle):
    token = reset_feed_token(member)
    db.session.commit()
    response = client.get(f"/events/calendar/{mangle(token)}.ics")
    assert response.status_code == 404 and b"VCALENDAR" not in response.data
    assert feed_owner(token) == member


def test_an_inactive_users_feed_stops(plans, member, client):
    reset_feed_token(member)
    member.active = False
    db.session.commit()
    assert client.get(feed_path(member)).status_code == 404


def test_the_account_page_makes_shows_and_resets_the_link(plans, client_as, client):
    browser = client_as("planner", locale="en")
    page = browser.get("/account").get_data(as_text=True)
    assert 'data-testid="calendar-create"' in page and 'data-testid="calendar-link"' not in page
    response = browser.post("/events/calendar/link")
    assert response.status_code == 302 and response.headers["Location"].endswith("/account#calendar")
    page = browser.get("/account").get_data(as_text=True)
    link = re.search(r'id="calendar-link" type="text" value="([^"]+)"', page).group(1)
    db.session.refresh(browser.user)
    token = browser.user.calendar_token
    assert re.fullmatch(r"\d+\.[A-Za-z0-9_-]{43}", token)
    assert link == f"http://rapport.test/events/calendar/{token}.ics?lang=en"
    assert f'href="webcal://rapport.test/events/calendar/{token}.ics?lang=en"' in page
    assert "Your calendar link is ready" in page
    path = link.removeprefix("http://rapport.test")
    assert client.get(path).status_code == 200

    browser.post("/events/calendar/link")
    db.session.refresh(browser.user)
    assert browser.user.calendar_token != token
    assert client.get(path).status_code == 404  # the old link stops working
    assert client.get(feed_path(browser.user)).status_code == 200
    assert "the old link no longer works" in browser.get("/account").get_data(as_text=True)


def test_the_feed_is_rate_limited(make_app, backend, member):
    reset_feed_token(member)
    db.session.commit()
    redis = backend.broker_url("limits")
    limited = make_app(RATELIMIT_ENABLED=True, CALENDAR_FEED_RATE_LIMIT="2 per minute",
                       RATELIMIT_STORAGE_URI=redis.rsplit("/", 1)[0] + "/2" if redis else "memory://")
    with limited.app_context():
        limiter.reset()
        client = limited.test_client()
        assert [client.get(feed_path(member)).status_code for _ in range(3)] == [200, 200, 429]
        assert client.get("/events/calendar/1.wrong.ics").status_code == 429  # wrong guesses count too


def test_the_feed_runs_the_same_queries_for_one_or_many_plans(make_plan, make_user, client, count_queries):
    few, many = make_user(), make_user()
    for user, count in ((few, 1), (many, 4)):
        for _ in range(count):
            assign(make_plan(), "customer_team", user, None)
        reset_feed_token(user)
    db.session.commit()
    paths = [feed_path(user) for user in (few, many)]
    client.get(paths[0])
    with count_queries() as one:
        client.get(paths[0])
    with count_queries() as four:
        data = client.get(paths[1]).data
    assert len([uid for uid in by_uid(data) if uid.startswith("plan-task-")]) == 4
    assert len(four) == len(one)
