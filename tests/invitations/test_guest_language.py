"""What an English-speaking guest reads: the plan's English title, venue and content where the
planner gave them (subject, body, RSVP page, .ics, printed card, short message), the Chinese
otherwise; a Chinese guest always reads the Chinese. Letters that read as letters, and one
date and time style per language in the e-mail and on the RSVP page."""
from datetime import date, time
from email import policy
from email.parser import BytesParser

import pytest
from icalendar import Calendar

from app.events.plans import update_plan
from app.extensions import db
from app.invitations import cards, exports, messages
from app.invitations.services import settings_for

DAY = date(2028, 3, 14)  # a Tuesday
EN_DAY, ZH_DAY = "Tue, 14 Mar 2028", "2028年3月14日 周二"


@pytest.fixture
def gala(make_plan):
    plan = make_plan(title="2028 春季客户答谢会", venue="上海浦东香格里拉", start_time=time(18, 30), event_day=DAY,
                     content="年度回顾、晚宴")
    settings_for(plan).rsvp_deadline = date(2028, 3, 1)
    db.session.commit()
    return plan


@pytest.fixture
def english(gala):
    update_plan(gala, None, title_en="2028 Spring Customer Gala", venue_en="Shangri-La Pudong, Shanghai",
                content_en="The year in review, dinner")
    db.session.commit()
    return gala


def mail_of(guest, kind="invitation"):
    raw = bytes(messages.invitation_message(guest, settings_for(guest.plan), kind))
    message = BytesParser(policy=policy.default).parsebytes(raw)
    [ics] = [part for part in message.iter_attachments() if part.get_filename() == "event.ics"]
    [event] = Calendar.from_ical(ics.get_content()).walk("VEVENT")
    return (message["Subject"], message.get_body(("plain",)).get_content(),
            message.get_body(("html",)).get_content(), event)


def test_an_english_guest_reads_the_english_title_and_venue(app, english, make_invitation):
    guest = make_invitation(plan=english, name="Claire Laurent", locale="en")
    subject, text, html, event = mail_of(guest)
    assert subject == "Invitation: 2028 Spring Customer Gala"
    for body in (text, html):
        assert "2028 Spring Customer Gala" in body and "Shangri-La Pudong, Shanghai" in body
        assert "春季" not in body and "香格里拉" not in body
    assert str(event["SUMMARY"]) == "2028 Spring Customer Gala"
    assert str(event["LOCATION"]) == "Shangri-La Pudong, Shanghai"
    assert str(event["DESCRIPTION"]) == "The year in review, dinner"
    reminder_subject, reminder, _html, _event = mail_of(guest, "reminder_1")
    assert reminder_subject == "Reminder: 2028 Spring Customer Gala is tomorrow"
    assert "Shangri-La Pudong, Shanghai" in reminder


def test_without_an_english_version_the_english_guest_reads_the_chinese(app, gala, make_invitation):
    update_plan(gala, None, venue_en="Shangri-La Pudong, Shanghai")  # the title stays Chinese only
    db.session.commit()
    guest = make_invitation(plan=gala, name="Claire Laurent", locale="en")
    subject, text, _html, event = mail_of(guest)
    assert subject == "Invitation: 2028 春季客户答谢会"
    assert "Shangri-La Pudong, Shanghai" in text
    assert (str(event["SUMMARY"]), str(event["LOCATION"])) == ("2028 春季客户答谢会", "Shangri-La Pudong, Shanghai")


def test_a_chinese_guest_always_reads_the_chinese(app, english, make_invitation):
    guest = make_invitation(plan=english, name="张伟", locale="zh")
    subject, text, html, event = mail_of(guest)
    assert subject == "邀请函：2028 春季客户答谢会"
    assert "上海浦东香格里拉" in text and "Spring" not in text and "Shangri-La" not in html
    assert (str(event["SUMMARY"]), str(event["LOCATION"])) == ("2028 春季客户答谢会", "上海浦东香格里拉")


