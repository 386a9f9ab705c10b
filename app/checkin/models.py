"""Check-ins at the door: one per invitation, every scan attempt on record, the links that let
a temporary helper scan for one event, and each event's door settings."""
from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint, func, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import User
from app.core.constraints import one_of
from app.extensions import db
from app.invitations.models import Invitation


class ScanStatus(StrEnum):
    OK = "ok"
    ALREADY_CHECKED_IN = "already_checked_in"
    UNKNOWN = "unknown"
    REVOKED = "revoked"
    WRONG_EVENT = "wrong_event"
    DECLINED = "declined"
    NOT_ATTENDING = "not_attending"  # no answer yet, or on the waitlist


class ScanSource(StrEnum):
    CAMERA = "camera"
    SCANNER = "scanner"  # a keyboard-wedge (USB/Bluetooth) scanner
    MANUAL = "manual"  # found by name, company or phone; or a walk-in


SCAN_STATUSES = tuple(s.value for s in ScanStatus)
SCAN_SOURCES = tuple(s.value for s in ScanSource)
ENTRANCE_MAX = 60


class CheckinSettings(db.Model):
    """Per plan: whether guests who have not answered (or wait on the waitlist) are let in."""

    __tablename__ = "checkin_settings"

    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), primary_key=True)
    admit_not_attending: Mapped[bool] = mapped_column(default=False)


class HelperLink(db.Model):
    """A temporary helper's check-in link for one event. Only a SHA-256 hash of its secret is
    stored (the secret is shown once, as a setup QR code); it expires after the event."""

    __tablename__ = "checkin_helper_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(100))  # who holds it: "前门志愿者 小李"
    entrance: Mapped[str] = mapped_column(String(ENTRANCE_MAX), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    def valid_at(self, moment):
        return self.revoked_at is None and moment < self.expires_at


class CheckIn(db.Model):
    """A guest at the door. One per invitation while it stands (a unique index on the invitation
    among the check-ins not undone): of two scans at once exactly one inserts it."""

    __tablename__ = "checkins"
    __table_args__ = (
        CheckConstraint("companions >= 0", name="companions_not_negative"),
        CheckConstraint(one_of("source", SCAN_SOURCES), name="source_known"),
        CheckConstraint("(undone_at IS NULL) = (undone_reason IS NULL)", name="undone_with_reason"),
        Index("uq_checkins_invitation_standing", "invitation_id", unique=True,
              sqlite_where=text("undone_at IS NULL"), postgresql_where=text("undone_at IS NULL")),
        Index("ix_checkins_plan_id_arrived_at", "plan_id", "arrived_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"))
    invitation_id: Mapped[int] = mapped_column(ForeignKey("invitations.id", ondelete="CASCADE"))
    companions: Mapped[int] = mapped_column(default=0)  # how many came with the guest
    walk_in: Mapped[bool] = mapped_column(default=False)
    source: Mapped[str] = mapped_column(String(10))
    entrance: Mapped[str] = mapped_column(String(ENTRANCE_MAX), default="")
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    helper_link_id: Mapped[int | None] = mapped_column(ForeignKey("checkin_helper_links.id", ondelete="SET NULL"))
    scanned_at: Mapped[datetime]  # the device's clock, when the code was read
    arrived_at: Mapped[datetime]  # the server's clock, when the check-in was recorded
    undone_at: Mapped[datetime | None]
    undone_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    undone_reason: Mapped[str | None] = mapped_column(String(200))

    invitation: Mapped[Invitation] = relationship()
    user: Mapped[User | None] = relationship(foreign_keys=[user_id])
    helper_link: Mapped[HelperLink | None] = relationship()


class ScanAttempt(db.Model):
    """Every scan, admitted or not, with its answer. The code itself is never stored (a forged or
    mistyped one is nobody's business, a real one is a power), only its SHA-256. A device's nonce
    is unique per actor: a retried request finds its first answer here."""

    __tablename__ = "checkin_attempts"
    __table_args__ = (
        CheckConstraint(one_of("status", SCAN_STATUSES), name="status_known"),
        CheckConstraint(one_of("source", SCAN_SOURCES), name="source_known"),
        UniqueConstraint("actor", "nonce", name="uq_checkin_attempts_actor_nonce"),
        Index("ix_checkin_attempts_plan_id_at", "plan_id", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"))
    # "u<user id>", "h<helper link id>": whose nonces these are
    actor: Mapped[str] = mapped_column(String(24))
    nonce: Mapped[str] = mapped_column(String(64))
    code_hash: Mapped[str | None] = mapped_column(String(64))  # None for a manual check-in
    invitation_id: Mapped[int | None] = mapped_column(ForeignKey("invitations.id", ondelete="SET NULL"))
    checkin_id: Mapped[int | None] = mapped_column(ForeignKey("checkins.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(20))
    admitted: Mapped[bool] = mapped_column(default=False)
    reason: Mapped[str] = mapped_column(String(40), default="")
    source: Mapped[str] = mapped_column(String(10))
    entrance: Mapped[str] = mapped_column(String(ENTRANCE_MAX), default="")
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    helper_link_id: Mapped[int | None] = mapped_column(ForeignKey("checkin_helper_links.id", ondelete="SET NULL"))
    scanned_at: Mapped[datetime]
    at: Mapped[datetime]
