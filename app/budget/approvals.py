"""Submitting a plan's budget and deciding on it (issue 5 item 3). Approving the budget
approves the plan, so each step here also moves the plan through app/events/workflow.

A planner submits the current revision once the plan's checklist has no blocking item
(the contingency rule among them). A manager or an administrator approves or rejects it;
a total above BUDGET_SECOND_APPROVAL_ABOVE needs a second approval, by an administrator
other than the first approver. Nobody decides on a revision they submitted (the CHECK
not_own_submission of budget_approvals backs this). An approved revision is locked:
changes go into the next revision (app/budget/services.editable_revision); a rejected
one is edited in place and submitted again, its earlier decisions staying in the log."""
import hashlib
import json
from collections import namedtuple
from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation

from flask import current_app, url_for
from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, exists, false, func, or_, select
from sqlalchemy.orm import contains_eager, joinedload, lazyload, selectinload

from app.auth.models import Role, User, UserRole
from app.budget import services as budgets
from app.budget import snapshot
from app.budget.models import BudgetApproval, BudgetRevision, Decision, RevisionState
from app.core.errors import DomainError
from app.core.formatting import listing, money
from app.events import activity, checklist, workflow
from app.events.models import EventType, OwnerRole
from app.events.plan_models import Plan, PlanState, RoleAssignment
from app.extensions import db
from app.notifications import services as notifications

BUDGET_PAGE = "budget.plan_budget"
COMMENT_MAX = 2000
RECENT_DECISIONS = 20

QueueItem = namedtuple("QueueItem", "revision plan check level")
Panel = namedtuple("Panel", "may_submit blocking may_withdraw level why_not changes")


class SubmissionBlocked(DomainError):
    """The plan's checklist refuses submission; `items` are its failed blocking items."""

    def __init__(self, items):
        names = LazyString(lambda: listing(str(item.label) for item in items))
        super().__init__(_l("Before submitting, complete the checklist: %(items)s.", items=names), "checklist")
        self.items = items


def _now():
    return datetime.now(timezone.utc).replace(tzinfo=None)


def _current(plan):
    revision = budgets.current_revision(plan)
    if revision is None:
        raise DomainError(_l("The plan has no budget yet."), "budget")
    return revision


# ---------------------------------------------------------------- the planner's steps


def submit(plan, user, today):
    """Submits the current revision for approval; returns it."""
    revision = _current(plan)
    workflow.check_step(plan, workflow.Step.SUBMIT, user)
    blocking = checklist.review(plan, today).blocking
    if blocking:
        raise SubmissionBlocked(blocking)
    if revision.state == RevisionState.APPROVED:
        # The plan was reopened by a change of its facts: its approved budget stays on
        # record, and the same lines go up again as the next revision.
        revision = budgets.next_revision(plan, revision, user)
    total = budgets.check(revision).total
    needed = 2 if total > current_app.config["BUDGET_SECOND_APPROVAL_ABOVE"] else 1
    revision.approvals.clear()  # a rejected revision's earlier decisions stay in the activity log
    revision.state = RevisionState.SUBMITTED
    revision.submitted_by_id = user.id
    revision.submitted_at = _now()
    revision.approvals_needed = needed
    workflow.take(plan, workflow.Step.SUBMIT, user, revision=revision.number, total=total, approvals_needed=needed)
    db.session.flush()
    db.session.expire(revision, ["submitted_by"])
    return revision


def withdraw(plan, user):
    """Takes a submitted budget back to draft, so that it can change; any approval given
    so far lapses."""
    revision = _current(plan)
    if revision.state != RevisionState.SUBMITTED:
        raise DomainError(_l("The budget is not waiting for approval."), "budget")
    workflow.take(plan, workflow.Step.REOPEN, user, revision=revision.number, withdrawn=True)
    revision.approvals.clear()
    revision.state = RevisionState.DRAFT
    revision.submitted_by_id = None
    revision.submitted_at = None
    db.session.flush()
    return revision


# ---------------------------------------------------------------- the approvers' steps


def fingerprint(revision):
    """What an approver sees of a submitted revision, as "<total>:<hash>": the total, and a
    hash of the submission (its time: a withdrawal and a new submission change it, even with
    the same revision number) and of its lines. A decision carries the fingerprint of the
    page or the API answer it was made on, and is refused when it no longer matches."""
    parts = [revision.id, revision.number, revision.submitted_at.isoformat() if revision.submitted_at else ""]
    parts += [[line.category, line.description, str(line.quantity), line.unit, str(line.unit_price),
               str(line.amount), line.note] for line in revision.lines]
    digest = hashlib.sha256(json.dumps(parts, ensure_ascii=False).encode()).hexdigest()[:16]
    return f"{budgets.check(revision).total}:{digest}"


