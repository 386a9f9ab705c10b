"""Fixtures shared by the whole suite.

- `app`: a fresh app per test, on a database migrated once per run (Alembic,
  exactly as production), and every test runs inside a transaction that is
  rolled back afterwards, so tests never see each other's rows.
- `client` / `client_as(role)`: test clients; each request runs in its own
  context, as in production, while sharing the test's transaction.
- `make_user(...)`: the factory fixture for users (later models add theirs).
- `count_queries`: counts SQL statements, to prove a page has no N+1.
- `--backend=services` runs the tests marked `db` or `tasks` again on a real
  PostgreSQL and Redis started for this run (tests/backends.py).
"""
import contextvars
import itertools
import shutil
import tempfile
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

import pytest
from celery._state import _set_task_join_will_block
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import event

from app import create_app
from app.auth import services as auth_services
from app.core import clock
from app.core import demo_plans
from app.extensions import db
from tests.backends import BACKENDS

ROLES = ("admin", "planner", "manager", "staff")
DEFAULT_PASSWORD = "correct-horse-1"


def pytest_addoption(parser):
    parser.addoption(
        "--backend", choices=sorted(BACKENDS), default="sqlite",
        help="sqlite (default) or services: a real PostgreSQL and Redis started for this run",
    )


def pytest_collection_modifyitems(config, items):
    """Mark tests by what they touch, so `-m "db or tasks"` selects them."""
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        if fixtures & {"app", "db_session", "client", "client_as", "make_user", "live_app"}:
            item.add_marker(pytest.mark.db)
        if fixtures & {"celery_worker_app", "live_app"}:
            item.add_marker(pytest.mark.tasks)


@pytest.fixture(autouse=True)
def celery_join_flag_reset():
    """Celery's eager `apply()` sets a process-wide "inside a task" flag and restores the value it
    found on exit: eager tasks run from several threads at once (guests answering together) can
    leave it set, and every later `.get()` would refuse. Each test starts clean."""
    yield
    _set_task_join_will_block(False)


@pytest.fixture(scope="session")
def backend(request):
    root = Path(tempfile.mkdtemp(prefix="rapport-test-"))
    server = BACKENDS[request.config.getoption("--backend")](root)
    server.start()
    yield server
    server.stop()
    shutil.rmtree(root, ignore_errors=True)


def app_config(backend, root, name, **overrides):
    """Settings for a test app with its own database, outbox and broker folder."""
    root = Path(root)
    config = {
        "RAPPORT_ENV": "testing",
        "SECRET_KEY": "test-secret-key",
        "INSTANCE_PATH": str(root / "instance"),
        "SQLALCHEMY_DATABASE_URI": backend.database_url(name),
        "MAIL_OUTBOX_DIR": str(root / "outbox"),
        "BASE_URL": "http://rapport.test",
    }
    config.update(overrides)
    return config


def migrate_database(app):
    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory)
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="session")
def base_config(backend, tmp_path_factory):
    root = tmp_path_factory.mktemp("app")
    config = app_config(backend, root, "rapport_test")
    migrate_database(create_app(config))
    return config


class IsolatedContextClient(FlaskClient):
    """Runs each request in an empty context, so it gets its own app context and
    `g` (Flask would otherwise reuse the test's app context and leak `g`)."""

    def open(self, *args, **kwargs):
        return contextvars.Context().run(super().open, *args, **kwargs)


@pytest.fixture
def app(base_config):
    app = create_app(base_config)
    app.test_client_class = IsolatedContextClient
    with app.app_context():
        engine = db.engine
        connection = engine.connect()
        transaction = connection.begin()
        # Every session of this test joins this one transaction: Flask-SQLAlchemy
        # binds sessions through `db.engines`, so the connection stands in there.
        db.engines[None] = connection
        original_session = db.session
        db.session = db._make_scoped_session({"join_transaction_mode": "create_savepoint"})
        app.extensions["test_connection"] = connection
        try:
            yield app
        finally:
            db.session.remove()
            db.session = original_session
            transaction.rollback()
            connection.close()
            db.engines[None] = engine
            engine.dispose()


