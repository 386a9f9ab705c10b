"""The budget's way through approval in the real pages: a planner enters the source's
budget (DOMAIN.md section 6) and submits it, a manager approves it in another browser,
and the planner's later change reopens the approval as revision 2.

Labels are compared in the language the page speaks, rendered by the app itself (the
Chinese catalogue may lag behind); amounts and ratios are compared as written."""
import re
from datetime import timedelta

import pytest
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from playwright.sync_api import expect

from app.budget.labels import REVISION_STATE_LABELS
from app.budget.models import RevisionState
from app.core import clock
from app.events.plan_models import PlanState
from app.events.labels import STATE_LABELS
from tests.browser.conftest import DEMO, login
from tests.browser.test_plan_flow import BANQUET, NO_ANIMATIONS, draft_plan, submit
from tests.conftest import SOURCE_BUDGET

pytestmark = NO_ANIMATIONS

PLANNER, MANAGER = DEMO["planner"], DEMO["manager"]
APPROVAL_COMMENT = "预算与策划书一致，同意。"
# The revision badge of the approval panel, by state.
STATE_CLASS = {state: re.compile(rf"\bstate-{state}\b") for state in ("draft", "submitted", "approved")}


@pytest.fixture
def in_chinese(live_app):
    """in_chinese(lazy text) -> the text as the demo accounts' pages show it."""

    def render(text):
        with live_app.test_request_context(), force_locale("zh"):
            return str(text)

    return render


def add_line(page, category, description, quantity, unit, price):
    form = page.get_by_test_id("add-line")
    form.locator("#category").select_option(category)
    form.locator("#description").fill(description)
    form.locator("#quantity").fill(quantity)
    form.locator("#unit").fill(unit)
    form.locator("#unit_price").fill(price)
    submit(page, form.locator("button[type=submit]"))


def expect_figures(page, base, contingency, ratio, total):
    for key, value in (("base", base), ("contingency", contingency), ("ratio", ratio), ("total", total)):
        expect(page.get_by_test_id(f"figure-{key}")).to_have_text(value)


