"""What the budget pages, the card and the XLSX export call the categories and states."""
from flask_babel import lazy_gettext as _l

from app.budget.models import CONTINGENCY, RevisionState
from app.events.labels import CATEGORY_LABELS as EVENT_CATEGORY_LABELS

CATEGORY_LABELS = {**EVENT_CATEGORY_LABELS, CONTINGENCY: _l("Contingency")}
# The same words as the plan's states (app/events/plan_views.py).
REVISION_STATE_LABELS = {
    RevisionState.DRAFT: _l("Draft"),
    RevisionState.SUBMITTED: _l("Submitted"),
    RevisionState.APPROVED: _l("Approved"),
    RevisionState.REJECTED: _l("Rejected"),
}
