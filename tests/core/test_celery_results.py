"""The embedded Celery result store waits its turn instead of failing "database is locked"."""
import sqlite3

from app import create_app
from app.extensions import celery


def test_the_sqlite_result_store_runs_in_wal_mode_with_a_long_wait(base_config, tmp_path):
    store = tmp_path / "results" / "celery-results.sqlite"
    create_app({**base_config, "CELERY": {"result_backend": f"db+sqlite:///{store}"}})
    with sqlite3.connect(store) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    assert celery.conf.database_engine_options == {"connect_args": {"timeout": 30}}