@pytest.fixture
def make_app(app, base_config):
    """Another app with other settings (CSRF on, an SMTP server...) that shares
    the test's transaction."""

    def make(**overrides):
        other = create_app({**base_config, **overrides})
        other.test_client_class = IsolatedContextClient
        with other.app_context():
            db.engines[None] = app.extensions["test_connection"]
        return other

    return make


@pytest.fixture
def db_session(app):
    return db.session


@pytest.fixture
def client(app):
    return app.test_client()


_emails = itertools.count(1)


@pytest.fixture
def make_user(app):
    def make(roles=("planner",), email=None, name=None, password=DEFAULT_PASSWORD, locale=None, active=True):
        if isinstance(roles, str):
            roles = (roles,)
        number = next(_emails)
        user = auth_services.create_user(
            email or f"user{number}@example.com", name or f"User {number}", password, roles, locale
        )
        user.active = active
        db.session.commit()
        return user

    return make


_external_ids = itertools.count(1)


@pytest.fixture
def make_customer(app):
    """`make_customer(name=..., tags=["制造业"], ...)`: a committed customer."""
    from app.customers.models import Customer, CustomerTag
    from app.customers.rfm_inputs import refresh

    def make(tags=(), **fields):
        number = next(_external_ids)
        fields.setdefault("external_id", f"C{number:05d}")
        fields.setdefault("name", f"客户{number}")
        fields.setdefault("company", f"客户{number}科技有限公司")
        customer = Customer(**fields)
        customer.tag_rows = [CustomerTag(tag=tag) for tag in tags]
        db.session.add(customer)
        db.session.flush()
        refresh([customer.id])  # every writer of customers, orders or interactions keeps the RFM inputs
        db.session.commit()
        return customer

    return make


@pytest.fixture
def make_order(app):
    """`make_order(customer, date(2026, 11, 1), "1234.50")`: a committed order."""
    from decimal import Decimal

    from app.customers.models import Order
    from app.customers.rfm_inputs import refresh

    def make(customer, ordered_on, amount="100.00", **fields):
        fields.setdefault("external_id", f"O{next(_external_ids):06d}")
        order = Order(customer_id=customer.id, ordered_on=ordered_on, amount=Decimal(str(amount)), **fields)
        db.session.add(order)
        db.session.flush()
        refresh([customer.id])
        db.session.commit()
        return order

    return make


@pytest.fixture
def make_interaction(app):
    from app.customers.models import Interaction
    from app.customers.rfm_inputs import refresh

    def make(customer, occurred_on, channel="phone", note=None):
        interaction = Interaction(customer_id=customer.id, occurred_on=occurred_on, channel=channel, note=note)
        db.session.add(interaction)
        db.session.flush()
        refresh([customer.id])
        db.session.commit()
        return interaction

    return make


_event_type_codes = itertools.count(1)


@pytest.fixture
def make_event_type(app):
    """`make_event_type(tiers=("general",), budget_lines=[(category, quantity, unit_price)],
    tasks=[(phase, offset_days, owner_role)], **fields)`: a committed EventType."""
    from app.events.models import (
        EventType,
        EventTypeBudgetLine,
        EventTypeTask,
        EventTypeTier,
    )

    def make(tiers=("general",), budget_lines=(), tasks=(), **fields):
        number = next(_event_type_codes)
        fields.setdefault("code", f"type_{number}")
        fields.setdefault("name_zh", f"活动类型{number}")
        fields.setdefault("name_en", f"Event type {number}")
        fields.setdefault("description_zh", "")
        fields.setdefault("description_en", "")
        fields.setdefault("position", 100 + number)
        event_type = EventType(**fields)
        event_type.tier_rows = [EventTypeTier(tier=tier) for tier in tiers]
        event_type.budget_lines = [
            EventTypeBudgetLine(
                position=position, category=category, quantity=Decimal(str(quantity)),
                unit_price=Decimal(str(unit_price)), description_zh="项目", description_en="Item",
                unit_zh="个", unit_en="pcs",
            )
            for position, (category, quantity, unit_price) in enumerate(budget_lines, 1)
        ]
        event_type.tasks = [
            EventTypeTask(phase=phase, offset_days=offset, owner_role=role, position=position,
                          title_zh="任务", title_en="Task")
            for position, (phase, offset, role) in enumerate(tasks, 1)
        ]
        db.session.add(event_type)
        db.session.commit()
        return event_type

    return make


