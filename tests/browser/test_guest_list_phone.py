"""The plan's guest list on a phone: every row keeps its answer and its action buttons on
screen (the status and the opening move under the guest's name), in both languages; on a
desktop the full table is shown. Screenshots: test-results/screenshots/guests-<lang>-<viewport>.png."""
from datetime import time, timedelta

import pytest
from sqlalchemy import select

from app.core import clock
from app.events.models import EventType
from app.events.plans import create_plan
from app.extensions import db
from app.invitations import rsvp, services
from tests.browser.conftest import DEMO, DESKTOP, ENGLISH_ADMIN, PHONE, login
from tests.browser.test_plan_flow import NO_ANIMATIONS

pytestmark = NO_ANIMATIONS

ADMIN = {"zh": (DEMO["admin"][0], DEMO["admin"][2]), "en": (ENGLISH_ADMIN[0], ENGLISH_ADMIN[2])}
BROWSER_LOCALE = {"zh": "zh-CN", "en": "en-US"}
# Long names and companies, as real guest lists have them.
ANSWERS = {"zh": ("已接受", "尚未回复"), "en": ("Accepted", "No answer yet")}
GUESTS = (("欧阳明轩", "上海浦东新区国际贸易与金融服务有限公司"), ("Alexandra Montgomery-Whitfield", "Northern Star Logistics"),
          ("王芳", "杭州云端智能科技股份有限公司"))


@pytest.fixture(scope="module")
def guest_plan(live_app):
    """A plan with three guests: one accepted with a companion and opened the invitation,
    two still to answer."""
    with live_app.app_context():
        banquet = db.session.scalar(select(EventType).where(EventType.code == "banquet"))
        plan = create_plan(banquet, "手机宾客名单", clock.today() + timedelta(days=40), time(18, 30), ["high_value"], 10, 10,
                           "上海外滩华尔道夫酒店", False, "年度回顾与晚宴", None)
        settings = services.settings_for(plan)
        settings.companions_cap = 2
        invited = [services.add_guest(plan, None, name=name, company=company, email=f"guest{number}@example.com")
                   for number, (name, company) in enumerate(GUESTS)]
        invited[0].opened_at = clock.now()
        rsvp.respond(invited[0], settings, True, companions=1)
        db.session.commit()
        plan_id = plan.id
        db.session.remove()
    return plan_id


def open_guests(new_context, live_url, plan_id, lang, viewport):
    phone = viewport == PHONE
    page = new_context(viewport=viewport, locale=BROWSER_LOCALE[lang], is_mobile=phone, has_touch=phone).new_page()
    login(page, live_url, *ADMIN[lang])
    page.goto(f"{live_url}/events/plans/{plan_id}/guests")
    page.wait_for_load_state("load")
    return page


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_answer_and_the_actions_fit_a_phone(new_context, live_url, guest_plan, screenshot_dir, lang):
    page = open_guests(new_context, live_url, guest_plan, lang, PHONE)
    page.screenshot(path=str(screenshot_dir / f"guests-{lang}-phone.png"), full_page=True)
    rows = page.get_by_test_id("guest")
    assert rows.count() == len(GUESTS)
    width = page.evaluate("() => document.documentElement.clientWidth")
    assert width == PHONE["width"]
    for index in range(rows.count()):
        row = rows.nth(index)
        for cell in ("guest-rsvp", "guest-actions"):
            box = row.get_by_test_id(cell).bounding_box()
            assert box and box["x"] >= 0 and box["x"] + box["width"] <= width, (index, cell, box)
        for button in row.get_by_test_id("guest-actions").locator(".btn").all():
            box = button.bounding_box()
            assert box and box["x"] + box["width"] <= width, (index, box)
        # the status moved under the name, where it can be read
        assert row.get_by_test_id("guest-phone-details").is_visible()
    # nothing scrolls sideways: the table fits its scroller
    assert page.evaluate("() => { const s = document.querySelector('.guest-scroll');"
                         " return s.scrollWidth - s.clientWidth; }") <= 0
    answers = " ".join(page.get_by_test_id("guest-rsvp").all_inner_texts())
    assert ANSWERS[lang][0] in answers and ANSWERS[lang][1] in answers


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_desktop_shows_every_column(new_context, live_url, guest_plan, screenshot_dir, lang):
    page = open_guests(new_context, live_url, guest_plan, lang, DESKTOP)
    page.screenshot(path=str(screenshot_dir / f"guests-{lang}-desktop.png"), full_page=True)
    headers = page.locator(".guest-table thead th:visible")
    assert headers.count() == 6
    row = page.get_by_test_id("guest").first
    assert not row.get_by_test_id("guest-phone-details").is_visible()
