"""The door in a real browser on a phone (390x844): door staff, signed in, check guests in
through the keyboard path (a wedge scanner types the code and Enter into the focused field).
Each answer colour is shown full screen: green, amber (admit, but look), red, and NOT VERIFIED
while the network fails, which retries with the same nonce until the server answers.

Screenshots: test-results/screenshots/door-page-<lang>-phone.png (waiting for a scan) and
door-<colour>-<lang>-phone.png."""
import json
import uuid
from datetime import time, timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.auth import services as auth_services
from app.core import clock
from app.events.models import EventType
from app.events.plan_models import PlanState, RoleAssignment
from app.events.plans import create_plan
from app.extensions import db
from app.invitations import services
from app.invitations.models import Rsvp
from tests.browser.conftest import DEMO, PHONE, login
from tests.browser.test_plan_flow import NO_ANIMATIONS

pytestmark = NO_ANIMATIONS

STAFF = DEMO["staff"]
WELCOME = {"zh": "欢迎", "en": "Welcome"}
DECLINED = {"zh": "已婉拒邀请", "en": "Declined the invitation"}
NOT_VERIFIED = {"zh": "未核验", "en": "NOT VERIFIED"}


@pytest.fixture
def door(live_app):
    """A banquet tonight with door staff (the demo's staff account) and four guests."""
    with live_app.app_context():
        banquet = db.session.scalar(select(EventType).where(EventType.code == "banquet"))
        plan = create_plan(banquet, f"年度答谢晚宴 {uuid.uuid4().hex[:4]}", clock.today(), time(18, 30), ["high_value"],
                           40, 50, "外滩华尔道夫", False, "", None)
        plan.state = PlanState.APPROVED
        staff = auth_services.get_by_email(STAFF[0])
        db.session.add(RoleAssignment(plan_id=plan.id, role="door_staff", user_id=staff.id))
        guests = {}
        for key, name, company, tier, rsvp in (("green", "张伟", "星河科技有限公司", "growth", Rsvp.ACCEPTED),
                                               ("amber", "欧阳娜娜", "蓝海贸易集团", "high_value", Rsvp.ACCEPTED),
                                               ("red", "李娜", "金石制造", "general", Rsvp.DECLINED),
                                               ("retry", "Fang Wang", "Northwind Ltd", "new", Rsvp.ACCEPTED)):
            guest = services.add_guest(plan, None, name=name, company=company, tier=tier,
                                       email=f"{uuid.uuid4().hex[:8]}@example.com")
            guest.rsvp = rsvp
            guests[key] = guest
        guests["amber"].companions, guests["amber"].dietary = 2, "素食"
        guests["amber"].notes = "董事长，请引导至主桌"
        db.session.commit()
        result = plan.id, {key: guest.checkin_token for key, guest in guests.items()}
        db.session.remove()
    return result


def scan(page, code):
    page.locator("#code").fill(code)
    page.locator("#code").press("Enter")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_door_staff_check_guests_in_with_a_wedge_scanner(lang, door, live_url, new_context, screenshot_dir):
    plan_id, tokens = door
    page = new_context(viewport=PHONE, locale="zh-CN" if lang == "zh" else "en-US").new_page()
    login(page, live_url, STAFF[0], STAFF[2])
    page.goto(f"{live_url}/door/plans/{plan_id}?entrance=正门&lang={lang}")
    expect(page.locator("#code")).to_be_focused()
    page.screenshot(path=str(screenshot_dir / f"door-page-{lang}-phone.png"))
    scans = []
    page.on("request", lambda request: scans.append(json.loads(request.post_data))
            if request.url.endswith("/scan") else None)
    answer = page.get_by_test_id("answer")

    scan(page, f"RAPPORT:{tokens['green']}")
    expect(answer).to_have_attribute("data-colour", "green")
    expect(page.get_by_test_id("answer-status")).to_have_text(WELCOME[lang])
    expect(page.get_by_test_id("answer-name")).to_have_text("张伟")
    expect(page.locator("#tally-in")).to_have_text("1")
    page.screenshot(path=str(screenshot_dir / f"door-green-{lang}-phone.png"))
    page.locator("#answer-close").click()
    expect(answer).to_be_hidden()

    scan(page, tokens["amber"])  # the bare code, as typed
    expect(answer).to_have_attribute("data-colour", "amber")
    expect(page.get_by_test_id("answer-name")).to_have_text("欧阳娜娜")
    expect(page.get_by_test_id("answer-look")).to_contain_text("素食")
    page.screenshot(path=str(screenshot_dir / f"door-amber-{lang}-phone.png"))

    scan(page, f"RAPPORT:{tokens['red']}")  # the next guest while the answer shows: it replaces it
    expect(answer).to_have_attribute("data-colour", "red")
    expect(page.get_by_test_id("answer-status")).to_have_text(DECLINED[lang])
    page.screenshot(path=str(screenshot_dir / f"door-red-{lang}-phone.png"))
    scan(page, f"RAPPORT:{tokens['red']}")  # the same code again within 3 s: ignored
    page.wait_for_timeout(300)
    assert len(scans) == 3

    # The network fails: NOT VERIFIED, never green, until the retry (same nonce) gets through.
    failures = []

    def fail_first(route):
        if not failures:
            failures.append(route.request.post_data)
            route.abort()
        else:
            route.continue_()

    page.route("**/scan", fail_first)
    scan(page, f"RAPPORT:{tokens['retry']}")
    expect(answer).to_have_attribute("data-colour", "unverified")
    expect(page.get_by_test_id("answer-status")).to_have_text(NOT_VERIFIED[lang])
    page.screenshot(path=str(screenshot_dir / f"door-unverified-{lang}-phone.png"))
    expect(answer).to_have_attribute("data-colour", "green", timeout=10_000)
    expect(page.get_by_test_id("answer-name")).to_have_text("Fang Wang")
    first, retried = json.loads(failures[0]), scans[-1]
    assert retried["nonce"] == first["nonce"] and retried["code"] == first["code"]

    # Scanned again after 3 s: already checked in, with when, where and by whom.
    page.wait_for_timeout(3100)
    scan(page, f"RAPPORT:{tokens['green']}")
    expect(answer).to_have_attribute("data-colour", "red")
    expect(answer).to_contain_text("正门")
    expect(answer).to_contain_text("张专员")
    expect(page.locator("#tally-in")).to_have_text("3")


def test_a_planner_hands_a_helper_a_link_that_opens_the_scanner(door, live_url, new_context, screenshot_dir):
    plan_id, tokens = door
    planner = new_context().new_page()
    login(planner, live_url, DEMO["planner"][0], DEMO["planner"][2])
    planner.goto(f"{live_url}/events/plans/{plan_id}/door")
    planner.fill("#label", "前门 小李")
    planner.fill("#entrance", "前门")
    planner.get_by_test_id("helper-link-form").locator("button[type=submit]").click()
    expect(planner.get_by_test_id("helper-qr")).to_be_visible()
    planner.screenshot(path=str(screenshot_dir / "door-setup-zh.png"), full_page=True)
    url = planner.get_by_test_id("helper-url").input_value()
    expect(planner.locator("#label")).to_have_value("")  # ready for the next helper

    helper = new_context(viewport=PHONE, locale="zh-CN").new_page()  # no account, just the link
    helper.goto(url)
    expect(helper.get_by_test_id("door-entrance")).to_have_text("前门")
    scan(helper, f"RAPPORT:{tokens['green']}")
    expect(helper.get_by_test_id("answer")).to_have_attribute("data-colour", "green")
    expect(helper.get_by_test_id("answer")).not_to_contain_text("撤销")  # no undo for a helper
