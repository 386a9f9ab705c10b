"""Rapport: plan and run customer-relationship events."""
import os
from pathlib import Path

from flask import Flask
from flask_babel import get_locale
from sqlalchemy import event
from sqlalchemy.engine import Engine

from app.config import PROJECT_ROOT, load_config
from app.core.http import RecordIdConverter
from app.extensions import (
    babel,
    bootstrap,
    csrf,
    db,
    init_celery,
    limiter,
    login_manager,
    migrate,
)

# Models are imported up front so Alembic and relationships see every table.
MODEL_MODULES = (
    "app.auth.models", "app.customers.models", "app.events.models", "app.events.plan_models",
    "app.budget.models", "app.notifications.models", "app.invitations.models",
    "app.checkin.models", "app.reviews.models",
)
# Blueprints in registration order; each package keeps its own views.
BLUEPRINTS = (
    "app.core.web", "app.auth.web", "app.customers.web", "app.events.web", "app.budget.web",
    "app.notifications.web", "app.invitations.web", "app.core.api", "app.auth.web.tokens", "app.customers.api", "app.events.api",
    "app.budget.api", "app.invitations.api",
    "app.checkin.web", "app.checkin.api", "app.reviews.web",
)
CLI_MODULES = ("app.auth.cli", "app.core.cli", "app.customers.cli", "app.events.cli", "app.invitations.cli",
               "app.checkin.cli")


def create_app(config=None):
    app = Flask(
        __name__,
        template_folder=str(PROJECT_ROOT / "templates"),
        instance_path=(config or {}).get("INSTANCE_PATH")
        or os.environ.get("RAPPORT_INSTANCE_PATH")
        or str(PROJECT_ROOT / "instance"),
    )
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    # before any route: every <int:...> id is bounded to the database's integer range
    app.url_map.converters["int"] = RecordIdConverter
    app.config.update(load_config(app.instance_path, config))
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        # Timestamps are stored as naive UTC on every backend.
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {
            **app.config["SQLALCHEMY_ENGINE_OPTIONS"], "connect_args": {"options": "-c timezone=UTC"},
        }

    if app.config["PROXIES"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        # The client's address is the one the last N proxies saw; an X-Forwarded-For
        # the client wrote itself stays to the left of theirs and is ignored.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=app.config["PROXIES"], x_proto=app.config["PROXIES"])
    _init_extensions(app)
    _register_blueprints(app)
    _register_cli(app)
    _init_request_hooks(app)
    return app


def _init_extensions(app):
    from importlib import import_module

    for module in MODEL_MODULES:
        import_module(module)
    from app.auth import services as auth_services
    from app.core.i18n import install_request_domain, select_locale

    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    limiter.init_app(app)
    bootstrap.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    install_request_domain(app)
    init_celery(app)

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.session_protection = "basic"
    login_manager.user_loader(auth_services.load_user)
    # Message shown when a signed-out visitor opens a protected page.
    from flask_babel import lazy_gettext as _l

    login_manager.login_message = _l("Please sign in to open this page.")
    login_manager.login_message_category = "info"


def _register_blueprints(app):
    from importlib import import_module

    for module in BLUEPRINTS:
        app.register_blueprint(import_module(module).bp)


def _register_cli(app):
    from importlib import import_module

    for module in CLI_MODULES:
        app.cli.add_command(import_module(module).cli)


def _init_request_hooks(app):
    from flask_login import current_user

    from app.auth.access import enforce_access, rule_for
    from app.auth.labels import ROLE_LABELS
    from app.core.errors import register_error_handlers
    from app.core.formatting import register_filters
    from app.core.navigation import navigation_for
    from app.core.security import add_hsts, add_security_headers

    app.before_request(enforce_access)
    app.after_request(add_security_headers)
    if app.config["RAPPORT_ENV"] == "production":
        app.after_request(add_hsts)
    register_error_handlers(app)
    register_filters(app)

    @app.context_processor
    def page_context():
        return {
            "current_locale": str(get_locale()),
            "navigation_for": navigation_for,
            "can": lambda endpoint: rule_for(app, endpoint).allows(current_user),
            "role_label": lambda role: ROLE_LABELS[role],
        }


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    """SQLite: WAL for concurrent readers, foreign keys enforced, and a busy wait
    instead of 'database is locked' while the worker writes."""
    import sqlite3

    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    # Let SQLAlchemy, not the driver, open transactions (see _sqlite_begin).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    # WAL's recommended durability: a commit does not wait for the disk (fsync at checkpoints
    # only); a power cut may lose the last commits but never corrupts the database.
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


@event.listens_for(Engine, "begin")
def _sqlite_begin(connection):
    """pysqlite delays BEGIN and so breaks SAVEPOINTs; emit it ourselves (the
    recipe from SQLAlchemy's SQLite documentation)."""
    if connection.dialect.name == "sqlite":
        # A writing request may still read first without the lock (the door's lookups), on a
        # connection asked for with the execution option "reads_only".
        writes = _request_may_write() and not connection.get_execution_options().get("reads_only")
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writes else "BEGIN")


def _request_may_write():
    """A request that may write takes SQLite's write lock as its transaction begins, waiting its
    turn (busy_timeout): a transaction that has read cannot start writing once another connection
    has written since ("database is locked" at once, no waiting). Pages that only read keep a
    plain BEGIN and never wait for writers."""
    from flask import has_request_context, request

    return has_request_context() and request.method not in ("GET", "HEAD", "OPTIONS")
