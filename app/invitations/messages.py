"""The e-mails to guests, in each guest's language: the invitation (from the plan's editable
template), reminders, the nudge, the confirmation of an acceptance and the notice of a change or
cancellation. HTML and plain text, the event's details, the personal RSVP link and the event as
an .ics attachment. The check-in QR code (an inline image) travels only in the messages to a guest
who has accepted (confirmation, reminders) and only while it admits (`services.admits`): the
invitation carries the RSVP link alone."""
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
from app.invitations import services
from app.invitations.models import CANCELLATION, CONFIRMATION, UPDATE, GuestStatus, Rsvp
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
CONFIRMATION_SUBJECT = _l("You are registered: {event}")
CONFIRMATION_BODY = _l(
    "Dear {name},\n\nthank you for accepting our invitation to {event} on {date}, {venue}. We look forward to "
    "welcoming you.\n\nPlease show the QR code in this e-mail at the entrance; it is yours alone, please do not "
    "forward it. You may still change your answer by your personal link:\n{rsvp_link}"
)
UPDATE_SUBJECT = _l("Changed: {event}")
UPDATE_BODY = _l(
    "Dear {name},\n\nplease note a change to {event}: it now takes place on {date}, {venue}.\n\n"
    "The attached calendar file updates the event in your calendar. Your reply, which you may still change:\n"
    "{rsvp_link}"
)
CANCELLATION_SUBJECT = _l("Cancelled: {event}")
CANCELLATION_BODY = _l(
    "Dear {name},\n\nwe are sorry to tell you that {event} on {date}, {venue} has been cancelled.\n\n"
    "The attached calendar file removes the event from your calendar. Thank you for your interest; we hope to "
    "welcome you at one of our next events."
)
REMINDER_BODY = _l(
    "Dear {name},\n\nWe look forward to seeing you at {event} on {date}, {venue}.\n\n"
    "Please show the QR code in this e-mail at the entrance. Your reply, which you may still change:\n{rsvp_link}"
)


def is_update(kind):
    return kind.startswith(f"{UPDATE}_")


def with_qr(kind):
    """The kinds of message that go to accepted guests and carry their check-in code."""
    return kind == CONFIRMATION or kind.startswith(("reminder_", "manual_"))


def refused(invitation, kind):
    """Why the message of `kind` may not go to this guest now (checked when it is sent), or None."""
    if not invitation.email:
        return _l("The guest is no longer on the list.")
    if kind == CONFIRMATION:
        return None if services.admits(invitation) else _l("The guest has not accepted (any more).")
    if kind == CANCELLATION or is_update(kind):  # the guests who expect to come, or hope to
        accepted = invitation.status == GuestStatus.GUEST and invitation.rsvp == Rsvp.ACCEPTED
        return None if accepted or invitation.status == GuestStatus.WAITLIST else _l(
            "The guest is no longer expected.")
    if invitation.status != GuestStatus.GUEST:
        return _l("The guest is no longer on the list.")
    if kind == "invitation":
        return services.sending_refused(invitation.plan)
    return None


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
            "date": event_date(plan), "venue": venue(text), "address": text.address, "dress_code": text.dress_code,
            "rsvp_link": rsvp_link(invitation)}


def _texts(settings, kind, locale):
    """(subject, body) templates of `kind` in `locale`: the plan's own invitation text when
    it has one, otherwise the defaults."""
    if kind == "invitation":
        subject = getattr(settings, f"subject_{locale}") or str(DEFAULT_SUBJECT)
        return subject, getattr(settings, f"body_{locale}") or str(DEFAULT_BODY)
    if kind == "nudge":
        return str(NUDGE_SUBJECT), str(NUDGE_BODY)
    if kind == CONFIRMATION:
        return str(CONFIRMATION_SUBJECT), str(CONFIRMATION_BODY)
    if kind == CANCELLATION:
        return str(CANCELLATION_SUBJECT), str(CANCELLATION_BODY)
    if is_update(kind):
        return str(UPDATE_SUBJECT), str(UPDATE_BODY)
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


def _button(kind):
    if kind in ("invitation", "nudge"):
        return _("Reply to the invitation")
    return None if kind == CANCELLATION else _("See or change your answer")


def render_parts(invitation, settings, locale, kind="invitation", qr_src=f"cid:{QR_CID}", plan=None):
    """(subject, text, html) of one message in `locale` (call inside force_locale(locale));
    `qr_src` is where the HTML finds the QR image (the inline part, or a data: URI), None for
    a message without it."""
    plan = plan or invitation.plan
    values = values_for(invitation, plan, locale)
    subject_template, body = _texts(settings, kind, locale)
    subject = " ".join(fill(subject_template, values).split())  # one header line
    asks = kind in ("invitation", "nudge")
    deadline = day(settings.rsvp_deadline) if settings.rsvp_deadline and asks else ""
    context = {"subject": subject, "plan": plan, "values": values, "deadline": deadline, "qr_src": qr_src,
               "button": _button(kind), "cancelled": kind == CANCELLATION, "lang": "zh-CN" if locale == "zh" else "en",
               "colon": colon(locale)}
    text = render_template("invitations/email/message.txt", body=fill(body.strip(), values), **context)
    html = render_template("invitations/email/message.html", paragraphs=_paragraphs(body, values), **context)
    return subject, text, html


def invitation_message(invitation, settings, kind="invitation", cache=None):
    """The e-mail of `kind` ("invitation", "reminder_<days>", "nudge", "manual_<job>",
    "confirmation", "update_<version>", "cancellation") to one guest. `cache`, a dict kept by the
    caller, holds the .ics per language across a batch."""
    plan = invitation.plan
    cache = {} if cache is None else cache
    qr = with_qr(kind) and services.admits(invitation)
    with force_locale(invitation.locale):
        subject, text, html = render_parts(invitation, settings, invitation.locale, kind,
                                           qr_src=f"cid:{QR_CID}" if qr else None, plan=plan)
        key = ("ics", plan.id, plan.version, invitation.locale)
        if key not in cache:
            cache[key] = guest_calendar(plan, invitation.locale, current_app.config["BASE_URL"])
        ics = cache[key]
    return mail.build_message(
        mail.address(invitation.name, invitation.email), subject, text, html,
        attachments=[("event.ics", "text/calendar", ics)],
        inline_images=[(QR_CID, "image/png", checkin_png(invitation.checkin_token, QR_BOX))] if qr else (),
    )


def preview(invitation, settings, locale, plan=None, kind="invitation"):
    """What `invitation_message` would send in `locale`, for the preview page: subject, text
    and HTML, a QR code (for the kinds that carry one) as a data: URI (a page cannot show cid:
    images)."""
    qr = None
    if with_qr(kind):
        qr = "data:image/png;base64," + b64encode(checkin_png(invitation.checkin_token, QR_BOX)).decode()
    with force_locale(locale):
        subject, text, html = render_parts(invitation, settings, locale, kind, qr_src=qr, plan=plan)
    return {"locale": locale, "subject": subject, "text": text, "html": html}

