"""Synthetic benchmark data: customers, orders, interactions and tags in a SQLite
database migrated with Alembic, written with executemany in batches.

Customers and order histories come from the demo generators (app/core/demo.py),
so every tier is populated; extra orders older than a year are spread over
established customers (Pareto-weighted: a few buy a lot) until the order count is
exact; then every customer's RFM inputs are computed as of the benchmark date, as
the writers of the app keep them. Databases are cached in bench/data/ (git-ignored)
by size.
"""
import csv
import os
import random
import sqlite3
import time
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

from flask_migrate import upgrade

from app import create_app
from app.core import demo
from app.customers import rfm_inputs
from app.customers.models import CHANNELS, Tier
from app.extensions import db

DATA_DIR = Path(__file__).resolve().parent / "data"
INSTANCE_DIR = DATA_DIR / "instance"
AS_OF = date(2026, 11, 23)  # the tiering date of every benchmark
SEED = 8
BATCH = 20_000

CUSTOMER_COLUMNS = (
    "id", "external_id", "name", "company", "industry", "contact_person", "contact_title", "email", "phone",
    "wechat_id", "city", "preferred_channel", "preferred_language", "registered_on", "consent",
)


def database_url(path):
    return f"sqlite:///{path}"


def environment(path):
    """Environment variables that point `flask` (in a subprocess) at the database."""
    return {**os.environ, "RAPPORT_INSTANCE_PATH": str(INSTANCE_DIR), "DATABASE_URL": database_url(path),
            "RAPPORT_ENV": "development", "SECRET_KEY": "bench", "FLASK_APP": "wsgi"}


def make_app(path, **settings):
    return create_app({"INSTANCE_PATH": str(INSTANCE_DIR), "SQLALCHEMY_DATABASE_URI": database_url(path),
                       "RAPPORT_ENV": "development", "SECRET_KEY": "bench", **settings})


