"""Extensions, created once and bound to the app in `create_app`."""
import sqlite3
from pathlib import Path

from celery import Celery, Task
from flask import has_app_context
from flask_babel import Babel
from flask_bootstrap import Bootstrap5
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData

from app.core import broker

# Stable constraint names, so Alembic migrations can alter them on every backend.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

db = SQLAlchemy(metadata=MetaData(naming_convention=NAMING))
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
bootstrap = Bootstrap5()
limiter = Limiter(key_func=get_remote_address, default_limits=[])


class FlaskTask(Task):
    """Runs each task inside an app context: the caller's when it has one (eager
    tasks in tests and commands), otherwise the worker's own app."""

    flask_app = None

    def __call__(self, *args, **kwargs):
        if has_app_context():
            return self.run(*args, **kwargs)
        with FlaskTask.flask_app.app_context():
            return self.run(*args, **kwargs)


celery = Celery("rapport", task_cls=FlaskTask)


def _sqlite_results(url):
    """The embedded result store: the worker's processes and the web server write it at
    the same moment, so it runs in WAL mode (set once, kept by the file) and waits its
    turn for up to 30 s instead of logging "database is locked"."""
    path = Path(url.removeprefix("db+sqlite:///"))
    path.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA journal_mode=WAL")
    return {"connect_args": {"timeout": 30}}


def init_celery(app):
    """Configure the shared Celery app from Flask settings."""
    FlaskTask.flask_app = app
    broker.install()
    settings = app.config["CELERY"]
    if settings["broker_url"].startswith("filesystem"):
        # kombu's filesystem transport expects its folders to exist.
        options = settings["broker_transport_options"]
        for key in ("data_folder_in", "data_folder_out", "control_folder"):
            Path(options[key]).mkdir(parents=True, exist_ok=True)
    if settings.get("result_backend", "").startswith("db+sqlite:///"):
        settings = {**settings, "database_engine_options": _sqlite_results(settings["result_backend"])}
    celery.conf.update(settings)
    celery.set_default()
    app.extensions["celery"] = celery
    return celery
