"""The budget of a plan: its current revision, the contingency check, and the revision
that a change goes into (a change to an approved budget starts the next revision and
sends the plan back for approval)."""
from collections import namedtuple
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.budget.models import CONTINGENCY, BudgetLine, BudgetRevision, RevisionState
from app.budget.rule import ZERO, check_contingency, line_amount
from app.core.errors import DomainError
from app.events import activity, workflow
from app.events.plan_models import PlanState
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
    per_guest = (result.total / guests).quantize(Decimal("0.01")) if guests else None
    return Overview(revision, result, per_guest)


def start_budget(plan, user):
    """Revision 1 from the event type's default lines, with a contingency line of 10% of
    them so that the proposal passes the rule from the start."""
    if current_revision(plan) is not None:
        raise DomainError(_l("This plan already has a budget."), "budget")
    revision = BudgetRevision(plan_id=plan.id, number=1, state=RevisionState.DRAFT,
                              created_by_id=user.id if user else None)
    lines = [
        BudgetLine(position=position, category=line.category, description=line.description,
                   quantity=line.quantity, unit=line.unit, unit_price=line.unit_price,
                   amount=line_amount(line.quantity, line.unit_price))
        for position, line in enumerate(plan.event_type.budget_lines, 1)
    ]
    base = sum((line.amount for line in lines), ZERO)
    reserve = check_contingency(base, None).ten_percent
    lines.append(BudgetLine(position=len(lines) + 1, category=CONTINGENCY, description=str(_l("Contingency reserve")),
                            quantity=Decimal(1), unit="", unit_price=reserve, amount=reserve))
    revision.lines = lines
    db.session.add(revision)
    db.session.flush()
    activity.record(plan, user, "budget.started", revision=revision.number, total=check_contingency(base, reserve).total)
    return revision


def editable_revision(plan, user):
    """The revision a change of the planned lines goes into. An approved budget is locked:
    the change starts the next revision (a copy of its lines) and the plan goes back to
    draft to be approved again. A submitted budget must be withdrawn first."""
    revision = current_revision(plan) or start_budget(plan, user)
    if plan.state not in EDITABLE_PLAN_STATES:
        raise DomainError(_l("The budget of a plan that is %(state)s cannot change.",
                             state=workflow.STATE_NAMES[PlanState(plan.state)]), "budget")
    if revision.state == RevisionState.SUBMITTED:
        raise DomainError(_l("The budget is waiting for approval: withdraw it before changing it."), "budget")
    if revision.state != RevisionState.APPROVED:
        return revision
    successor = BudgetRevision(plan_id=plan.id, number=revision.number + 1, state=RevisionState.DRAFT,
                               created_by_id=user.id if user else None)
    successor.lines = [
        BudgetLine(position=line.position, category=line.category, description=line.description,
                   quantity=line.quantity, unit=line.unit, unit_price=line.unit_price, amount=line.amount,
                   note=line.note)
        for line in revision.lines
    ]
    db.session.add(successor)
    if plan.state == PlanState.APPROVED:
        workflow.take(plan, workflow.Step.REOPEN, user, comment=f"budget revision {successor.number}")
    db.session.flush()
    activity.record(plan, user, "budget.revised", revision=successor.number, previous=revision.number)
    return successor
