"""Accounts: creation, roles, passwords, sign-in."""
import email_validator
from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from app.auth.models import LOCALES, Role, User, UserRole, new_session_token
from app.core.errors import DomainError
from app.extensions import db

MIN_PASSWORD_LENGTH = 8
# Intranet mail lives on domains such as corp.local; removing names from this list
# is email-validator's documented way to accept them.
for _domain in ("local", "localhost", "test"):
    if _domain in email_validator.SPECIAL_USE_DOMAIN_NAMES:
        email_validator.SPECIAL_USE_DOMAIN_NAMES.remove(_domain)
# Checked when the e-mail is unknown, so a missing account takes as long as a wrong password.
_DUMMY_HASH = generate_password_hash("not-a-real-password")


def _hash(password):
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def normalise_email(email):
    return (email or "").strip().lower()


def check_email(email):
    """The normalised address, or DomainError. Intranet domains (corp.local) are fine."""
    try:
        validate_email(email, check_deliverability=False, globally_deliverable=False)
    except EmailNotValidError as error:
        raise DomainError(_l("This is not a valid e-mail address."), "email") from error
    return normalise_email(email)


def get_by_email(email):
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def _check_password_rules(password):
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise DomainError(_l("The password must have at least %(n)d characters.", n=MIN_PASSWORD_LENGTH), "password")


def _set_roles(user, roles):
    wanted = {Role(r) for r in roles}
    user.role_rows = [row for row in user.role_rows if Role(row.role) in wanted]
    for role in wanted - user.roles:
        user.role_rows.append(UserRole(role=role.value))


def _check_locale(locale):
    if locale not in (None, "", *LOCALES):
        raise DomainError(_l("Unknown language."), "locale")
    return locale or None


def create_user(email, name, password, roles, locale=None):
    email = check_email(normalise_email(email))
    if get_by_email(email) is not None:
        raise DomainError(_l("A user with this e-mail address already exists."), "email")
    _check_password_rules(password)
    user = User(email=email, name=name.strip(), password_hash=_hash(password), locale=_check_locale(locale))
    _set_roles(user, roles)
    db.session.add(user)
    db.session.flush()
    return user


def update_user(user, *, acting_user, name, roles, active, locale):
    """Change a user's profile; an admin cannot lock themselves out."""
    roles = {Role(r) for r in roles}
    if user.id == acting_user.id:
        if Role.ADMIN not in roles:
            raise DomainError(_l("You cannot remove your own administrator role."), "roles")
        if not active:
            raise DomainError(_l("You cannot deactivate your own account."), "active")
    if user.active and not active:
        end_sessions(user)
    user.name = name.strip()
    user.active = active
    user.locale = _check_locale(locale)
    _set_roles(user, roles)
    db.session.flush()
    return user


def set_password(user, password):
    _check_password_rules(password)
    user.password_hash = _hash(password)
    end_sessions(user)  # signs out other sessions
    db.session.flush()


def end_sessions(user):
    """Signs the user out everywhere: session and remember-me cookies carry the session
    token, so a new one makes every cookie issued before, copied ones included, worthless."""
    user.session_token = new_session_token()
    db.session.flush()


def change_own_password(user, current_password, new_password):
    if not check_password_hash(user.password_hash, current_password or ""):
        raise DomainError(_l("The current password is not correct."), "current_password")
    set_password(user, new_password)


def set_locale(user, locale):
    user.locale = _check_locale(locale)
    db.session.flush()


def adopt_locale(user, locale):
    """A user with no saved language keeps the one they first signed in with (their browser's,
    or the one they switched the sign-in page to), so that e-mails and notifications speak it
    too; a saved choice is never overwritten. Returns the user's language."""
    if user.locale is None and locale in LOCALES:
        user.locale = locale
    return user.locale


def authenticate(email, password):
    """The active user with these credentials, or None."""
    user = get_by_email(email)
    if user is None:
        check_password_hash(_DUMMY_HASH, password or "")
        return None
    if not check_password_hash(user.password_hash, password or "") or not user.active:
        return None
    user.touch_login()
    return user


def load_user(session_token):
    return db.session.scalar(select(User).where(User.session_token == session_token, User.active.is_(True)))


def list_users():
    return db.session.scalars(select(User).order_by(User.name)).all()