class DecisionOutdated(DomainError):
    """The budget is not the one the decider saw; `total` is its total now."""

    def __init__(self, revision, seen):
        total = budgets.check(revision).total
        try:
            seen_total = money(Decimal(seen.partition(":")[0]))
        except (InvalidOperation, ValueError):
            seen_total = "—"
        super().__init__(_l(
            "The budget changed after you opened it (it was withdrawn, changed or submitted again): you saw a "
            "total of %(seen)s; revision %(number)s now totals %(total)s in %(lines)s lines. Nothing was decided: "
            "read it again, then decide.",
            seen=seen_total, number=revision.number, total=money(total), lines=len(revision.lines)), "seen")
        self.total = total


def check_seen(revision, seen):
    """Refuses a decision made on another version of the budget than the current one.
    `seen` is None for callers that show nothing (the API without the field)."""
    if seen is not None and seen != fingerprint(revision):
        raise DecisionOutdated(revision, str(seen))


def decision_level(revision, user):
    """The level (1 or 2) at which `user` decides on the revision now; DomainError if they may not."""
    if revision.state != RevisionState.SUBMITTED or revision.plan.state != PlanState.SUBMITTED:
        raise DomainError(_l("This budget is not waiting for a decision."), "budget")
    if revision.submitted_by_id is not None and revision.submitted_by_id == user.id:
        raise DomainError(_l("You submitted this budget: someone else must decide on it."), "budget")
    level = len(revision.approvals) + 1
    if level == 1 and not user.has_role(Role.MANAGER, Role.ADMIN):
        raise DomainError(_l("Only managers and administrators decide on budgets."), "budget")
    if level == 2:
        if not user.has_role(Role.ADMIN):
            raise DomainError(_l("This budget is above %(limit)s: its second approval is an administrator's.",
                                 limit=money(current_app.config["BUDGET_SECOND_APPROVAL_ABOVE"])), "budget")
        if any(approval.approver_id == user.id for approval in revision.approvals):
            raise DomainError(_l("You gave the first approval: the second must come from someone else."), "budget")
    return level


def may_decide(revision, user):
    """(level, None) when `user` may decide on the revision now, else (None, why not)."""
    try:
        return decision_level(revision, user), None
    except DomainError as error:
        return None, error.message


def _comment(text):
    text = (text or "").strip()
    if len(text) > COMMENT_MAX:
        raise DomainError(_l("The comment can have at most %(n)d characters.", n=COMMENT_MAX), "comment")
    return text


def _decide(revision, user, decision, comment):
    level = decision_level(revision, user)
    revision.approvals.append(BudgetApproval(
        level=level, approver_id=user.id, submitted_by_id=revision.submitted_by_id, decision=decision,
        comment=comment, decided_at=_now(),
    ))
    return level


def approve(revision, user, comment="", seen=None):
    """Approves at the user's level; the last approval needed approves the budget and the plan.
    `seen`: the fingerprint of what the approver saw (refused when the budget changed since)."""
    comment = _comment(comment)
    decision_level(revision, user)
    check_seen(revision, seen)
    level = _decide(revision, user, Decision.APPROVED, comment)
    if level < revision.approvals_needed:
        activity.record(revision.plan, user, "budget.approved", revision=revision.number, level=level,
                        approvals_needed=revision.approvals_needed, comment=comment)
    else:
        revision.state = RevisionState.APPROVED
        revision.approved_snapshot = snapshot.take(revision.plan, revision)
        workflow.take(revision.plan, workflow.Step.APPROVE, user, comment, revision=revision.number, level=level)
    db.session.flush()
    return revision


def reject(revision, user, comment, seen=None):
    """Rejects with a comment for the planner, who edits the revision and submits it again
    (`seen` as for `approve`)."""
    decision_level(revision, user)  # who may decide is said before what the comment lacks
    check_seen(revision, seen)
    comment = _comment(comment)
    if not comment:
        raise DomainError(_l("Say why the budget is rejected: the planner reads it."), "comment")
    level = _decide(revision, user, Decision.REJECTED, comment)
    revision.state = RevisionState.REJECTED
    workflow.take(revision.plan, workflow.Step.REJECT, user, comment, revision=revision.number, level=level)
    db.session.flush()
    return revision


# ---------------------------------------------------------------- pages


def panel(plan, revision, user, today):
    """What the approval panel of the budget page offers `user`: submitting (with the
    checklist items that block it; a plan reopened by a change submits its approved budget
    again in the same step), withdrawing, or deciding at a level (with the reason an
    approver may not decide on a waiting budget, e.g. their own submission); and what
    changed since the last approval (`snapshot.Changes`, or None)."""
    steps = workflow.allowed_steps(plan, user)
    may_submit = bool(revision is not None and workflow.Step.SUBMIT in steps)
    blocking = checklist.review(plan, today).blocking if may_submit else []
    waiting = revision is not None and revision.state == RevisionState.SUBMITTED
    may_withdraw = waiting and workflow.Step.REOPEN in steps
    level, why_not = may_decide(revision, user) if waiting else (None, None)
    changes = None
    if revision is not None and plan.state in (PlanState.DRAFT, PlanState.SUBMITTED, PlanState.REJECTED):
        changes = snapshot.since_approval(plan, revision, budgets.approved_revision(plan))
    return Panel(may_submit, blocking, may_withdraw, level,
                 why_not if waiting and user.has_role(Role.MANAGER, Role.ADMIN) else None, changes)


