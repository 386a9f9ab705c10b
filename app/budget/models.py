"""A plan's budget: numbered revisions of line items (DOMAIN.md section 6) and their approvals."""
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import User
from app.core.constraints import one_of
from app.events.models import BUDGET_CATEGORIES, MONEY
from app.events.plan_models import Plan
from app.extensions import db

CONTINGENCY = "contingency"  # 应急备用金
LINE_CATEGORIES = BUDGET_CATEGORIES + (CONTINGENCY,)
TOTAL = Numeric(14, 2)


class RevisionState(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    REJECTED = "rejected"


class Decision(StrEnum):
    APPROVED = "approved"
    REJECTED = "rejected"


REVISION_STATES = tuple(s.value for s in RevisionState)
DECISIONS = tuple(d.value for d in Decision)


class BudgetRevision(db.Model):
    """One version of a plan's budget. Only the newest revision of a plan may change, and
    only while it is a draft or rejected; changing an approved budget starts the next revision."""

    __tablename__ = "budget_revisions"
    __table_args__ = (
        CheckConstraint(one_of("state", REVISION_STATES), name="state_known"),
        CheckConstraint("number >= 1", name="number_positive"),
        UniqueConstraint("plan_id", "number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"))
    number: Mapped[int]
    state: Mapped[str] = mapped_column(String(12), default=RevisionState.DRAFT)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    submitted_at: Mapped[datetime | None]
    # Fixed at submission from the configured threshold, so a later change of the setting
    # does not move a budget that is already waiting.
    approvals_needed: Mapped[int] = mapped_column(default=1)
    # The plan as it was approved with this revision (app/budget/snapshot.py), so that a later
    # resubmission shows the approver what changed since.
    approved_snapshot: Mapped[dict | None] = mapped_column(JSON)

    plan: Mapped[Plan] = relationship()
    submitted_by: Mapped[User | None] = relationship(foreign_keys=[submitted_by_id])
    lines: Mapped[list["BudgetLine"]] = relationship(
        cascade="all, delete-orphan", order_by=lambda: [BudgetLine.position, BudgetLine.id]
    )
    approvals: Mapped[list["BudgetApproval"]] = relationship(
        cascade="all, delete-orphan", order_by=lambda: BudgetApproval.level
    )


class BudgetLine(db.Model):
    """Quantity x unit price in CNY; `amount` is stored (rounded to the cent by the
    service) so that totals and the chart are sums in SQL."""

    __tablename__ = "budget_lines"
    __table_args__ = (
        CheckConstraint(one_of("category", LINE_CATEGORIES), name="category_known"),
        CheckConstraint("quantity >= 0 AND unit_price >= 0 AND amount >= 0", name="amounts_not_negative"),
        CheckConstraint("actual_amount IS NULL OR actual_amount >= 0", name="actual_not_negative"),
        Index("ix_budget_lines_revision_id_position", "revision_id", "position"),
        # One contingency line per revision.
        Index(
            "uq_budget_lines_one_contingency", "revision_id", unique=True,
            sqlite_where=text("category = 'contingency'"), postgresql_where=text("category = 'contingency'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    revision_id: Mapped[int] = mapped_column(ForeignKey("budget_revisions.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(default=0)
    category: Mapped[str] = mapped_column(String(16))
    description: Mapped[str] = mapped_column(String(200))
    quantity: Mapped[Decimal] = mapped_column(MONEY)
    unit: Mapped[str] = mapped_column(String(20), default="")
    unit_price: Mapped[Decimal] = mapped_column(MONEY)
    amount: Mapped[Decimal] = mapped_column(TOTAL)
    note: Mapped[str] = mapped_column(Text, default="")
    # After the event: what was spent, and which receipt shows it.
    actual_amount: Mapped[Decimal | None] = mapped_column(TOTAL)
    receipt_note: Mapped[str] = mapped_column(String(200), default="")
    # Optimistic locking of the line's edit form (app/core/versions.py).
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}


class BudgetApproval(db.Model):
    """A decision on a submitted revision: level 1 by a manager, level 2 by an admin when
    the total is above the configured threshold. Nobody decides on their own submission."""

    __tablename__ = "budget_approvals"
    __table_args__ = (
        CheckConstraint(one_of("decision", DECISIONS), name="decision_known"),
        CheckConstraint("level IN (1, 2)", name="level_known"),
        CheckConstraint("submitted_by_id IS NULL OR approver_id <> submitted_by_id", name="not_own_submission"),
        UniqueConstraint("revision_id", "level"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    revision_id: Mapped[int] = mapped_column(ForeignKey("budget_revisions.id", ondelete="CASCADE"))
    level: Mapped[int]
    approver_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decision: Mapped[str] = mapped_column(String(10))
    comment: Mapped[str] = mapped_column(Text, default="")
    decided_at: Mapped[datetime] = mapped_column(server_default=func.now())

    approver: Mapped[User] = relationship(foreign_keys=[approver_id])
