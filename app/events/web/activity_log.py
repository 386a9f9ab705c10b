"""The plan page's activity log: its entries as sentences in the reader's language."""
from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.core.formatting import listing, money
from app.events import workflow
from app.events.labels import FIELD_LABELS, METRIC_LABELS
from app.events.web.blueprint import bp

MONEY_FIELDS = ("unit_price", "amount")
SENTENCES = {
    "plan.submit": _l("submitted the plan for approval with budget revision %(revision)s (%(total)s)"),
    "plan.approve": _l("approved budget revision %(revision)s, and with it the plan"),
    "budget.approved": _l("gave budget revision %(revision)s the first of its %(approvals_needed)s approvals"),
    "plan.reject": _l("rejected budget revision %(revision)s"),
    "plan.reopen.withdrawn": _l("withdrew budget revision %(revision)s from approval"),
    "plan.reopen": _l("reopened the plan as a draft: after the change it is approved again"),
    "plan.complete": _l("marked the plan completed"),
    "plan.review": _l("marked the plan reviewed"),
    "plan.cancel": _l("cancelled the plan"),
    "plan.edited": _l("edited the plan: %(fields)s"),
    "goal.added": _l("added the goal “%(goal)s”"),
    "goal.changed": _l("changed the goal “%(goal)s”"),
    "goal.removed": _l("removed the goal “%(goal)s”"),
    "budget.started": _l("started the budget with %(lines)s lines (%(total)s)"),
    "budget.revised": _l("started budget revision %(revision)s from the approved revision %(previous)s"),
    "budget.line_added": _l("added the budget line “%(line)s” (%(amount)s)"),
    "budget.line_changed": _l("changed the budget line “%(line)s”: %(changes)s"),
    "budget.line_removed": _l("removed the budget line “%(line)s” (%(amount)s)"),
    "budget.line_moved": _l("moved the budget line “%(line)s” from place %(previous)s to %(position)s"),
    "budget.contingency_set": _l("set the contingency reserve to %(amount)s, 10%% of %(base)s"),
    "budget.actual_entered": _l("entered the actual spend of “%(line)s”: %(actual)s (planned %(planned)s)"),
    "guests.added": _l("added %(guest)s to the guest list"),
    "guests.promoted": _l("moved %(guests)s from the waiting list to the guest list"),
    "guests.token_reissued": _l("sent %(guest)s a new personal link"),
    "guests.built": _l("built the guest list from the target tiers: %(guests)s guests, %(waitlisted)s on the waiting "
                       "list, %(held_out)s held out for comparison, %(flagged)s flagged"),
    "guests.included": _l("included %(guest)s in the guest list"),
    "guests.removed": _l("took %(guest)s off the guest list"),
    "guests.moved": _l("moved %(guest)s between the guest list and the waiting list"),
    "guests.settings_changed": _l("changed the invitation settings"),
    # The guest answers through the personal link: the guest is the one named (activity_actor).
    "guests.answered.accepted": _l("accepted the invitation (companions: %(companions)s)"),
    "guests.answered.declined": _l("declined the invitation"),
    "checkin.undone": _l("undid the check-in of %(guest)s: %(reason)s"),
    "checkin.link_created": _l("created a door helper link for %(helper)s"),
    "checkin.link_revoked": _l("revoked the door helper link of %(helper)s"),
    "checkin.settings_changed": _l("changed the door settings"),
}
STATE_CHANGE = _l("changed the plan’s state: it was %(previous)s and is now %(state)s")
UNKNOWN = _l("made a change (%(action)s)")


def _money(value):
    return money(Decimal(value)) if value not in (None, "", "None") else "—"


def _params(entry):
    """The sentence's parameters from the entry's detail: money formatted, names translated."""
    detail = dict(entry.detail or {})
    for key in ("total", "amount", "base", "actual", "planned"):
        if key in detail:
            detail[key] = _money(detail[key])
    if entry.action.startswith("goal."):
        detail["goal"] = detail.get("text") or METRIC_LABELS.get(detail.get("metric"), detail.get("metric"))
    if isinstance(detail.get("guests"), list):
        detail["guests"] = listing(detail["guests"])
    if "fields" in detail:
        detail["fields"] = listing(FIELD_LABELS.get(field, field) for field in detail["fields"])
    if "changes" in detail:
        detail["changes"] = listing(
            f"{FIELD_LABELS.get(field, field)} "
            + " → ".join(_money(value) if field in MONEY_FIELDS else str(value) for value in values)
            for field, values in detail["changes"].items()
        )
    for key in ("previous", "state"):
        if detail.get(key) in workflow.STATE_NAMES:
            detail[key] = workflow.STATE_NAMES[detail[key]]
    return detail


@bp.app_template_filter("activity_actor")
def activity_actor(entry):
    """Who did it: the user; a guest answering through the personal link; else the API or a task."""
    if entry.user is not None:
        return entry.user.name
    if entry.action == "guests.answered" and (entry.detail or {}).get("guest"):
        return entry.detail["guest"]
    return _("API or system")


@bp.app_template_filter("activity_sentence")
def activity_sentence(entry):
    """What the entry did, as a phrase after the person's name, in the reader's language.
    Codes this version does not know still read as a sentence."""
    detail = entry.detail or {}
    code = entry.action + (".withdrawn" if detail.get("withdrawn") else "")
    if entry.action == "guests.answered":
        code += f".{detail.get('rsvp')}"
    params = _params(entry)
    for template in (SENTENCES.get(code), STATE_CHANGE if "state" in params else None, UNKNOWN):
        if template is None:
            continue
        try:
            return str(template) % {"action": entry.action, **params}
        except (KeyError, TypeError, ValueError):
            continue
    return entry.action
