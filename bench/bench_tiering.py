"""Tiering 100,000 customers with 1,000,000 orders against the bare aggregate.

Target: `tiering.recompute` takes at most 1.5x the time of the bare
`SELECT customer_id, max(ordered_on), count(*), sum(amount) FROM orders GROUP BY customer_id`,
both on the same database, through the app's own SQLite connections (WAL,
foreign keys on), with a warm cache, alternating, median of the runs.

The recompute is timed twice: the statement alone (run, flush) and with its
commit, as the Celery task does it. Each run's snapshot is deleted afterwards
(untimed), so every run writes into the same tables.
"""
import statistics
import time

from sqlalchemy import delete, select, text

from app.customers import tiering
from app.customers.models import TierRun
from app.extensions import db
from bench import CUSTOMERS, ORDERS, data, ms

BARE = "SELECT customer_id, max(ordered_on), count(*), sum(amount) FROM orders GROUP BY customer_id"
TARGET = 1.5


def _bare():
    """The bare aggregate on the session's own connection, read through the
    driver's cursor: SQLAlchemy's row objects would add ~40% of Python time to
    the query (reported separately) and flatter the ratio."""
    rows = db.session.connection().connection.driver_connection.execute(BARE).fetchall()
    db.session.rollback()
    return len(rows)


def _bare_through_sqlalchemy():
    rows = db.session.execute(text(BARE)).fetchall()
    db.session.rollback()
    return len(rows)


def _recompute():
    """Seconds of the statement, seconds including the commit, the run."""
    started = time.perf_counter()
    run = tiering.recompute(as_of=data.AS_OF)
    statement = time.perf_counter() - started
    db.session.commit()
    return statement, time.perf_counter() - started, run


def _forget(run_id):
    db.session.execute(delete(TierRun).where(TierRun.id == run_id))  # assignments go by ON DELETE CASCADE
    db.session.commit()


def query_plans():
    """EXPLAIN QUERY PLAN of both statements, as text."""
    compiled = tiering.assignment_select(data.AS_OF, tiering.current_rules(), 0).compile(
        db.engine, compile_kwargs={"literal_binds": True})
    lines = []
    for name, sql in (("bare aggregate", BARE), ("tier assignment select", str(compiled))):
        lines.append(f"{name}:")
        lines += [f"  {row[3]}" for row in db.session.execute(text(f"EXPLAIN QUERY PLAN {sql}"))]
    db.session.rollback()
    return "\n".join(lines)


def run(repeats=7, rebuild=False, explain=False):
    path = data.ensure(CUSTOMERS, ORDERS, rebuild)
    app = data.make_app(path)
    with app.app_context():
        for run_id in db.session.scalars(select(TierRun.id)).all():
            _forget(run_id)
        groups = _bare()  # warm the cache with both
        _, _, warm = _recompute()
        counts = tiering.tier_counts(warm)
        _forget(warm.id)

        bare, rows, statement, committed = [], [], [], []
        for _ in range(repeats):
            for samples, query in ((bare, _bare), (rows, _bare_through_sqlalchemy)):
                started = time.perf_counter()
                query()
                samples.append(time.perf_counter() - started)
            seconds, with_commit, run_ = _recompute()
            statement.append(seconds)
            committed.append(with_commit)
            _forget(run_.id)

        median = statistics.median
        ratio = median(committed) / median(bare)
        print(f"tiering: {groups:,} customers with orders, {sum(counts.values()):,} tiered as of {data.AS_OF}")
        print("  tiers: " + ", ".join(f"{tier.value} {count:,} ({count * 100 / sum(counts.values()):.0f}%)"
                                      for tier, count in counts.items()))
        print(f"  bare aggregate          median {ms(median(bare))}   samples {', '.join(ms(s) for s in bare)}")
        print(f"  (same, SQLAlchemy rows  median {ms(median(rows))})")
        print(f"  recompute (statement)   median {ms(median(statement))}   ratio {median(statement) / median(bare):.2f}x")
        print(f"  recompute + commit      median {ms(median(committed))}   ratio {ratio:.2f}x   samples {', '.join(ms(s) for s in committed)}")
        print(f"  target <= {TARGET}x: {'met' if ratio <= TARGET else 'NOT met'}")
        if explain:
            print(query_plans())
        db.session.remove()
    return {"bare": median(bare), "recompute": median(statement), "recompute_commit": median(committed), "ratio": ratio}
