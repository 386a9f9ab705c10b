"""The plan's states (issue: draft -> submitted -> approved | rejected -> completed ->
reviewed; cancelled from any open state) and who may take which step: the one place
that moves `Plan.state`. The budget's approval (app/budget/approvals.py) drives submit,
approve and reject, since approving the budget approves the plan."""
from enum import StrEnum

from flask_babel import lazy_gettext as _l

from app.auth.models import Role
from app.core.errors import DomainError
from app.core.formatting import day
from app.events import activity
from app.events.plan_models import PlanState
from app.invitations import changes as guest_changes


class Step(StrEnum):
    SUBMIT = "submit"
    APPROVE = "approve"
    REJECT = "reject"
    REOPEN = "reopen"  # a change to an approved or submitted budget sends the plan back to draft
    COMPLETE = "complete"
    REVIEW = "review"
    CANCEL = "cancel"


OPEN_STATES = (PlanState.DRAFT, PlanState.SUBMITTED, PlanState.APPROVED, PlanState.REJECTED)
PLANNERS = (Role.PLANNER, Role.ADMIN)
APPROVERS = (Role.MANAGER, Role.ADMIN)

# step: (states it starts from, the state it leads to, roles that may take it)
STEPS = {
    Step.SUBMIT: ((PlanState.DRAFT, PlanState.REJECTED), PlanState.SUBMITTED, PLANNERS),
    Step.APPROVE: ((PlanState.SUBMITTED,), PlanState.APPROVED, APPROVERS),
    Step.REJECT: ((PlanState.SUBMITTED,), PlanState.REJECTED, APPROVERS),
    Step.REOPEN: ((PlanState.SUBMITTED, PlanState.APPROVED, PlanState.REJECTED), PlanState.DRAFT, PLANNERS),
    Step.COMPLETE: ((PlanState.APPROVED,), PlanState.COMPLETED, PLANNERS),
    Step.REVIEW: ((PlanState.COMPLETED,), PlanState.REVIEWED, (Role.PLANNER, Role.MANAGER, Role.ADMIN)),
    Step.CANCEL: (OPEN_STATES, PlanState.CANCELLED, (Role.PLANNER, Role.MANAGER, Role.ADMIN)),
}
# The steps taken on the plan page; the others follow the budget's approval.
MANUAL_STEPS = (Step.COMPLETE, Step.REVIEW, Step.CANCEL)


def allowed_steps(plan, user):
    """The steps `user` may take on the plan now (for the buttons of the plan page)."""
    return [step for step, (sources, _target, roles) in STEPS.items()
            if plan.state in sources and user.has_role(*roles)]


def check_step(plan, step, user):
    """The state `step` leads to; DomainError when the plan's state or the user's roles
    do not allow it (for services that check before they change anything)."""
    sources, target, roles = STEPS[Step(step)]
    if not user.has_role(*roles):
        raise DomainError(_l("Your role may not take this step."), "step")
    if plan.state not in sources:
        raise DomainError(_l("This step is not possible while the plan is %(state)s.",
                             state=STATE_NAMES[PlanState(plan.state)]), "step")
    return target


def take(plan, step, user, comment="", **detail):
    """Moves the plan along `step` and logs it (with `detail`, e.g. the budget revision);
    raises DomainError when the plan's state or the user's roles do not allow it.
    Preconditions of a step beyond state and role (the checklist before submission, the
    approvals) belong to the caller's service."""
    target = check_step(plan, step, user)
    previous = plan.state
    plan.state = target
    activity.record(plan, user, f"plan.{step}", previous=previous, state=target, comment=comment or "", **detail)
    return plan


def not_yet(plan, step, today):
    """Why the plan page cannot take `step` now although state and role allow it (an event
    is completed from its day on), or None."""
    if step == Step.COMPLETE and today < plan.event_day:
        return _l("The plan can be completed from its event day on (%(day)s).", day=day(plan.event_day))
    return None


def take_on_plan_page(plan, step, user, today, comment=""):
    """The steps the plan page offers (MANUAL_STEPS), with their own preconditions (see
    `not_yet`; a cancellation says why). Submission and the decisions go through the
    budget's approval (app/budget/approvals.py)."""
    if step not in MANUAL_STEPS:
        raise DomainError(_l("Submit, approve and reject the plan with its budget, on the budget page."), "step")
    check_step(plan, step, user)
    comment = (comment or "").strip()
    reason = not_yet(plan, step, today)
    if reason:
        raise DomainError(reason, "step")
    if step == Step.CANCEL and not comment:
        raise DomainError(_l("Say why the plan is cancelled."), "comment")
    take(plan, step, user, comment)
    if step == Step.CANCEL:
        guest_changes.plan_changed(plan)  # the guests hear of it after the commit
    return plan


STATE_NAMES = {
    PlanState.DRAFT: _l("a draft"),
    PlanState.SUBMITTED: _l("submitted"),
    PlanState.APPROVED: _l("approved"),
    PlanState.REJECTED: _l("rejected"),
    PlanState.COMPLETED: _l("completed"),
    PlanState.REVIEWED: _l("reviewed"),
    PlanState.CANCELLED: _l("cancelled"),
}
