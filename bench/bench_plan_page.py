"""The plan page (GET /events/plans/<id>) of a plan with 200 tasks.

Target: under 150 ms server time, and a fixed number of SQL statements whatever
the task count (tests/events/test_gantt.py asserts the latter). Each request goes
through the Flask test client (routing, access check, SQL, template with the
Gantt chart; no network) signed in as a planner, on a freshly migrated database
holding one event type and two plans, of 5 and 200 tasks; after a warm-up
request, the median of the runs.
"""
from datetime import timedelta

from flask_migrate import upgrade

from app.auth import services as auth_services
from app.core import clock
from app.events.models import EventType, EventTypeTask, Phase
from app.events.plan_models import PlanTask, TaskStatus
from app.events.plans import create_plan, phase_windows
from app.extensions import db
from bench import count_statements, data, median_seconds, ms

TARGET = 0.150
TASKS = 200
PATH = data.DATA_DIR / "plan-page.sqlite"
PLANNER = "bench-planner@rapport.test"


def _plan(event_type, tasks, today):
    """A draft plan 30 days ahead with `tasks` tasks spread over its phases, a quarter done."""
    plan = create_plan(event_type, f"Plan of {tasks} tasks", today + timedelta(days=30), None, ["high_value"],
                       40, 50, "Hotel", False, "", None)
    windows = phase_windows(plan.event_day)
    phases = list(Phase)
    for n in range(len(plan.tasks), tasks):
        phase = phases[n % 3]
        first, last = windows[phase]
        plan.tasks.append(PlanTask(
            phase=phase, position=n, title_zh=f"筹备任务第{n}项（场地、物料与嘉宾）", title_en=f"Preparation task number {n}",
            owner_role="customer_team", due_on=first + timedelta(days=n % ((last - first).days + 1)),
            status=TaskStatus.DONE if n % 4 == 0 else TaskStatus.OPEN))
    db.session.flush()
    return plan.id


def _prepare(app):
    """Fresh schema, a planner, and plans of 5 and TASKS tasks: (session token, {tasks: plan id})."""
    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory)
        planner = auth_services.create_user(PLANNER, "Bench Planner", "bench-planner-1", ("planner",))
        event_type = EventType(code="bench", name_zh="答谢宴", name_en="Banquet", active=True, position=1)
        event_type.tasks = [
            EventTypeTask(phase=phase, offset_days=offset, owner_role="customer_team", position=n,
                          title_zh="任务", title_en="Task")
            for n, (phase, offset) in enumerate([("preparation", -30), ("preparation", -14), ("execution", 0),
                                                  ("execution", 2), ("review", 7)], 1)]
        db.session.add(event_type)
        plans = {tasks: _plan(event_type, tasks, clock.today()) for tasks in (5, TASKS)}
        db.session.commit()
        return planner.session_token, plans


def run(repeats=20, rebuild=False):
    app = data.fresh_app(PATH)
    token, plans = _prepare(app)
    client = data.signed_in_client(app, token)

    results = {}
    print(f"plan page: server time per request (median of {repeats})")
    for tasks, plan_id in plans.items():
        url = f"/events/plans/{plan_id}"
        response = client.get(url)  # warm-up, and a check that the page works
        if response.status_code != 200 or b'class="gantt"' not in response.data:
            raise RuntimeError(f"{url} answered {response.status_code} without its chart")
        median, samples = median_seconds(lambda url=url: client.get(url), repeats)
        results[tasks] = median
        print(f"  {ms(median):>10}  (min {ms(min(samples))})  {count_statements(app, client, url)} statements"
              f"  {tasks} tasks")
    met = results[TASKS] < TARGET
    print(f"  target {TASKS} tasks < {ms(TARGET)}: {'met' if met else 'NOT met'}")
    return results
