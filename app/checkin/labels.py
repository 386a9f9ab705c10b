"""The door's vocabulary: what each answer, reason and source is called, in the reader's language."""
from flask_babel import lazy_gettext as _l

from app.checkin.models import ScanSource, ScanStatus
from app.checkin.services import Look
from app.customers.labels import TIER_LABELS

# The big word on the answer screen.
STATUS_LABELS = {
    ScanStatus.OK: _l("Welcome"),
    ScanStatus.ALREADY_CHECKED_IN: _l("Already checked in"),
    ScanStatus.UNKNOWN: _l("Unknown code"),
    ScanStatus.REVOKED: _l("Code not valid"),
    ScanStatus.WRONG_EVENT: _l("Another event"),
    ScanStatus.DECLINED: _l("Declined the invitation"),
    ScanStatus.NOT_ATTENDING: _l("Not confirmed"),
}
REASON_LABELS = {
    "malformed": _l("This is not a Rapport check-in code."),
    "reissued": _l("This code was replaced by a new one: ask the guest for the new invitation."),
    "removed": _l("The guest was taken off the guest list."),
    "event_cancelled": _l("The event is cancelled."),
    "no_answer": _l("The guest has not answered the invitation."),
    "waitlist": _l("The guest is on the waiting list."),
    "flagged": _l("The guest was not invited."),
    "walk_in": _l("Walk-in: added at the door."),
}
LOOK_LABELS = {
    Look.HIGH_VALUE: _l("High-value customer"),
    Look.NOTES: _l("Notes"),
    Look.DIETARY: _l("Dietary needs"),
    Look.COMPANIONS: _l("Companions expected"),
    Look.NOT_ATTENDING: _l("Not confirmed, admitted by the event's setting"),
    Look.WALK_IN: _l("Walk-in"),
}
SOURCE_LABELS = {
    ScanSource.CAMERA: _l("Camera"),
    ScanSource.SCANNER: _l("Scanner"),
    ScanSource.MANUAL: _l("By hand"),
}
# Shown by the scanner page while an answer has not come back from the server.
NOT_VERIFIED = _l("NOT VERIFIED")

LABELS = {"status_labels": STATUS_LABELS, "reason_labels": REASON_LABELS, "look_labels": LOOK_LABELS,
          "source_labels": SOURCE_LABELS, "tier_labels": TIER_LABELS}
