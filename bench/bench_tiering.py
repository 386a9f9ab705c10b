"""Tiering 100,000 customers with 1,000,000 orders against the bare aggregate.

Target: `tiering.recompute` with its commit takes at most 1.5x the time of the bare
`SELECT customer_id, max(ordered_on), count(*), sum(amount) FROM orders GROUP BY customer_id`,
both on the same database, through the app's own SQLite connections (WAL,
foreign keys on), with a warm cache, alternating, median of the runs.

A run reads every customer's RFM inputs (app/customers/rfm_inputs.py): the
writers keep them up to date, the run moves them to its date. What a run costs
therefore depends on how far it moves them, measured in scenarios:
- same day (the figure): the inputs are current, as after an import or an API
  sync on the day of the last run, or for a second run that day;
- next day, a quarter later: the run first recomputes the customers whose inputs
  changed in between;
- every customer: the first run, or a run back in time, computes all inputs.
Before each sample the inputs are put where the scenario starts (untimed), and
the run's snapshot is deleted afterwards (untimed), so every run writes into the
same tables. Besides wall time, the CPU time of this process is measured: other
processes on a shared machine change it much less.
"""
import statistics
import time
from datetime import timedelta

from sqlalchemy import delete, func, select, text

from app.customers import rfm_inputs, tiering
from app.customers.models import RfmInputs, RfmInputsDate, TierRun
from app.extensions import db
from bench import CUSTOMERS, ORDERS, data, ms

BARE = "SELECT customer_id, max(ordered_on), count(*), sum(amount) FROM orders GROUP BY customer_id"
TARGET = 1.5
FIRST = "first run"
# (name, where the inputs stand before the run); the run is as of data.AS_OF.
SCENARIOS = (
    ("same day", data.AS_OF),
    ("next day", data.AS_OF - timedelta(days=1)),
    ("a quarter later", data.AS_OF - timedelta(days=91)),
    ("every customer", FIRST),
)


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


def _start_at(start):
    """Put the RFM inputs where a scenario starts; returns how many customers the
    run will recompute."""
    if start == FIRST:
        db.session.execute(delete(RfmInputsDate))
        db.session.commit()
        return CUSTOMERS
    if db.session.scalar(select(RfmInputsDate.as_of)) != start:
        rfm_inputs.rebuild(start)
    due = db.session.scalar(select(func.count()).select_from(RfmInputs).where(RfmInputs.valid_until <= data.AS_OF))
    db.session.commit()
    return due if start != data.AS_OF else 0


def _recompute():
    run = tiering.recompute(as_of=data.AS_OF)
    db.session.commit()
    return run


def _timed(action):
    """(what `action()` returns, wall seconds, CPU seconds of this process)."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = action()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def _forget(run_id):
    db.session.execute(delete(TierRun).where(TierRun.id == run_id))  # assignments and steps go by ON DELETE CASCADE
    db.session.commit()


def query_plans():
    """EXPLAIN QUERY PLAN of the bare aggregate and of a run's two statements, as text."""
    statements = (
        ("bare aggregate", BARE),
        ("tier assignments", tiering.assignment_select(data.AS_OF, tiering.current_rules(), 0)),
        ("CLV steps", tiering.clv_steps_select(0)),
    )
    lines = []
    for name, statement in statements:
        sql = statement if isinstance(statement, str) else str(statement.compile(
            db.engine, compile_kwargs={"literal_binds": True}))
        lines.append(f"{name}:")
        lines += [f"  {row[3]}" for row in db.session.execute(text(f"EXPLAIN QUERY PLAN {sql}"))]
    db.session.rollback()
    return "\n".join(lines)


def run(repeats=7, rebuild=False, explain=False):
    path = data.ensure(CUSTOMERS, ORDERS, rebuild)
    app = data.make_app(path)
    median = statistics.median
    with app.app_context():
        for run_id in db.session.scalars(select(TierRun.id)).all():
            _forget(run_id)
        groups = _bare()  # warm the cache with both
        _start_at(data.AS_OF)
        warm = _recompute()
        counts = tiering.tier_counts(warm)
        _forget(warm.id)

        names = ("bare", "rows", *(name for name, _start in SCENARIOS))
        wall, cpu = ({name: [] for name in names} for _ in range(2))
        recomputed = {}
        for _ in range(repeats):
            for name, query in (("bare", _bare), ("rows", _bare_through_sqlalchemy)):
                _, seconds, cpu_seconds = _timed(query)
                wall[name].append(seconds)
                cpu[name].append(cpu_seconds)
            for name, start in SCENARIOS:
                recomputed[name] = _start_at(start)
                run_, seconds, cpu_seconds = _timed(_recompute)
                wall[name].append(seconds)
                cpu[name].append(cpu_seconds)
                _forget(run_.id)

        print(f"tiering: {groups:,} customers with orders, {sum(counts.values()):,} tiered as of {data.AS_OF}")
        print("  tiers: " + ", ".join(f"{tier.value} {count:,} ({count * 100 / sum(counts.values()):.0f}%)"
                                      for tier, count in counts.items()))
        print(f"  bare aggregate   wall {ms(median(wall['bare']))}, CPU {ms(median(cpu['bare']))}"
              f"   samples {', '.join(ms(s) for s in wall['bare'])}")
        print(f"  (same through SQLAlchemy's rows: wall {ms(median(wall['rows']))})")
        ratios = {}
        for name, _start in SCENARIOS:
            ratios[name] = median(wall[name]) / median(wall["bare"])
            print(f"  {name:<16} ({recomputed[name]:>7,} inputs recomputed)   run + commit: wall {ms(median(wall[name]))}"
                  f" = {ratios[name]:.2f}x, CPU {ms(median(cpu[name]))} = {median(cpu[name]) / median(cpu['bare']):.2f}x"
                  f"   samples {', '.join(ms(s) for s in wall[name])}")
        figure = SCENARIOS[0][0]
        print(f"  target <= {TARGET}x ({figure}): {'met' if ratios[figure] <= TARGET else 'NOT met'}")
        if explain:
            print(query_plans())
        db.session.remove()
    return {"bare": median(wall["bare"]), **{name: median(wall[name]) for name, _start in SCENARIOS},
            "ratio": ratios[figure]}
