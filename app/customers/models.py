"""Customers, their orders and interactions, tier rules and tier snapshots."""
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Numeric,
    String,
    Text,
    func,
    select,
)
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship

from app.core.constraints import one_of
from app.extensions import db


def equals_one_of(column, values):
    """`one_of` spelled with OR: SQLite checks `x IN (...)` in a CHECK constraint
    about as slowly as it writes the row, which counts for the 100,000 rows of a
    tier run."""
    return " OR ".join(f"{column} = {value!r}" for value in values)


MONEY = Numeric(12, 2)
# Sums of many orders can pass 10 billion: totals get more digits than one amount.
MONEY_TOTAL = Numeric(16, 2)


class Channel(StrEnum):
    """Promotion and contact channels (DOMAIN.md section 1, step 6)."""

    WECHAT = "wechat"  # 公众号 / WeChat
    COMMUNITY = "community"  # 社群
    SMS = "sms"
    EMAIL = "email"
    PHONE = "phone"
    VISIT = "visit"


class Tier(StrEnum):
    """RFM tiers in the order of precedence (DOMAIN.md section 2)."""

    HIGH_VALUE = "high_value"
    CHURN_RISK = "churn_risk"
    NEW = "new"
    GROWTH = "growth"
    GENERAL = "general"


class Lifecycle(StrEnum):
    """Lifecycle stages of seed 002."""

    NEW = "new"
    GROWTH = "growth"
    MATURE = "mature"
    CHURN_RISK = "churn_risk"


CHANNELS = tuple(c.value for c in Channel)
TIERS = tuple(t.value for t in Tier)
LIFECYCLES = tuple(s.value for s in Lifecycle)


class Customer(db.Model):
    __tablename__ = "customers"
    __table_args__ = (
        CheckConstraint(one_of("preferred_channel", CHANNELS), name="channel_known"),
        CheckConstraint(one_of("preferred_language", ("zh", "en")), name="language_known"),
        Index("ix_customers_name", "name"),
        Index("ix_customers_company", "company"),
        Index("ix_customers_industry", "industry"),
        Index("ix_customers_city", "city"),
        Index("ix_customers_phone", "phone"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    company: Mapped[str | None] = mapped_column(String(200))
    industry: Mapped[str | None] = mapped_column(String(64))
    contact_person: Mapped[str | None] = mapped_column(String(100))
    contact_title: Mapped[str | None] = mapped_column(String(100))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(32))
    wechat_id: Mapped[str | None] = mapped_column(String(64))
    city: Mapped[str | None] = mapped_column(String(64))
    preferred_channel: Mapped[str | None] = mapped_column(String(16))
    preferred_language: Mapped[str | None] = mapped_column(String(5))
    registered_on: Mapped[date | None] = mapped_column(Date)
    consent: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now(), onupdate=func.now())

    tag_rows: Mapped[list["CustomerTag"]] = relationship(
        back_populates="customer", cascade="all, delete-orphan", lazy="selectin", order_by="CustomerTag.tag"
    )

    @property
    def tags(self):
        return [row.tag for row in self.tag_rows]

    def __repr__(self):
        return f"<Customer {self.external_id} {self.name}>"


class CustomerTag(db.Model):
    __tablename__ = "customer_tags"
    __table_args__ = (Index("ix_customer_tags_tag", "tag", "customer_id"),)

    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), primary_key=True)
    tag: Mapped[str] = mapped_column(String(64), primary_key=True)

    customer: Mapped[Customer] = relationship(back_populates="tag_rows")


