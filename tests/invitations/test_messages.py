"""The invitation e-mail, received by a real SMTP server (aiosmtpd): the guest's language, HTML
and text, the RSVP link, the inline QR code that decodes to the check-in code, the .ics, escaping;
the template's placeholders and the preview."""
from datetime import time
from email import policy
from email.parser import BytesParser
from io import BytesIO

import pytest
import zxingcpp
from icalendar import Calendar
from PIL import Image

from app.extensions import db
from app.invitations import messages
from app.invitations.services import settings_for
from app.mail import services as mail
from tests.mail.test_mail import smtp_server  # noqa: F401  (fixture: a real SMTP server)


def parsed(raw):
    """A message received by aiosmtpd, parsed with the modern e-mail API."""
    return BytesParser(policy=policy.default).parsebytes(raw.as_bytes())


def qr_text(png):
    [code] = zxingcpp.read_barcodes(Image.open(BytesIO(png)))
    return code.text


def inline_image(message, content_id):
    [part] = [p for p in message.walk() if p.get("Content-ID") == f"<{content_id}>"]
    return part


@pytest.fixture
def banquet(make_plan):
    plan = make_plan(title="客户答谢会", venue="上海浦东香格里拉", start_time=time(18, 30))
    settings = settings_for(plan)
    settings.subject_zh = "诚邀{name}出席{event}"
    settings.body_zh = "尊敬的{name}（{company}）：\n\n诚邀您于{date}莅临{venue}。\n\n请回复：{rsvp_link}"
    db.session.commit()
    return plan


@pytest.fixture
def smtp_app(make_app, smtp_server):  # noqa: F811
    return make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port)


def send_one(app, invitation):
    with app.app_context():
        invitation = db.session.merge(invitation)
        mail.send(messages.invitation_message(invitation, settings_for(invitation.plan)))


def test_chinese_invitation_arrives_with_link_and_calendar_but_no_qr_code(smtp_app, smtp_server, banquet, make_invitation):  # noqa: F811
    guest = make_invitation(plan=banquet, name="张伟", company="华东制造", locale="zh")
    send_one(smtp_app, guest)
    [raw] = smtp_server.received
    message = parsed(raw)
    link = f"http://rapport.test/rsvp/{guest.rsvp_token}"
    assert message["Subject"] == "诚邀张伟出席客户答谢会"
    assert message["To"].addresses[0].addr_spec == guest.email
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "尊敬的张伟（华东制造）" in text and link in text and "上海浦东香格里拉" in text
    assert f'href="{link}"' in html and "尊敬的张伟（华东制造）" in html
    # The invitation carries the RSVP link only: the check-in code comes with the acceptance.
    assert "cid:checkin-qr@rapport" not in html and guest.checkin_token not in html
    assert not [p for p in message.walk() if p.get("Content-ID")]
    [ics] = [part for part in message.iter_attachments() if part.get_filename() == "event.ics"]
    [event] = Calendar.from_ical(ics.get_content()).walk("VEVENT")
    assert str(event["SUMMARY"]) == "客户答谢会"
    assert str(event["UID"]) == f"plan-{banquet.id}@rapport.test"
    assert event["DTSTART"].dt.date() == banquet.event_day and event["DTSTART"].dt.time() == time(18, 30)
    assert str(event["LOCATION"]) == "上海浦东香格里拉"
    assert "URL" not in event  # the plan page is for staff only


def test_english_guest_gets_the_default_english_text(smtp_app, smtp_server, banquet, make_invitation):  # noqa: F811
    guest = make_invitation(plan=banquet, name="Anna Smith", locale="en")
    send_one(smtp_app, guest)
    message = parsed(smtp_server.received[0])
    assert message["Subject"] == "Invitation: 客户答谢会"
    text = message.get_body(("plain",)).get_content()
    assert text.startswith("Dear Anna Smith,")
    assert f"http://rapport.test/rsvp/{guest.rsvp_token}" in text
    assert "18:30" in text and "PM" not in text and "Please reply by" not in text
    assert "Reply to the invitation" in message.get_body(("html",)).get_content()


