"""A real Celery worker process and a producer process, configured only through
the environment as in production: the filesystem broker on SQLite, or Redis and
PostgreSQL with `--backend=services`."""
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app import create_app
from app.auth import services as auth_services
from app.extensions import db
from tests.conftest import migrate_database
from tests.processes import stop

ROOT = Path(__file__).resolve().parents[2]

PRODUCER = """
from wsgi import app
from app.auth.tasks import send_welcome_email
with app.app_context():
    print(send_welcome_email.delay({user_id}).get(timeout=60))
"""


@pytest.fixture
def celery_worker_app(backend, tmp_path):
    """Environment, database and a running worker for one test."""
    env = {
        **os.environ,
        "RAPPORT_ENV": "development",
        "SECRET_KEY": "worker-test",
        "RAPPORT_INSTANCE_PATH": str(tmp_path / "instance"),
        "DATABASE_URL": backend.database_url("rapport_worker"),
        "MAIL_OUTBOX_DIR": str(tmp_path / "outbox"),
    }
    env.pop("MAIL_SERVER", None)
    broker = backend.broker_url("worker")
    if broker:
        env["CELERY_BROKER_URL"] = broker
        env["CELERY_RESULT_BACKEND"] = backend.result_backend("worker")
    else:
        env.pop("CELERY_BROKER_URL", None)
        env.pop("CELERY_RESULT_BACKEND", None)
    app = create_app({"INSTANCE_PATH": env["RAPPORT_INSTANCE_PATH"], "SQLALCHEMY_DATABASE_URI": env["DATABASE_URL"], "SECRET_KEY": "worker-test", "RAPPORT_ENV": "development"})
    migrate_database(app)
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "wsgi.celery_app", "worker", "--pool=solo", "--loglevel=INFO",
         "--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        yield app, env
    finally:
        stop(worker, tail=4000)
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def test_real_worker_sends_the_welcome_mail(celery_worker_app):
    app, env = celery_worker_app
    with app.app_context():
        user = auth_services.create_user("guest-worker@example.com", "刘主管", "long-enough", ["planner"], "zh")
        db.session.commit()
        user_id = user.id
    started = time.monotonic()
    producer = subprocess.run(
        [sys.executable, "-c", PRODUCER.format(user_id=user_id)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=90,
    )
    assert producer.returncode == 0, producer.stderr[-3000:]
    message_id = producer.stdout.strip().splitlines()[-1]
    assert message_id.startswith("<") and message_id.endswith(">")
    [eml] = list((Path(env["MAIL_OUTBOX_DIR"])).glob("*.eml"))
    assert message_id in eml.read_text()
    assert time.monotonic() - started < 60
