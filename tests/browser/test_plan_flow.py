"""A planner drafts a plan from scratch through the real pages: tiers chosen, event type
recommended, timeline generated, roles assigned, goal and texts written, PDF downloaded.

The page helpers below are the planner's drafting steps; the budget flow reuses them.
UI strings are not asserted (the Chinese catalogue may lag behind): the checks use
data-testid, ids, URLs, dates and the PDF's section titles, which are translated.
"""
import re
import subprocess
from datetime import timedelta
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from app.core import clock
from app.events.catalogue import CATALOGUE
from tests.browser.conftest import DEMO, login

# Pages that open at an #anchor would scroll there smoothly (Bootstrap's default), and
# Playwright waits for a button to stop moving before it clicks: no animations.
NO_ANIMATIONS = pytest.mark.browser_context_args(reduced_motion="reduce")
pytestmark = NO_ANIMATIONS

PLANNER, STAFF = DEMO["planner"], DEMO["staff"]
BANQUET = next(entry for entry in CATALOGUE if entry["code"] == "banquet")
# The template's steps (DOMAIN.md section 1) as the Chinese PDF titles them.
SECTION_TITLES = ("目标与原则", "目标客户群体", "活动内容与形式", "执行计划与分工", "预算编制",
                  "多渠道宣传与客户邀约", "现场执行", "效果评估与复盘")
PLAN_URL = re.compile(r"/events/plans/(\d+)$")


def submit(page, button):
    """Clicks a form's button and waits for the page that answers it."""
    with page.expect_navigation():
        button.click()


def fill_new_plan(page, title, event_day):
    """On the new-plan form (its type already chosen): the facts, then "Create plan".
    Returns the new plan's id."""
    form = page.get_by_test_id("plan-form")
    form.locator("#title").fill(title)
    form.locator("#event_day").fill(event_day.isoformat())
    form.locator("#start_time").fill("18:30")
    form.locator("#expected_guests").fill("50")
    form.locator("#capacity").fill("60")
    form.locator("#venue").fill("外滩华尔道夫酒店宴会厅")
    form.locator("#content").fill("企业年度成果汇报、客户案例分享、答谢晚宴与抽奖。")
    submit(page, form.locator("button[type=submit]"))
    expect(page).to_have_url(PLAN_URL)
    return int(PLAN_URL.search(page.url).group(1))


def add_measurable_goal(page, event_day):
    """From the plan page: a SMART goal (metric, baseline, target, deadline)."""
    page.get_by_test_id("add-goal").click()
    form = page.get_by_test_id("goal-form")
    form.locator("#text").fill("目标客户三个月内复购率提升 15%")
    form.locator("#metric").select_option("repurchase_rate")
    form.locator("#baseline").fill("20")
    form.locator("#target").fill("35")
    form.locator("#deadline").fill((event_day + timedelta(days=90)).isoformat())
    submit(page, form.locator("button[type=submit]"))
    goal = page.get_by_test_id("goal")
    expect(goal).to_have_count(1)
    expect(goal).to_contain_text("目标客户三个月内复购率提升 15%")
    expect(goal.get_by_test_id("not-measurable")).to_have_count(0)


def assign_role(page, role, name):
    """From the plan page: `name` joins the team as `role` through the Roles card."""
    adder = page.get_by_test_id(f"add-{role}")
    adder.locator("select").select_option(label=name)
    submit(page, adder.locator("button[type=submit]"))
    expect(page.get_by_test_id(f"role-{role}").get_by_test_id("member")).to_contain_text([name])


def write_texts(page, channels=("wechat", "email")):
    """From the plan page, on the edit page: principles, channels and the texts of steps 6 to 8."""
    page.get_by_test_id("plan-edit").click()
    form = page.get_by_test_id("plan-edit-form")
    form.locator("#principles").fill("以客户为中心；按客户分层差异化设计。")
    for channel in channels:
        form.locator(f"input[name=channels][value={channel}]").check()
    form.locator("#promotion").fill("活动前三周发送电子邀请函，客户经理电话逐一确认。")
    form.locator("#onsite").fill("签到扫码入场；主持开场、客户案例分享、抽奖。")
    form.locator("#evaluation").fill("活动后一周内发放 NPS 问卷；三个月后对比复购率。")
    submit(page, form.locator("button[name=submit]"))
    expect(page).to_have_url(PLAN_URL)
    expect(page.get_by_test_id("channels").locator(".badge")).to_have_count(len(channels))


def draft_plan(page, live_url, title, event_day):
    """A banquet whose checklist passes but for its budget: the planner's steps in a row.
    Returns the plan's id (the page is on the plan)."""
    page.goto(f"{live_url}/events/plans/new?type=banquet")
    plan_id = fill_new_plan(page, title, event_day)
    add_measurable_goal(page, event_day)
    assign_role(page, "project_lead", PLANNER[1])
    write_texts(page)
    return plan_id


