"""A plan's address and dress code, each with an optional English version: edited with the plan,
shown on the plan page and the printed plan, read and written by the API, kept by a copy, listed
among the changes since approval, and read by each guest in their language (e-mail, RSVP page,
.ics, printed card). A new address, like a new venue, sends an approved plan back to draft and
tells the accepted guests."""
from datetime import date, time
from email import policy
from email.parser import BytesParser

import pytest
from icalendar import Calendar

from app.budget.snapshot import compare, take
from app.core.errors import DomainError
from app.events import plans as planning
from app.events.guest_text import for_guest
from app.events.pdf import render_plan_pdf
from app.events.plan_models import PlanState
from app.extensions import db
from app.invitations import cards, changes, messages
from app.invitations.services import settings_for
from tests.conftest import new_api

DAY = date(2028, 3, 14)
ADDRESS, ADDRESS_EN = "上海市浦东新区富城路33号", "33 Fucheng Road, Pudong, Shanghai"
DRESS, DRESS_EN = "商务正装", "Business attire"


@pytest.fixture
def gala(make_plan):
    plan = make_plan(title="2028 春季客户答谢会", venue="上海浦东香格里拉", start_time=time(18, 30), event_day=DAY)
    planning.update_plan(plan, None, title_en="2028 Spring Customer Gala", venue_en="Shangri-La Pudong",
                         address=ADDRESS, address_en=ADDRESS_EN, dress_code=DRESS, dress_code_en=DRESS_EN,
                         content_en="Dinner and awards")
    db.session.commit()
    changes.dispatch_noted()  # no guests yet: nobody hears of it
    return plan


def test_for_guest_reads_address_and_dress_code_in_each_language(gala):
    english, chinese = for_guest(gala, "en"), for_guest(gala, "zh")
    assert (english.address, english.dress_code) == (ADDRESS_EN, DRESS_EN)
    assert (chinese.address, chinese.dress_code) == (ADDRESS, DRESS)
    assert english.location == f"Shangri-La Pudong, {ADDRESS_EN}"
    planning.update_plan(gala, None, address_en="", dress_code_en=" ")
    assert (for_guest(gala, "en").address, for_guest(gala, "en").dress_code) == (ADDRESS, DRESS)


def test_an_address_and_a_dress_code_are_one_line(gala):
    planning.update_plan(gala, None, address="上海市\r\n浦东新区", dress_code_en="Business\nformal\u202e")
    assert (gala.address, gala.dress_code_en) == ("上海市 浦东新区", "Business formal")


def test_too_long_an_address_is_refused_on_its_field(gala):
    with pytest.raises(DomainError) as refused:
        planning.update_plan(gala, None, address="路" * 201)
    assert refused.value.field == "address"


def test_the_edit_form_saves_them_and_the_plan_page_and_pdf_show_them(make_plan, client_as, monkeypatch):
    plan = make_plan(event_day=DAY, title="客户答谢晚宴", venue="静安酒店")
    client = client_as("planner", locale="en")
    page = client.get(f"/events/plans/{plan.id}/edit").get_data(as_text=True)
    assert 'name="address"' in page and 'name="dress_code"' in page and 'name="address_en"' in page
    response = client.post(f"/events/plans/{plan.id}/edit", data={
        "title": "客户答谢晚宴", "tiers": ["general"], "event_day": DAY.isoformat(), "venue": "静安酒店",
        "address": f" {ADDRESS} ", "dress_code": DRESS, "address_en": ADDRESS_EN, "dress_code_en": DRESS_EN,
        "title_en": "Customer Gala"})
    assert response.status_code == 302
    db.session.expire_all()
    assert (plan.address, plan.dress_code, plan.address_en, plan.dress_code_en) == (ADDRESS, DRESS, ADDRESS_EN, DRESS_EN)
    page = client.get(f"/events/plans/{plan.id}").get_data(as_text=True)
    assert ADDRESS in page and DRESS in page
    english = page[page.index('data-testid="plan-english"'):]
    assert "Customer Gala" in english and ADDRESS_EN in english and DRESS_EN in english
    printed = {}

    class Printed:
        def __init__(self, string, **kwargs):
            printed["html"] = string

        def write_pdf(self):
            return b"%PDF-1.7"

    monkeypatch.setattr("app.events.pdf.HTML", Printed)
    render_plan_pdf(plan, "zh")
    assert ADDRESS in printed["html"] and DRESS in printed["html"] and ADDRESS_EN in printed["html"]


def test_a_new_plan_can_have_an_address(make_event_type, client_as):
    event_type = make_event_type(code="dinner")
    client = client_as("planner", locale="zh")
    response = client.post("/events/plans/new", data={
        "event_type": event_type.code, "title": "晚宴", "tiers": ["general"], "event_day": DAY.isoformat(),
        "address": ADDRESS, "dress_code": DRESS})
    assert response.status_code == 302
    plan = db.session.get(planning.Plan, int(response.headers["Location"].rstrip("/").split("/")[-1]))
    assert (plan.address, plan.dress_code) == (ADDRESS, DRESS)


