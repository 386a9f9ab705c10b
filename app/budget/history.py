"""The revisions of a plan's budget, each compared with the one before it: lines added,
removed and changed, the totals, and who decided on it.

A revision's lines are copies, so lines are matched across revisions by what they are:
the contingency line with the contingency line, others by category and description (in
the same place first), then a line whose description changed by category and place."""
from collections import defaultdict, deque
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.budget.models import CONTINGENCY, BudgetApproval, BudgetRevision, RevisionState
from app.budget.services import check
from app.extensions import db

COMPARED = ("category", "description", "quantity", "unit", "unit_price", "amount", "note")


@dataclass(frozen=True)
class Change:
    before: object  # BudgetLine
    after: object
    fields: tuple  # the names in COMPARED whose values differ


@dataclass(frozen=True)
class Entry:
    revision: BudgetRevision
    check: object  # ContingencyCheck of this revision
    previous: object  # ContingencyCheck of the revision before, None for the first
    added: list
    removed: list
    changed: list
    after_approval: bool = False  # the revision before was approved (a resubmission)

    @property
    def total_change(self):
        return None if self.previous is None else self.check.total - self.previous.total


def _key(line):
    if line.category == CONTINGENCY:
        return (CONTINGENCY,)
    return (line.category, line.description.strip())


# Tried in turn: the same line in the same place, the same line moved, a line renamed in place.
MATCHES = (lambda line: (_key(line), line.position), _key, lambda line: (line.category, line.position))


def _pair(before, after, key):
    """Pairs lines with equal `key` in order: (pairs, unpaired before, unpaired after)."""
    waiting = defaultdict(deque)
    for line in before:
        waiting[key(line)].append(line)
    pairs, unpaired = [], []
    for line in after:
        queue = waiting.get(key(line))
        if queue:
            pairs.append((queue.popleft(), line))
        else:
            unpaired.append(line)
    paired = {id(old) for old, _new in pairs}
    return pairs, [line for line in before if id(line) not in paired], unpaired


def compare(before, after):
    """(added, removed, changed) from the lines `before` to the lines `after`."""
    pairs = []
    for key in MATCHES:
        found, before, after = _pair(before, after, key)
        pairs += found
    changed = [Change(old, new, fields) for old, new in pairs
               if (fields := tuple(f for f in COMPARED if getattr(old, f) != getattr(new, f)))]
    changed.sort(key=lambda change: (change.after.position, change.after.id))
    return after, before, changed


def history(plan):
    """[Entry], newest revision first, in a fixed number of queries."""
    revisions = db.session.scalars(
        select(BudgetRevision).where(BudgetRevision.plan_id == plan.id).order_by(BudgetRevision.number)
        .options(selectinload(BudgetRevision.lines), selectinload(BudgetRevision.submitted_by),
                 selectinload(BudgetRevision.approvals).selectinload(BudgetApproval.approver))
    ).all()
    entries, previous = [], None
    for revision in revisions:
        added, removed, changed = compare(previous.lines if previous else [], revision.lines)
        entries.append(Entry(revision, check(revision), check(previous) if previous else None,
                             added if previous else [], removed, changed,
                             previous is not None and previous.state == RevisionState.APPROVED))
        previous = revision
    return entries[::-1]
