"""Demo data, loaded by `flask demo load` (and by `make run` on an empty database)."""
from sqlalchemy import func, select

from app.auth import services as auth_services
from app.auth.models import Role, User
from app.extensions import db

# Public demo credentials: printed by `make run`, refused in production.
DEMO_ACCOUNTS = (
    ("admin@rapport.demo", "管理员 Admin", "admin-demo-1", (Role.ADMIN,), "zh"),
    ("planner@rapport.demo", "王策划 Wang (planner)", "planner-demo-1", (Role.PLANNER,), "zh"),
    ("manager@rapport.demo", "李经理 Li (manager)", "manager-demo-1", (Role.MANAGER,), "zh"),
    ("staff@rapport.demo", "张专员 Zhang (door staff)", "staff-demo-1", (Role.STAFF,), "zh"),
)


def database_is_empty():
    return db.session.scalar(select(func.count()).select_from(User)) == 0


def load():
    """Idempotent: accounts that exist already are left as they are."""
    for email, name, password, roles, locale in DEMO_ACCOUNTS:
        if auth_services.get_by_email(email) is None:
            auth_services.create_user(email, name, password, roles, locale)
    db.session.commit()


def accounts_text():
    lines = ["Demo accounts (e-mail / password / roles):"]
    for email, _name, password, roles, _locale in DEMO_ACCOUNTS:
        lines.append(f"  {email:<24} {password:<16} {', '.join(r.value for r in roles)}")
    return "\n".join(lines)
