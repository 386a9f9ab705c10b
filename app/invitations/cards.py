"""Printable invitation cards for care visits and post: one A5 page per guest, in the guest's
language, with the event's details, the check-in QR code and the RSVP link (WeasyPrint, as the
printed plan in app/events/pdf.py)."""
from base64 import b64encode

from flask import render_template
from flask_babel import force_locale
from markupsafe import Markup
from weasyprint import HTML

from app.core.formatting import day
from app.events.pdf import DataOnlyFetcher
from app.invitations import messages
from app.invitations.exports import guests
from app.invitations.qr import checkin_png
from app.invitations.services import settings_for


def _card(plan, settings, guest):
    """One card's HTML, in the guest's language."""
    qr = "data:image/png;base64," + b64encode(checkin_png(guest.checkin_token)).decode()
    with force_locale(guest.locale):
        return Markup(render_template(
            "invitations/_card.html", plan=plan, guest=guest, values=messages.values_for(guest, plan), qr_src=qr,
            deadline=day(settings.rsvp_deadline),
            lang="zh-CN" if guest.locale == "zh" else "en", colon=messages.colon(guest.locale),
        ))  # rendered, so escaped already


def render_cards(plan):
    """The cards of every guest holding a seat, as PDF bytes."""
    settings = settings_for(plan)
    cards = [_card(plan, settings, guest) for guest in guests(plan)]
    html = render_template("invitations/cards.html", plan=plan, cards=cards)
    return HTML(string=html, url_fetcher=DataOnlyFetcher()).write_pdf()
