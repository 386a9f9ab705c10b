"""The budget of a plan: its current revision, the contingency check, and the revision
that a change goes into (a change to an approved budget starts the next revision and
sends the plan back for approval); the actual cost of the approved budget."""
from collections import namedtuple
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.budget.models import CONTINGENCY, BudgetLine, BudgetRevision, RevisionState
from app.budget.rule import CENT, HIGH, ZERO, check_contingency, line_amount
from app.core.errors import DomainError
from app.events import activity, workflow
from app.events.plan_models import MAIN_LOCALE, PlanState
from app.extensions import db

Overview = namedtuple("Overview", "revision check cost_per_guest")
# Plan states in which the planned lines may change (an approved plan reopens).
EDITABLE_PLAN_STATES = (PlanState.DRAFT, PlanState.REJECTED, PlanState.APPROVED)


def current_revision(plan):
    """The plan's newest budget revision, or None before the budget is started."""
    return db.session.scalar(
        select(BudgetRevision).where(BudgetRevision.plan_id == plan.id)
        .order_by(BudgetRevision.number.desc()).limit(1)
    )


def approved_revision(plan):
    """The newest approved revision: the budget the money was committed against."""
    return db.session.scalar(
        select(BudgetRevision).where(BudgetRevision.plan_id == plan.id, BudgetRevision.state == RevisionState.APPROVED)
        .order_by(BudgetRevision.number.desc()).limit(1)
    )


def editing_refused(plan, revision):
    """Why the planned lines of `revision` (the current one, or None) cannot change now, as a
    lazy message; None when they can."""
    if revision is not None and revision.state == RevisionState.SUBMITTED:
        return _l("The budget is waiting for approval: withdraw it before changing it.")
    if plan.state not in EDITABLE_PLAN_STATES:
        return _l("The budget of a plan that is %(state)s cannot change.",
                  state=workflow.STATE_NAMES[PlanState(plan.state)])
    return None


def check(revision):
    """The contingency check of a revision. Summed here in Decimal from the loaded lines,
    not in SQL: SQLite keeps NUMERIC as binary floating point, and its SUM would be too."""
    if revision is None:
        return check_contingency(ZERO, None)
    base = sum((line.amount for line in revision.lines if line.category != CONTINGENCY), ZERO)
    reserves = [line.amount for line in revision.lines if line.category == CONTINGENCY]
    return check_contingency(base, sum(reserves, ZERO) if reserves else None)


def overview(plan):
    revision = current_revision(plan)
    result = check(revision)
    guests = plan.expected_guests
    per_guest = (result.total / guests).quantize(CENT) if guests else None
    return Overview(revision, result, per_guest)


def ratio_percent(result):
    """contingency / base in percent, to two decimals. A failing ratio is rounded away from
    the bound it missed, so that 6,300.01 on 42,000 shows 15.01%, never a passing 15.00%."""
    if result.ratio is None:
        return None
    if result.passes:
        rounding = ROUND_HALF_UP
    else:
        rounding = ROUND_CEILING if result.contingency > result.base * HIGH else ROUND_FLOOR
    return (result.ratio * 100).quantize(CENT, rounding=rounding)


def actual_cost(plan):
    """What the event cost (for the ROI review): the sum of the actual spend entered on the
    approved budget, or None while none is entered."""
    revision = approved_revision(plan)
    actuals = [line.actual_amount for line in revision.lines if line.actual_amount is not None] if revision else []
    return sum(actuals, ZERO) if actuals else None


def contingency_description():
    """The contingency line's description, in the plan's main language like the other lines."""
    with force_locale(MAIN_LOCALE):
        return str(_l("Contingency reserve"))


def start_budget(plan, user):
    """Revision 1 from the event type's default lines, with a contingency line of 10% of
    them so that the proposal passes the rule from the start (an event type without default
    lines starts an empty budget). The lines are stored in the plan's main language, whoever
    starts the budget."""
    if current_revision(plan) is not None:
        raise DomainError(_l("This plan already has a budget."), "budget")
    refused = editing_refused(plan, None)
    if refused:
        raise DomainError(refused, "budget")
    revision = BudgetRevision(plan_id=plan.id, number=1, state=RevisionState.DRAFT,
                              created_by_id=user.id if user else None)
    lines = [
        BudgetLine(position=position, category=line.category, description=getattr(line, f"description_{MAIN_LOCALE}"),
                   quantity=line.quantity, unit=getattr(line, f"unit_{MAIN_LOCALE}"), unit_price=line.unit_price,
                   amount=line_amount(line.quantity, line.unit_price))
        for position, line in enumerate(plan.event_type.budget_lines, 1)
    ]
    base = sum((line.amount for line in lines), ZERO)
    reserve = check_contingency(base, None).ten_percent
    if lines:
        lines.append(BudgetLine(position=len(lines) + 1, category=CONTINGENCY, description=contingency_description(),
                                quantity=Decimal(1), unit="", unit_price=reserve, amount=reserve))
    revision.lines = lines
    db.session.add(revision)
    db.session.flush()
    activity.record(plan, user, "budget.started", revision=revision.number, lines=len(lines), total=check(revision).total)
    return revision


def editable_revision(plan, user):
    """The revision a change of the planned lines goes into. An approved budget is locked:
    the change starts the next revision (a copy of its lines) and the plan goes back to
    draft to be approved again. A submitted budget must be withdrawn first. Actual spend is
    copied along, so that a later approval keeps what was entered."""
    revision = current_revision(plan)
    refused = editing_refused(plan, revision)
    if refused:
        raise DomainError(refused, "budget")
    if revision is None:
        return start_budget(plan, user)
    if revision.state != RevisionState.APPROVED:
        return revision
    if plan.state == PlanState.APPROVED:
        workflow.take(plan, workflow.Step.REOPEN, user, revision=revision.number + 1)
    return next_revision(plan, revision, user)


def next_revision(plan, revision, user):
    """A draft copy of an approved revision (lines, notes and actual spend), numbered next:
    the approved one stays as it was approved, for the history."""
    successor = BudgetRevision(plan_id=plan.id, number=revision.number + 1, state=RevisionState.DRAFT,
                               created_by_id=user.id if user else None)
    successor.lines = [
        BudgetLine(position=line.position, category=line.category, description=line.description,
                   quantity=line.quantity, unit=line.unit, unit_price=line.unit_price, amount=line.amount,
                   note=line.note, actual_amount=line.actual_amount, receipt_note=line.receipt_note)
        for line in revision.lines
    ]
    db.session.add(successor)
    db.session.flush()
    activity.record(plan, user, "budget.revised", revision=successor.number, previous=revision.number)
    return successor
