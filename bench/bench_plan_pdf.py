"""The printable plan (策划书) as PDF with 100 tasks and 30 budget lines.

Target: under 2 s. `render_plan_pdf` (queries, Jinja, WeasyPrint with the CJK
font subset) in Chinese, on a fresh migrated SQLite database holding a throwaway
event type with 30 budget lines and 100 tasks; after a warm-up, the median of 5.
"""
import tempfile
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from flask_migrate import upgrade

from app import create_app
from app.events.models import (
    BUDGET_CATEGORIES,
    OWNER_ROLES,
    PHASE_WINDOWS,
    EventType,
    EventTypeBudgetLine,
    EventTypeTask,
)
from app.events.pdf import render_plan_pdf
from app.events.plans import create_plan, get_plan
from app.extensions import db
from bench import median_seconds, ms

TARGET = 2.0
TASKS = 100
BUDGET_LINES = 30
OUTPUT = Path(tempfile.gettempdir()) / "bench-plan.pdf"


def _event_type():
    phases = list(PHASE_WINDOWS.items())
    tasks = []
    for number in range(TASKS):
        phase, (low, high) = phases[number * len(phases) // TASKS]
        tasks.append(EventTypeTask(
            phase=phase, position=number, offset_days=low + number % (high - low + 1),
            owner_role=OWNER_ROLES[number % len(OWNER_ROLES)],
            title_zh=f"第{number + 1}项任务：确认嘉宾名单与座位安排", title_en=f"Task {number + 1}: confirm guests and seating",
        ))
    lines = [
        EventTypeBudgetLine(
            position=number, category=BUDGET_CATEGORIES[number % len(BUDGET_CATEGORIES)], quantity=Decimal(number + 1),
            unit_price=Decimal("88.50"), description_zh=f"预算项目{number + 1}", description_en=f"Budget item {number + 1}",
            unit_zh="个", unit_en="pcs",
        )
        for number in range(BUDGET_LINES)
    ]
    return EventType(code="bench_pdf", name_zh="客户答谢晚宴", name_en="Customer appreciation dinner",
                     description_zh="", description_en="", active=True, tasks=tasks, budget_lines=lines)


def run(repeats=5, rebuild=False):
    with tempfile.TemporaryDirectory() as folder:
        app = create_app({"INSTANCE_PATH": folder, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/plan.sqlite",
                          "RAPPORT_ENV": "development", "SECRET_KEY": "bench"})
        with app.test_request_context():
            upgrade(directory=app.extensions["migrate"].directory)
            plan = create_plan(_event_type(), "2027 年度客户答谢晚宴", date.today() + timedelta(days=60), None,
                               ["high_value", "churn_risk"], 120, 150, "静安香格里拉大酒店", False, "年度成果与案例分享", None)
            db.session.commit()
            plan_id = plan.id

            def render():
                db.session.expire_all()  # every run loads the plan afresh, like a request
                return render_plan_pdf(get_plan(plan_id), "zh")

            OUTPUT.write_bytes(render())  # warm-up, kept for a look
            median, samples = median_seconds(render, repeats)
    met = median < TARGET
    print(f"plan PDF: {TASKS} tasks, {BUDGET_LINES} budget lines, zh (median of {repeats}; written to {OUTPUT})")
    print(f"  {ms(median):>10}  (min {ms(min(samples))}, max {ms(max(samples))})  target < {ms(TARGET)}: "
          f"{'met' if met else 'NOT met'}")
    return median
