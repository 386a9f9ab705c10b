"""Benchmarks of the figures the issues promise; run with `make bench` (see bench/README.md)."""
import statistics
import time

CUSTOMERS = 100_000
ORDERS = 1_000_000


def median_seconds(action, repeats):
    """Median wall time of `repeats` calls of `action()`, and every sample."""
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        action()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples), samples


def ms(seconds):
    return f"{seconds * 1000:,.1f} ms"


def count_statements(app, client, url):
    """How many SQL statements one request runs."""
    from sqlalchemy import event

    from app.extensions import db

    count = []

    def listener(*_args):
        count.append(1)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", listener)
    try:
        client.get(url)
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    return len(count)