def test_the_letters_greet_and_begin_as_letters_in_both_languages(app, gala, make_invitation):
    english = make_invitation(plan=gala, name="Ms. Laurent", locale="en")
    chinese = make_invitation(plan=gala, name="张伟", locale="zh")
    for kind in ("invitation", "nudge", "reminder_3"):
        _subject, text, html, _event = mail_of(english, kind)
        greeting, first = text.strip().split("\n\n")[:2]
        assert greeting == "Dear Ms. Laurent,"
        assert first[0].isupper(), first  # a new sentence after the greeting line
        assert "<p>Dear Ms. Laurent,</p>" in html
        _subject, text, html, _event = mail_of(chinese, kind)
        greeting, first = text.strip().split("\n\n")[:2]
        assert greeting == "尊敬的张伟："
        assert first.startswith("我们") and "," not in first
        assert "<p>尊敬的张伟：</p>" in html


@pytest.mark.parametrize("locale, day, deadline, date_line", [
    ("en", EN_DAY, "Wed, 1 Mar 2028", "Date: "), ("zh", ZH_DAY, "2028年3月1日 周三", "日期："),
])
def test_the_mail_and_the_rsvp_page_write_dates_and_times_alike(
        client, gala, make_invitation, locale, day, deadline, date_line):
    guest = make_invitation(plan=gala, locale=locale)
    _subject, text, html, _event = mail_of(guest)
    moment = f"{day} 18:30"
    assert f"\n{date_line}{moment}\n" in text and moment in html and deadline in text
    assert "PM" not in text and "PM" not in html
    page = client.get(f"/rsvp/{guest.rsvp_token}").get_data(as_text=True)
    assert f'<span data-testid="event-date">{moment}</span>' in page
    assert deadline in page


def test_the_rsvp_page_and_its_ics_use_the_english_version(client, english, make_invitation):
    guest = make_invitation(plan=english, locale="en")
    page = client.get(f"/rsvp/{guest.rsvp_token}").get_data(as_text=True)
    assert '<h1 class="h3 mb-3" data-testid="event-title">2028 Spring Customer Gala</h1>' in page
    assert "<title>2028 Spring Customer Gala</title>" in page
    assert "Shangri-La Pudong, Shanghai" in page and "The year in review, dinner" in page
    assert "香格里拉" not in page and "年度回顾" not in page
    ics = client.get(f"/rsvp/{guest.rsvp_token}/event.ics").get_data(as_text=True)
    assert "SUMMARY:2028 Spring Customer Gala" in ics and "LOCATION:Shangri-La Pudong\\, Shanghai" in ics
    # Switched to Chinese, the page shows the Chinese text.
    page = client.get(f"/rsvp/{guest.rsvp_token}?lang=zh").get_data(as_text=True)
    assert "2028 春季客户答谢会" in page and "上海浦东香格里拉" in page and ZH_DAY in page


def test_the_rsvp_page_of_a_chinese_guest_stays_chinese(client, english, make_invitation):
    guest = make_invitation(plan=english, name="张伟", locale="zh")
    page = client.get(f"/rsvp/{guest.rsvp_token}").get_data(as_text=True)
    assert "尊敬的张伟，诚挚邀请您出席" in page  # no space before a Chinese name
    assert "2028 春季客户答谢会" in page and "上海浦东香格里拉" in page and "Spring" not in page
    ics = client.get(f"/rsvp/{guest.rsvp_token}/event.ics").get_data(as_text=True)
    assert "SUMMARY:2028 春季客户答谢会" in ics


def test_printed_cards_and_short_messages_speak_each_guests_language(app, english, make_invitation):
    claire = make_invitation(plan=english, name="Claire Laurent", locale="en")
    zhang = make_invitation(plan=english, name="张伟", locale="zh")
    card = cards._card(english, settings_for(english), claire)
    assert "2028 Spring Customer Gala" in card and "Shangri-La Pudong, Shanghai" in card
    assert f"{EN_DAY} 18:30" in card and "Wed, 1 Mar 2028" in card
    card = cards._card(english, settings_for(english), zhang)
    assert "2028 春季客户答谢会" in card and f"{ZH_DAY} 18:30" in card
    rows = {row[0]: row[6] for row in exports.rows(english)}
    assert "2028 Spring Customer Gala" in rows["Claire Laurent"] and "Shangri-La" in rows["Claire Laurent"]
    assert "2028 春季客户答谢会" in rows["张伟"] and "Spring" not in rows["张伟"]
