"""Who may check guests in for a plan: the one rule that the scanner page, the JSON API and the
command line all ask. Door staff on the plan's team, planners and admins; or a temporary
helper holding a valid link for that plan only."""
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import exists, select

from app.auth.models import Role
from app.core import clock
from app.events.models import OwnerRole
from app.events.plan_models import Plan, PlanState, RoleAssignment
from app.extensions import db

CHECKIN_ROLES = (Role.ADMIN, Role.PLANNER)  # may check in at any event; others per plan (door staff)
# The doors a user sees on the home page: events from yesterday (a night that ran late) on.
DOORS_AHEAD_DAYS = 14
DOORS_LIMIT = 10


@dataclass(frozen=True)
class DoorActor:
    """Who scans: a signed-in user or a helper link. Plain values, safe across commits."""

    user_id: int | None
    helper_link_id: int | None
    name: str

    @property
    def key(self):
        """Nonces are unique per actor: "u<user id>" or "h<helper link id>"."""
        return f"u{self.user_id}" if self.user_id is not None else f"h{self.helper_link_id}"


def is_door_staff(plan, user):
    return db.session.scalar(select(exists().where(
        RoleAssignment.plan_id == plan.id, RoleAssignment.role == OwnerRole.DOOR_STAFF,
        RoleAssignment.user_id == user.id,
    )))


def may_check_in(plan, user=None, link=None):
    """Whether `user` (signed in) or the helper `link` may check guests in for `plan`."""
    if link is not None:
        return link.plan_id == plan.id and link.valid_at(clock.stamp())
    if user is None or not getattr(user, "is_authenticated", False) or not user.active:
        return False
    return user.has_role(*CHECKIN_ROLES) or is_door_staff(plan, user)


def door_actor(plan, user=None, link=None):
    """The DoorActor for `plan`, or None when neither may check in."""
    if not may_check_in(plan, user, link):
        return None
    if link is not None:
        return DoorActor(None, link.id, link.label)
    return DoorActor(user.id, None, user.name)


def doors_for(user):
    """The approved events from yesterday to DOORS_AHEAD_DAYS ahead whose door `user` may keep,
    soonest first: every one for planners and admins, the plans whose team has them as door
    staff for everyone else. One query."""
    today = clock.today()
    query = (select(Plan).where(Plan.state == PlanState.APPROVED,
                                Plan.event_day.between(today - timedelta(days=1), today + timedelta(days=DOORS_AHEAD_DAYS)))
             .order_by(Plan.event_day, Plan.start_time, Plan.id).limit(DOORS_LIMIT))
    if not user.has_role(*CHECKIN_ROLES):
        query = query.where(exists().where(RoleAssignment.plan_id == Plan.id, RoleAssignment.role == OwnerRole.DOOR_STAFF,
                                           RoleAssignment.user_id == user.id))
    return db.session.scalars(query).all()
