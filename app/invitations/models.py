"""A plan's guest list: one Invitation per guest, with separate random tokens for the
RSVP link, the QR check-in code and the survey; the outbox of messages sent to guests."""
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
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.constraints import one_of
from app.customers.models import TIERS, Customer
from app.events.plan_models import Plan
from app.extensions import db


class GuestStatus(StrEnum):
    GUEST = "guest"  # holds a seat (invited or about to be)
    WAITLIST = "waitlist"  # capacity reached: invited when a seat frees
    FLAGGED = "flagged"  # no consent or no reachable channel: left out unless added on purpose
    REMOVED = "removed"


class Rsvp(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"


class DeclineReason(StrEnum):
    SCHEDULE = "schedule"
    DISTANCE = "distance"
    NOT_INTERESTED = "not_interested"
    SENDING_SOMEONE = "sending_someone"
    OTHER = "other"


class MessageState(StrEnum):
    """queued -> sending (claimed, committed before the SMTP call) -> sent or failed; a message
    still 'sending' after its worker died becomes 'unknown': the planner decides, it is never
    resent by itself."""

    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    UNKNOWN = "unknown"


class TokenKind(StrEnum):
    RSVP = "rsvp"
    CHECKIN = "checkin"
    SURVEY = "survey"


GUEST_STATUSES = tuple(s.value for s in GuestStatus)
RSVPS = tuple(r.value for r in Rsvp)
DECLINE_REASONS = tuple(r.value for r in DeclineReason)
MESSAGE_STATES = tuple(s.value for s in MessageState)
TOKEN_KINDS = tuple(k.value for k in TokenKind)

# The kinds of message in the outbox (OutboxMessage.kind, SendJob.kind). Some carry a suffix:
# reminder_<days>, manual_<day or send>, update_<plan version>.
INVITATION, NUDGE, CONFIRMATION, CANCELLATION = "invitation", "nudge", "confirmation", "cancellation"
REMINDER, MANUAL, UPDATE = "reminder", "manual", "update"


class InvitationSettings(db.Model):
    """Per plan: the editable invitation template ({name}, {company}, {event}, {date},
    {venue}, {rsvp_link}), the companions cap, the RSVP deadline, reminders, control group."""

    __tablename__ = "invitation_settings"
    __table_args__ = (
        CheckConstraint("companions_cap >= 0", name="companions_cap_not_negative"),
        CheckConstraint("control_share >= 0 AND control_share <= 50", name="control_share_range"),
    )

    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), primary_key=True)
    companions_cap: Mapped[int] = mapped_column(default=1)
    rsvp_deadline: Mapped[date | None] = mapped_column(Date)
    reminder_days: Mapped[list] = mapped_column(JSON, default=lambda: [3, 1])
    nudge_on: Mapped[date | None] = mapped_column(Date)
    control_share: Mapped[Decimal] = mapped_column(Numeric(5, 2), default=Decimal("0"))  # percent held out
    subject_zh: Mapped[str] = mapped_column(String(200), default="")
    body_zh: Mapped[str] = mapped_column(Text, default="")
    subject_en: Mapped[str] = mapped_column(String(200), default="")
    body_en: Mapped[str] = mapped_column(Text, default="")
    # Optimistic locking of the settings form (app/core/versions.py).
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}


class GuestListBuild(db.Model):
    """A record of each build of the list from the tiers and filters, with the random seed
    that chose the control group, so the hold-out can be explained and reproduced."""

    __tablename__ = "guest_list_builds"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    built_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    built_at: Mapped[datetime] = mapped_column(server_default=func.now())
    seed: Mapped[int]
    control_share: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    eligible: Mapped[int] = mapped_column(default=0)
    added: Mapped[int] = mapped_column(default=0)
    held_out: Mapped[int] = mapped_column(default=0)
    flagged: Mapped[int] = mapped_column(default=0)


class ControlMember(db.Model):
    """An eligible customer held out of the invitations, for the ROI review's comparison."""

    __tablename__ = "control_members"

    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), primary_key=True)
    build_id: Mapped[int] = mapped_column(ForeignKey("guest_list_builds.id", ondelete="CASCADE"))


