"""The production web server: gunicorn started from the checkout as the README says, which
reads gunicorn.conf.py, serving a migrated database configured only through the environment."""
import http.client
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

from app import create_app
from app.extensions import db
from tests.backends import free_port
from tests.conftest import migrate_database

ROOT = Path(__file__).resolve().parents[2]


def _wait_for(port, process):
    for _ in range(150):
        if process.poll() is not None:
            raise AssertionError(f"gunicorn exited: {process.communicate()[0][-2000:]}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError("gunicorn did not start")


def _first_answer(port, path, deadline=90):
    """The first answer to `path`. The master listens before its workers have loaded the app,
    which takes a while on a busy machine: ask again until one answers."""
    give_up = time.monotonic() + deadline
    while True:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            return response, response.read()
        except (TimeoutError, ConnectionError):
            if time.monotonic() > give_up:
                raise
            time.sleep(0.5)


def test_gunicorn_serves_the_app_with_the_repository_settings(backend, tmp_path):
    env = {**os.environ, "RAPPORT_ENV": "production", "SECRET_KEY": "gunicorn-test",
           "RAPPORT_INSTANCE_PATH": str(tmp_path / "instance"), "DATABASE_URL": backend.database_url("rapport_gunicorn"),
           "WEB_CONCURRENCY": "2", "GUNICORN_THREADS": "2"}
    app = create_app({"INSTANCE_PATH": env["RAPPORT_INSTANCE_PATH"], "SQLALCHEMY_DATABASE_URI": env["DATABASE_URL"],
                      "SECRET_KEY": "gunicorn-test", "RAPPORT_ENV": "development"})
    migrate_database(app)
    port = free_port()
    server = subprocess.Popen([str(Path(sys.executable).parent / "gunicorn"), "-b", f"127.0.0.1:{port}", "wsgi:app"],
                              cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        _wait_for(port, server)
        health, body = _first_answer(port, "/healthz")
        assert (health.status, body) == (200, b'{"status":"ok"}\n')
        assert health.getheader("Connection") == "close"  # no keep-alive (gunicorn.conf.py)
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.request("GET", "/rsvp/no-such-link")
        assert connection.getresponse().status == 404
    finally:
        server.terminate()
        output = server.communicate(timeout=20)[0]
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
    assert "Booting worker" in output and output.count("Booting worker") == 2, output[-2000:]
    assert "Using worker: gthread" in output, output[-2000:]
