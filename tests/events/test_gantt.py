"""The plan page's Gantt chart: its geometry, the page, and a query count that
does not grow with the number of tasks."""
import re
from datetime import date, timedelta
from pathlib import Path

import pytest

from app.core import clock
from app.events.gantt import PLOT_LEFT, PLOT_RIGHT, gantt_chart, shorten
from app.events.plan_models import PlanTask
from app.extensions import db

EVENT_DAY = date(2026, 6, 1)  # the chart runs T-60 .. T+7: 68 days


@pytest.fixture
def plan(app, make_plan):
    with app.test_request_context():
        yield make_plan(event_day=EVENT_DAY)


def day_width():
    return (PLOT_RIGHT - PLOT_LEFT) / 68


def centre(day):
    return PLOT_LEFT + ((day - (EVENT_DAY - timedelta(days=60))).days + 0.5) * day_width()


def test_event_line_sits_on_the_event_day(plan):
    chart = gantt_chart(plan, EVENT_DAY)
    assert chart.event_x == pytest.approx(centre(EVENT_DAY))
    assert chart.event_x == pytest.approx(PLOT_LEFT + 60.5 * day_width())


def test_today_line_only_within_the_range(plan):
    assert gantt_chart(plan, EVENT_DAY - timedelta(days=10)).today_x == pytest.approx(centre(EVENT_DAY - timedelta(days=10)))
    assert gantt_chart(plan, EVENT_DAY - timedelta(days=61)).today_x is None
    assert gantt_chart(plan, EVENT_DAY + timedelta(days=8)).today_x is None


def test_phase_bars_span_their_windows_and_tasks_sit_on_their_due_dates(plan):
    chart = gantt_chart(plan, EVENT_DAY)
    phases = {row.phase: row for row in chart.rows if row.kind == "phase"}
    assert phases["preparation"].x1 == pytest.approx(PLOT_LEFT)
    assert phases["preparation"].x2 == pytest.approx(PLOT_LEFT + 54 * day_width())  # T-60 .. T-7
    assert phases["review"].x1 == pytest.approx(PLOT_LEFT + 61 * day_width())  # T+1
    assert phases["review"].x2 == pytest.approx(PLOT_RIGHT)  # through T+7
    assert [(row.kind, row.phase) for row in chart.rows] == [
        ("phase", "preparation"), ("task", "preparation"), ("phase", "execution"), ("task", "execution"),
        ("phase", "review"), ("task", "review")]
    tasks = [row for row in chart.rows if row.kind == "task"]
    assert [row.x1 for row in tasks] == pytest.approx([centre(task.due_on) for task in plan.tasks])
    assert tasks[0].first == EVENT_DAY - timedelta(days=30)


def test_a_task_outside_the_windows_widens_the_range(plan):
    plan.tasks[0].due_on = EVENT_DAY - timedelta(days=99)
    db.session.flush()
    chart = gantt_chart(plan, EVENT_DAY)
    first_task = next(row for row in chart.rows if row.kind == "task")
    assert first_task.x1 == pytest.approx(PLOT_LEFT + 0.5 * (PLOT_RIGHT - PLOT_LEFT) / 107)


def test_done_tasks_are_grey_and_open_tasks_past_due_are_overdue(plan):
    plan.tasks[0].status = "done"
    db.session.flush()
    states = [row.state for row in gantt_chart(plan, EVENT_DAY + timedelta(days=1)).rows if row.kind == "task"]
    assert states == ["done", "overdue", "open"]


def test_long_titles_are_shortened():
    assert shorten("Short title") == "Short title"
    assert shorten("A very long task title indeed") == "A very long task …"
    assert len(shorten("x" * 40)) == 18
    assert shorten("撰写活动流程（企业成果、客户案例）") == "撰写活动流程（企…"
    assert shorten("发送邀请函并电话确认") == "发送邀请函并电话确认"[:8] + "…"
    assert shorten("发送邀请函并电话确") == "发送邀请函并电话确"


