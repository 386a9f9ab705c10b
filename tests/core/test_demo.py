from app.auth.models import Role
from app.auth.services import authenticate
from app.core import demo


def test_demo_load_is_idempotent_and_accounts_work(app):
    assert demo.database_is_empty()
    demo.load()
    demo.load()
    assert not demo.database_is_empty()
    for email, _name, password, roles, _locale in demo.DEMO_ACCOUNTS:
        user = authenticate(email, password)
        assert user is not None and user.roles == set(roles)
    assert {Role.ADMIN, Role.PLANNER, Role.MANAGER, Role.STAFF} <= {r for a in demo.DEMO_ACCOUNTS for r in a[3]}


def test_cli_demo_and_users(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["demo", "load", "--if-empty"])
    assert result.exit_code == 0 and "planner@rapport.demo" in result.output
    result = runner.invoke(args=["demo", "load", "--if-empty"])
    assert "already has data" in result.output
    result = runner.invoke(
        args=["users", "create", "--email", "ops@example.com", "--name", "Ops", "--role", "planner", "--role", "manager", "--password", "long-enough"]
    )
    assert result.exit_code == 0, result.output
    assert authenticate("ops@example.com", "long-enough").roles == {Role.PLANNER, Role.MANAGER}
    result = runner.invoke(args=["users", "create", "--email", "ops@example.com", "--name", "Ops", "--role", "staff", "--password", "long-enough"])
    assert result.exit_code != 0 and "already exists" in result.output
    result = runner.invoke(args=["users", "create", "--email", "x@example.com", "--name", "X", "--role", "boss", "--password", "long-enough"])
    assert result.exit_code != 0
    assert "ops@example.com" in runner.invoke(args=["users", "list"]).output
    assert runner.invoke(args=["users", "set-password", "--email", "ops@example.com", "--password", "another-one"]).exit_code == 0
    assert authenticate("ops@example.com", "another-one") is not None
