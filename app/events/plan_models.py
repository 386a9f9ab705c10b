"""Event plans (DOMAIN.md section 1) and their phased timeline of tasks (section 4)."""
from datetime import date, datetime, time
from enum import StrEnum

from decimal import Decimal

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Numeric,
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


class GoalMetric(StrEnum):
    """What a SMART goal measures (DOMAIN.md sections 1 and 7): figures Rapport can
    compute after the event. Rates, NPS and CSAT are in percent or points; revenue in CNY."""

    REPURCHASE_RATE = "repurchase_rate"
    CHURN_RATE = "churn_rate"
    ATTENDANCE_RATE = "attendance_rate"
    NPS = "nps"
    CSAT = "csat"
    REVENUE = "revenue"


class Channel(StrEnum):
    """Promotion and invitation channels, DOMAIN.md section 1 step 6."""

    WECHAT = "wechat"  # 公众号
    COMMUNITY = "community"  # 社群
    SMS = "sms"
    EMAIL = "email"
    PHONE = "phone"
    VISIT = "visit"


class TaskStatus(StrEnum):
    OPEN = "open"
    DONE = "done"


# The plan's own texts (title, venue, content, budget lines) are in the organisation's language;
# the *_en fields hold an optional English version for English-speaking guests.
MAIN_LOCALE = "zh"

PLAN_STATES = tuple(s.value for s in PlanState)
TASK_STATUSES = tuple(s.value for s in TaskStatus)
GOAL_METRICS = tuple(m.value for m in GoalMetric)
CHANNELS = tuple(c.value for c in Channel)


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
    # Template steps 1, 2, 6 and 7 (DOMAIN.md section 1).
    principles: Mapped[str] = mapped_column(Text, default="", server_default="")
    target_industries: Mapped[list] = mapped_column(JSON, default=list, server_default="[]")
    target_tags: Mapped[list] = mapped_column(JSON, default=list, server_default="[]")
    channels: Mapped[list] = mapped_column(JSON, default=list, server_default="[]")
    promotion: Mapped[str] = mapped_column(Text, default="", server_default="")
    onsite: Mapped[str] = mapped_column(Text, default="", server_default="")
    evaluation: Mapped[str] = mapped_column(Text, default="", server_default="")
    # What English-speaking guests read instead of title, venue and content (app/events/guest_text.py).
    title_en: Mapped[str] = mapped_column(String(200), default="", server_default="")
    venue_en: Mapped[str] = mapped_column(String(200), default="", server_default="")
    content_en: Mapped[str] = mapped_column(Text, default="", server_default="")
    # The street address (beside the venue's name) and the dress code, each with its English version.
    address: Mapped[str] = mapped_column(String(200), default="", server_default="")
    address_en: Mapped[str] = mapped_column(String(200), default="", server_default="")
    dress_code: Mapped[str] = mapped_column(String(200), default="", server_default="")
    dress_code_en: Mapped[str] = mapped_column(String(200), default="", server_default="")
    state: Mapped[str] = mapped_column(String(16), default=PlanState.DRAFT)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now(), onupdate=func.now())
    # Optimistic locking: every UPDATE raises it, so an edit form made from an older version
    # is refused instead of silently restoring what someone else changed (app/core/versions.py).
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}

    event_type: Mapped[EventType] = relationship()
    tier_rows: Mapped[list["PlanTier"]] = relationship(cascade="all, delete-orphan")
    tasks: Mapped[list["PlanTask"]] = relationship(
        cascade="all, delete-orphan", order_by=lambda: [PlanTask.due_on, PlanTask.position]
    )
    goals: Mapped[list["PlanGoal"]] = relationship(
        cascade="all, delete-orphan", order_by=lambda: [PlanGoal.position, PlanGoal.id]
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


class PlanGoal(db.Model):
    """A goal of the plan (template step 1). SMART when it names a metric, a target and
    a deadline; a goal with only `text` is kept but marked as not measurable."""

    __tablename__ = "plan_goals"
    __table_args__ = (
        CheckConstraint(one_of("metric", GOAL_METRICS), name="metric_known"),
        CheckConstraint("metric IS NOT NULL OR text <> ''", name="metric_or_text"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    text: Mapped[str] = mapped_column(String(500), default="")
    metric: Mapped[str | None] = mapped_column(String(20))
    baseline: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    target: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    deadline: Mapped[date | None] = mapped_column(Date)
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}

    @property
    def measurable(self):
        return self.metric is not None and self.target is not None and self.deadline is not None


class PlanActivity(db.Model):
    """The plan's activity log: who changed what, when. `action` is a code such as
    "plan.submitted" or "budget.line_changed"; `detail` holds what the page shows of it."""

    __tablename__ = "plan_activities"
    __table_args__ = (Index("ix_plan_activities_plan_id_at", "plan_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(server_default=func.now())
    action: Mapped[str] = mapped_column(String(40))
    detail: Mapped[dict] = mapped_column(JSON, default=dict)

    user: Mapped[User | None] = relationship()