def test_plan_page_shows_the_chart(make_plan, client_as):
    plan = make_plan(event_day=clock.today() + timedelta(days=20))
    plan.tasks[0].title_en = "Send the invitations to every guest"
    plan.tasks[0].due_on = clock.today() - timedelta(days=1)
    db.session.commit()
    page = client_as("manager").get(f"/events/plans/{plan.id}").get_data(as_text=True)
    svg = re.search(r'<svg[^>]*class="gantt".*?</svg>', page, re.DOTALL).group(0)
    assert 'data-testid="gantt-event"' in svg and 'data-testid="gantt-today"' in svg
    assert "<title>Send the invitations to every guest</title>Send the invitati…" in svg
    assert svg.count('class="gantt-phase phase-') == 3
    assert svg.count('class="gantt-task gantt-overdue" data-state="overdue" data-phase="preparation"') == 1
    assert "style=" not in svg
    assert "css/gantt.css" in page


def test_plan_page_runs_the_same_queries_for_5_and_200_tasks(make_plan, client_as, count_queries):
    client = client_as("planner")

    def queries(task_count):
        plan = make_plan(event_day=clock.today() + timedelta(days=40))
        db.session.add_all(
            PlanTask(plan_id=plan.id, phase="preparation", position=n, title_zh=f"任务{n}", title_en=f"Task {n}",
                     owner_role="customer_team", due_on=plan.event_day - timedelta(days=8 + n % 50))
            for n in range(task_count - len(plan.tasks)))
        db.session.commit()
        with count_queries() as statements:
            page = client.get(f"/events/plans/{plan.id}").get_data(as_text=True)
        assert page.count('class="gantt-task ') == task_count
        return len(statements)

    assert queries(5) == queries(200)


GANTT_CSS = Path(__file__).resolve().parents[2] / "app" / "static" / "css" / "gantt.css"


def _painted(classes, prop):
    """The value of `prop` that css/gantt.css gives an element with `classes` (the rules'
    last compound selector; the more classes, the stronger; later wins among equals)."""
    css = re.sub(r"/\*.*?\*/", "", GANTT_CSS.read_text(), flags=re.DOTALL)
    found = (-1, None)
    for selectors, body in re.findall(r"([^{}]+)\{([^}]*)\}", css):
        value = re.search(rf"(?:^|;)\s*{prop}\s*:\s*([^;]+)", body)
        if not value:
            continue
        for selector in selectors.split(","):
            wanted = set(re.findall(r"\.([\w-]+)", selector.split()[-1]))
            if wanted <= classes and len(wanted) >= found[0]:
                found = (len(wanted), value.group(1).strip())
    return found[1]


def test_each_task_is_drawn_in_its_states_legend_colour_whatever_its_phase(make_plan, client_as):
    """The legend says blue = open, grey = done, red = overdue: the diamonds must agree in every
    phase (a review task that is open is blue, not the review phase's colour)."""
    plan = make_plan(event_day=clock.today() + timedelta(days=3))
    plan.tasks[0].status = "done"  # preparation, done
    plan.tasks[1].due_on = clock.today() - timedelta(days=1)  # execution, overdue
    db.session.commit()
    page = client_as("planner").get(f"/events/plans/{plan.id}").get_data(as_text=True)
    legend = re.search(r'data-testid="gantt-legend".*?</p>', page, re.DOTALL).group(0)
    keys = {state: set(classes.split()) for classes, state in re.findall(r'class="([^"]*)" data-state="(\w+)"', legend)}
    assert set(keys) == {"open", "done", "overdue"}
    colours = {state: _painted(classes, "background") for state, classes in keys.items()}
    assert len(set(colours.values())) == 3
    diamonds = re.findall(r'<path d="[^"]*" class="([^"]*)" data-state="(\w+)" data-phase="(\w+)"', page)
    assert {(state, phase) for _classes, state, phase in diamonds} == {
        ("done", "preparation"), ("overdue", "execution"), ("open", "review")}
    for classes, state, phase in diamonds:
        assert _painted(set(classes.split()), "fill") == colours[state], (state, phase)
    # The phase windows are drawn in none of the states' colours, and the legend names them.
    bar = _painted({"gantt-phase", "phase-review"}, "fill")
    assert bar not in colours.values() and bar == _painted(keys["open"] - {"gantt-key-open"} | {"gantt-key-phase"}, "background")
