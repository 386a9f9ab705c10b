"""Changing the planned lines of a budget: add, change, remove, reorder, and the one-click
contingency of 10%. Every change goes into `services.editable_revision` (an approved
budget starts its next revision) and into the plan's activity log."""
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from app.budget.models import CONTINGENCY, LINE_CATEGORIES, BudgetLine, BudgetRevision
from app.budget.rule import CENT, line_amount
from app.budget.services import check, contingency_description, current_revision, editable_revision
from app.core.errors import DomainError
from app.core.versions import ChangedMeanwhile, expect_version
from app.events import activity
from app.extensions import db

MAX_PRICE = Decimal("9999999999.99")  # Numeric(12, 2): quantities and unit prices
MAX_AMOUNT = Decimal("999999999999.99")  # Numeric(14, 2): amounts and actual spend
FIELDS = ("category", "description", "quantity", "unit", "unit_price", "note")


def money_value(value, field, maximum=MAX_PRICE):
    """`value` (Decimal, or text as typed) as a Decimal of whole cents, or DomainError.
    A float is a programming error: it has already lost the exact figure."""
    if isinstance(value, float):
        raise TypeError("money is Decimal, never float")
    try:
        value = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        raise DomainError(_l("Enter a number."), field) from None
    if not value.is_finite():
        raise DomainError(_l("Enter a number."), field)
    if value < 0:
        raise DomainError(_l("Enter 0 or more."), field)
    if value > maximum:
        raise DomainError(_l("Enter at most %(max)s.", max=f"{maximum:,}"), field)
    if value != value.quantize(CENT):
        raise DomainError(_l("Use at most two decimal places."), field)
    return value.quantize(CENT)


def _clean(values):
    """The line's fields from `values` (a mapping with FIELDS), checked and normalised."""
    category = values.get("category")
    if category not in LINE_CATEGORIES:
        raise DomainError(_l("Choose a category."), "category")
    description = (values.get("description") or "").strip()
    if not description:
        raise DomainError(_l("Describe the line."), "description")
    if len(description) > 200:
        raise DomainError(_l("Keep the description within 200 characters."), "description")
    unit = (values.get("unit") or "").strip()
    if len(unit) > 20:
        raise DomainError(_l("Keep the unit within 20 characters."), "unit")
    quantity = money_value(values.get("quantity"), "quantity")
    unit_price = money_value(values.get("unit_price"), "unit_price")
    amount = line_amount(quantity, unit_price)
    if amount > MAX_AMOUNT:
        raise DomainError(_l("The amount, quantity × unit price, is too large."), "quantity")
    return {"category": category, "description": description, "quantity": quantity, "unit": unit,
            "unit_price": unit_price, "amount": amount, "note": (values.get("note") or "").strip()}


ONE_CONTINGENCY = _l("The budget already has a contingency line: change that line instead.")


def _ensure_one_contingency(revision, category, line=None):
    if category == CONTINGENCY and any(other.category == CONTINGENCY and other is not line for other in revision.lines):
        raise DomainError(ONE_CONTINGENCY, "category")


def _flush(category):
    """Flushes; a second contingency line that a concurrent request added first trips the
    database's unique index, and is refused like the one caught above."""
    try:
        db.session.flush()
    except StaleDataError:  # a concurrent save of the same line committed first
        raise ChangedMeanwhile() from None
    except IntegrityError:
        if category != CONTINGENCY:
            raise
        raise DomainError(ONE_CONTINGENCY, "category") from None


def _shown(line):
    """A line as the activity log shows it (text, money as "4200.00")."""
    return {field: str(getattr(line, field)) for field in (*FIELDS, "amount")}


def counterpart(plan, line):
    """`line`'s copy in the plan's current revision (same place), or None: a form made from an
    older revision's line, before someone's change started the next revision."""
    revision = current_revision(plan)
    source = db.session.get(BudgetRevision, line.revision_id)
    if revision is None or source is None or source.plan_id != plan.id or source.id == revision.id:
        return None
    index = source.lines.index(line)
    return revision.lines[index] if index < len(revision.lines) else None


def _in_editable(plan, user, line):
    """The editable revision and `line`'s counterpart in it: when the change starts the next
    revision, that revision holds copies of the lines in the same order."""
    source = db.session.get(BudgetRevision, line.revision_id)
    index = source.lines.index(line)
    revision = editable_revision(plan, user)
    return revision, revision.lines[index]


def add_line(plan, user, values):
    cleaned = _clean(values)
    revision = editable_revision(plan, user)
    _ensure_one_contingency(revision, cleaned["category"])
    line = BudgetLine(position=max((other.position for other in revision.lines), default=0) + 1, **cleaned)
    revision.lines.append(line)
    _flush(line.category)
    activity.record(plan, user, "budget.line_added", revision=revision.number, line=line.description,
                    **{key: value for key, value in _shown(line).items() if key != "description"})
    return line


def update_line(plan, user, line, values, seen_version=None):
    """Changes `line` (a line of the current revision); returns the changed line, which is a
    copy in the next revision when the budget was approved. `seen_version`: the line's version
    the form was made from; refused when someone changed the line meanwhile."""
    expect_version(line, seen_version)
    cleaned = _clean(values)
    revision, line = _in_editable(plan, user, line)
    _ensure_one_contingency(revision, cleaned["category"], line)
    before = _shown(line)
    for field, value in cleaned.items():
        setattr(line, field, value)
    _flush(line.category)
    changes = {field: [before[field], now] for field, now in _shown(line).items() if now != before[field]}
    if changes:
        activity.record(plan, user, "budget.line_changed", revision=revision.number, line=line.description,
                        changes=changes)
    return line


def remove_line(plan, user, line):
    revision, line = _in_editable(plan, user, line)
    shown = _shown(line)
    revision.lines.remove(line)
    db.session.flush()
    activity.record(plan, user, "budget.line_removed", revision=revision.number, line=shown["description"],
                    category=shown["category"], amount=shown["amount"])
    return revision


def move_line(plan, user, line, direction):
    """Moves `line` one place "up" or "down"; positions are renumbered 1..n on the way."""
    if direction not in ("up", "down"):
        raise DomainError(_l("Move a line up or down."), "direction")
    revision, line = _in_editable(plan, user, line)
    lines = list(revision.lines)
    index = lines.index(line)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(lines):
        return line
    lines[index], lines[other] = lines[other], lines[index]
    for position, each in enumerate(lines, 1):
        each.position = position
    revision.lines = lines
    db.session.flush()
    activity.record(plan, user, "budget.line_moved", revision=revision.number, line=line.description,
                    position=other + 1, previous=index + 1)
    return line


def set_contingency(plan, user):
    """The one-click fix: the contingency set to 10% of the other lines (up to the cent),
    adding the contingency line when the budget has none."""
    revision = editable_revision(plan, user)
    result = check(revision)
    if result.base <= 0 or result.low > result.high:
        raise DomainError(_l("Add the other lines first: the contingency reserve is measured against them."), "contingency")
    reserve = next((line for line in revision.lines if line.category == CONTINGENCY), None)
    previous = reserve.amount if reserve else None
    if reserve is None:
        reserve = BudgetLine(position=max(line.position for line in revision.lines) + 1, category=CONTINGENCY,
                             description=contingency_description(), unit="")
        revision.lines.append(reserve)
    reserve.quantity, reserve.unit_price = Decimal(1), result.ten_percent
    reserve.amount = line_amount(reserve.quantity, reserve.unit_price)
    db.session.flush()
    activity.record(plan, user, "budget.contingency_set", revision=revision.number, amount=reserve.amount,
                    previous=previous, base=result.base)
    return reserve
