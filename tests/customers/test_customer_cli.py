"""`flask customers import` and `flask customers tiers`."""
import json
from datetime import date

from sqlalchemy import func, select

from app.customers.models import Customer, Order, TierRun
from app.extensions import db
from tests.customers.conftest import ORDER_HEADER


def run(app, *args):
    return app.test_cli_runner().invoke(args=["customers", *args])


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_import_succeeds_and_reimport_updates(app, customers_csv, orders_csv):
    result = run(app, "import", str(customers_csv), "--kind", "customers")
    assert result.exit_code == 0, result.output
    assert "客户编号 -> Customer ID (external_id)" in result.output
    assert "Imported 3 rows: 3 new, 0 updated." in result.output
    assert count(Customer) == 3

    again = run(app, "import", str(customers_csv), "--kind", "customers")
    assert again.exit_code == 0 and "3 rows: 0 new, 3 updated." in again.output
    assert count(Customer) == 3

    orders = run(app, "import", str(orders_csv), "--kind", "orders")
    assert orders.exit_code == 0, orders.output
    assert count(Order) == 3
    assert count(TierRun) >= 1  # the refresh of tiers ran (eagerly in tests)


def test_import_with_errors_exits_non_zero_and_lists_every_error(app, write_csv, make_customer):
    make_customer(external_id="C001")
    path = write_csv(ORDER_HEADER, [
        ["O1", "C001", "2024-07-15", "100", "", ""],
        ["O2", "C404", "2024/7/15", "¥1,0", "", ""],
        ["O3", "C001", "昨天", "5", "", ""],
    ])
    result = run(app, "import", str(path), "--kind", "orders")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "Line 3, column 订单金额: Not an amount. Write a number such as 1234.50, 1,234.50 or ¥1,234.50. (value: ¥1,0)",
        "Line 3, column 客户编号: No customer has this customer ID. Import the customer first. (value: C404)",
        "Line 4, column 下单日期: Not a date. Write it as 2024-07-15, 2024/7/15 or 2024年7月15日. (value: 昨天)",
        "3 errors: nothing was imported.",
    ]
    assert count(Order) == 0


def test_mapping_option_corrects_the_automatic_match(app, write_csv):
    path = write_csv(["Kunden-Nr", "客户名称", "备注"], [["K1", "甲", "编号"]])
    missing = run(app, "import", str(path), "--kind", "customers")
    assert missing.exit_code == 1 and "Choose a column for every required field: Customer ID." in missing.output
    mapping = json.dumps({"Kunden-Nr": "external_id", "备注": ""})
    result = run(app, "import", str(path), "--kind", "customers", "--mapping", mapping)
    assert result.exit_code == 0, result.output
    assert "备注 -> ignored" in result.output
    assert db.session.scalar(select(Customer.name).where(Customer.external_id == "K1")) == "甲"


def test_bad_mapping_and_bad_file_are_refused_with_a_message(app, write_csv, tmp_path):
    path = write_csv(["编号", "名称"], [["C1", "甲"]])
    unknown = run(app, "import", str(path), "--kind", "customers", "--mapping", '{"Nope": "name"}')
    assert unknown.exit_code == 2 and "No such column in the file: Nope" in unknown.output
    not_json = run(app, "import", str(path), "--kind", "customers", "--mapping", "{name")
    assert not_json.exit_code == 2 and "--mapping" in not_json.output
    legacy = tmp_path / "old.xls"
    legacy.write_bytes(b"\xd0\xcf\x11\xe0")
    result = run(app, "import", str(legacy), "--kind", "customers")
    assert result.exit_code == 1 and "Old Excel files (.xls) cannot be read" in result.output
    assert count(Customer) == 0


def test_tiers_command_recomputes_as_of_a_date(app, make_customer, make_order):
    customer = make_customer()
    make_order(customer, date(2026, 1, 10), "50000")
    result = run(app, "tiers", "--as-of", "2026-01-31")
    assert result.exit_code == 0, result.output
    assert "Tiered 1 customers as of 2026-01-31." in result.output
    run_row = db.session.scalar(select(TierRun).order_by(TierRun.id.desc()))
    assert run_row.as_of == date(2026, 1, 31) and run_row.status == "done"
