"""The printable plan (策划书) as PDF with 100 tasks and 30 budget lines.

Target: under 2 s. `render_plan_pdf` (queries, Jinja, WeasyPrint with the CJK
font subset) in Chinese, on a fresh migrated SQLite database holding a plan made
from a throwaway event type with 100 tasks, with a budget revision of 30 lines
(29 items and the contingency reserve), goals and every text of the template
filled in; after a warm-up, the median of 5.
"""
import tempfile
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from flask_migrate import upgrade

from app import create_app
from app.budget.models import CONTINGENCY, BudgetLine, BudgetRevision
from app.budget.rule import check_contingency, line_amount
from app.core import clock
from app.events.models import (
    BUDGET_CATEGORIES,
    OWNER_ROLES,
    PHASE_WINDOWS,
    EventType,
    EventTypeTask,
)
from app.events.pdf import render_plan_pdf
from app.events.plan_models import PlanGoal
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
    return EventType(code="bench_pdf", name_zh="客户答谢晚宴", name_en="Customer appreciation dinner",
                     description_zh="", description_en="", active=True, tasks=tasks)


def _budget(plan):
    """Revision 1: 29 items and a contingency reserve of 10% of them (it passes the rule)."""
    lines = [
        BudgetLine(position=number, category=BUDGET_CATEGORIES[number % len(BUDGET_CATEGORIES)],
                   description=f"预算项目{number + 1}", quantity=Decimal(number + 1), unit="个",
                   unit_price=Decimal("88.50"), amount=line_amount(number + 1, "88.50"))
        for number in range(BUDGET_LINES - 1)
    ]
    reserve = check_contingency(sum(line.amount for line in lines), None).ten_percent
    lines.append(BudgetLine(position=BUDGET_LINES, category=CONTINGENCY, description="应急备用金", quantity=Decimal(1),
                            unit="项", unit_price=reserve, amount=reserve))
    return BudgetRevision(plan_id=plan.id, number=1, state="draft", lines=lines)


def _fill_in(plan):
    plan.principles = "以客户为中心；分层差异化；预算、人力与渠道可行。"
    plan.target_industries, plan.target_tags = ["制造业", "教育"], ["决策链复杂", "重视数据安全"]
    plan.channels = ["visit", "email", "phone"]
    plan.promotion = "活动前 3 周发送邀请函与短信，客户组电话确认出席。"
    plan.onsite = "签到、开场致辞、年度成果分享、客户案例交流、答谢晚宴、伴手礼。"
    plan.evaluation = "活动后 1 周内完成满意度调研（NPS、CSAT），3 个月后对比到场与未到场客户的复购率。"
    deadline = plan.event_day + timedelta(days=90)
    plan.goals = [
        PlanGoal(position=1, text="目标客户复购率提升 15%", metric="repurchase_rate", baseline=Decimal(20),
                 target=Decimal(35), deadline=deadline),
        PlanGoal(position=2, text="", metric="nps", target=Decimal(65), deadline=plan.event_day + timedelta(days=7)),
        PlanGoal(position=3, text="加深与核心客户高层的关系"),
    ]


def run(repeats=5, rebuild=False):
    with tempfile.TemporaryDirectory() as folder:
        app = create_app({"INSTANCE_PATH": folder, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/plan.sqlite",
                          "RAPPORT_ENV": "development", "SECRET_KEY": "bench"})
        with app.test_request_context():
            upgrade(directory=app.extensions["migrate"].directory)
            plan = create_plan(_event_type(), "2027 年度客户答谢晚宴", clock.today() + timedelta(days=60), None,
                               ["high_value", "churn_risk"], 120, 150, "静安香格里拉大酒店", False, "年度成果与案例分享", None)
            _fill_in(plan)
            db.session.add(_budget(plan))
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
