"""Smoke test of the benchmark data generator on a few hundred rows, so it cannot
rot between benchmark runs (the benchmarks themselves never run in the suite)."""
import sqlite3

import pytest

from app.core import demo
from app.customers import tiering
from app.extensions import db
from bench import data


@pytest.fixture
def build(tmp_path, monkeypatch):
    monkeypatch.setattr(data, "INSTANCE_DIR", tmp_path / "instance")
    return lambda name, customers, orders: data.build(tmp_path / name, customers, orders)


def _rows(path, table):
    with sqlite3.connect(path) as connection:
        return connection.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall()


def test_generator_writes_exact_counts_deterministically_in_every_tier(build):
    path = build("a.sqlite", 300, 3000)
    assert len(_rows(path, "customers")) == 300 and len(_rows(path, "orders")) == 3000
    assert _rows(path, "interactions") and len(_rows(path, "customer_tags")) >= 600
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
    again = build("b.sqlite", 300, 3000)
    assert all(_rows(path, table) == _rows(again, table) for table in ("orders", "interactions", "customer_tags"))

    app = data.make_app(path)
    with app.app_context():
        counts = tiering.tier_counts(tiering.recompute(as_of=data.AS_OF))
        db.session.remove()
        db.engine.dispose()
    assert counts == {tier: round(300 * share) for tier, share in demo.TIER_MIX.items()}


def test_generator_refuses_fewer_orders_than_the_histories_need(build):
    with pytest.raises(ValueError, match="at least"):
        build("c.sqlite", 300, 10)


def test_orders_csv_imports_into_a_customers_only_database(build, tmp_path):
    path = build("d.sqlite", 300, 0)
    assert len(_rows(path, "customers")) == 300 and _rows(path, "orders") == []
    csv_path = data.write_orders_csv(tmp_path / "orders.csv", 300, 3000)
    lines = csv_path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "订单编号,客户编号,下单日期,金额,产品,渠道" and len(lines) == 3001

    app = data.make_app(path)
    result = app.test_cli_runner().invoke(args=["customers", "import", str(csv_path), "--kind", "orders", "--lang", "en"])
    with app.app_context():
        db.engine.dispose()
    assert result.exit_code == 0, result.output
    assert len(_rows(path, "orders")) == 3000