def fresh_app(path, **settings):
    """An app on a new, empty SQLite database at `path` (any old copy and its WAL removed)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    _remove(path)
    return make_app(path, **settings)


def signed_in_client(app, session_token):
    """A test client of `app` signed in as the user with `session_token`."""
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = session_token
        session["_fresh"] = True
    return client


def _remove(path):
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _days(as_of):
    """ISO date of each day before `as_of`, indexed by days ago."""
    return [(as_of - timedelta(days=n)).isoformat() for n in range(2000)]


def _histories(customers, orders, seed):
    """The random generator, each customer's (days registered, [(days ago, amount)])
    and {customer index: count of extra older orders}."""
    rng = random.Random(seed)
    plan = demo.tier_plan(customers, rng)
    histories = [demo.HISTORIES[tier](rng) for tier in plan]
    return rng, histories, _extra_orders(rng, plan, histories, orders)


def build(path, customers, orders, seed=SEED, as_of=AS_OF):
    """Create `path` afresh: migrated schema, then `customers` customers with
    exactly `orders` orders (at least what their histories need), about one
    interaction and two to five tags per customer. `orders=0` writes the
    customers and their tags only (the target of the import benchmark)."""
    path = Path(path)
    _remove(path)
    app = make_app(path)
    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory)
        app.extensions["sqlalchemy"].engine.dispose()

    rng, histories, extra = _histories(customers, orders or None, seed)
    days = _days(as_of)
    connection = sqlite3.connect(path, isolation_level=None)
    # Loading only: a crash leaves a half-built file, which build() replaces anyway.
    connection.execute("PRAGMA synchronous=OFF")
    connection.execute("PRAGMA foreign_keys=ON")
    connection.execute("PRAGMA cache_size=-262144")
    connection.execute("BEGIN")
    _insert_customers(connection, rng, histories, days)
    if orders:
        for batch in _batches(order_rows(rng, histories, extra, days)):
            connection.executemany(
                "INSERT INTO orders (external_id, customer_id, ordered_on, amount, product, channel) VALUES (?, ?, ?, ?, ?, ?)",
                batch,
            )
        _insert_interactions(connection, rng, histories, days)
    connection.execute("COMMIT")
    connection.close()
    with app.app_context():
        # Rows written behind the app's back: compute the RFM inputs a tier run reads.
        rfm_inputs.rebuild(as_of)
        db.session.commit()
        db.session.remove()
        app.extensions["sqlalchemy"].engine.dispose()
    return path


def write_orders_csv(path, customers, orders, seed=SEED, as_of=AS_OF):
    """A CSV of `orders` orders (Chinese headers, as exported from an ERP) for the
    customers C0000001... of a database built with the same `customers` and seed."""
    rng, histories, extra = _histories(customers, orders, seed)
    with open(path, "w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(("订单编号", "客户编号", "下单日期", "金额", "产品", "渠道"))
        for external_id, customer_id, ordered_on, amount, product, channel in order_rows(rng, histories, extra, _days(as_of)):
            writer.writerow((external_id, f"C{customer_id:07d}", ordered_on, f"{amount:.2f}", product, channel))
    return path


def _extra_orders(rng, plan, histories, total):
    """{customer index: count} of orders older than a year that bring the total to
    `total` (None: no extra orders)."""
    if total is None:
        return Counter()
    missing = total - sum(len(orders) for _, orders in histories)
    if missing < 0:
        raise ValueError(f"{len(histories)} customers need at least {total - missing} orders")
    # Established buyers only: older orders would make a prospect churn-risk and a new customer not new.
    eligible = [i for i, (tier, (registered, orders)) in enumerate(zip(plan, histories))
                if registered >= 400 and orders and tier != Tier.NEW]
    if missing and not eligible:
        raise ValueError("no customer is old enough for older orders")
    weights = [rng.paretovariate(1.5) for _ in eligible]
    return Counter(rng.choices(eligible, weights=weights, k=missing))


def _batches(rows):
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _insert_customers(connection, rng, histories, days):
    customer_sql = f"INSERT INTO customers ({', '.join(CUSTOMER_COLUMNS)}) VALUES ({', '.join('?' * len(CUSTOMER_COLUMNS))})"
    tags = []

    def rows():
        for number, (registered, _orders) in enumerate(histories, start=1):
            fields, customer_tags = demo.fake_customer(rng, days[registered])
            tags.extend((number, tag) for tag in customer_tags)
            yield (number, f"C{number:07d}", *(fields[c] for c in CUSTOMER_COLUMNS[2:]))

    for batch in _batches(rows()):
        connection.executemany(customer_sql, batch)
    connection.executemany("INSERT INTO customer_tags (customer_id, tag) VALUES (?, ?)", tags)


def order_rows(rng, histories, extra, days):
    """(external_id, customer_id, ordered_on, amount, product, channel) of every order."""
    products, channels, randint, uniform = demo.PRODUCTS, demo.ORDER_CHANNELS, rng.randint, rng.uniform
    number = 0
    for customer_id, (registered, orders) in enumerate(histories, start=1):
        older = [(randint(370, registered), round(uniform(200, 5000), 2)) for _ in range(extra.get(customer_id - 1, 0))]
        for days_ago, amount in orders + older:
            number += 1
            yield (f"B{number:07d}", customer_id, days[days_ago], amount,
                   products[number % len(products)], channels[number % len(channels)])


def _insert_interactions(connection, rng, histories, days):
    rows = [
        (customer_id, days[days_ago], rng.choice(CHANNELS), rng.choice(demo.INTERACTION_NOTES).format(contact="客户"))
        for customer_id, (registered, orders) in enumerate(histories, start=1)
        for days_ago in demo.interaction_days(rng, registered, [d for d, _ in orders])
    ]
    connection.executemany("INSERT INTO interactions (customer_id, occurred_on, channel, note) VALUES (?, ?, ?, ?)", rows)


def ensure(customers, orders, rebuild=False):
    """The cached database of this size, built when missing (or when `rebuild`)."""
    path = DATA_DIR / f"rapport-{customers}-{orders}.sqlite"
    if rebuild or not path.exists():
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".partial")
        started = time.perf_counter()
        build(partial, customers, orders)
        _remove(path)  # with its -wal and -shm, which SQLite would apply to the new file
        os.replace(partial, path)
        print(f"built {path.name}: {customers:,} customers, {orders:,} orders in {time.perf_counter() - started:.1f} s")
    return path
