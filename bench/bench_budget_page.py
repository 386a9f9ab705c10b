"""The budget page (GET /events/plans/<id>/budget) of a budget with 200 lines.

Target: under 100 ms server time, and a fixed number of SQL statements whatever the line
count (tests/budget/test_budget_page.py asserts the latter). Each request goes through the
Flask test client (routing, access check, SQL, template with the approval panel, the line
table and the planned-vs-actual chart; no network) signed in as a planner, on a freshly
migrated database holding two plans whose event was yesterday, with approved budgets of
5 and 200 lines and actual spend on every line (the page's fullest form); after a warm-up
request, the median of the runs.
"""
from datetime import datetime, timedelta
from decimal import Decimal

from flask_migrate import upgrade

from app.auth import services as auth_services
from app.budget.models import BudgetApproval, BudgetLine, BudgetRevision
from app.budget.rule import line_amount
from app.core import clock
from app.events.models import EventType
from app.events.plans import create_plan
from app.extensions import db
from bench import count_statements, data, median_seconds, ms

TARGET = 0.100
LINES = 200
PATH = data.DATA_DIR / "budget-page.sqlite"
PLANNER = "bench-planner@rapport.test"
CATEGORIES = ("venue", "materials", "gifts", "personnel", "catering", "promotion")


def _plan(event_type, count, planner, manager):
    """Yesterday's approved plan with an approved budget of `count` lines (the last the
    contingency reserve, 12% of the others) and actual spend on every line."""
    plan = create_plan(event_type, f"Budget of {count} lines", clock.today() - timedelta(days=1), None,
                       ["high_value"], 50, 60, "Hotel", False, "", planner)
    plan.state = "approved"
    lines = []
    for n in range(count - 1):
        quantity, price = Decimal(1 + n % 50), Decimal(f"{100 + n * 7 % 900}.50")
        lines.append(BudgetLine(position=n + 1, category=CATEGORIES[n % 6], description=f"预算项目第{n + 1}项（场地、物料与餐饮）",
                                quantity=quantity, unit="项", unit_price=price, amount=line_amount(quantity, price),
                                note="含税" if n % 5 == 0 else ""))
    base = sum(line.amount for line in lines)
    reserve = (base * Decimal("0.12")).quantize(Decimal("0.01"))
    lines.append(BudgetLine(position=count, category="contingency", description="应急备用金", quantity=Decimal(1),
                            unit="", unit_price=reserve, amount=reserve))
    for n, line in enumerate(lines):
        line.actual_amount = line.amount + (n % 3 - 1) * Decimal("10.00")
        line.receipt_note = f"发票 No.{n:06d}"
    revision = BudgetRevision(plan_id=plan.id, number=1, state="approved", created_by_id=planner.id,
                              submitted_by_id=planner.id, submitted_at=datetime.now(), lines=lines)
    db.session.add(revision)
    db.session.flush()
    db.session.add(BudgetApproval(revision_id=revision.id, level=1, approver_id=manager.id,
                                  submitted_by_id=planner.id, decision="approved", comment="同意"))
    db.session.flush()
    return plan.id


def _prepare(app):
    """Fresh schema, a planner and a manager, and budgets of 5 and LINES lines:
    (session token, {lines: plan id})."""
    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory)
        planner = auth_services.create_user(PLANNER, "Bench Planner", "bench-planner-1", ("planner",))
        manager = auth_services.create_user("bench-manager@rapport.test", "Bench Manager", "bench-manager-1",
                                            ("manager",))
        event_type = EventType(code="bench", name_zh="答谢宴", name_en="Banquet", active=True, position=1)
        db.session.add(event_type)
        plans = {count: _plan(event_type, count, planner, manager) for count in (5, LINES)}
        db.session.commit()
        return planner.session_token, plans


def run(repeats=20, rebuild=False):
    app = data.fresh_app(PATH)
    token, plans = _prepare(app)
    client = data.signed_in_client(app, token)

    results = {}
    print(f"budget page: server time per request (median of {repeats})")
    for count, plan_id in plans.items():
        url = f"/events/plans/{plan_id}/budget"
        response = client.get(url)  # warm-up, and a check that the page works
        if response.status_code != 200 or response.data.count(b'data-testid="line"') != count:
            raise RuntimeError(f"{url} answered {response.status_code} without its {count} lines")
        median, samples = median_seconds(lambda url=url: client.get(url), repeats)
        results[count] = median
        print(f"  {ms(median):>10}  (min {ms(min(samples))})  {count_statements(app, client, url)} statements"
              f"  {count} lines")
    met = results[LINES] < TARGET
    print(f"  target {LINES} lines < {ms(TARGET)}: {'met' if met else 'NOT met'}")
    return results
