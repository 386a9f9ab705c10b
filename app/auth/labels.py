"""The accounts' vocabulary: what the pages, the menu and the e-mails call the roles and languages."""
from flask_babel import lazy_gettext as _l

from app.auth.models import Role

ROLE_LABELS = {
    Role.ADMIN: _l("Administrator"),
    Role.PLANNER: _l("Planner"),
    Role.MANAGER: _l("Manager"),
    Role.STAFF: _l("Door staff"),
}
# What each role does, as the home page tells its holder.
ROLE_DUTIES = {
    Role.ADMIN: _l("Manage user accounts and roles, event types and tier rules."),
    Role.PLANNER: _l("Draft event plans from the template: target tiers, timeline, roles, budget and guest list."),
    Role.MANAGER: _l("Approve or reject event budgets and read the review reports."),
    Role.STAFF: _l("Check guests in at the door by scanning their QR codes and register walk-ins."),
}
# A user's language: "" follows the browser's; each language is named in itself.
LOCALE_LABELS = {"": _l("Browser language"), "zh": "中文", "en": "English"}
# What the auth templates get.
LABELS = {"role_labels": ROLE_LABELS}