@pytest.fixture
def make_plan(app, make_user, make_event_type):
    """`make_plan(event_type=None, event_day=None, tiers=("general",), **fields)`: a committed
    draft plan made by the service, with the type's tasks (default: a type with one task
    per phase, and the event 60 days ahead)."""
    from datetime import timedelta

    from app.events.plans import create_plan

    def make(event_type=None, event_day=None, tiers=("general",), **fields):
        if event_type is None:
            event_type = make_event_type(tasks=[("preparation", -30, "customer_team"), ("execution", 0, "execution_team"),
                                                ("review", 7, "planning_team")])
        values = {"title": "Plan", "start_time": None, "expected_guests": None, "capacity": None, "venue": None,
                  "online": False, "content": "", "user": None, **fields}
        plan = create_plan(event_type, event_day=event_day or clock.today() + timedelta(days=60), tiers=tiers,
                           **values)
        db.session.commit()
        return plan

    return make


# DOMAIN.md section 6: the source's worked example, (category, description, quantity, unit, unit price).
SOURCE_BUDGET = demo_plans.SOURCE_BUDGET


@pytest.fixture
def make_budget(app, make_plan):
    """`make_budget(plan=None, lines=SOURCE_BUDGET, number=1, state="draft", **fields)`: a committed
    budget revision with its lines (amounts computed by the rule's `line_amount`)."""
    from app.budget.models import BudgetLine, BudgetRevision
    from app.budget.rule import line_amount

    def make(plan=None, lines=SOURCE_BUDGET, number=1, state="draft", **fields):
        plan = plan or make_plan()
        revision = BudgetRevision(plan_id=plan.id, number=number, state=state, **fields)
        revision.lines = [
            BudgetLine(position=position, category=category, description=description, quantity=Decimal(quantity),
                       unit=unit, unit_price=Decimal(price), amount=line_amount(quantity, price))
            for position, (category, description, quantity, unit, price) in enumerate(lines, 1)
        ]
        db.session.add(revision)
        db.session.commit()
        return revision

    return make


_guest_numbers = itertools.count(1)


@pytest.fixture
def make_invitation(app, make_plan):
    """`make_invitation(plan=None, name=..., email=..., **add_guest_arguments)`: a committed
    invitation added through the service (with its three tokens)."""
    from app.invitations.services import add_guest

    def make(plan=None, name=None, email=None, **fields):
        number = next(_guest_numbers)
        invitation = add_guest(plan or make_plan(), None, name=name or f"嘉宾{number}",
                               email=email or f"guest{number}@example.com", **fields)
        db.session.commit()
        return invitation

    return make