def pdf_fonts(path):
    """pdffonts' table as [(name, embedded)]: the columns after the two header lines."""
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    # name type encoding emb sub uni object ID; types may contain spaces ("CID TrueType").
    return [(line.split()[0], re.search(r"\s(yes|no)\s+(yes|no)\s+(yes|no)\s", line).group(1) == "yes")
            for line in out.splitlines()[2:] if line.strip()]


def test_planner_drafts_a_plan_from_scratch_and_downloads_its_pdf(page, live_url, tmp_path):
    event_day = clock.today() + timedelta(days=60)
    title = "浏览器测试答谢晚宴 browser plan"
    login(page, live_url, PLANNER[0], PLANNER[2])

    # Tiers chosen, event types proposed for them; the banquet is followed to the form.
    page.goto(f"{live_url}/events/recommend")
    tiers = page.get_by_test_id("tier-form")
    for tier in ("high_value", "growth"):
        tiers.locator(f"input[value={tier}]").check()
    submit(page, tiers.locator("button[type=submit]"))
    expect(page).to_have_url(re.compile(r"/events/recommend\?tier=high_value&tier=growth$"))
    expect(page.get_by_test_id("proposed-banquet")).to_be_visible()
    expect(page.get_by_test_id("proposed-training")).to_be_visible()
    expect(page.get_by_test_id("proposed-care_visit")).to_have_count(0)
    submit(page, page.get_by_test_id("plan-type-banquet"))

    expect(page).to_have_url(f"{live_url}/events/plans/new?type=banquet")
    expect(page.locator("#event_type")).to_have_value("banquet")
    expect(page.locator("input[name=tiers][value=high_value]")).to_be_checked()
    plan_id = fill_new_plan(page, title, event_day)
    plan_url = f"{live_url}/events/plans/{plan_id}"

    # The timeline: three phases with the type's tasks, each due relative to the event day.
    expect(page.locator("main h1")).to_have_text(title)
    for phase in ("preparation", "execution", "review"):
        offsets = [offset for task_phase, offset, *_rest in BANQUET["tasks"] if task_phase == phase]
        section = page.get_by_test_id(f"phase-{phase}")
        expect(section.get_by_test_id(f"window-{phase}")).not_to_be_empty()
        expect(section.get_by_test_id("task")).to_have_count(len(offsets))
        expect(section.locator(".task-day")).to_have_text([f"T{offset:+d}" if offset else "T" for offset in offsets])
    due = page.get_by_test_id("gantt").locator("path.gantt-task")
    expected_due = sorted((event_day + timedelta(days=task[1])).isoformat() for task in BANQUET["tasks"])
    assert sorted(due.evaluate_all("paths => paths.map(p => p.dataset.due)")) == expected_due
    expect(page.get_by_test_id("plan-warnings")).to_have_count(0)

    # Roles: a project lead (the checklist's blocking item) and a customer-team member.
    expect(page.get_by_test_id("no-lead")).to_be_visible()
    assign_role(page, "project_lead", PLANNER[1])
    assign_role(page, "customer_team", STAFF[1])
    expect(page.get_by_test_id("no-lead")).to_have_count(0)

    add_measurable_goal(page, event_day)
    write_texts(page)
    expect(page.get_by_test_id("principles")).to_have_text("以客户为中心；按客户分层差异化设计。")
    expect(page.get_by_test_id("evaluation-metrics").locator("li")).to_have_count(1)
    # Everything the planner wrote satisfies its checklist item; only the budget is missing.
    checklist = page.get_by_test_id("checklist")
    for item in ("goals", "target", "content", "project_lead", "promotion", "principles", "onsite", "evaluation"):
        expect(checklist.locator(f"[data-item={item}]")).to_have_attribute("data-state", "ok")
    expect(checklist.locator("[data-state=blocking]")).to_have_count(1)
    expect(checklist.locator("[data-item=budget]")).to_have_attribute("data-state", "blocking")

    # The printable plan, downloaded through its link.
    expect(page).to_have_url(plan_url)
    with page.expect_download() as download_info:
        page.get_by_test_id("plan-pdf").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    pdf = tmp_path / "plan.pdf"
    download.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF-")
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    positions = [text.find(title_) for title_ in SECTION_TITLES]
    assert -1 not in positions, [t for t, at in zip(SECTION_TITLES, positions) if at == -1]
    assert positions == sorted(positions), "the sections follow the template's order"
    for written in (title, PLANNER[1], STAFF[1], "目标客户三个月内复购率提升 15%", "签到扫码入场", BANQUET["tasks"][0][3]):
        assert written in text, written
    proposal = sum((quantity * price for *_, quantity, _unit_zh, _unit_en, price in BANQUET["budget_lines"]), Decimal(0))
    assert f"{proposal:,.2f}" in text, "the budget proposed from the event type"
    fonts = pdf_fonts(pdf)
    assert fonts and all(embedded for _name, embedded in fonts), fonts
