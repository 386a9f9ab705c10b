"""The English version of a plan's guest-facing texts: edited in a collapsible group of the
plan's edit page, chosen per guest by `for_guest`, kept by a copy; the default budget lines in
the plan's main language whoever starts the budget."""
from datetime import date

import pytest

from app.budget.services import current_revision, start_budget
from app.core.errors import DomainError
from app.events.guest_text import for_guest
from app.events.plan_models import PlanActivity
from app.events.plans import copy_plan, update_plan
from app.extensions import db

DAY = date(2027, 5, 20)


@pytest.fixture
def plan(make_plan):
    return make_plan(event_day=DAY, title="客户答谢晚宴", venue="静安酒店", content="致辞、晚宴")


def test_for_guest_takes_each_english_field_or_falls_back_to_the_chinese(plan):
    assert for_guest(plan, "en") == for_guest(plan, "zh")
    update_plan(plan, None, title_en=" Customer Gala ", content_en="Speeches, dinner")
    assert (plan.title_en, plan.venue_en) == ("Customer Gala", "")
    english = for_guest(plan, "en")
    assert (english.title, english.venue, english.content) == ("Customer Gala", "静安酒店", "Speeches, dinner")
    chinese = for_guest(plan, "zh")
    assert (chinese.title, chinese.venue, chinese.content) == ("客户答谢晚宴", "静安酒店", "致辞、晚宴")


def test_an_english_version_too_long_is_refused_on_its_field(plan):
    with pytest.raises(DomainError) as refused:
        update_plan(plan, None, venue_en="x" * 201)
    assert refused.value.field == "venue_en"


def test_the_edit_page_has_the_english_group_and_saves_it(plan, client_as):
    client = client_as("planner", locale="en")
    page = client.get(f"/events/plans/{plan.id}/edit").get_data(as_text=True)
    group = page[page.index('data-testid="english-version"'):]
    assert group.index("English version for English-speaking guests") < group.index('name="title_en"')
    assert 'data-testid="english-version" open' not in page  # closed while empty
    response = client.post(f"/events/plans/{plan.id}/edit", data={
        "title": "客户答谢晚宴", "tiers": ["general"], "event_day": DAY.isoformat(), "venue": "静安酒店",
        "content": "致辞、晚宴", "title_en": "Customer Gala", "venue_en": "Jing'an Hotel", "content_en": ""})
    assert response.status_code == 302
    db.session.expire_all()
    assert (plan.title_en, plan.venue_en, plan.content_en, plan.title) == (
        "Customer Gala", "Jing'an Hotel", "", "客户答谢晚宴")
    [entry] = db.session.query(PlanActivity).filter_by(plan_id=plan.id, action="plan.edited")
    assert entry.detail == {"fields": ["title_en", "venue_en"]}
    page = client.get(f"/events/plans/{plan.id}/edit").get_data(as_text=True)
    assert 'data-testid="english-version" open' in page and 'value="Customer Gala"' in page
    log = client.get(f"/events/plans/{plan.id}").get_data(as_text=True)
    assert "Title in English" in log and "Venue in English" in log


def test_a_too_long_english_title_keeps_what_was_typed(plan, client_as):
    client = client_as("planner", locale="zh")
    response = client.post(f"/events/plans/{plan.id}/edit", data={
        "title": "客户答谢晚宴", "tiers": ["general"], "event_day": DAY.isoformat(), "title_en": "G" * 201})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and 'data-testid="english-version" open' in page and "G" * 201 in page


def test_a_copy_keeps_the_english_version(plan):
    update_plan(plan, None, title_en="Customer Gala", venue_en="Jing'an Hotel", content_en="Dinner")
    copy = copy_plan(plan, date(2028, 5, 20), "明年答谢晚宴", None)
    assert (copy.title_en, copy.venue_en, copy.content_en) == ("Customer Gala", "Jing'an Hotel", "Dinner")


@pytest.mark.parametrize("locale", ["en", "zh"])
def test_default_budget_lines_are_in_the_plans_main_language_whoever_starts_it(
        make_plan, make_event_type, client_as, locale):
    plan = make_plan(event_type=make_event_type(budget_lines=[("venue", 1, 5000)]), expected_guests=20)
    client = client_as("planner", locale=locale)
    assert client.post(f"/events/plans/{plan.id}/budget/start").status_code == 302
    db.session.expire_all()
    revision = current_revision(plan)
    assert [(line.description, line.unit) for line in revision.lines] == [("项目", "个"), ("应急备用金", "")]


def test_start_budget_outside_a_request_is_chinese_too(make_plan, make_event_type):
    plan = make_plan(event_type=make_event_type(budget_lines=[("venue", 1, 5000)]), expected_guests=20)
    revision = start_budget(plan, None)
    assert revision.lines[0].description == "项目" and revision.lines[-1].description == "应急备用金"
