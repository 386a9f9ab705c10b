import pytest
from werkzeug.security import check_password_hash

from app.auth import services
from app.auth.models import Role
from app.core.errors import DomainError
from app.extensions import db


def test_create_user_hashes_password_and_normalises_email(app):
    user = services.create_user("  Wang@Example.COM ", "王策划", "secret-pass", ["planner", "manager"])
    assert user.email == "wang@example.com"
    assert user.password_hash != "secret-pass"
    assert check_password_hash(user.password_hash, "secret-pass")
    assert user.roles == {Role.PLANNER, Role.MANAGER}


def test_duplicate_email_is_refused(make_user):
    make_user(email="li@example.com")
    with pytest.raises(DomainError) as error:
        services.create_user("LI@example.com", "Li", "secret-pass", ["staff"])
    assert error.value.field == "email"


def test_short_password_is_refused(app):
    with pytest.raises(DomainError) as error:
        services.create_user("a@example.com", "A", "short", ["staff"])
    assert error.value.field == "password"


def test_authenticate(make_user):
    user = make_user(email="zhang@example.com", password="right-password")
    assert services.authenticate("ZHANG@example.com", "right-password") == user
    assert user.last_login_at is not None
    assert services.authenticate("zhang@example.com", "wrong-password") is None
    assert services.authenticate("nobody@example.com", "right-password") is None


def test_inactive_user_cannot_sign_in(make_user):
    make_user(email="gone@example.com", password="right-password", active=False)
    assert services.authenticate("gone@example.com", "right-password") is None


def test_update_roles_and_deactivation_rotates_session(make_user):
    admin = make_user(roles=["admin"])
    user = make_user(roles=["planner"])
    token = user.session_token
    services.update_user(user, acting_user=admin, name="New name", roles=["manager", "staff"], active=False, locale="en")
    db.session.commit()
    assert user.roles == {Role.MANAGER, Role.STAFF}
    assert user.session_token != token
    assert services.load_user(user.session_token) is None  # inactive users are not loaded


def test_admin_cannot_lock_themselves_out(make_user):
    admin = make_user(roles=["admin"])
    with pytest.raises(DomainError):
        services.update_user(admin, acting_user=admin, name="x", roles=["planner"], active=True, locale=None)
    with pytest.raises(DomainError):
        services.update_user(admin, acting_user=admin, name="x", roles=["admin"], active=False, locale=None)


def test_password_change_signs_out_other_sessions(make_user):
    user = make_user(password="old-password")
    token = user.session_token
    with pytest.raises(DomainError):
        services.change_own_password(user, "not-the-old-one", "new-password")
    services.change_own_password(user, "old-password", "new-password")
    assert user.session_token != token
    assert services.load_user(token) is None
    assert services.load_user(user.session_token) == user


def test_database_refuses_unknown_role(make_user):
    from sqlalchemy.exc import IntegrityError

    user = make_user()
    with pytest.raises(IntegrityError):
        db.session.execute(
            db.text("INSERT INTO user_roles (user_id, role) VALUES (:id, 'superuser')"), {"id": user.id}
        )
    db.session.rollback()