def test_values_are_escaped_in_html_and_kept_in_text(app, banquet, make_invitation):
    guest = make_invitation(plan=banquet, name="<b>x</b>", company="A & B", locale="zh")
    message = BytesParser(policy=policy.default).parsebytes(bytes(messages.invitation_message(guest, settings_for(banquet))))
    html = message.get_body(("html",)).get_content()
    assert "&lt;b&gt;x&lt;/b&gt;" in html and "A &amp; B" in html
    assert "<b>x</b>" not in html
    assert "尊敬的<b>x</b>（A & B）" in message.get_body(("plain",)).get_content()


def test_placeholders_are_filled_once_and_unknown_braces_stay():
    values = {"name": "{rsvp_link}", "rsvp_link": "http://x"}
    assert messages.fill("{name} {rsvp_link} {other} {}", values) == "{rsvp_link} http://x {other} {}"
    assert messages.template_errors("Dear {name}, {guest} {0} {name.__class__}") == ["{0}", "{guest}",
                                                                                     "{name.__class__}"]
    assert messages.template_errors("{name}{company}{event}{date}{venue}{rsvp_link}") == []


def test_template_form_refuses_unknown_placeholders_and_keeps_the_text(client_as, banquet):
    client = client_as("planner")
    url = f"/events/plans/{banquet.id}/invitation-template"
    response = client.post(url, data={"subject_zh": "邀请{guest}", "body_zh": "正文", "subject_en": "", "body_en": ""})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Unknown placeholder {guest}" in page and "邀请{guest}" in page
    assert settings_for(banquet).subject_zh == "诚邀{name}出席{event}"
    response = client.post(url, data={"subject_zh": " 邀请{name} ", "body_zh": "", "subject_en": "Hello {name}",
                                      "body_en": "Come to {event}: {rsvp_link}"})
    assert response.status_code == 302
    db.session.expire_all()
    saved = settings_for(banquet)
    assert (saved.subject_zh, saved.body_zh, saved.subject_en) == ("邀请{name}", "", "Hello {name}")


def test_preview_shows_both_languages_for_a_real_or_a_sample_guest(client_as, banquet, make_invitation):
    guest = make_invitation(plan=banquet, name="<i>李</i>", locale="zh")
    client = client_as("planner")
    page = client.get(f"/events/plans/{banquet.id}/invitation-template/preview?guest={guest.id}").get_data(as_text=True)
    assert "诚邀&lt;i&gt;李&lt;/i&gt;出席客户答谢会" in page and "Invitation: 客户答谢会" in page
    assert guest.rsvp_token in page  # the plain-text version, with this guest's link
    frame = client.get(f"/events/plans/{banquet.id}/invitation-template/preview/en.html?guest={guest.id}")
    assert "sandbox" in frame.headers["Content-Security-Policy"]
    assert "Dear &lt;i&gt;李&lt;/i&gt;," in frame.get_data(as_text=True)
    assert "data:image/png" not in frame.get_data(as_text=True)  # the invitation carries no check-in code
    sample = client.get(f"/events/plans/{banquet.id}/invitation-template/preview").get_data(as_text=True)
    assert "Sample Guest" in sample and "sample-rsvp-link" in sample
    db.session.expire_all()
    assert banquet.id and not [g for g in db.session.new]  # the sample guest is never saved


def test_a_guest_of_another_plan_is_not_previewed(client_as, banquet, make_invitation):
    stranger = make_invitation(name="别的计划的嘉宾")
    page = client_as("admin").get(f"/events/plans/{banquet.id}/invitation-template/preview?guest={stranger.id}")
    assert "别的计划的嘉宾" not in page.get_data(as_text=True) and stranger.rsvp_token not in page.get_data(as_text=True)
