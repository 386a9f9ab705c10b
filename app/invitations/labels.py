"""The invitations' vocabulary: the labels of guest statuses, answers, flags, decline reasons,
languages and the kinds of message sent, for the pages, exports, e-mails and the API alike."""
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from app.customers.labels import TIER_LABELS
from app.invitations.models import (
    CANCELLATION,
    CONFIRMATION,
    INVITATION,
    MANUAL,
    NUDGE,
    REMINDER,
    UPDATE,
    DeclineReason,
    GuestStatus,
    Rsvp,
)

STATUS_LABELS = {
    GuestStatus.GUEST: _l("On the list"),
    GuestStatus.WAITLIST: _l("Waitlist"),
    GuestStatus.FLAGGED: _l("Flagged"),
    GuestStatus.REMOVED: _l("Removed"),
}
RSVP_LABELS = {Rsvp.PENDING: _l("No answer yet"), Rsvp.ACCEPTED: _l("Accepted"), Rsvp.DECLINED: _l("Declined")}
# The reply column of the exports (SMS/WeChat lists), shorter than the page's.
REPLY_LABELS = {Rsvp.PENDING: _l("No answer"), Rsvp.ACCEPTED: _l("Accepted"), Rsvp.DECLINED: _l("Declined")}
# Why a customer was flagged when the list was built (guest_list.NO_CONSENT, guest_list.UNREACHABLE).
FLAG_LABELS = {"no_consent": _l("No consent to contact"), "unreachable": _l("No e-mail, phone or WeChat")}
DECLINE_REASON_LABELS = {
    DeclineReason.SCHEDULE: _l("The date or time does not suit me"),
    DeclineReason.DISTANCE: _l("The venue is too far for me"),
    DeclineReason.NOT_INTERESTED: _l("The topic is not of interest to me"),
    DeclineReason.SENDING_SOMEONE: _l("A colleague will come in my place"),
    DeclineReason.OTHER: _l("Another reason"),
}
# A guest's language, named in that language.
LANGUAGE_NAMES = {"zh": "中文", "en": "English"}

# What the guest list and dashboard templates get.
LABELS = {"tier_labels": TIER_LABELS, "status_labels": STATUS_LABELS, "rsvp_labels": RSVP_LABELS,
          "flag_labels": FLAG_LABELS, "reason_labels": DECLINE_REASON_LABELS}


def kind_label(kind):
    """The name of a send by its outbox kind (models.INVITATION ...)."""
    if kind == INVITATION:
        return _("Invitation")
    if kind == NUDGE:
        return _("Nudge to answer")
    if kind == CONFIRMATION:
        return _("Confirmations of acceptance")
    if kind == CANCELLATION:
        return _("Notice of the cancellation")
    if kind.startswith(f"{UPDATE}_"):
        return _("Notice of a change")
    if kind.startswith(f"{MANUAL}_"):
        return _("Reminder (sent by hand)")
    days = kind.removeprefix(f"{REMINDER}_")
    return ngettext("Reminder %(num)s day before", "Reminder %(num)s days before", int(days)) if days.isdigit() else kind
