"""The project team of a plan (DOMAIN.md section 5) and each user's tasks across plans."""
from collections import namedtuple
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, exists, or_, select
from sqlalchemy.orm import contains_eager, lazyload

from app.auth.models import Role, User
from app.core.errors import DomainError
from app.events.models import OWNER_ROLES, OwnerRole
from app.events.plan_models import Plan, PlanState, PlanTask, RoleAssignment, TaskStatus
from app.extensions import db

# Done tasks stay on "my tasks" this long, so a task marked done by mistake can be reopened.
RECENTLY_DONE_DAYS = 14
TASK_MANAGERS = (Role.PLANNER, Role.ADMIN)

MyTask = namedtuple("MyTask", "task plan overdue")


def assign(plan, role, user, acting_user):
    """Gives `user` the team role on the plan; several people may share a role."""
    if role not in OWNER_ROLES:
        raise DomainError(_l("Choose a role."), "role")
    if user is None or not user.active:
        raise DomainError(_l("Choose an active user."), "user_id")
    taken = db.session.scalar(select(exists().where(
        RoleAssignment.plan_id == plan.id, RoleAssignment.role == role, RoleAssignment.user_id == user.id,
    )))
    if taken:
        raise DomainError(_l("%(name)s already holds this role on the plan.", name=user.name), "user_id")
    assignment = RoleAssignment(plan_id=plan.id, role=role, user_id=user.id)
    db.session.add(assignment)
    db.session.flush()
    return assignment


def unassign(assignment, acting_user):
    db.session.delete(assignment)
    db.session.flush()


def assignments_by_role(plan):
    """{role: [assignment with its user]} for the five roles in their order, in one query."""
    team = {role: [] for role in OWNER_ROLES}
    rows = db.session.scalars(
        select(RoleAssignment).join(RoleAssignment.user)
        .options(contains_eager(RoleAssignment.user).lazyload(User.role_rows))  # names only
        .where(RoleAssignment.plan_id == plan.id).order_by(User.name, User.id)
    )
    for assignment in rows:
        team[assignment.role].append(assignment)
    return team


def has_project_lead(plan):
    return db.session.scalar(select(exists().where(
        RoleAssignment.plan_id == plan.id, RoleAssignment.role == OwnerRole.PROJECT_LEAD,
    )))


def active_users():
    return db.session.scalars(
        select(User).where(User.active).order_by(User.name, User.id).options(lazyload(User.role_rows))
    ).all()


def holds_task_role(task, user):
    return db.session.scalar(select(exists().where(
        RoleAssignment.plan_id == task.plan_id, RoleAssignment.role == task.owner_role,
        RoleAssignment.user_id == user.id,
    )))


def ensure_may_update_task(task, user):
    """Planners and admins update any task; others only the tasks of a role they hold on the plan."""
    if not (user.has_role(*TASK_MANAGERS) or holds_task_role(task, user)):
        raise DomainError(_l("Only the people in the task's role may update it."), "status")


def my_tasks(user, today):
    """[MyTask] of the plans where `user` holds the task's owner role: open tasks and those
    done in the last RECENTLY_DONE_DAYS days, by due date, in one query."""
    recently = datetime.combine(today - timedelta(days=RECENTLY_DONE_DAYS), datetime.min.time())
    rows = db.session.execute(
        select(PlanTask, Plan)
        .join(Plan, Plan.id == PlanTask.plan_id)
        .join(RoleAssignment, and_(
            RoleAssignment.plan_id == PlanTask.plan_id, RoleAssignment.role == PlanTask.owner_role,
            RoleAssignment.user_id == user.id,
        ))
        .where(
            Plan.state != PlanState.CANCELLED,
            or_(PlanTask.status == TaskStatus.OPEN, PlanTask.done_at >= recently),
        )
        .order_by(PlanTask.due_on, Plan.event_day, Plan.id, PlanTask.position, PlanTask.id)
    ).all()
    return [MyTask(task, plan, task.status == TaskStatus.OPEN and task.due_on < today) for task, plan in rows]
