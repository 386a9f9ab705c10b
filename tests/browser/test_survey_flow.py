"""The guest's survey in a real browser on a phone (390x844): a guest who came to the event
answers it by their personal link, in their own language, and edits the answer; the planner
reads the results.

Screenshots: test-results/screenshots/survey-<lang>-phone.png and survey-results-<lang>.png."""
import uuid
from datetime import datetime, time, timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.checkin.models import CheckIn
from app.core import clock
from app.events.models import EventType
from app.events.plan_models import PlanState
from app.events.plans import create_plan
from app.extensions import db
from app.invitations import services
from app.invitations.models import Rsvp
from app.reviews import responses, surveys
from tests.browser.conftest import DEMO, ENGLISH_PLANNER, PHONE, login
from tests.browser.test_plan_flow import NO_ANIMATIONS

pytestmark = NO_ANIMATIONS

PLANNER = DEMO["planner"]
SEND = {"zh": "提交我的回答", "en": "Send my answers"}
THANKS = {"zh": "谢谢！您的回答已保存", "en": "Thank you! Your answers have been saved"}


@pytest.fixture
def dinner(live_app):
    """A banquet two days ago, its survey open, and guests who came: one per language to answer in
    the browser, and a few who answered already (for the results' chart and comments)."""
    with live_app.app_context():
        banquet = db.session.scalar(select(EventType).where(EventType.code == "banquet"))
        plan = create_plan(banquet, f"年度答谢晚宴 {uuid.uuid4().hex[:4]}", clock.today() - timedelta(days=2),
                           time(18, 30), ["high_value"], 40, 50, "外滩华尔道夫", False, "", None)
        plan.state, plan.title_en = PlanState.APPROVED, "Annual thank-you dinner"
        survey = surveys.survey_for(plan)
        surveys.open_survey(survey, plan, clock.today() + timedelta(days=10))
        guests = {}
        for key, name, tier, locale in (("zh", "张伟", "growth", "zh"), ("en", "Fang Wang", "new", "en"),
                                        ("a", "欧阳娜娜", "high_value", "zh"), ("b", "李娜", "high_value", "zh"),
                                        ("c", "王芳", "general", "zh")):
            guest = services.add_guest(plan, None, name=name, tier=tier, locale=locale,
                                       email=f"{uuid.uuid4().hex[:8]}@example.com")
            guest.rsvp = Rsvp.ACCEPTED
            guests[key] = guest
        db.session.flush()
        moment = datetime.combine(plan.event_day, time(18, 40))
        for guest in guests.values():
            db.session.add(CheckIn(plan_id=plan.id, invitation_id=guest.id, source="manual", scanned_at=moment,
                                   arrived_at=moment))
        by_kind = {}
        for q in survey.questions:
            by_kind.setdefault(q.kind, []).append(q.id)
        for key, nps, csat, text in (("a", 10, 5, "晚宴安排得很周到"), ("b", 6, 3, "签到排队时间有点长"), ("c", 9, 4, "")):
            values = {by_kind["nps"][0]: str(nps), by_kind["csat"][0]: str(csat)}
            if text:
                values[by_kind["text"][0 if nps >= 9 else 1]] = text
            responses.save_response(survey, guests[key], values)
        db.session.commit()
        result = plan.id, {key: guest.survey_token for key, guest in guests.items()}
        db.session.remove()
    return result


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_guest_answers_the_survey_on_a_phone(lang, dinner, live_url, new_context, screenshot_dir):
    plan_id, tokens = dinner
    page = new_context(viewport=PHONE).new_page()
    page.goto(f"{live_url}/survey/{tokens[lang]}")
    expect(page.get_by_test_id("survey-title")).to_contain_text("年度答谢晚宴" if lang == "zh" else "Annual thank-you dinner")
    page.screenshot(path=str(screenshot_dir / f"survey-{lang}-phone.png"), full_page=True)
    # Nothing fits sideways: the 0-10 scale wraps on a phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.get_by_role("button", name=SEND[lang]).click()  # the required questions left empty
    expect(page.locator("fieldset[data-kind=nps] [role=alert]")).to_be_visible()
    nps = page.locator("fieldset[data-kind=nps]")
    nps.locator("label", has_text="9").first.click()
    page.locator("fieldset[data-kind=csat] label", has_text="4").click()
    page.locator("fieldset[data-kind=text] textarea").first.fill("Great food" if lang == "en" else "菜品很好")
    page.get_by_role("button", name=SEND[lang]).click()
    expect(page.locator(".alert-success")).to_contain_text(THANKS[lang])
    expect(page.get_by_test_id("already-answered")).to_be_visible()
    expect(nps.locator("input[value='9']")).to_be_checked()
    nps.locator("label", has_text="10").click()  # changes the answer until the survey closes
    page.get_by_role("button", name=SEND[lang]).click()
    expect(page.locator(".alert-success")).to_be_visible()
    expect(nps.locator("input[value='10']")).to_be_checked()
    page.screenshot(path=str(screenshot_dir / f"survey-answered-{lang}-phone.png"), full_page=True)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_planner_reads_the_results(lang, dinner, live_url, page, screenshot_dir):
    plan_id, tokens = dinner
    email, _name, password = PLANNER if lang == "zh" else ENGLISH_PLANNER[:3]
    login(page, live_url, email, password)
    page.goto(f"{live_url}/events/plans/{plan_id}/survey/results")
    expect(page.get_by_test_id("nps")).to_be_visible()
    expect(page.get_by_test_id("comments")).to_contain_text("签到排队时间有点长")
    expect(page.get_by_test_id("nps-chart").locator("rect[data-score='10']")).to_have_attribute("data-count", "1")
    page.screenshot(path=str(screenshot_dir / f"survey-results-{lang}.png"), full_page=True)
    page.goto(f"{live_url}/events/plans/{plan_id}/survey/results?group=promoters")
    expect(page.get_by_test_id("comments")).not_to_contain_text("签到排队时间有点长")


def test_the_planner_edits_a_draft_survey(live_app, live_url, page, screenshot_dir):
    with live_app.app_context():
        training = db.session.scalar(select(EventType).where(EventType.code == "training"))
        plan = create_plan(training, f"数控培训 {uuid.uuid4().hex[:4]}", clock.today() + timedelta(days=5),
                           time(9, 0), ["growth"], 20, 30, "上海工厂", False, "", None)
        db.session.commit()
        plan_id = plan.id
        db.session.remove()
    login(page, live_url, *ENGLISH_PLANNER[:3:2])
    page.goto(f"{live_url}/events/plans/{plan_id}/survey")
    expect(page.get_by_test_id("questions").locator("input[value='How useful was the training for your work?']")).to_be_visible()
    form = page.get_by_test_id("add-question")
    form.locator("[name=text_zh]").fill("停车是否方便？")
    form.locator("[name=text_en]").fill("Was parking easy?")
    form.get_by_role("button", name="Add question").click()
    expect(page.get_by_test_id("questions").locator("input[value='Was parking easy?']")).to_be_visible()
    page.screenshot(path=str(screenshot_dir / "survey-setup-en.png"), full_page=True)
    page.get_by_test_id("open-survey").get_by_role("button", name="Open the survey").click()
    expect(page.get_by_test_id("survey-state")).to_have_text("Open for answers")