def test_planner_submits_the_source_budget_manager_approves_a_change_reopens_it(
        page, new_context, live_url, in_chinese):
    title = "浏览器测试预算审批 browser budget"
    login(page, live_url, PLANNER[0], PLANNER[2])
    plan_id = draft_plan(page, live_url, title, clock.today() + timedelta(days=50))
    plan_url, budget_url = f"{live_url}/events/plans/{plan_id}", f"{live_url}/events/plans/{plan_id}/budget"

    # The budget starts from the banquet's proposal; the planner clears it ...
    page.goto(budget_url)
    submit(page, page.get_by_test_id("start-budget"))
    lines = page.get_by_test_id("line")
    expect(lines).to_have_count(len(BANQUET["budget_lines"]) + 1)  # and its contingency reserve
    page.on("dialog", lambda dialog: dialog.accept())  # "Remove the line …?"
    for left in reversed(range(lines.count())):
        submit(page, lines.first.locator("form[action$='/delete'] button"))
        expect(lines).to_have_count(left)

    # ... and types the source's lines, the reserve one cent short of 10%.
    *items, (category, description, quantity, unit, _price) = SOURCE_BUDGET
    for line in items:
        add_line(page, *line)
    add_line(page, category, description, quantity, unit, "4199.99")
    expect(lines).to_have_count(len(SOURCE_BUDGET))
    expect(lines.filter(has_text=SOURCE_BUDGET[4][1]).get_by_test_id("amount")).to_have_text("¥10,000.00")
    rule = page.get_by_test_id("budget-rule")
    expect(rule).to_have_attribute("data-passes", "no")
    expect(rule).to_contain_text("¥4,200.00")
    expect(rule).to_contain_text("¥6,300.00")
    expect(page.get_by_test_id("figure-ratio")).to_have_text("9.99%")
    expect(page.get_by_test_id("submit-budget")).to_be_disabled()

    # The one-click fix sets the reserve to 10%: the source's own figures, passing.
    submit(page, page.get_by_test_id("fix-contingency"))
    expect(rule).to_have_attribute("data-passes", "yes")
    expect(rule).to_contain_text("10.00%")
    expect_figures(page, "¥42,000.00", "¥4,200.00", "10.00%", "¥46,200.00")
    expect(page.get_by_test_id("footer-total")).to_contain_text("¥46,200.00")

    submit(page, page.get_by_test_id("submit-budget"))
    expect(page.get_by_test_id("revision-state")).to_have_class(STATE_CLASS["submitted"])
    expect(page.get_by_test_id("read-only")).to_be_visible()

    # The manager, in a browser of their own, approves it from the queue.
    manager = new_context().new_page()
    login(manager, live_url, MANAGER[0], MANAGER[2])
    manager.goto(f"{live_url}/approvals")
    item = manager.locator(f"[data-testid=queue-item][data-plan='{plan_id}']")
    expect(item).to_contain_text(title)
    expect(item).to_contain_text("¥46,200.00")
    expect(item.get_by_test_id("rule-passes").filter(visible=True)).to_have_count(1)
    submit(manager, item.get_by_role("link", name=title))
    expect(manager).to_have_url(f"{budget_url}#approval")
    manager.locator("#decision-comment").fill(APPROVAL_COMMENT)
    submit(manager, manager.get_by_test_id("approve-budget"))
    expect(manager.get_by_test_id("revision-state")).to_have_class(STATE_CLASS["approved"])
    approval = manager.get_by_test_id("approvals").locator("[data-decision=approved]")
    expect(approval).to_contain_text(MANAGER[1])
    expect(approval).to_contain_text(APPROVAL_COMMENT)
    manager.goto(f"{live_url}/approvals")
    expect(manager.locator(f"[data-testid=queue-item][data-plan='{plan_id}']")).to_have_count(0)

    # The planner sees the plan approved ...
    page.goto(plan_url)
    expect(page.get_by_test_id("plan-state")).to_have_text(in_chinese(STATE_LABELS[PlanState.APPROVED]))
    expect(page.locator("[data-testid=activity-entry][data-action='plan.approve']")).to_contain_text(APPROVAL_COMMENT)

    # ... changes a line of the locked budget: revision 2, a draft to approve again.
    page.goto(budget_url)
    submit(page, page.locator("[data-testid=line][data-category=gifts] a[href*='/lines/']"))
    expect(page.get_by_test_id("new-revision")).to_be_visible()
    page.locator("#unit_price").fill("11800")
    submit(page, page.get_by_test_id("line-form").locator("button[type=submit]"))
    expect(page).to_have_url(re.compile(re.escape(budget_url) + r"#line-\d+$"))
    panel = page.get_by_test_id("approval-panel")
    expect(panel).to_contain_text(in_chinese(_l("Revision %(number)s", number=2)))
    expect(page.get_by_test_id("revision-state")).to_have_class(STATE_CLASS["draft"])
    expect(page.get_by_test_id("submit-budget")).to_be_enabled()
    expect_figures(page, "¥41,800.00", "¥4,200.00", "10.05%", "¥46,000.00")
    page.goto(plan_url)
    expect(page.get_by_test_id("plan-state")).to_have_text(in_chinese(STATE_LABELS[PlanState.DRAFT]))
    expect(page.locator("[data-testid=activity-entry][data-action='plan.reopen']")).to_have_count(1)

    # The history keeps revision 1 as the manager approved it, and what revision 2 changed.
    page.goto(f"{budget_url}/history")
    first = page.locator("#revision-1")
    expect(first).to_contain_text(in_chinese(REVISION_STATE_LABELS[RevisionState.APPROVED]))
    decision = first.get_by_test_id("decisions").locator("[data-decision=approved]")
    expect(decision).to_contain_text(MANAGER[1])
    expect(decision).to_contain_text(APPROVAL_COMMENT)
    change = page.locator("#revision-2 [data-change=changed]")
    expect(change).to_have_count(1)
    expect(change).to_contain_text(SOURCE_BUDGET[2][1])
    expect(change).to_contain_text("¥11,800.00")
