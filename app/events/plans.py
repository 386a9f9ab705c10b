"""Event plans: creation from an event type, the phased timeline and its warnings."""
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, select
from sqlalchemy.orm import contains_eager, selectinload

from app.auth.models import User
from app.core.errors import DomainError
from app.customers.models import TIERS
from app.events.models import PHASE_WINDOWS, EventType, Phase
from app.events.plan_models import (
    Plan,
    PlanState,
    PlanTask,
    PlanTier,
    RoleAssignment,
    TaskStatus,
)
from app.extensions import db

# DOMAIN.md section 4: preparation starts 1-2 months before; fewer days than this is too short.
MIN_PREPARATION_DAYS = 30
UPCOMING = (PlanState.DRAFT, PlanState.SUBMITTED, PlanState.APPROVED, PlanState.REJECTED)


def phase_windows(event_day):
    """{phase: (first day, last day)}, bounds inclusive. The windows overlap on
    purpose, as in the CHECK of EventTypeTask: T-7 closes preparation and opens
    execution (so a task due at T-7 fits either), and T+1..T+3 belong to both
    execution (follow-up) and review."""
    return {
        phase: (event_day + timedelta(days=low), event_day + timedelta(days=high))
        for phase, (low, high) in PHASE_WINDOWS.items()
    }


def _validate(event_type, title, tiers, expected_guests, capacity):
    if not (title or "").strip():
        raise DomainError(_l("Enter a title."), "title")
    if event_type is None or not event_type.active:
        raise DomainError(_l("Choose an active event type."), "event_type")
    if not tiers:
        raise DomainError(_l("Choose at least one target tier."), "tiers")
    if any(tier not in TIERS for tier in tiers):
        raise DomainError(_l("Unknown tier."), "tiers")
    for field, value in (("expected_guests", expected_guests), ("capacity", capacity)):
        if value is not None and value < 0:
            raise DomainError(_l("Enter a number of 0 or more."), field)
    if expected_guests is not None and capacity is not None and capacity < expected_guests:
        raise DomainError(_l("The capacity must hold the expected guests."), "capacity")


def create_plan(event_type, title, event_day, start_time, tiers, expected_guests, capacity,
                venue, online, content, user):
    """A draft plan whose timeline is the type's default tasks, each due at T + offset."""
    _validate(event_type, title, tiers, expected_guests, capacity)
    plan = Plan(
        title=title.strip(), event_type=event_type, event_day=event_day, start_time=start_time,
        venue=(venue or "").strip() or None, online=bool(online), expected_guests=expected_guests,
        capacity=capacity, content=(content or "").strip(), state=PlanState.DRAFT,
        created_by_id=user.id if user else None,
    )
    plan.tier_rows = [PlanTier(tier=tier) for tier in dict.fromkeys(tiers)]
    plan.tasks = [
        PlanTask(
            phase=task.phase, position=task.position, title_zh=task.title_zh, title_en=task.title_en,
            owner_role=task.owner_role, due_on=event_day + timedelta(days=task.offset_days),
            status=TaskStatus.OPEN,
        )
        for task in event_type.tasks
    ]
    db.session.add(plan)
    db.session.flush()
    return plan


def move_event(plan, new_day):
    """Moves the event day; open tasks move with it, done tasks keep their dates.
    Returns the shift in days. (Date arithmetic differs between SQLite and
    PostgreSQL, so the open tasks are shifted here and flushed in one batch.)"""
    shift = new_day - plan.event_day
    open_tasks = db.session.scalars(
        select(PlanTask).where(PlanTask.plan_id == plan.id, PlanTask.status == TaskStatus.OPEN)
    )
    for task in open_tasks:
        task.due_on += shift
    plan.event_day = new_day
    db.session.flush()
    return shift.days


def set_task_status(task, status, user):
    if status not in (TaskStatus.OPEN, TaskStatus.DONE):
        raise DomainError(_l("Unknown task status."), "status")
    task.status = status
    done = status == TaskStatus.DONE
    task.done_at = datetime.now() if done else None
    task.done_by_id = user.id if done and user else None
    db.session.flush()
    return task


def timeline_warnings(plan, today):
    """[(code, params)] for the plan page: a preparation shorter than the template
    allows (only while the plan is a draft), open tasks due outside their phase
    (done tasks keep their dates when the event moves, so they are not flagged),
    and an event day in the past while the plan is still ahead of the event."""
    warnings = []
    days_left = (plan.event_day - today).days
    if days_left < 0 and plan.state in UPCOMING:
        warnings.append(("event_in_past", {"day": plan.event_day}))
    elif plan.state == PlanState.DRAFT and days_left < MIN_PREPARATION_DAYS:
        warnings.append(("short_preparation", {"days": days_left, "minimum": MIN_PREPARATION_DAYS}))
    windows = phase_windows(plan.event_day)
    for task in plan.tasks:
        if task.status != TaskStatus.OPEN:
            continue
        first, last = windows[Phase(task.phase)]
        if not first <= task.due_on <= last:
            warnings.append(("task_outside_phase", {"task": task, "first": first, "last": last}))
    return warnings


def get_plan(plan_id):
    """The plan with its type, tiers and tasks, in a fixed number of queries."""
    return db.session.scalar(
        select(Plan).where(Plan.id == plan_id).options(
            selectinload(Plan.event_type), selectinload(Plan.tier_rows), selectinload(Plan.tasks),
        )
    )


def list_plans():
    """[(plan with its type, tasks done, tasks in all)], latest event first, in one query."""
    done = func.count(case((PlanTask.status == TaskStatus.DONE, 1)))
    rows = db.session.execute(
        select(Plan, done, func.count(PlanTask.id))
        .join(Plan.event_type)
        .outerjoin(PlanTask, PlanTask.plan_id == Plan.id)
        .options(contains_eager(Plan.event_type))
        .group_by(Plan.id, EventType.id)
        .order_by(Plan.event_day.desc(), Plan.id.desc())
    ).all()
    return [(plan, done_count, total) for plan, done_count, total in rows]


def copy_plan(source, new_event_day, title, user, keep_team=True):
    """A new draft plan like `source` on `new_event_day`: the source's own tasks (the planner
    may have edited them) shifted by the same number of days and all open again, and, with
    `keep_team`, the role assignments of the users who are still active."""
    tiers = source.tiers
    _validate(source.event_type, title, tiers, source.expected_guests, source.capacity)
    shift = new_event_day - source.event_day
    plan = Plan(
        title=title.strip(), event_type=source.event_type, event_day=new_event_day,
        start_time=source.start_time, venue=source.venue, online=source.online,
        expected_guests=source.expected_guests, capacity=source.capacity, content=source.content,
        state=PlanState.DRAFT, created_by_id=user.id if user else None,
    )
    plan.tier_rows = [PlanTier(tier=tier) for tier in tiers]
    plan.tasks = [
        PlanTask(
            phase=task.phase, position=task.position, title_zh=task.title_zh, title_en=task.title_en,
            owner_role=task.owner_role, due_on=task.due_on + shift, status=TaskStatus.OPEN,
        )
        for task in source.tasks
    ]
    db.session.add(plan)
    db.session.flush()
    if keep_team:
        team = db.session.execute(
            select(RoleAssignment.role, RoleAssignment.user_id).join(User, User.id == RoleAssignment.user_id)
            .where(RoleAssignment.plan_id == source.id, User.active).order_by(RoleAssignment.id)
        ).all()
        db.session.add_all(RoleAssignment(plan_id=plan.id, role=role, user_id=user_id) for role, user_id in team)
        db.session.flush()
    return plan
