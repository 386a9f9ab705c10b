"""The notices' vocabulary: the sentence of each kind of notice, filled from its params."""
from flask_babel import lazy_gettext as _l

# kind: the sentence, filled from the notice's params.
MESSAGES = {
    "budget_waiting": _l("%(submitter)s submitted the budget of “%(plan)s” (revision %(revision)s, %(total)s): "
                         "it waits for your approval."),
    "budget_second_approval": _l("The budget of “%(plan)s” (revision %(revision)s, %(total)s) was approved once "
                                 "and is above the limit for one approval: it waits for an administrator's approval."),
    "budget_approved": _l("%(approver)s approved the budget of “%(plan)s” (revision %(revision)s)."),
    "budget_rejected": _l("%(approver)s rejected the budget of “%(plan)s” (revision %(revision)s)."),
    "guest_waitlisted": _l("%(guest)s accepted the invitation to “%(plan)s”, but no seat was left: the guest is "
                           "on the waitlist, place %(position)s (with %(companions)s companions)."),
}
# Shown for a notice whose kind or params this version does not know (one from an older version).
UNKNOWN_NOTICE = _l("A notice of a kind this version does not know.")
