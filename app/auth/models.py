"""Users and the roles they hold."""
import secrets
from datetime import datetime, timezone
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, String, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.constraints import one_of
from app.extensions import db


class Role(StrEnum):
    ADMIN = "admin"
    PLANNER = "planner"
    MANAGER = "manager"
    STAFF = "staff"


ROLE_VALUES = tuple(role.value for role in Role)
LOCALES = ("zh", "en")


def new_session_token():
    return secrets.token_urlsafe(32)


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(one_of("locale", LOCALES), name="locale_known"),
        CheckConstraint("email = lower(email)", name="email_lowercase"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    # Flask-Login stores this, not the id, in the session: rotating it signs the
    # user out everywhere (password change, deactivation).
    session_token: Mapped[str] = mapped_column(String(64), unique=True, default=new_session_token)
    active: Mapped[bool] = mapped_column(default=True)
    locale: Mapped[str | None] = mapped_column(String(5))
    # The secret of the user's personal calendar feed; None until first asked for, reset at will.
    calendar_token: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    last_login_at: Mapped[datetime | None]

    role_rows: Mapped[list["UserRole"]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def roles(self):
        return frozenset(Role(row.role) for row in self.role_rows)

    @property
    def is_active(self):
        return self.active

    def get_id(self):
        return self.session_token

    def has_role(self, *roles):
        return bool(self.roles.intersection(roles))

    def touch_login(self):
        self.last_login_at = datetime.now(timezone.utc).replace(tzinfo=None)

    def __repr__(self):
        return f"<User {self.email}>"


class UserRole(db.Model):
    __tablename__ = "user_roles"
    __table_args__ = (CheckConstraint(one_of("role", ROLE_VALUES), name="role_known"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(20), primary_key=True)

    user: Mapped[User] = relationship(back_populates="role_rows")


class ApiToken(db.Model):
    """A credential for a CRM/ERP system calling the JSON API. Only a SHA-256 hash
    of the secret is stored; the secret is shown once, when it is created."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))  # shown in lists to tell tokens apart
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # The person the token acts for, with their roles (e.g. a manager's approvals from a
    # workflow system); None for a system that only exchanges data.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    user: Mapped["User | None"] = relationship(foreign_keys=[user_id])

    @property
    def active(self):
        return self.revoked_at is None