def _waiting_for(user):
    """The condition for the submitted revisions `user` may decide on now."""
    given = (select(func.count(BudgetApproval.id)).where(BudgetApproval.revision_id == BudgetRevision.id)
             .correlate(BudgetRevision).scalar_subquery())
    levels = []
    if user.has_role(Role.MANAGER, Role.ADMIN):
        levels.append(given == 0)
    if user.has_role(Role.ADMIN):
        gave_first = exists().where(BudgetApproval.revision_id == BudgetRevision.id,
                                    BudgetApproval.approver_id == user.id)
        levels.append(and_(given == 1, BudgetRevision.approvals_needed == 2, ~gave_first))
    return and_(
        BudgetRevision.state == RevisionState.SUBMITTED,
        Plan.state == PlanState.SUBMITTED,
        or_(BudgetRevision.submitted_by_id.is_(None), BudgetRevision.submitted_by_id != user.id),
        or_(*levels) if levels else false(),
    )


def queue(user):
    """[QueueItem] waiting for `user`, the longest waiting first, in three queries."""
    revisions = db.session.scalars(
        select(BudgetRevision)
        .join(Plan, Plan.id == BudgetRevision.plan_id).join(EventType, EventType.id == Plan.event_type_id)
        .where(_waiting_for(user))
        .options(
            contains_eager(BudgetRevision.plan).contains_eager(Plan.event_type).lazyload("*"),
            joinedload(BudgetRevision.submitted_by).lazyload(User.role_rows),
            selectinload(BudgetRevision.lines),
            selectinload(BudgetRevision.approvals).joinedload(BudgetApproval.approver).lazyload(User.role_rows),
        )
        .order_by(BudgetRevision.submitted_at, BudgetRevision.id)
    ).unique().all()
    return [QueueItem(revision, revision.plan, budgets.check(revision), len(revision.approvals) + 1)
            for revision in revisions]


def waiting_count(user):
    """How many budgets wait for `user`'s decision (the menu's badge)."""
    if not user.has_role(Role.MANAGER, Role.ADMIN):
        return 0
    return db.session.scalar(
        select(func.count(BudgetRevision.id)).join(Plan, Plan.id == BudgetRevision.plan_id).where(_waiting_for(user))
    )


def recent_decisions(limit=RECENT_DECISIONS):
    """[(approval with its approver, revision, plan)], newest first, in one query."""
    return db.session.execute(
        select(BudgetApproval, BudgetRevision, Plan)
        .join(BudgetRevision, BudgetRevision.id == BudgetApproval.revision_id)
        .join(Plan, Plan.id == BudgetRevision.plan_id)
        .options(joinedload(BudgetApproval.approver).lazyload(User.role_rows))
        .order_by(BudgetApproval.decided_at.desc(), BudgetApproval.id.desc()).limit(limit)
    ).all()


# ---------------------------------------------------------------- notices


def _users_with_roles(roles):
    return db.session.scalars(
        select(User).join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role.in_([str(role) for role in roles]), User.active)
        .options(lazyload(User.role_rows)).distinct()
    ).all()


def _project_leads(plan):
    return db.session.scalars(
        select(User).join(RoleAssignment, RoleAssignment.user_id == User.id)
        .where(RoleAssignment.plan_id == plan.id, RoleAssignment.role == OwnerRole.PROJECT_LEAD, User.active)
        .options(lazyload(User.role_rows))
    ).all()


def announce(revision, actor):
    """In-app notices of the step `actor` just took on the revision, for those who must act
    on it or hear of it: the approvers of the level it now waits for, or, once decided, its
    submitter and the plan's project leads. Called by the view in the same transaction as
    the step; the e-mails go after the commit (app/budget/tasks.py). Returns the notices."""
    plan = revision.plan
    params = {"plan": plan.title, "revision": revision.number, "total": money(budgets.check(revision).total)}
    if revision.state == RevisionState.SUBMITTED:
        second = bool(revision.approvals)
        deciders = {approval.approver_id for approval in revision.approvals}
        users = [user for user in _users_with_roles((Role.ADMIN,) if second else (Role.MANAGER, Role.ADMIN))
                 if user.id != revision.submitted_by_id and user.id not in deciders]
        kind = "budget_second_approval" if second else "budget_waiting"
        return notifications.notify(users, kind, {**params, "submitter": actor.name}, url_for("budget.approvals"))
    if revision.state not in (RevisionState.APPROVED, RevisionState.REJECTED):
        return []
    users = [user for user in ([revision.submitted_by] if revision.submitted_by else []) + _project_leads(plan)
             if user.id != actor.id]
    kind = "budget_approved" if revision.state == RevisionState.APPROVED else "budget_rejected"
    comment = revision.approvals[-1].comment
    return notifications.notify(users, kind, {**params, "approver": actor.name, "comment": comment},
                                url_for(BUDGET_PAGE, plan_id=plan.id) + "#approval")
