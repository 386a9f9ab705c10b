"""The main menu. Each entry shows only to users whose roles its view allows,
so the menu can never offer a page that would answer 403."""
from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l

from app.auth.access import rule_for


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    label: object
    icon: str
    badge: object = None  # a function of the user: the count shown beside the label


def _approvals_waiting(user):
    # Imported when asked: app.budget builds on app.core, not the other way round.
    from app.budget.approvals import waiting_count

    return waiting_count(user)


# Later packages add their entries here, in menu order.
MAIN_MENU = (
    NavItem("core.home", _l("Home"), "house"),
    NavItem("events.my_tasks", _l("My tasks"), "check2-square"),
    NavItem("customers.index", _l("Customers"), "person-vcard"),
    NavItem("customers.tiers", _l("Tiers"), "bar-chart"),
    NavItem("events.plans", _l("Plans"), "journal-text"),
    NavItem("events.types", _l("Event types"), "calendar-event"),
    NavItem("budget.approvals", _l("Approvals"), "clipboard-check", badge=_approvals_waiting),
    NavItem("auth.users", _l("Users"), "people"),
)


def navigation_for(user):
    return [item for item in MAIN_MENU if rule_for(current_app, item.endpoint).allows(user)]
