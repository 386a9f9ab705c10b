"""Actual spend after the event, line by line with a note of the receipt, and the variance
against the plan.

Actuals go on the approved budget, and only once the event day has come: what was spent
is measured against what was approved. A budget changed after its approval must be
approved again first (its next revision carries the actuals already entered along), so
the newest revision is the one that holds them and `services.actual_cost` sums them."""
from dataclasses import dataclass
from decimal import Decimal

from flask_babel import lazy_gettext as _l

from app.budget.lines import MAX_AMOUNT, money_value
from app.budget.models import RevisionState
from app.budget.rule import ZERO
from app.core.errors import DomainError
from app.events import activity
from app.extensions import db


def closed_reason(plan, revision, today):
    """Why actual spend cannot be entered now (a lazy message), or None when it can."""
    if revision is None or revision.state != RevisionState.APPROVED:
        return _l("Actual spend is entered on the approved budget: approve the current revision first.")
    if today < plan.event_day:
        return _l("Actual spend can be entered once the event day has come.")
    return None


def variance(line):
    """Actual minus planned (positive: over budget), or None before the actual is entered."""
    return None if line.actual_amount is None else line.actual_amount - line.amount


@dataclass(frozen=True)
class Spending:
    planned: Decimal  # every line
    actual: Decimal | None  # the lines with an actual; None when there are none
    variance: Decimal | None  # actual - planned over the lines with an actual
    entered: int  # how many lines have an actual
    over: frozenset  # ids of the lines over budget


def spending(lines):
    entered = [line for line in lines if line.actual_amount is not None]
    return Spending(
        planned=sum((line.amount for line in lines), ZERO),
        actual=sum((line.actual_amount for line in entered), ZERO) if entered else None,
        variance=sum((variance(line) for line in entered), ZERO) if entered else None,
        entered=len(entered),
        over=frozenset(line.id for line in entered if line.actual_amount > line.amount),
    )


def record_actuals(plan, user, revision, entries, today):
    """`entries`: {line id: (actual Decimal or None to clear, receipt note)} for lines of
    `revision`. Logs each line whose actual or receipt changed; returns how many did."""
    reason = closed_reason(plan, revision, today)
    if reason:
        raise DomainError(reason, "actuals")
    lines = {line.id: line for line in revision.lines}
    changed = 0
    for line_id, (actual, receipt) in entries.items():
        line = lines.get(line_id)
        if line is None:
            raise DomainError(_l("That line is not in the approved budget."), "actuals")
        actual = None if actual is None else money_value(actual, "actual", MAX_AMOUNT)
        receipt = (receipt or "").strip()
        if len(receipt) > 200:
            raise DomainError(_l("Keep the receipt note within 200 characters."), "receipt_note")
        if actual == line.actual_amount and receipt == line.receipt_note:
            continue
        previous = line.actual_amount
        line.actual_amount, line.receipt_note = actual, receipt
        activity.record(plan, user, "budget.actual_entered", revision=revision.number, line=line.description,
                        category=line.category, planned=line.amount, actual=actual, previous=previous,
                        receipt=receipt)
        changed += 1
    db.session.flush()
    return changed
