"""Screenshots for a human to look at: test-results/screenshots/<page>-<lang>-<viewport>.png.

These tests do not judge the visuals. They check that the page loaded in the
right language, that no asset failed (Bootstrap's CSS, JS and icon font are
served locally), and that the CSS and the icon font are actually in use.
"""
import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from app.events.models import EventType
from app.events.plan_models import Plan
from app.extensions import db
from tests.browser.conftest import (
    DEMO,
    DESKTOP,
    ENGLISH_ADMIN,
    ENGLISH_PLANNER,
    PHONE,
    login,
)

VIEWPORTS = {"desktop": DESKTOP, "phone": PHONE}
BROWSER_LOCALE = {"zh": "zh-CN", "en": "en-US"}
HTML_LANG = {"zh": "zh-CN", "en": "en"}
# A signed-in admin whose saved language is the one to show.
ADMIN = {"zh": (DEMO["admin"][0], DEMO["admin"][2]), "en": (ENGLISH_ADMIN[0], ENGLISH_ADMIN[2])}

ICON_FONT_LOADED = """() => [...document.fonts].some(
    f => f.family.replace(/["']/g, '') === 'bootstrap-icons' && f.status === 'loaded')"""


@pytest.fixture
def open_page(new_context):
    """open_page(lang, viewport) -> (page, problems): a fresh context with the
    browser language and size; `problems` collects failed requests, HTTP errors
    and console errors."""

    def open_(lang, viewport):
        phone = viewport == "phone"
        context = new_context(
            viewport=VIEWPORTS[viewport], locale=BROWSER_LOCALE[lang], is_mobile=phone, has_touch=phone
        )
        page = context.new_page()
        problems = []
        page.on("response", lambda r: r.status >= 400 and problems.append(f"HTTP {r.status} {r.url}"))
        page.on("requestfailed", lambda r: problems.append(f"failed {r.url}: {r.failure}"))
        page.on("console", lambda m: m.type == "error" and problems.append(f"console: {m.text}"))
        page.on("pageerror", lambda e: problems.append(f"script error: {e}"))
        return page, problems

    return open_


@pytest.fixture
def save(screenshot_dir):
    def save_(page, problems, lang, name):
        page.wait_for_load_state("load")  # stylesheets and scripts are in
        page.evaluate("() => document.fonts.ready.then(() => true)")  # and the fonts they use
        expect(page.locator("html")).to_have_attribute("lang", HTML_LANG[lang])
        assert problems == []
        # Bootstrap's CSS is applied (a plain <nav> would be display: block) ...
        assert page.evaluate("() => getComputedStyle(document.querySelector('nav.navbar')).display") == "flex"
        # ... and so is the app's own (the brand colour on the navbar).
        assert page.evaluate("() => getComputedStyle(document.querySelector('nav.navbar')).backgroundColor") == (
            "rgb(138, 28, 43)"
        )
        assert page.evaluate(ICON_FONT_LOADED), "bootstrap-icons font not loaded"
        # Nothing sticks out sideways (the phone layout would then scroll).
        overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
        path = screenshot_dir / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        assert overflow <= 0, f"{name}: the page is {overflow}px wider than the viewport (see {path})"

    return save_


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_login_page(open_page, save, live_url, lang, viewport):
    page, problems = open_page(lang, viewport)
    page.goto(f"{live_url}/login?lang={lang}")
    expect(page.locator("#email")).to_be_visible()
    expect(page.locator("#submit")).to_be_visible()
    save(page, problems, lang, f"login-{lang}-{viewport}")


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_home_page(open_page, save, live_url, lang, viewport):
    page, problems = open_page(lang, viewport)
    login(page, live_url, *ADMIN[lang])
    expect(page).to_have_url(f"{live_url}/")
    expect(page.get_by_test_id("role-card-admin")).to_be_visible()
    save(page, problems, lang, f"home-{lang}-{viewport}")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_users_page(open_page, save, live_url, lang):
    page, problems = open_page(lang, "desktop")
    login(page, live_url, *ADMIN[lang])
    page.goto(f"{live_url}/admin/users")
    expect(page).to_have_url(f"{live_url}/admin/users")
    expect(page.locator("table tbody tr")).not_to_have_count(0)
    expect(page.locator('a[href="/admin/users/new"]')).to_be_visible()
    save(page, problems, lang, f"users-{lang}-desktop")


# Pages of the demo plans (app/core/demo_plans.py): the banquet waits for the manager's
# approval with the source's budget, its invitations sent; the training is ready to submit.
PLANNER = {"zh": (DEMO["planner"][0], DEMO["planner"][2]), "en": (ENGLISH_PLANNER[0], ENGLISH_PLANNER[2])}


@pytest.fixture
def demo_banquet(live_app):
    """The demo banquet's id: the first banquet plan, created with the demo data."""
    with live_app.app_context():
        return db.session.scalar(select(func.min(Plan.id)).join(Plan.event_type).where(EventType.code == "banquet"))


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_plan_page(open_page, save, screenshot_dir, live_url, demo_banquet, lang, viewport):
    page, problems = open_page(lang, viewport)
    login(page, live_url, *PLANNER[lang])
    page.goto(f"{live_url}/events/plans/{demo_banquet}")
    expect(page.get_by_test_id("phase-preparation").get_by_test_id("task")).not_to_have_count(0)
    gantt = page.get_by_test_id("gantt")
    expect(gantt.locator("path.gantt-task")).not_to_have_count(0)
    save(page, problems, lang, f"plan-{lang}-{viewport}")
    gantt.screenshot(path=str(screenshot_dir / f"plan-gantt-{lang}-{viewport}.png"))


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_budget_page(open_page, save, live_url, demo_banquet, viewport):
    page, problems = open_page("zh", viewport)
    login(page, live_url, *PLANNER["zh"])
    page.goto(f"{live_url}/events/plans/{demo_banquet}/budget")
    expect(page.get_by_test_id("budget-rule")).to_have_attribute("data-passes", "yes")
    expect(page.get_by_test_id("figure-total")).to_have_text("¥46,200.00")
    save(page, problems, "zh", f"budget-zh-{viewport}")


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_approvals_page(open_page, save, live_url, viewport):
    page, problems = open_page("zh", viewport)
    login(page, live_url, DEMO["manager"][0], DEMO["manager"][2])
    page.goto(f"{live_url}/approvals")
    expect(page.get_by_test_id("queue-item")).not_to_have_count(0)
    save(page, problems, "zh", f"approvals-zh-{viewport}")