def test_the_api_reads_and_writes_them(app, gala, make_event_type):
    api = new_api(app)
    data = api.get(f"/api/v1/plans/{gala.id}").json
    assert {name: data[name] for name in ("title_en", "venue_en", "content_en", "address", "address_en",
                                           "dress_code", "dress_code_en")} == {
        "title_en": "2028 Spring Customer Gala", "venue_en": "Shangri-La Pudong", "content_en": "Dinner and awards",
        "address": ADDRESS, "address_en": ADDRESS_EN, "dress_code": DRESS, "dress_code_en": DRESS_EN}
    make_event_type(code="vip_dinner")
    response = api.post("/api/v1/plans", json={"event_type": "vip_dinner", "event_day": DAY.isoformat(),
                                               "title": "晚宴", "address": ADDRESS, "title_en": "Dinner",
                                               "dress_code_en": DRESS_EN})
    assert response.status_code == 201
    assert (response.json["address"], response.json["title_en"], response.json["dress_code_en"]) == (
        ADDRESS, "Dinner", DRESS_EN)
    refused = api.post("/api/v1/plans", json={"event_type": "vip_dinner", "event_day": DAY.isoformat(),
                                              "title": "晚宴", "dress_code": "x" * 201})
    assert refused.status_code == 422 and refused.json["errors"][0]["field"] == "dress_code"
    refused = api.post("/api/v1/plans", json={"event_type": "vip_dinner", "event_day": DAY.isoformat(),
                                              "title": "晚宴", "address": 5})
    assert refused.status_code == 400  # not a string


def test_the_openapi_document_describes_them(client):
    schemas = client.get("/api/openapi.json").json["components"]["schemas"]
    for name in ("address", "address_en", "dress_code", "dress_code_en", "title_en", "venue_en", "content_en"):
        assert name in schemas["Plan"]["properties"] and name in schemas["PlanRequest"]["properties"]


def test_a_copy_keeps_them(gala):
    copy = planning.copy_plan(gala, date(2029, 3, 14), "2029 春季客户答谢会", None)
    assert (copy.address, copy.address_en, copy.dress_code, copy.dress_code_en) == (
        ADDRESS, ADDRESS_EN, DRESS, DRESS_EN)


def test_the_changes_since_approval_list_a_new_address(gala, make_budget):
    revision = make_budget(plan=gala)
    before = take(gala, revision)
    planning.update_plan(gala, None, address="上海市静安区延安中路1218号")
    found = compare(before, take(gala, revision), 1)
    assert [name for name, _old, _new in found.fields] == ["address"]


def mail_of(guest, kind="invitation"):
    raw = bytes(messages.invitation_message(guest, settings_for(guest.plan), kind))
    message = BytesParser(policy=policy.default).parsebytes(raw)
    [ics] = [part for part in message.iter_attachments() if part.get_filename() == "event.ics"]
    [event] = Calendar.from_ical(ics.get_content()).walk("VEVENT")
    return message.get_body(("plain",)).get_content(), message.get_body(("html",)).get_content(), event


@pytest.mark.parametrize("locale, address, dress, venue, other", [
    ("en", ADDRESS_EN, DRESS_EN, "Shangri-La Pudong", ADDRESS),
    ("zh", ADDRESS, DRESS, "上海浦东香格里拉", ADDRESS_EN),
])
def test_each_guest_reads_them_in_their_language(app, client, gala, make_invitation, locale, address, dress, venue,
                                                 other):
    guest = make_invitation(plan=gala, name="Claire Laurent" if locale == "en" else "张伟", locale=locale)
    text, html, event = mail_of(guest)
    for body in (text, html):
        assert address in body and dress in body and other not in body
    assert str(event["LOCATION"]) == f"{venue}, {address}"
    guest.rsvp = "accepted"
    db.session.commit()
    confirmation, _html, _event = mail_of(guest, "confirmation")
    assert address in confirmation and dress in confirmation
    page = client.get(f"/rsvp/{guest.rsvp_token}").get_data(as_text=True)
    assert f'data-testid="event-address">{address}<' in page and dress in page and other not in page
    ics = client.get(f"/rsvp/{guest.rsvp_token}/event.ics").get_data(as_text=True)
    assert address.replace(",", "\\,") in ics.replace("\r\n ", "")
    card = cards._card(gala, settings_for(gala), guest)
    assert address in card and dress in card


def test_a_new_address_reopens_an_approved_plan_and_tells_the_accepted_guests(app, gala, make_invitation, outbox,
                                                                           make_user):
    ann = make_invitation(plan=gala, name="Ann", email="ann@example.com", locale="en")
    ann.rsvp = "accepted"
    gala.state = PlanState.APPROVED
    db.session.commit()
    planning.update_plan(gala, make_user(), address="上海市静安区延安中路1218号", address_en="1218 Middle Yan'an Road")
    db.session.commit()
    changes.dispatch_noted()
    assert gala.state == PlanState.DRAFT
    [notice] = outbox()
    assert "1218 Middle Yan'an Road" in notice.get_body(("plain",)).get_content()


def test_an_english_dress_code_alone_tells_no_guest(app, gala, make_invitation, outbox, make_user):
    ann = make_invitation(plan=gala, name="Ann", email="ann@example.com", locale="en")
    ann.rsvp = "accepted"
    gala.state = PlanState.APPROVED
    db.session.commit()
    planning.update_plan(gala, make_user(), dress_code_en="Smart casual")
    db.session.commit()
    changes.dispatch_noted()
    assert outbox() == []

