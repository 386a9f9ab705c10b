"""The plan as it was approved with a budget revision, and what changed since: a resubmitted
plan shows its approver the differences in the plan's fields, goals, team, timeline and
budget (issue: a plan edited after approval). The snapshot is plain JSON stored on the
approved revision (`BudgetRevision.approved_snapshot`), so that later changes of the plan,
its team or its tasks cannot alter the record of what was approved."""
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import select

from app.auth.models import User
from app.budget.services import check
from app.events.plan_models import RoleAssignment
from app.events.plans import EDITABLE_FIELDS
from app.extensions import db

SECTIONS = ("goals", "team", "timeline", "budget")
# What makes two rows of a section the same item changed (a task moved, a line repriced),
# rather than one removed and another added.
ITEM_KEYS = {
    "goals": lambda row: tuple(row[:2]),  # text, metric
    "timeline": lambda row: tuple(row[:4]),  # phase, titles, owner role
    "budget": lambda row: tuple(row[:2]),  # category, description
}


def _json(value):
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_json(item) for item in value]
    if value is None or isinstance(value, (bool, int, str)):
        return value
    return str(value)  # Decimal


def take(plan, revision):
    """The plan and `revision` as JSON: what an approval approves."""
    team = db.session.execute(
        select(RoleAssignment.role, User.name).join(User, User.id == RoleAssignment.user_id)
        .where(RoleAssignment.plan_id == plan.id).order_by(RoleAssignment.role, User.name)
    ).all()
    return {
        "plan": {name: _json(getattr(plan, name)) for name in EDITABLE_FIELDS},
        "goals": [[goal.text, goal.metric, _json(goal.baseline), _json(goal.target), _json(goal.deadline)]
                  for goal in plan.goals],
        "team": [[role, name] for role, name in team],
        "timeline": [[task.phase, task.title_zh, task.title_en, task.owner_role, task.due_on.isoformat()]
                     for task in plan.tasks],
        "budget": {
            "revision": revision.number,
            "total": str(check(revision).total),
            "lines": [[line.category, line.description, str(line.quantity), line.unit, str(line.unit_price),
                       str(line.amount)] for line in revision.lines],
        },
    }


@dataclass
class Changes:
    """What differs between an approved snapshot and now. `fields`: [(name, before, after)] of
    the plan's fields; each section of SECTIONS: (removed, added, changed) with rows removed and
    added and [(before, after)] of items changed; `total`: (before, after) when the budget's
    total changed."""

    approved_revision: int
    fields: list = field(default_factory=list)
    sections: dict = field(default_factory=dict)
    total: tuple | None = None

    def __bool__(self):
        return bool(self.fields or self.total or any(any(rows) for rows in self.sections.values()))


def _rows(rows):
    return [tuple(row) for row in rows]


def _difference(before, after):
    """(rows only before, rows only after), repeats counted, in their order."""
    left, right = Counter(_rows(before)), Counter(_rows(after))
    removed, added = left - right, right - left

    def take_from(rows, wanted):
        out = []
        for row in _rows(rows):
            if wanted[row] > 0:
                out.append(row)
                wanted[row] -= 1
        return out

    return take_from(before, removed), take_from(after, added)


def _paired(section, removed, added):
    """(removed, added, changed): a removed and an added row of the same item become a change."""
    key = ITEM_KEYS.get(section)
    if key is None:
        return removed, added, []
    changed, left = [], list(added)
    still_removed = []
    for row in removed:
        match = next((other for other in left if key(other) == key(row)), None)
        if match is None:
            still_removed.append(row)
        else:
            left.remove(match)
            changed.append((row, match))
    return still_removed, left, changed


def compare(before, after, approved_revision):
    """Changes from the snapshot `before` (approved with revision `approved_revision`) to `after`."""
    changes = Changes(approved_revision)
    for name in EDITABLE_FIELDS:
        old, new = before["plan"].get(name), after["plan"].get(name)
        if old != new:
            changes.fields.append((name, old, new))
    for section in ("goals", "team", "timeline"):
        changes.sections[section] = _paired(section, *_difference(before.get(section, []), after.get(section, [])))
    changes.sections["budget"] = _paired("budget", *_difference(before["budget"]["lines"], after["budget"]["lines"]))
    if before["budget"]["total"] != after["budget"]["total"]:
        changes.total = (before["budget"]["total"], after["budget"]["total"])
    return changes


def since_approval(plan, revision, approved):
    """What changed in `plan` and `revision` since the approved revision `approved` (a plan
    reopened by a change still has it as its current revision), or None when there is nothing
    to compare with (no approval yet, or one approved before snapshots were kept)."""
    if approved is None or not approved.approved_snapshot:
        return None
    return compare(approved.approved_snapshot, take(plan, revision), approved.number)
