"""API tokens: credentials for CRM/ERP systems calling the JSON API.

The secret ("rk_" + 43 URL-safe characters, 256 random bits) is shown once when
the token is created; only its SHA-256 hash is stored. A plain hash is enough
(unlike passwords) because the secret is random and long: there is nothing to
guess, and a fast hash lets every API request look the token up by index.
"""
import hashlib
import secrets
from datetime import datetime, timedelta, timezone

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.auth.models import ApiToken, User
from app.core.errors import DomainError
from app.extensions import db

SECRET_PREFIX = "rk_"
SECRET_BYTES = 32
DISPLAY_LENGTH = 10  # "rk_" and 7 characters: enough to tell tokens apart, useless to an attacker
NAME_MAX = 120
# last_used_at is written at most this often, not on every request.
TOUCH_INTERVAL = timedelta(minutes=1)


def _now():
    return datetime.now(timezone.utc).replace(tzinfo=None)


def hash_secret(secret):
    return hashlib.sha256(secret.encode()).hexdigest()


def create_token(name, user, acts_for=None):
    """A new token named `name` (the calling system), and its secret. With `acts_for`, calls
    with the token act as that person, with their roles (e.g. approving budgets)."""
    name = (name or "").strip()
    if not name:
        raise DomainError(_l("Give the token a name, e.g. the system that will use it."), "name")
    if len(name) > NAME_MAX:
        raise DomainError(_l("The name can have at most %(n)d characters.", n=NAME_MAX), "name")
    if acts_for is not None and not acts_for.active:
        raise DomainError(_l("Choose an active user for the token to act for."), "acts_for")
    secret = SECRET_PREFIX + secrets.token_urlsafe(SECRET_BYTES)
    token = ApiToken(
        name=name,
        token_hash=hash_secret(secret),
        prefix=secret[:DISPLAY_LENGTH],
        created_by_id=user.id if user is not None else None,
        user_id=acts_for.id if acts_for is not None else None,
    )
    db.session.add(token)
    db.session.flush()
    return token, secret


def revoke_token(token, user):
    """Revoke for good: requests with the token are refused from now on."""
    if not token.active:
        raise DomainError(_l("This token is already revoked."))
    token.revoked_at = _now()
    token.revoked_by_id = getattr(user, "id", None)
    db.session.flush()
    current_app.logger.info("API token %s (%s) revoked by %s", token.id, token.name, getattr(user, "email", None))
    return token


def authenticate_token(secret):
    """The active token with this secret, or None. Records the use (at most once
    a minute, so busy clients do not write on every request)."""
    if not secret or not secret.startswith(SECRET_PREFIX):
        return None
    token = db.session.scalar(
        select(ApiToken).where(ApiToken.token_hash == hash_secret(secret), ApiToken.revoked_at.is_(None))
    )
    if token is None:
        return None
    now = _now()
    token.touched = token.last_used_at is None or now - token.last_used_at >= TOUCH_INTERVAL
    if token.touched:
        token.last_used_at = now
        db.session.flush()
    return token


def token_touched(token):
    """Whether authenticating `token` just recorded its use: only then is there a write to
    commit (committing otherwise would throw away the loaded token and its person, to be
    read again by the view)."""
    return token.touched


def list_tokens():
    """[(token, creator or None)], active tokens first, newest first."""
    return db.session.execute(
        select(ApiToken, User)
        .outerjoin(User, User.id == ApiToken.created_by_id)
        .options(selectinload(ApiToken.user))
        .order_by(ApiToken.revoked_at.is_not(None), ApiToken.created_at.desc(), ApiToken.id.desc())
    ).all()
