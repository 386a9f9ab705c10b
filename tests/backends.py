"""The servers a test run uses, started and stopped by the run itself.

`sqlite` (default): SQLite files in a temporary folder; Celery eager or on the
filesystem transport. `services`: a real PostgreSQL 15 and Redis started on
loopback ports for this run only (initdb into a temporary folder), as
production uses them.
"""
import os
import shutil
import socket
import subprocess
import time
import uuid
from pathlib import Path

import sqlalchemy as sa

PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _as_postgres(argv):
    """initdb and postgres refuse to run as root: run them as the postgres user."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *argv]
    return argv


class SqliteBackend:
    name = "sqlite"

    def __init__(self, root):
        self.root = Path(root)

    def start(self):
        return self

    def stop(self):
        pass

    def database_url(self, name):
        return f"sqlite:///{self.root / (name + '.sqlite')}"

    def broker_url(self, name):
        return None  # the filesystem transport, configured per app

    def result_backend(self, name):
        return f"db+sqlite:///{self.root / (name + '-results.sqlite')}"


class ServicesBackend:
    name = "services"

    def __init__(self, root):
        self.root = Path(root)
        self.pg_port = free_port()
        self.redis_port = free_port()
        self._redis = None
        self._databases = 0

    def start(self):
        try:
            self._start_postgres()
            self._start_redis()
        except BaseException:
            self.stop()
            raise
        return self

    def _start_postgres(self):
        if not (PG_BIN / "initdb").exists():
            raise RuntimeError(f"PostgreSQL not found in {PG_BIN}: install the 'postgresql' package")
        pg = self.root / "pg"
        (pg / "sock").mkdir(parents=True)
        if os.geteuid() == 0:
            shutil.chown(pg, "postgres")
            shutil.chown(pg / "sock", "postgres")
            self.root.chmod(0o755)
        subprocess.run(
            _as_postgres([str(PG_BIN / "initdb"), "-D", str(pg / "data"), "-U", "postgres", "--auth=trust",
                          "-E", "UTF8", "--locale=C.UTF-8"]),
            check=True, capture_output=True,
        )
        options = f"-c listen_addresses=127.0.0.1 -p {self.pg_port} -k {pg / 'sock'} -c fsync=off -c full_page_writes=off"
        subprocess.run(
            _as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(pg / "data"), "-l", str(pg / "log"), "-w", "-o", options, "start"]),
            check=True, capture_output=True,
        )
        self._pg_started = True

    def _start_redis(self):
        self._redis = subprocess.Popen(
            ["redis-server", "--bind", "127.0.0.1", "--port", str(self.redis_port), "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.redis_port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self):
        if self._redis is not None:
            self._redis.terminate()
            self._redis.wait(timeout=10)
            self._redis = None
        if getattr(self, "_pg_started", False):
            subprocess.run(
                _as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(self.root / "pg" / "data"), "-m", "immediate", "-w", "stop"]),
                capture_output=True,
            )
            self._pg_started = False

    def database_url(self, name):
        """A new, empty database for `name` (names are made unique per call)."""
        self._databases += 1
        dbname = f"{name}_{self._databases}_{uuid.uuid4().hex[:6]}"
        admin = sa.create_engine(self._url("postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{dbname}" ENCODING \'UTF8\' TEMPLATE template0')
        admin.dispose()
        return self._url(dbname)

    def _url(self, dbname):
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.pg_port}/{dbname}"

    def broker_url(self, name):
        return f"redis://127.0.0.1:{self.redis_port}/0"

    def result_backend(self, name):
        return f"redis://127.0.0.1:{self.redis_port}/1"


BACKENDS = {"sqlite": SqliteBackend, "services": ServicesBackend}
