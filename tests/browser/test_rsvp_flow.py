"""The issue's done-when, in a real browser: a guest's invitation is sent through the real
sending path (outbox, Celery task, SMTP) to a real SMTP server (aiosmtpd); the guest opens the
RSVP link taken from the received message on a phone, accepts with one companion and sees the
check-in QR code, which decodes, from the pixels on screen, to the invitation's check-in code.

The page speaks the invitation's language even though the browser asks for the other one.
Screenshots: test-results/screenshots/rsvp-<lang>-phone.png (before answering) and
rsvp-accepted-<lang>-phone.png."""
import re
from datetime import time, timedelta
from email import policy
from email.parser import BytesParser

import pytest
import zxingcpp
from PIL import Image
from playwright.sync_api import expect
from sqlalchemy import select

from app.core import clock
from app.events.models import EventType
from app.events.plans import create_plan
from app.events.plan_models import PlanState
from app.extensions import db
from app.invitations import sending, services, tasks
from app.invitations.models import Invitation, Rsvp
from app.invitations.qr import checkin_payload
from tests.browser.conftest import PHONE
from tests.browser.test_plan_flow import NO_ANIMATIONS
from tests.mail.test_mail import smtp_server  # noqa: F401  (fixture: a real SMTP server)

pytestmark = NO_ANIMATIONS

OTHER_BROWSER_LOCALE = {"zh": "en-US", "en": "zh-CN"}
HTML_LANG = {"zh": "zh-CN", "en": "en"}
GUEST = {"zh": ("王芳", "wang.fang@example.com"), "en": ("Fang Wang", "fang.wang@example.com")}


@pytest.fixture
def invited(live_app, live_url, smtp_server, monkeypatch):  # noqa: F811
    """invited(lang) -> (invitation id, the received message): a new banquet plan 40 days ahead
    with one guest, whose invitation went out by SMTP with links to the live server."""
    monkeypatch.setitem(live_app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(live_app.config, "MAIL_PORT", smtp_server.port)
    monkeypatch.setitem(live_app.config, "BASE_URL", live_url)

    def invite(lang):
        name, email = GUEST[lang]
        with live_app.app_context():
            banquet = db.session.scalar(select(EventType).where(EventType.code == "banquet"))
            plan = create_plan(banquet, f"RSVP 浏览器测试 {lang}", clock.today() + timedelta(days=40), time(18, 30),
                               ["high_value"], 40, 50, "上海外滩华尔道夫酒店", False, "年度回顾与晚宴", None)
            services.settings_for(plan).companions_cap = 2
            plan.state = PlanState.APPROVED  # only an approved plan invites
            guest = services.add_guest(plan, None, name=name, email=email, locale=lang)
            job = sending.queue(plan, [guest.id], "invitation", None)
            db.session.commit()
            tasks.dispatch(job)  # Celery runs eagerly in the test apps: sent over SMTP now
            guest_id = guest.id
            db.session.remove()
        [received] = smtp_server.received
        return guest_id, BytesParser(policy=policy.default).parsebytes(received.as_bytes())

    return invite


def guest_row(live_app, guest_id):
    with live_app.app_context():
        guest = db.session.get(Invitation, guest_id)
        db.session.expunge(guest)
        db.session.remove()
        return guest


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_guest_accepts_from_the_received_email_and_sees_the_qr_code(
        lang, invited, live_app, live_url, new_context, screenshot_dir, tmp_path):
    guest_id, message = invited(lang)
    name, email = GUEST[lang]
    assert message["To"].addresses[0].addr_spec == email
    text = message.get_body(("plain",)).get_content()
    link = re.search(rf"{re.escape(live_url)}/rsvp/[A-Za-z0-9_-]+", text).group(0)

    context = new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale=OTHER_BROWSER_LOCALE[lang])
    page = context.new_page()
    problems = []
    page.on("response", lambda r: r.status >= 400 and problems.append(f"HTTP {r.status} {r.url}"))
    page.on("console", lambda m: m.type == "error" and problems.append(f"console: {m.text}"))
    page.goto(link)
    expect(page.locator("html")).to_have_attribute("lang", HTML_LANG[lang])
    expect(page.get_by_test_id("guest-greeting")).to_contain_text(name)
    expect(page.get_by_test_id("event-title")).to_have_text(f"RSVP 浏览器测试 {lang}")
    page.screenshot(path=str(screenshot_dir / f"rsvp-{lang}-phone.png"), full_page=True)
    assert guest_row(live_app, guest_id).opened_at is not None

    page.locator("label[for=answer-0]").click()  # "I will attend"
    page.locator("#companions").select_option("1")
    with page.expect_navigation():
        page.get_by_test_id("rsvp-submit").click()

    qr = page.get_by_test_id("checkin-qr")
    expect(qr).to_be_visible()
    expect(page.get_by_test_id("qr-guest-name")).to_have_text(name)
    expect(page.get_by_test_id("add-to-calendar")).to_be_visible()
    page.wait_for_function("() => document.querySelector('[data-testid=checkin-qr]').naturalWidth > 0")
    page.screenshot(path=str(screenshot_dir / f"rsvp-accepted-{lang}-phone.png"), full_page=True)
    overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0 and problems == []

    # The code as the phone shows it: read back from the screen's pixels.
    shot = tmp_path / "qr.png"
    qr.screenshot(path=str(shot))
    guest = guest_row(live_app, guest_id)
    assert [code.text for code in zxingcpp.read_barcodes(Image.open(shot))] == [checkin_payload(guest.checkin_token)]
    assert (guest.rsvp, guest.companions) == (Rsvp.ACCEPTED, 1)
    assert link.endswith(guest.rsvp_token)
