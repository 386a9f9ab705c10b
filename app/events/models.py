"""The event-type catalogue: types, the tiers they fit, default budget lines and tasks."""
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from flask_babel import get_locale
from sqlalchemy import CheckConstraint, ForeignKey, Numeric, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.constraints import one_of
from app.customers.models import TIERS, Tier
from app.extensions import db

MONEY = Numeric(12, 2)
CENT = Decimal("0.01")


class Phase(StrEnum):
    """DOMAIN.md section 4."""

    PREPARATION = "preparation"  # 筹备期
    EXECUTION = "execution"  # 执行期
    REVIEW = "review"  # 复盘期


class OwnerRole(StrEnum):
    """The roles of the project team, DOMAIN.md section 5."""

    PROJECT_LEAD = "project_lead"
    CUSTOMER_TEAM = "customer_team"
    PLANNING_TEAM = "planning_team"
    EXECUTION_TEAM = "execution_team"
    PUBLICITY_TEAM = "publicity_team"
    DOOR_STAFF = "door_staff"  # check guests in at the door (app/checkin)


class BudgetCategory(StrEnum):
    """DOMAIN.md section 6; contingency is computed from these, never a default line."""

    VENUE = "venue"
    MATERIALS = "materials"
    GIFTS = "gifts"
    PERSONNEL = "personnel"
    CATERING = "catering"
    PROMOTION = "promotion"


PHASES = tuple(p.value for p in Phase)
OWNER_ROLES = tuple(r.value for r in OwnerRole)
BUDGET_CATEGORIES = tuple(c.value for c in BudgetCategory)
# Days relative to the event day T, bounds inclusive: preparation starts at T-60
# at the earliest and ends at T-7, execution runs T-7..T+3, review closes by T+7.
PHASE_WINDOWS = {Phase.PREPARATION: (-60, -7), Phase.EXECUTION: (-7, 3), Phase.REVIEW: (1, 7)}
_IN_WINDOW = " OR ".join(
    f"(phase = '{phase}' AND offset_days BETWEEN {low} AND {high})" for phase, (low, high) in PHASE_WINDOWS.items()
)


def localized(row, field):
    """`row.<field>_zh` for a Chinese interface, else `row.<field>_en`."""
    return getattr(row, f"{field}_{'zh' if str(get_locale()).startswith('zh') else 'en'}")


class EventType(db.Model):
    __tablename__ = "event_types"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name_zh: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100))
    description_zh: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(default=True)
    position: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now(), onupdate=func.now())

    tier_rows: Mapped[list["EventTypeTier"]] = relationship(cascade="all, delete-orphan", lazy="selectin")
    budget_lines: Mapped[list["EventTypeBudgetLine"]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="EventTypeBudgetLine.position"
    )
    tasks: Mapped[list["EventTypeTask"]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by=lambda: [EventTypeTask.offset_days, EventTypeTask.position]
    )

    @property
    def tiers(self):
        """The fitting tiers in the order of `Tier`."""
        chosen = {row.tier for row in self.tier_rows}
        return [tier for tier in Tier if tier in chosen]

    @property
    def name(self):
        return localized(self, "name")

    @property
    def description(self):
        return localized(self, "description")

    @property
    def budget_total(self):
        return sum((line.amount for line in self.budget_lines), Decimal("0.00"))

    def tasks_in(self, phase):
        return [task for task in self.tasks if task.phase == phase]

    def __repr__(self):
        return f"<EventType {self.code}>"


class EventTypeTier(db.Model):
    """A tier the event type fits (DOMAIN.md section 3)."""

    __tablename__ = "event_type_tiers"
    __table_args__ = (CheckConstraint(one_of("tier", TIERS), name="tier_known"),)

    event_type_id: Mapped[int] = mapped_column(ForeignKey("event_types.id", ondelete="CASCADE"), primary_key=True)
    tier: Mapped[str] = mapped_column(String(16), primary_key=True)


class EventTypeBudgetLine(db.Model):
    """A default line of the budget: quantity times unit price (CNY)."""

    __tablename__ = "event_type_budget_lines"
    __table_args__ = (
        CheckConstraint(one_of("category", BUDGET_CATEGORIES), name="category_known"),
        CheckConstraint("quantity >= 0 AND unit_price >= 0", name="amounts_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_type_id: Mapped[int] = mapped_column(ForeignKey("event_types.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    category: Mapped[str] = mapped_column(String(16))
    description_zh: Mapped[str] = mapped_column(String(200))
    description_en: Mapped[str] = mapped_column(String(200))
    quantity: Mapped[Decimal] = mapped_column(MONEY)
    unit_zh: Mapped[str] = mapped_column(String(20))
    unit_en: Mapped[str] = mapped_column(String(20))
    unit_price: Mapped[Decimal] = mapped_column(MONEY)

    @property
    def amount(self):
        return (Decimal(self.quantity) * Decimal(self.unit_price)).quantize(CENT)

    @property
    def description(self):
        return localized(self, "description")

    @property
    def unit(self):
        return localized(self, "unit")


class EventTypeTask(db.Model):
    """A default task: which phase, who owns it, and when relative to the event day T."""

    __tablename__ = "event_type_tasks"
    __table_args__ = (
        CheckConstraint(one_of("phase", PHASES), name="phase_known"),
        CheckConstraint(one_of("owner_role", OWNER_ROLES), name="owner_role_known"),
        CheckConstraint(_IN_WINDOW, name="offset_in_phase"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_type_id: Mapped[int] = mapped_column(ForeignKey("event_types.id", ondelete="CASCADE"), index=True)
    phase: Mapped[str] = mapped_column(String(16))
    position: Mapped[int] = mapped_column(default=0)
    title_zh: Mapped[str] = mapped_column(String(200))
    title_en: Mapped[str] = mapped_column(String(200))
    owner_role: Mapped[str] = mapped_column(String(20))
    offset_days: Mapped[int]  # relative to the event day T; negative before it

    @property
    def title(self):
        return localized(self, "title")