@pytest.fixture
def route_ids(make_user, make_customer, make_event_type, make_plan, make_budget, make_invitation):
    """Ids for the paths of the route-access tables: one existing row of each kind."""
    from datetime import date

    from app.auth.models import ApiToken
    from app.customers.models import ImportJob
    from app.customers.tiering import recompute
    from app.events.plan_models import PlanGoal, RoleAssignment

    other = make_user(roles=("staff",))
    customer = make_customer()
    event_type = make_event_type(tiers=("high_value",), tasks=[("execution", 0, "execution_team")])
    plan = make_plan(event_type=event_type, tiers=("high_value",))
    job = ImportJob(kind="customers", filename="c.csv", stored_path="/nonexistent/c.csv", status="done")
    token = ApiToken(name="ERP", token_hash="0" * 64, prefix="rk_0000")
    db.session.add_all([job, token])
    run = recompute(date(2026, 1, 1))
    assignment = RoleAssignment(plan_id=plan.id, role="execution_team", user_id=other.id)
    goal = PlanGoal(plan_id=plan.id, text="复购率提升15%", metric="repurchase_rate", target=Decimal("35"),
                    deadline=plan.event_day)
    db.session.add_all([assignment, goal])
    db.session.commit()
    budget = make_budget(plan=plan)
    invitation = make_invitation(plan=plan)
    from app.invitations.sending import record

    send_job = record(plan, [invitation.id], "invitation", None)  # a send on record, whatever the plan's state
    db.session.commit()
    return {
        "other_user_id": other.id,
        "customer_id": customer.id,
        "import_job_id": job.id,
        "tier_run_id": run.id,
        "api_token_id": token.id,
        "event_type_id": event_type.id,
        "plan_id": plan.id,
        "plan_task_id": plan.tasks[0].id,
        "role_assignment_id": assignment.id,
        "plan_goal_id": goal.id,
        "budget_revision_id": budget.id,
        "budget_line_id": budget.lines[0].id,
        "invitation_id": invitation.id,
        "rsvp_token": invitation.rsvp_token,
        "send_job_id": send_job.id,
    }


class ApiClient:
    """A test client that sends an API token with every call."""

    def __init__(self, client, secret, token=None):
        self.client, self.secret, self.token = client, secret, token

    def _headers(self, headers):
        return {"Authorization": f"Bearer {self.secret}", **(headers or {})}

    def get(self, path, headers=None, **kwargs):
        return self.client.get(path, headers=self._headers(headers), **kwargs)

    def post(self, path, headers=None, **kwargs):
        return self.client.post(path, headers=self._headers(headers), **kwargs)


def new_api(app, name="ERP", acts_for=None):
    """An API client of `app` holding a new token (`.token`), acting for the user `acts_for`."""
    from app.auth import api_tokens

    token, secret = api_tokens.create_token(name, None, acts_for)
    db.session.commit()
    return ApiClient(app.test_client(), secret, token)


def sign_in(client, user):
    """Sign `client` in as `user` without going through the login form."""
    with client.session_transaction() as session:
        session["_user_id"] = user.session_token
        session["_fresh"] = True
    return client


@pytest.fixture
def client_as(app, make_user):
    """`client_as("manager")`: a client signed in as a new user with that role;
    `client_as(None)` is an anonymous client."""

    def make(role, **user_kwargs):
        client = app.test_client()
        if role is None:
            return client
        client.user = make_user(roles=(role,), **user_kwargs)
        return sign_in(client, client.user)

    return make


@pytest.fixture
def count_queries(app):
    """`with count_queries() as queries: ...`; then `len(queries)` statements ran."""

    @contextmanager
    def counting():
        statements = []

        def record(conn, cursor, statement, parameters, context, executemany):
            if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK TO")):
                statements.append(statement)

        engine = db.engine
        event.listen(engine, "before_cursor_execute", record)
        try:
            yield statements
        finally:
            event.remove(engine, "before_cursor_execute", record)

    return counting


@pytest.fixture
def outbox(app):
    """The .eml files written so far, parsed."""
    from email import policy
    from email.parser import BytesParser

    folder = Path(app.config["MAIL_OUTBOX_DIR"])
    shutil.rmtree(folder, ignore_errors=True)

    def messages():
        if not folder.exists():
            return []
        return [BytesParser(policy=policy.default).parsebytes(p.read_bytes()) for p in sorted(folder.glob("*.eml"))]

    return messages
