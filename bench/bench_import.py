"""Importing 1,000,000 order rows from CSV through the project's importer.

Target: under 60 s and peak memory under 500 MB. The import runs as
`flask customers import FILE --kind orders` in a child process against a copy of
a database holding the 100,000 customers (and no orders); the time is the child's
wall time (start-up included), the memory its peak resident set (ru_maxrss from
wait4, so only this child counts).
"""
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from app.config import PROJECT_ROOT
from bench import CUSTOMERS, ORDERS, data

SECONDS = 60
MEGABYTES = 500


def _run_import(csv_path, database):
    flask = Path(sys.executable).with_name("flask")
    log = database.with_suffix(".log")
    with open(log, "w") as output:
        started = time.perf_counter()
        child = subprocess.Popen([str(flask), "customers", "import", str(csv_path), "--kind", "orders", "--lang", "en"],
                                 env=data.environment(database), cwd=PROJECT_ROOT, stdout=output, stderr=subprocess.STDOUT)
        _pid, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise RuntimeError(f"the import failed (exit {child.returncode}); see {log}")
    return seconds, usage.ru_maxrss / 1024  # kilobytes on Linux


def run(rebuild=False):
    base = data.ensure(CUSTOMERS, 0, rebuild)
    csv_path = data.DATA_DIR / f"orders-{ORDERS}.csv"
    if rebuild or not csv_path.exists():
        data.write_orders_csv(csv_path, CUSTOMERS, ORDERS)
    target = data.DATA_DIR / "import-target.sqlite"
    for suffix in ("-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(base, target)

    seconds, megabytes = _run_import(csv_path, target)
    with sqlite3.connect(target) as connection:
        imported = connection.execute("SELECT count(*) FROM orders").fetchone()[0]
    size = csv_path.stat().st_size / 2 ** 20
    print(f"import: {imported:,} orders from a {size:,.0f} MB CSV into {CUSTOMERS:,} customers")
    print(f"  wall time {seconds:,.1f} s (target < {SECONDS} s: {'met' if seconds < SECONDS else 'NOT met'})")
    print(f"  peak memory {megabytes:,.0f} MB (target < {MEGABYTES} MB: {'met' if megabytes < MEGABYTES else 'NOT met'})")
    if imported != ORDERS:
        raise RuntimeError(f"expected {ORDERS:,} orders, found {imported:,}")
    return {"seconds": seconds, "megabytes": megabytes}