class Invitation(db.Model):
    __tablename__ = "invitations"
    __table_args__ = (
        CheckConstraint(one_of("status", GUEST_STATUSES), name="status_known"),
        CheckConstraint(one_of("rsvp", RSVPS), name="rsvp_known"),
        CheckConstraint(one_of("decline_reason", DECLINE_REASONS), name="decline_reason_known"),
        CheckConstraint(one_of("tier", TIERS), name="tier_known"),
        CheckConstraint(one_of("locale", ("zh", "en")), name="locale_known"),
        CheckConstraint("companions >= 0", name="companions_not_negative"),
        # One invitation per customer and plan; contacts who are not customers by e-mail.
        Index("uq_invitations_plan_customer", "plan_id", "customer_id", unique=True,
              sqlite_where=text("customer_id IS NOT NULL"), postgresql_where=text("customer_id IS NOT NULL")),
        Index("uq_invitations_plan_email", "plan_id", "email", unique=True,
              sqlite_where=text("customer_id IS NULL AND email IS NOT NULL"),
              postgresql_where=text("customer_id IS NULL AND email IS NOT NULL")),
        Index("ix_invitations_plan_status_rsvp", "plan_id", "status", "rsvp"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"))
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id", ondelete="SET NULL"))
    name: Mapped[str] = mapped_column(String(200))
    company: Mapped[str | None] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(32))
    locale: Mapped[str] = mapped_column(String(5), default="zh")
    tier: Mapped[str | None] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(10), default=GuestStatus.GUEST)
    flag: Mapped[str | None] = mapped_column(String(20))  # why it was flagged: no_consent, unreachable
    waitlist_position: Mapped[int | None]
    # Separate powers, separate secrets (>= 128 bits each), never primary keys.
    rsvp_token: Mapped[str] = mapped_column(String(64), unique=True)
    checkin_token: Mapped[str] = mapped_column(String(64), unique=True)
    survey_token: Mapped[str] = mapped_column(String(64), unique=True)
    rsvp: Mapped[str] = mapped_column(String(10), default=Rsvp.PENDING)
    companions: Mapped[int] = mapped_column(default=0)
    dietary: Mapped[str] = mapped_column(String(200), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    decline_reason: Mapped[str | None] = mapped_column(String(20))
    decline_text: Mapped[str] = mapped_column(String(500), default="")
    added_at: Mapped[datetime] = mapped_column(server_default=func.now())
    invited_at: Mapped[datetime | None]
    opened_at: Mapped[datetime | None]
    responded_at: Mapped[datetime | None]

    plan: Mapped[Plan] = relationship()
    customer: Mapped[Customer | None] = relationship()


class RevokedToken(db.Model):
    """A token replaced by a reissue: the door answers 'revoked' instead of 'unknown'."""

    __tablename__ = "revoked_tokens"
    __table_args__ = (CheckConstraint(one_of("kind", TOKEN_KINDS), name="kind_known"),)

    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    invitation_id: Mapped[int] = mapped_column(ForeignKey("invitations.id", ondelete="CASCADE"), index=True)
    revoked_at: Mapped[datetime] = mapped_column(server_default=func.now())


class SendJob(db.Model):
    """A bulk send (invitations or reminders); its progress is counted from its messages."""

    __tablename__ = "send_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    finished_at: Mapped[datetime | None]
    # When a run last showed it works on this job (or, for a retry it scheduled, when it will):
    # long before now and not finished, the job is stuck and Celery beat resumes it.
    heartbeat_at: Mapped[datetime | None]


class OutboxMessage(db.Model):
    """One message to one guest. (invitation, kind) is unique, so a retried task or a
    second click can never send the same invitation or reminder twice."""

    __tablename__ = "outbox_messages"
    __table_args__ = (
        CheckConstraint(one_of("state", MESSAGE_STATES), name="state_known"),
        UniqueConstraint("invitation_id", "kind"),
        Index("ix_outbox_messages_job_id_state", "job_id", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    invitation_id: Mapped[int] = mapped_column(ForeignKey("invitations.id", ondelete="CASCADE"))
    job_id: Mapped[int | None] = mapped_column(ForeignKey("send_jobs.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(32))  # invitation, reminder_3, reminder_1, nudge, manual_<job>
    state: Mapped[str] = mapped_column(String(8), default=MessageState.QUEUED)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(String(500), default="")
    queued_at: Mapped[datetime] = mapped_column(server_default=func.now())
    claimed_at: Mapped[datetime | None]  # when the state became 'sending'
    sent_at: Mapped[datetime | None]

    invitation: Mapped[Invitation] = relationship()
