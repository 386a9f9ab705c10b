"""The other channels: each guest's short personal message (SMS, WeChat) with their RSVP link,
as CSV or XLSX, in the guest's language. Only guests holding a seat (status guest) are listed."""
import csv
import io

from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from openpyxl import Workbook
from sqlalchemy import select

from app.core.spreadsheets import csv_row, xlsx_row
from app.events.guest_text import for_guest
from app.extensions import db
from app.invitations import messages
from app.invitations.labels import DECLINE_REASON_LABELS, LANGUAGE_NAMES, REPLY_LABELS
from app.invitations.models import GuestStatus, Invitation, Rsvp

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
COLUMNS = ((_l("Name"), 16), (_l("Company"), 26), (_l("Phone"), 16), (_l("E-mail"), 26), (_l("Language"), 8),
           (_l("Reply"), 10), (_l("Message"), 70), (_l("RSVP link"), 60),
           # The guest's answer, for the caterer and the planner.
           (_l("Companions"), 10), (_l("Dietary needs"), 24), (_l("Notes"), 40), (_l("Decline reason"), 36))
BATCH = 1000


def guests(plan):
    return db.session.scalars(
        select(Invitation).where(Invitation.plan_id == plan.id, Invitation.status == GuestStatus.GUEST)
        .order_by(Invitation.id).execution_options(yield_per=BATCH)
    )


def rows(plan):
    """[name, company, phone, e-mail, language, reply, message, link, companions, dietary needs, notes,
    decline reason] per guest; the event's
    words are formatted once per language."""
    event = {}
    for locale in ("zh", "en"):
        with force_locale(locale):
            text = for_guest(plan, locale)
            event[locale] = {"event": text.title, "date": messages.event_date(plan), "venue": messages.venue(text),
                             "template": str(messages.SHORT_TEXT)}
    for guest in guests(plan):
        words = event[guest.locale]
        link = messages.rsvp_link(guest)
        values = {**words, "name": guest.name, "company": guest.company or "", "rsvp_link": link}
        yield [guest.name, guest.company, guest.phone, guest.email, LANGUAGE_NAMES[guest.locale], str(REPLY_LABELS[guest.rsvp]),
               messages.fill(words["template"], values), link, *_answer(guest)]


def _answer(guest):
    """[companions, dietary needs, notes, decline reason] of the guest's answer."""
    reason = ""
    if guest.rsvp == Rsvp.DECLINED and guest.decline_reason:
        reason = str(DECLINE_REASON_LABELS[guest.decline_reason])
        if guest.decline_text:
            reason = _("%(reason)s: %(words)s", reason=reason, words=guest.decline_text)
    return [guest.companions if guest.rsvp == Rsvp.ACCEPTED else "", guest.dietary, guest.notes, reason]


def csv_text(plan):
    buffer = io.StringIO()
    buffer.write("\ufeff")  # Excel reads Chinese correctly with the byte-order mark
    writer = csv.writer(buffer)
    writer.writerow([str(label) for label, _width in COLUMNS])
    writer.writerows(csv_row(row) for row in rows(plan))
    return buffer.getvalue()


def xlsx_bytes(plan):
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Guests"))
    for index, (_label, width) in enumerate(COLUMNS):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    sheet.append([str(label) for label, _width in COLUMNS])
    for row in rows(plan):
        sheet.append(xlsx_row(sheet, row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
