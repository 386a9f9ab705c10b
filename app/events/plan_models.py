"""Event plans (DOMAIN.md section 1) and their phased timeline of tasks (section 4)."""
from datetime import date, datetime, time
from enum import StrEnum

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    String,
    Text,
    Time,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import User
from app.core.constraints import one_of
from app.customers.models import TIERS, Tier
from app.events.models import OWNER_ROLES, PHASES, EventType, localized
from app.extensions import db


class PlanState(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    REJECTED = "rejected"
    COMPLETED = "completed"
    REVIEWED = "reviewed"
    CANCELLED = "cancelled"


class TaskStatus(StrEnum):
    OPEN = "open"
    DONE = "done"


PLAN_STATES = tuple(s.value for s in PlanState)
TASK_STATUSES = tuple(s.value for s in TaskStatus)


class Plan(db.Model):
    __tablename__ = "plans"
    __table_args__ = (
        CheckConstraint(one_of("state", PLAN_STATES), name="state_known"),
        CheckConstraint("expected_guests >= 0", name="guests_not_negative"),
        CheckConstraint("capacity >= 0", name="capacity_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    event_type_id: Mapped[int] = mapped_column(ForeignKey("event_types.id"), index=True)
    event_day: Mapped[date] = mapped_column(Date, index=True)
    start_time: Mapped[time | None] = mapped_column(Time)
    venue: Mapped[str | None] = mapped_column(String(200))
    online: Mapped[bool] = mapped_column(default=False)
    expected_guests: Mapped[int | None]
    capacity: Mapped[int | None]
    content: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[str] = mapped_column(String(16), default=PlanState.DRAFT)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now(), onupdate=func.now())

    event_type: Mapped[EventType] = relationship()
    tier_rows: Mapped[list["PlanTier"]] = relationship(cascade="all, delete-orphan")
    tasks: Mapped[list["PlanTask"]] = relationship(
        cascade="all, delete-orphan", order_by=lambda: [PlanTask.due_on, PlanTask.position]
    )

    @property
    def tiers(self):
        """The target tiers in the order of `Tier`."""
        chosen = {row.tier for row in self.tier_rows}
        return [tier for tier in Tier if tier in chosen]

    def __repr__(self):
        return f"<Plan {self.id} {self.title!r}>"


class PlanTier(db.Model):
    """A target tier of the plan (DOMAIN.md section 1, step 2)."""

    __tablename__ = "plan_tiers"
    __table_args__ = (CheckConstraint(one_of("tier", TIERS), name="tier_known"),)

    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), primary_key=True)
    tier: Mapped[str] = mapped_column(String(16), primary_key=True)


class PlanTask(db.Model):
    """A task of the plan's timeline, copied from the event type and then the plan's own."""

    __tablename__ = "plan_tasks"
    __table_args__ = (
        CheckConstraint(one_of("phase", PHASES), name="phase_known"),
        CheckConstraint(one_of("owner_role", OWNER_ROLES), name="owner_role_known"),
        CheckConstraint(one_of("status", TASK_STATUSES), name="status_known"),
        Index("ix_plan_tasks_plan_id_due_on", "plan_id", "due_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"))
    phase: Mapped[str] = mapped_column(String(16))
    position: Mapped[int] = mapped_column(default=0)
    title_zh: Mapped[str] = mapped_column(String(200))
    title_en: Mapped[str] = mapped_column(String(200))
    owner_role: Mapped[str] = mapped_column(String(20))
    due_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(8), default=TaskStatus.OPEN)
    done_at: Mapped[datetime | None]
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    @property
    def title(self):
        return localized(self, "title")


class RoleAssignment(db.Model):
    """A user holding one of the project-team roles (DOMAIN.md section 5) on a plan."""

    __tablename__ = "role_assignments"
    __table_args__ = (
        CheckConstraint(one_of("role", OWNER_ROLES), name="role_known"),
        UniqueConstraint("plan_id", "role", "user_id"),
        Index("ix_role_assignments_user_id_role", "user_id", "role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(20))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))

    user: Mapped[User] = relationship()