class Order(db.Model):
    __tablename__ = "orders"
    __table_args__ = (
        CheckConstraint("amount >= 0", name="amount_not_negative"),
        # Covers the RFM aggregate, so tiering reads the index rather than the table.
        Index("ix_orders_customer_date_amount", "customer_id", "ordered_on", "amount"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str] = mapped_column(String(64), unique=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    ordered_on: Mapped[date] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column(MONEY)
    product: Mapped[str | None] = mapped_column(String(200))
    channel: Mapped[str | None] = mapped_column(String(64))

    customer: Mapped[Customer] = relationship()


class Interaction(db.Model):
    __tablename__ = "interactions"
    __table_args__ = (Index("ix_interactions_customer_date", "customer_id", "occurred_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    occurred_on: Mapped[date] = mapped_column(Date)
    channel: Mapped[str | None] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(Text)

    customer: Mapped[Customer] = relationship()


class TierRules(db.Model):
    """The organisation's thresholds (one row). Defaults are seed 000's rule set."""

    __tablename__ = "tier_rules"
    __table_args__ = (
        CheckConstraint("id = 1", name="single_row"),
        CheckConstraint(
            "high_r_max >= 0 AND growth_r_max >= 0 AND churn_r_min >= 0 AND new_first_days >= 0", name="days_not_negative"
        ),
        CheckConstraint("growth_f_min <= growth_f_max AND growth_m_min <= growth_m_max", name="ranges_ordered"),
    )

    id: Mapped[int] = mapped_column(primary_key=True, default=1)
    high_r_max: Mapped[int] = mapped_column(default=30)
    high_f_min: Mapped[int] = mapped_column(default=8)
    high_m_min: Mapped[Decimal] = mapped_column(MONEY, default=Decimal("10000"))
    churn_r_min: Mapped[int] = mapped_column(default=90)
    churn_f_max: Mapped[int] = mapped_column(default=2)
    churn_m_max: Mapped[Decimal] = mapped_column(MONEY, default=Decimal("1000"))
    new_first_days: Mapped[int] = mapped_column(default=7)
    new_f: Mapped[int] = mapped_column(default=1)
    new_m_min: Mapped[Decimal] = mapped_column(MONEY, default=Decimal("500"))
    growth_r_max: Mapped[int] = mapped_column(default=60)
    growth_f_min: Mapped[int] = mapped_column(default=3)
    growth_f_max: Mapped[int] = mapped_column(default=7)
    growth_m_min: Mapped[Decimal] = mapped_column(MONEY, default=Decimal("3000"))
    growth_m_max: Mapped[Decimal] = mapped_column(MONEY, default=Decimal("9999"))
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now(), onupdate=func.now())
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    FIELDS = (
        "high_r_max", "high_f_min", "high_m_min",
        "churn_r_min", "churn_f_max", "churn_m_max",
        "new_first_days", "new_f", "new_m_min",
        "growth_r_max", "growth_f_min", "growth_f_max", "growth_m_min", "growth_m_max",
    )

    def as_dict(self):
        """JSON-safe thresholds (money as strings), stored with each snapshot."""
        values = {}
        for name in self.FIELDS:
            value = getattr(self, name)
            values[name] = str(Decimal(value).quantize(Decimal("0.01"))) if name.endswith(("m_min", "m_max")) else value
        return values


class TierRun(db.Model):
    """One recomputation of every customer's tier: a dated snapshot."""

    __tablename__ = "tier_runs"
    __table_args__ = (CheckConstraint(one_of("status", ("running", "done", "failed")), name="status_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    as_of: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), default="running")
    started_at: Mapped[datetime] = mapped_column(server_default=func.now())
    finished_at: Mapped[datetime | None]
    triggered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    rules: Mapped[dict] = mapped_column(JSON)
    customer_count: Mapped[int] = mapped_column(default=0)
    error: Mapped[str | None] = mapped_column(Text)


class ClvStep(db.Model):
    """A run's CLV rank as steps of lifetime spend: a customer of the run whose
    lifetime spend is at least `lifetime_min` (and below the next higher step) is in
    the top `top_percent`%. The percent has two decimals, so a run has at most
    10,001 steps, which is much cheaper to store than a rank for every customer."""

    __tablename__ = "clv_steps"
    __table_args__ = {"sqlite_with_rowid": False}

    run_id: Mapped[int] = mapped_column(ForeignKey("tier_runs.id", ondelete="CASCADE"), primary_key=True)
    lifetime_min: Mapped[Decimal] = mapped_column(MONEY_TOTAL, primary_key=True)
    top_percent: Mapped[Decimal] = mapped_column(Numeric(6, 2))


class TierAssignment(db.Model):
    """A customer's RFM values, tier and lifecycle stage in one run."""

    __tablename__ = "tier_assignments"
    __table_args__ = (
        CheckConstraint(equals_one_of("tier", TIERS), name="tier_known"),
        CheckConstraint(equals_one_of("lifecycle", LIFECYCLES), name="lifecycle_known"),
        # A run writes 100,000 rows here: the primary key is the only index (on SQLite
        # the table itself). Pages filter a run's rows by tier, history reads one
        # customer's row of each run: both fast enough through the key.
        {"sqlite_with_rowid": False},
    )

    run_id: Mapped[int] = mapped_column(ForeignKey("tier_runs.id", ondelete="CASCADE"), primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), primary_key=True)
    tier: Mapped[str] = mapped_column(String(16))
    lifecycle: Mapped[str] = mapped_column(String(16))
    recency_days: Mapped[int | None]  # days since the last order (purchase)
    frequency: Mapped[int] = mapped_column(default=0)  # orders in the last 12 months
    monetary: Mapped[Decimal] = mapped_column(MONEY_TOTAL, default=Decimal("0"))  # spend in the last 12 months
    first_order_on: Mapped[date | None] = mapped_column(Date)
    last_activity_on: Mapped[date | None] = mapped_column(Date)  # last order or interaction: the lifecycle's
    lifetime_spend: Mapped[Decimal] = mapped_column(MONEY_TOTAL, default=Decimal("0"))
    # 4.00 = in the top 4% by lifetime spend; None without any spend. Read from the run's steps.
    clv_top_percent: Mapped[Decimal | None] = column_property(
        select(ClvStep.top_percent)
        .where(ClvStep.run_id == run_id, ClvStep.lifetime_min <= lifetime_spend)
        .order_by(ClvStep.lifetime_min.desc())
        .limit(1)
        .correlate_except(ClvStep)
        .scalar_subquery()
    )


class RfmInputs(db.Model):
    """A customer's RFM inputs as of `RfmInputsDate.as_of` (the latest tier run's
    date, or today if later): what a run needs of the customer's orders,
    interactions and record, so that it reads one row per customer instead of
    every order. Kept true by `rfm_inputs.refresh` wherever customers, orders or
    interactions are written; see app/customers/rfm_inputs.py."""

    __tablename__ = "rfm_inputs"
    # The CLV ranks are read in this order.
    __table_args__ = (Index("ix_rfm_inputs_lifetime_spend", "lifetime_spend"),)

    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), primary_key=True)
    # Registration or first purchase, whichever is earlier, else when the record was created.
    start_on: Mapped[date] = mapped_column(Date)
    first_order_on: Mapped[date | None] = mapped_column(Date)
    last_order_on: Mapped[date | None] = mapped_column(Date)  # last purchase: R
    last_activity_on: Mapped[date | None] = mapped_column(Date)  # last order or interaction: the lifecycle
    frequency: Mapped[int] = mapped_column(default=0)  # orders in the 12 months up to the date
    monetary: Mapped[Decimal] = mapped_column(MONEY_TOTAL, default=Decimal("0"))  # their amount
    lifetime_spend: Mapped[Decimal] = mapped_column(MONEY_TOTAL, default=Decimal("0"))
    # The first date after `as_of` on which the values may differ: an order leaves
    # the 12 months, or an order or interaction dated after `as_of` starts to count.
    valid_until: Mapped[date | None] = mapped_column(Date)


class RfmInputsDate(db.Model):
    """The date that every row of `rfm_inputs` holds the values for (one row)."""

    __tablename__ = "rfm_inputs_date"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(primary_key=True, default=1)
    as_of: Mapped[date] = mapped_column(Date)


class ImportJob(db.Model):
    """An upload of customers or orders: stored by the web request, read (header,
    preview, automatic mapping), validated and written by the worker."""

    __tablename__ = "import_jobs"
    __table_args__ = (
        CheckConstraint(one_of("kind", ("customers", "orders")), name="kind_known"),
        CheckConstraint(one_of("status", ("reading", "uploaded", "queued", "validating", "writing", "done", "failed")),
                        name="status_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    filename: Mapped[str] = mapped_column(String(255))
    stored_path: Mapped[str] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(12), default="reading")
    mapping: Mapped[dict | None] = mapped_column(JSON)
    preview: Mapped[dict | None] = mapped_column(JSON)  # read by the worker: {headers, rows, estimated}
    total_rows: Mapped[int | None]
    processed_rows: Mapped[int] = mapped_column(default=0)
    created_count: Mapped[int] = mapped_column(default=0)
    updated_count: Mapped[int] = mapped_column(default=0)
    error_count: Mapped[int] = mapped_column(default=0)
    errors: Mapped[list | None] = mapped_column(JSON)  # the first errors: {line, column, code, value}
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    finished_at: Mapped[datetime | None]
    # Each run of the job counts one up; only the run holding the latest number publishes.
    attempt: Mapped[int] = mapped_column(default=0, server_default="0")


class ImportStagedRow(db.Model):
    """A checked row of an import job waiting to be published: written in short
    transactions of their own, then copied into customers or orders by a few
    set-based statements in one short transaction (see imports.staging). Rows of a
    run that died are deleted when the job runs again or is closed."""

    __tablename__ = "import_staged_rows"
    __table_args__ = (Index("ix_import_staged_rows_job", "job_id", "attempt"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("import_jobs.id", ondelete="CASCADE"))
    attempt: Mapped[int]
    external_id: Mapped[str] = mapped_column(String(64))
    # customers
    name: Mapped[str | None] = mapped_column(String(200))
    company: Mapped[str | None] = mapped_column(String(200))
    industry: Mapped[str | None] = mapped_column(String(64))
    contact_person: Mapped[str | None] = mapped_column(String(100))
    contact_title: Mapped[str | None] = mapped_column(String(100))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(32))
    wechat_id: Mapped[str | None] = mapped_column(String(64))
    city: Mapped[str | None] = mapped_column(String(64))
    preferred_channel: Mapped[str | None] = mapped_column(String(16))
    preferred_language: Mapped[str | None] = mapped_column(String(5))
    registered_on: Mapped[date | None] = mapped_column(Date)
    consent: Mapped[bool | None]
    # orders
    customer_id: Mapped[int | None]
    ordered_on: Mapped[date | None] = mapped_column(Date)
    amount: Mapped[Decimal | None] = mapped_column(MONEY)
    product: Mapped[str | None] = mapped_column(String(200))
    channel: Mapped[str | None] = mapped_column(String(64))


class ImportStagedTag(db.Model):
    """A tag of a staged customer row (the file's tags replace the customer's)."""

    __tablename__ = "import_staged_tags"
    __table_args__ = (Index("ix_import_staged_tags_job", "job_id", "attempt"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("import_jobs.id", ondelete="CASCADE"))
    attempt: Mapped[int]
    external_id: Mapped[str] = mapped_column(String(64))
    tag: Mapped[str] = mapped_column(String(64))
