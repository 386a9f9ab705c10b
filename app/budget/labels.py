"""The budget's vocabulary: what the pages, the card, the XLSX export and the e-mails call its
categories, states, change sections and notices."""
from flask_babel import lazy_gettext as _l

from app.budget.models import CONTINGENCY, RevisionState
from app.events.labels import CATEGORY_LABELS as EVENT_CATEGORY_LABELS

CATEGORY_LABELS = {**EVENT_CATEGORY_LABELS, CONTINGENCY: _l("Contingency")}
# The same words as the plan's states (app/events/labels.py).
REVISION_STATE_LABELS = {
    RevisionState.DRAFT: _l("Draft"),
    RevisionState.SUBMITTED: _l("Submitted"),
    RevisionState.APPROVED: _l("Approved"),
    RevisionState.REJECTED: _l("Rejected"),
}
# The sections of app/budget/snapshot.py, as the approval panel's list of changes heads them.
SECTION_LABELS = {
    "goals": _l("Goals"),
    "team": _l("Team"),
    "timeline": _l("Timeline"),
    "budget": _l("Budget lines"),
}
# The subject of the e-mail beside each budget notice (app/budget/tasks.py).
NOTICE_SUBJECTS = {
    "budget_waiting": _l("A budget waits for your approval"),
    "budget_second_approval": _l("A budget waits for an administrator's approval"),
    "budget_approved": _l("Your budget was approved"),
    "budget_rejected": _l("Your budget was rejected"),
}
# What the budget templates get.
LABELS = {"category_labels": CATEGORY_LABELS, "revision_state_labels": REVISION_STATE_LABELS}
