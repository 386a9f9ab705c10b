"""The e-mails to guests, in each guest's language: the invitation (from the plan's editable
template), reminders and the nudge. HTML and plain text, the event's details, the personal RSVP
link, the check-in QR code as an inline image and the event as an .ics attachment."""
import re
from base64 import b64encode

from flask import current_app, render_template
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from app.core.formatting import day, moment
from app.core.http import external_url
from app.core.text import single_line
from app.events.calendar import guest_calendar
from app.events.guest_text import for_guest
from app.invitations.qr import checkin_png
from app.mail import services as mail

PLACEHOLDERS = ("name", "company", "event", "date", "venue", "rsvp_link")
PLACEHOLDER = re.compile(r"\{(\w*)\}")
BRACES = re.compile(r"\{([^{}]*)\}")
QR_CID = "checkin-qr@rapport"
QR_BOX = 6  # pixels per module: sharp on a phone, small in the message

DEFAULT_SUBJECT = _l("Invitation: {event}")
DEFAULT_BODY = _l(
    "Dear {name},\n\nIt is our pleasure to invite you to {event} on {date}, {venue}.\n\n"
    "Please tell us whether you will come by your personal link (it is yours alone, please do not forward it):\n"
    "{rsvp_link}\n\nWe look forward to welcoming you."
)
SHORT_TEXT = _l("{name}, you are invited to {event} on {date}, {venue}. Please reply here: {rsvp_link}")
NUDGE_SUBJECT = _l("Will you join us? {event}")
NUDGE_BODY = _l(
    "Dear {name},\n\nWe have not heard from you yet. Will you join us at {event} on {date}, {venue}?\n\n"
    "Please reply by your personal link:\n{rsvp_link}"
)
REMINDER_BODY = _l(
    "Dear {name},\n\nWe look forward to seeing you at {event} on {date}, {venue}.\n\n"
    "Please show the QR code in this e-mail at the entrance. Your reply, which you may still change:\n{rsvp_link}"
)


def template_errors(text):
    """The unknown placeholders in a subject or body, e.g. ['{guest}'] (empty when valid)."""
    return sorted({f"{{{name}}}" for name in BRACES.findall(text or "") if name not in PLACEHOLDERS})


def fill(template, values):
    """`template` with each known {placeholder} replaced, in one pass (values are never re-read
    as placeholders), and anything else between braces left as it is."""
    return PLACEHOLDER.sub(lambda match: str(values.get(match.group(1), match.group(0))), template)


def rsvp_link(invitation):
    """The guest's personal RSVP page."""
    return external_url(current_app, "invitations.rsvp", token=invitation.rsvp_token)


def event_date(plan):
    """The event's day (and start time) in the current language's one style."""
    return moment(plan.event_day, plan.start_time)


def venue(text):
    """Where, from a plan's `GuestText`: its venue, else "online" for an online event."""
    return text.venue or (_("online") if text.online else "")


def colon(locale):
    """Before a value in a line such as "Date: ...": the full-width colon in Chinese."""
    return "：" if locale == "zh" else ": "


def values_for(invitation, plan=None, locale=None):
    """The placeholders' values for one guest, in the current language; the plan's title and
    venue in `locale` (the guest's by default), in English when the plan has them."""
    plan = plan or invitation.plan
    text = for_guest(plan, locale or invitation.locale)
    return {"name": single_line(invitation.name), "company": single_line(invitation.company or ""), "event": text.title,
            "date": event_date(plan), "venue": venue(text), "rsvp_link": rsvp_link(invitation)}


def _texts(settings, kind, locale):
    """(subject, body) templates of `kind` in `locale`: the plan's own invitation text when
    it has one, otherwise the defaults."""
    if kind == "invitation":
        subject = getattr(settings, f"subject_{locale}") or str(DEFAULT_SUBJECT)
        return subject, getattr(settings, f"body_{locale}") or str(DEFAULT_BODY)
    if kind == "nudge":
        return str(NUDGE_SUBJECT), str(NUDGE_BODY)
    days = int(kind.removeprefix("reminder_")) if re.fullmatch(r"reminder_\d+", kind) else None
    if days is None:
        subject = _("Reminder: {event}")
    elif days == 1:
        subject = _("Reminder: {event} is tomorrow")
    else:
        subject = ngettext("Reminder: {event} in %(num)d day", "Reminder: {event} in %(num)d days", days)
    return subject, str(REMINDER_BODY)


def _paragraphs(body, values):
    """The filled body as HTML paragraphs; every value is escaped, the link made clickable."""
    link = escape(values["rsvp_link"])
    safe = {**{key: escape(value) for key, value in values.items()}, "rsvp_link": Markup(f'<a href="{link}">{link}</a>')}
    html = fill(str(escape(body.strip())), safe)
    return [Markup(part.strip().replace("\n", "<br>\n")) for part in re.split(r"\n\s*\n", html) if part.strip()]


def render_parts(invitation, settings, locale, kind="invitation", qr_src=f"cid:{QR_CID}", plan=None):
    """(subject, text, html) of one message in `locale` (call inside force_locale(locale));
    `qr_src` is where the HTML finds the QR image (the inline part, or a data: URI)."""
    plan = plan or invitation.plan
    values = values_for(invitation, plan, locale)
    subject_template, body = _texts(settings, kind, locale)
    subject = " ".join(fill(subject_template, values).split())  # one header line
    deadline = day(settings.rsvp_deadline)
    context = {"subject": subject, "plan": plan, "values": values, "deadline": deadline, "qr_src": qr_src,
               "lang": "zh-CN" if locale == "zh" else "en", "colon": colon(locale)}
    text = render_template("invitations/email/message.txt", body=fill(body.strip(), values), **context)
    html = render_template("invitations/email/message.html", paragraphs=_paragraphs(body, values), **context)
    return subject, text, html


def invitation_message(invitation, settings, kind="invitation", cache=None):
    """The e-mail of `kind` ("invitation", "reminder_<days>", "nudge", "manual_<job>") to one
    guest. `cache`, a dict kept by the caller, holds the .ics per language across a batch."""
    plan = invitation.plan
    cache = {} if cache is None else cache
    with force_locale(invitation.locale):
        subject, text, html = render_parts(invitation, settings, invitation.locale, kind, plan=plan)
        key = ("ics", plan.id, invitation.locale)
        if key not in cache:
            cache[key] = guest_calendar(plan, invitation.locale, current_app.config["BASE_URL"])
        ics = cache[key]
    return mail.build_message(
        mail.address(invitation.name, invitation.email), subject, text, html,
        attachments=[("event.ics", "text/calendar", ics)],
        inline_images=[(QR_CID, "image/png", checkin_png(invitation.checkin_token, QR_BOX))],
    )


def preview(invitation, settings, locale, plan=None):
    """What `invitation_message` would send in `locale`, for the preview page: subject, text
    and HTML, the QR code as a data: URI (a page cannot show cid: images)."""
    qr = "data:image/png;base64," + b64encode(checkin_png(invitation.checkin_token, QR_BOX)).decode()
    with force_locale(locale):
        subject, text, html = render_parts(invitation, settings, locale, qr_src=qr, plan=plan)
    return {"locale": locale, "subject": subject, "text": text, "html": html}

