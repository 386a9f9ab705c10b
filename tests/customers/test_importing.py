"""Import of customers and orders: parsers, header matching, files, all-or-nothing upsert."""
from datetime import date, datetime
from decimal import Decimal

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from app.core.errors import DomainError
from app.customers import labels
from app.customers.imports import checking, fields, values
from app.customers.imports.checking import RowError
from app.customers.imports.importer import import_file, import_records
from app.customers.imports.reading import (
    ImportFileError,
    check_mapping,
    guess_mapping,
    match_header,
    open_table,
    preview,
)
from app.customers.imports.values import InvalidValue
from app.customers.models import Customer, CustomerTag, Order
from app.extensions import db
from tests.customers.conftest import CUSTOMER_HEADER, ORDER_HEADER

# ---------------------------------------------------------------- header matching


def test_chinese_customer_headers_match_every_field():
    assert guess_mapping("customers", CUSTOMER_HEADER) == dict(zip(CUSTOMER_HEADER, fields.CUSTOMER_FIELDS))


def test_english_customer_headers_match_every_field():
    headers = ["Customer ID", "Name", "Company", "Industry", "Contact", "Title", "E-mail", "Mobile", "WeChat",
               "City", "Preferred channel", "Language", "Registration date", "Tags", "Consent"]
    assert guess_mapping("customers", headers) == dict(zip(headers, fields.CUSTOMER_FIELDS))


def test_order_headers_match_in_both_languages():
    assert guess_mapping("orders", ORDER_HEADER) == dict(zip(ORDER_HEADER, fields.ORDER_FIELDS))
    english = ["Order ID", "Customer ID", "Order date", "Amount", "Product", "Sales channel"]
    assert guess_mapping("orders", english) == dict(zip(english, fields.ORDER_FIELDS))


@pytest.mark.parametrize("header, field", [
    ("  customer_id ", "external_id"),
    ("ＣＵＳＴＯＭＥＲ　ＩＤ", "external_id"),
    ("E-MAIL", "email"),
    ("电子邮件", "email"),
    ("手机号码", "phone"),
    ("首次购买日期", "registered_on"),
    ("标签（逗号分隔）", "tags"),
    ("Phone (mobile)", "phone"),
])
def test_headers_are_normalised_before_matching(header, field):
    assert match_header("customers", header) == field


def test_amount_header_with_unit_and_unknown_headers():
    mapping = guess_mapping("orders", ["订单编号", "客户ID", "日期", "金额（元）", "备注"])
    assert mapping == {"订单编号": "external_id", "客户ID": "customer_external_id", "日期": "ordered_on",
                       "金额（元）": "amount", "备注": ""}


def test_a_field_is_matched_once_only():
    assert guess_mapping("customers", ["编号", "客户编号", "名称"]) == {"编号": "external_id", "客户编号": "", "名称": "name"}


def test_every_synonym_names_a_known_field():
    from app.customers.imports.reading import HEADER_SYNONYMS

    for kind, synonyms in HEADER_SYNONYMS.items():
        assert set(synonyms) == set(fields.FIELDS[kind])


def test_mapping_must_cover_required_fields_once(app):
    check_mapping("orders", dict(zip(ORDER_HEADER, fields.ORDER_FIELDS)))
    with pytest.raises(DomainError, match="Order date, Amount"):
        check_mapping("orders", {"订单号": "external_id", "客户编号": "customer_external_id"})
    with pytest.raises(DomainError, match="one column only: Name"):
        check_mapping("customers", {"a": "external_id", "b": "name", "c": "name"})
    with pytest.raises(DomainError, match="Unknown fields: salary"):
        check_mapping("customers", {"a": "external_id", "b": "name", "c": "salary"})


# ---------------------------------------------------------------- value parsers


@pytest.mark.parametrize("raw, expected", [
    ("2024-07-15", date(2024, 7, 15)),
    ("2024/7/15", date(2024, 7, 15)),
    ("2024.7.15", date(2024, 7, 15)),
    ("2024年7月15日", date(2024, 7, 15)),
    ("2024 年 7 月 15 日", date(2024, 7, 15)),
    ("20240715", date(2024, 7, 15)),
    (20240715, date(2024, 7, 15)),
    ("2024/7/15 10:30", date(2024, 7, 15)),
    ("２０２４－０７－１５", date(2024, 7, 15)),
    (datetime(2024, 7, 15, 9, 0), date(2024, 7, 15)),
    (date(2024, 7, 15), date(2024, 7, 15)),
])
def test_parse_date_accepts(raw, expected):
    assert values.parse_date(raw) == expected


@pytest.mark.parametrize("raw", ["15/07/2024", "2024-02-30", "2024-13-01", "July 15", "2024-07", "45488", 45488.5, True])
def test_parse_date_refuses(raw):
    with pytest.raises(InvalidValue) as caught:
        values.parse_date(raw)
    assert caught.value.code == "invalid_date"


@pytest.mark.parametrize("raw, expected", [
    ("¥1,234.50", "1234.50"),
    ("1,234.5", "1234.50"),
    ("1234", "1234.00"),
    ("￥12,000", "12000.00"),
    ("12000元", "12000.00"),
    (" RMB 88 ", "88.00"),
    ("０.５", "0.50"),
    (1234.5, "1234.50"),
    (0.1, "0.10"),
    (42, "42.00"),
    (Decimal("3.1"), "3.10"),
])
def test_parse_amount_accepts(raw, expected):
    amount = values.parse_amount(raw)
    assert isinstance(amount, Decimal) and amount == Decimal(expected) and str(amount) == expected


@pytest.mark.parametrize("raw, code", [
    ("abc", "invalid_amount"),
    ("1,23", "invalid_amount"),
    ("12,34,567", "invalid_amount"),
    ("1.234,50", "invalid_amount"),
    ("¥", "invalid_amount"),
    (True, "invalid_amount"),
    ("-5", "negative_amount"),
    ("¥-1,000", "negative_amount"),
    (-0.5, "negative_amount"),
    ("1.005", "too_many_decimals"),
    (0.30000000000000004, "too_many_decimals"),
    ("10000000000", "amount_too_large"),
])
def test_parse_amount_refuses(raw, code):
    with pytest.raises(InvalidValue) as caught:
        values.parse_amount(raw)
    assert caught.value.code == code


@pytest.mark.parametrize("raw, expected", [
    ("13812345678", "13812345678"),
    ("138 1234 5678", "13812345678"),
    ("+86 138-1234-5678", "13812345678"),
    ("(+86) 19912345678", "19912345678"),
    (13812345678, "13812345678"),
    (13812345678.0, "13812345678"),
    ("010-12345678", "010-12345678"),
    ("0755 1234567", "0755-1234567"),
    ("+86 10 1234 5678", "010-12345678"),
    ("+44 20 7123 4567", "+442071234567"),
    ("001 415 555 0100", "+14155550100"),
])
def test_parse_phone_accepts(raw, expected):
    assert values.parse_phone(raw) == expected


@pytest.mark.parametrize("raw", ["12812345678", "1381234567", "138123456789", "12345", "phone", "+86 12345", "010-123"])
def test_parse_phone_refuses(raw):
    with pytest.raises(InvalidValue) as caught:
        values.parse_phone(raw)
    assert caught.value.code == "invalid_phone"


def test_parse_email():
    assert values.parse_email(" Wang@Example.COM ") == "Wang@example.com"
    for bad in ("wang", "wang@", "wang@@example.com", "王@", "a b@example.com"):
        with pytest.raises(InvalidValue) as caught:
            values.parse_email(bad)
        assert caught.value.code == "invalid_email"


@pytest.mark.parametrize("raw, expected", [
    ("微信", "wechat"), ("公众号", "wechat"), ("WeChat", "wechat"), ("社群", "community"), ("短信", "sms"),
    ("SMS", "sms"), ("邮件", "email"), ("邮箱", "email"), ("E-mail", "email"), ("电话", "phone"),
    ("拜访", "visit"), ("上门", "visit"),
])
def test_parse_channel(raw, expected):
    assert values.parse_channel(raw) == expected


def test_parse_channel_refuses_unknown():
    with pytest.raises(InvalidValue) as caught:
        values.parse_channel("飞鸽传书")
    assert caught.value.code == "invalid_channel"


@pytest.mark.parametrize("raw, expected", [("zh", "zh"), ("中文", "zh"), ("zh-CN", "zh"), ("Chinese", "zh"),
                                           ("en", "en"), ("英文", "en"), ("English", "en")])
def test_parse_language(raw, expected):
    assert values.parse_language(raw) == expected


def test_parse_language_refuses_unknown():
    with pytest.raises(InvalidValue) as caught:
        values.parse_language("fr")
    assert caught.value.code == "invalid_language"


@pytest.mark.parametrize("raw, expected", [
    ("yes", True), ("Y", True), ("true", True), ("1", True), (1, True), ("是", True), ("同意", True), ("√", True),
    (True, True), ("no", False), ("FALSE", False), ("0", False), (0, False), ("否", False), ("不同意", False),
])
def test_parse_consent(raw, expected):
    assert values.parse_consent(raw) is expected


def test_parse_consent_refuses_other_words():
    with pytest.raises(InvalidValue) as caught:
        values.parse_consent("maybe")
    assert caught.value.code == "invalid_consent"


def test_parse_tags_splits_on_every_separator():
    assert values.parse_tags("制造业，成长期;*经理；a、b|c, a ,") == ["制造业", "成长期", "*经理", "a", "b", "c"]
    with pytest.raises(InvalidValue):
        values.parse_tags("x" * 65)


def test_row_errors_keep_a_code_and_translate_it_when_read(app):
    error = RowError(4, "金额", "invalid_amount", "abc")
    assert RowError.from_dict(error.as_dict()) == error
    assert error.as_dict() == {"line": 4, "column": "金额", "code": "invalid_amount", "value": "abc"}
    assert error.message.startswith("Not an amount")
    for code in labels.ERROR_MESSAGES:
        with force_locale("zh"):
            assert RowError(1, "x", code).message


# ---------------------------------------------------------------- import_records


def customer_count():
    return db.session.scalar(select(func.count()).select_from(Customer))


def test_import_records_creates_customers_with_clean_values(app):
    result = import_records("customers", [
        (2, {"external_id": "C9", "name": "星河", "phone": "+86 138 1234 5678", "preferred_channel": "微信",
             "preferred_language": "中文", "registered_on": "2024年7月15日", "tags": "制造业，成长期", "consent": "是"}),
    ])
    assert (result.ok, result.created, result.updated, result.rows) == (True, 1, 0, 1)
    customer = db.session.scalar(select(Customer).where(Customer.external_id == "C9"))
    assert (customer.phone, customer.preferred_channel, customer.preferred_language) == ("13812345678", "wechat", "zh")
    assert customer.registered_on == date(2024, 7, 15) and customer.consent is True
    assert customer.tags == ["制造业", "成长期"]


def test_text_cells_are_stored_on_one_line_without_control_characters(app, tmp_path):
    """Names reach mail headers: "Wang\nBcc: x" must not become a second header line."""
    path = tmp_path / "lines.csv"
    path.write_text('客户编号,客户名称,公司,联系人,职务,城市,标签\n'
                    'C\u200b1,"Wang\nBcc: x","Acme\r\nLtd\x00","Li\x1b[31m","Boss\u202e",Shang\thai,"a\n,b"\n'
                    'C2,\x07,,,,,\n', encoding="utf-8")
    result = import_file("customers", path)
    assert result.error_count == 1 and (result.errors[0].line, result.errors[0].code) == (6, "required")
    path.write_text(path.read_text(encoding="utf-8").replace("C2,\x07", "C2,乙"), encoding="utf-8")
    assert import_file("customers", path).created == 2
    customer = db.session.scalar(select(Customer).where(Customer.external_id == "C1"))
    assert (customer.name, customer.company, customer.contact_person, customer.contact_title, customer.city) == (
        "Wang Bcc: x", "Acme Ltd", "Li[31m", "Boss", "Shang hai")
    assert customer.tags == ["a", "b"]


def test_import_records_reports_every_error_and_writes_nothing(app):
    result = import_records("customers", [
        (2, {"external_id": "C1", "name": "好的"}),
        (3, {"external_id": "", "name": "无编号", "email": "not-an-email"}),
        (4, {"external_id": "C3", "name": "x", "phone": "12345", "salary": "1"}),
        (5, {"external_id": "C1", "name": "重复"}),
    ])
    assert not result.ok and result.created == result.updated == 0
    assert [(e.line, e.column, e.code) for e in result.errors] == [
        (3, "external_id", "required"),
        (3, "email", "invalid_email"),
        (4, "phone", "invalid_phone"),
        (4, "salary", "unknown_field"),
        (5, "external_id", "duplicate_id"),
    ]
    assert result.errors[1].value == "not-an-email"
    assert customer_count() == 0


def test_a_missing_required_field_is_an_error(app):
    result = import_records("orders", [(7, {"external_id": "O1", "amount": "1"})])
    assert {(e.line, e.column, e.code) for e in result.errors} == {
        (7, "customer_external_id", "required"), (7, "ordered_on", "required")}


def test_orders_of_unknown_customers_are_refused(app, make_customer):
    customer = make_customer(external_id="C1")
    result = import_records("orders", [
        (2, {"external_id": "O1", "customer_external_id": "C1", "ordered_on": "2024-07-15", "amount": "¥100"}),
        (3, {"external_id": "O2", "customer_external_id": "C404", "ordered_on": "2024-07-15", "amount": "100"}),
        (4, {"external_id": "O3", "customer_external_id": "C405", "ordered_on": "bad", "amount": "100"}),
    ])
    assert [(e.line, e.column, e.code, e.value) for e in result.errors] == [
        (3, "customer_external_id", "unknown_customer", "C404"),
        (4, "ordered_on", "invalid_date", "bad"),
        (4, "customer_external_id", "unknown_customer", "C405"),
    ]
    assert db.session.scalar(select(func.count()).select_from(Order)) == 0
    result = import_records("orders", [
        (2, {"external_id": "O1", "customer_external_id": "C1", "ordered_on": "2024-07-15", "amount": "¥100"})])
    order = db.session.scalar(select(Order))
    assert result.created == 1 and order.customer_id == customer.id and order.amount == Decimal("100.00")


def test_errors_beyond_the_cap_are_counted_not_kept(app, monkeypatch):
    monkeypatch.setattr(checking, "BATCH_SIZE", 7)
    records = [(line, {"external_id": f"C{line}", "name": ""}) for line in range(2, 52)]
    result = import_records("customers", records, max_errors=10)
    assert result.error_count == 50 and len(result.errors) == 10
    assert [e.line for e in result.errors] == list(range(2, 12))
    assert len(import_records("customers", records, max_errors=None).errors) == 50


def test_batches_are_all_or_nothing_across_batch_boundaries(app, monkeypatch):
    monkeypatch.setattr(checking, "BATCH_SIZE", 3)
    calls = []
    good = [(line, {"external_id": f"C{line}", "name": f"n{line}"}) for line in range(2, 12)]
    bad = good[:8] + [(10, {"external_id": "C10", "name": ""})] + good[9:]
    assert not import_records("customers", bad).ok
    assert customer_count() == 0
    result = import_records("customers", good, progress=lambda phase, done: calls.append((phase, done)))
    assert result.created == 10 and customer_count() == 10
    assert calls == [("validating", 3), ("validating", 6), ("validating", 9), ("validating", 10),
                     ("writing", 3), ("writing", 6), ("writing", 9), ("writing", 10)]


def test_reimport_updates_without_duplicates_and_replaces_tags(app):
    first = import_records("customers", [
        (2, {"external_id": "C1", "name": "旧名", "city": "上海", "tags": "a, b"}),
        (3, {"external_id": "C2", "name": "二号", "tags": "x"}),
    ])
    assert (first.created, first.updated) == (2, 0)
    second = import_records("customers", [
        (2, {"external_id": "C1", "name": "新名", "city": "上海", "tags": "b；c"}),
        (3, {"external_id": "C2", "name": "二号", "tags": ""}),
        (4, {"external_id": "C3", "name": "三号", "tags": "a"}),
    ])
    assert (second.created, second.updated) == (1, 2)
    assert customer_count() == 3
    one = db.session.scalar(select(Customer).where(Customer.external_id == "C1"))
    two = db.session.scalar(select(Customer).where(Customer.external_id == "C2"))
    assert (one.name, one.tags, two.tags) == ("新名", ["b", "c"], [])
    assert db.session.scalar(select(func.count()).select_from(CustomerTag)) == 3


def test_columns_absent_from_the_import_are_left_alone(app, make_customer):
    make_customer(external_id="C1", name="旧名", city="北京", consent=True, tags=["vip"])
    result = import_records("customers", [(2, {"external_id": "C1", "name": "新名"})])
    customer = db.session.scalar(select(Customer).where(Customer.external_id == "C1"))
    assert result.updated == 1
    assert (customer.name, customer.city, customer.consent, customer.tags) == ("新名", "北京", True, ["vip"])


def test_reimported_orders_are_updated_in_place(app, make_customer):
    make_customer(external_id="C1")
    other = make_customer(external_id="C2")
    row = {"external_id": "O1", "customer_external_id": "C1", "ordered_on": "2024-07-15", "amount": "100"}
    import_records("orders", [(2, row)])
    result = import_records("orders", [(2, {**row, "customer_external_id": "C2", "amount": "¥1,000.5"})])
    assert (result.created, result.updated) == (0, 1)
    [order] = db.session.scalars(select(Order)).all()
    assert (order.customer_id, order.amount) == (other.id, Decimal("1000.50"))


def test_records_with_different_fields_are_written_together(app):
    result = import_records("customers", [
        (1, {"external_id": "C1", "name": "a", "city": "上海"}),
        (2, {"external_id": "C2", "name": "b", "tags": "t"}),
    ])
    assert result.created == 2
    assert db.session.scalar(select(Customer.city).where(Customer.external_id == "C1")) == "上海"


# ---------------------------------------------------------------- files


def stored_customers():
    return {c.external_id: c for c in db.session.scalars(select(Customer))}


def test_csv_round_trip(app, customers_csv, orders_csv):
    result = import_file("customers", customers_csv)
    assert (result.ok, result.created) == (True, 3)
    customers = stored_customers()
    wang = customers["C001"]
    assert (wang.name, wang.company, wang.industry, wang.contact_person, wang.contact_title) == (
        "星河科技", "星河科技有限公司", "制造业", "王经理", "采购经理")
    assert (wang.email, wang.phone, wang.wechat_id, wang.city) == ("wang@xinghe.example", "13812345678", "wx_wang", "上海")
    assert (wang.preferred_channel, wang.preferred_language, wang.registered_on, wang.consent) == (
        "wechat", "zh", date(2024, 7, 15), True)
    assert wang.tags == ["制造业", "成长期"]
    anna = customers["C002"]
    assert (anna.phone, anna.preferred_channel, anna.preferred_language, anna.consent, anna.wechat_id) == (
        "+442071234567", "email", "en", False, None)
    assert anna.tags == ["education", "key account"]
    assert (customers["C003"].phone, customers["C003"].preferred_channel) == ("010-12345678", "visit")

    result = import_file("orders", orders_csv)
    assert (result.ok, result.created) == (True, 3)
    orders = {o.external_id: o for o in db.session.scalars(select(Order))}
    assert orders["O-1"].amount == Decimal("1234.50") and orders["O-1"].ordered_on == date(2024, 7, 15)
    assert orders["O-2"].amount == Decimal("12000.00") and orders["O-2"].channel is None
    assert (orders["O-3"].customer_id, orders["O-3"].ordered_on, orders["O-3"].product) == (anna.id, date(2024, 9, 3), None)


def test_xlsx_round_trip_with_typed_cells(app, write_xlsx):
    path = write_xlsx(
        ["Customer ID", "Name", "Phone", "Registration date", "Consent", "Tags"],
        [[1001, "Acme", 13812345678, datetime(2024, 7, 15), True, "a|b"],
         ["C2", "Beta", "+86 139 0000 0000", "2024年1月2日", "否", None]],
    )
    assert import_file("customers", path).created == 2
    customers = stored_customers()
    assert (customers["1001"].phone, customers["1001"].registered_on, customers["1001"].consent) == (
        "13812345678", date(2024, 7, 15), True)
    assert customers["1001"].tags == ["a", "b"]
    assert (customers["C2"].registered_on, customers["C2"].consent, customers["C2"].tags) == (date(2024, 1, 2), False, [])

    orders = write_xlsx(["Order ID", "Customer ID", "Date", "Amount"],
                        [["O1", 1001, datetime(2024, 8, 1), 1234.5], ["O2", "C2", "2024-08-02", "¥99"]], name="o.xlsx")
    result = import_file("orders", orders)
    assert result.created == 2
    amounts = dict(db.session.execute(select(Order.external_id, Order.amount)).all())
    assert amounts == {"O1": Decimal("1234.50"), "O2": Decimal("99.00")}


def test_gbk_encoded_csv_is_read(app, write_csv):
    path = write_csv(["客户编号", "客户名称", "城市"], [["C1", "华东医疗", "杭州"]], encoding="gbk")
    with pytest.raises(UnicodeDecodeError):
        path.read_text(encoding="utf-8")
    assert import_file("customers", path).created == 1
    assert stored_customers()["C1"].city == "杭州"


def test_utf8_bom_tab_and_semicolon_files(app, write_csv):
    write_csv(["客户编号", "客户名称"], [["C1", "甲"]], name="bom.csv", encoding="utf-8-sig")
    tab = write_csv(["客户编号", "客户名称"], [["C2", "乙,丙"]], name="tab.txt", delimiter="\t")
    semicolon = write_csv(["客户编号", "客户名称"], [["C3", "丁"]], name="semi.csv", delimiter=";")
    for path in (tab.parent / "bom.csv", tab, semicolon):
        assert import_file("customers", path).created == 1
    assert stored_customers()["C2"].name == "乙,丙"


def test_bad_file_reports_every_error_with_line_and_column_and_writes_nothing(app, write_csv, make_customer):
    make_customer(external_id="C1")
    path = write_csv(ORDER_HEADER, [
        ["O1", "C1", "2024-07-15", "100", "", ""],       # line 2: fine
        ["O2", "C1", "2024-13-01", "¥1,00", "", ""],     # line 3: bad date and amount
        [],                                              # line 4: blank, skipped
        ["O3", "C404", "2024-07-15", "-5", "", ""],      # line 5: unknown customer, negative
        ["O1", "C1", "2024-07-15", "1", "", ""],         # line 6: duplicate order id
        ["", "C1", "2024-07-15", "1", "", ""],           # line 7: no order id
    ])
    result = import_file("orders", path)
    assert [(e.line, e.column, e.code, e.value) for e in result.errors] == [
        (3, "下单日期", "invalid_date", "2024-13-01"),
        (3, "订单金额", "invalid_amount", "¥1,00"),
        (5, "订单金额", "negative_amount", "-5"),
        (5, "客户编号", "unknown_customer", "C404"),
        (6, "订单号", "duplicate_id", "O1"),
        (7, "订单号", "required", ""),
    ]
    assert result.error_count == 6
    assert db.session.scalar(select(func.count()).select_from(Order)) == 0


def test_line_numbers_count_multiline_cells_and_blank_lines(app, tmp_path):
    path = tmp_path / "multi.csv"
    path.write_text('客户编号,客户名称,标签\nC1,"两行\n名称",a\n\nC2,,b\n', encoding="utf-8")
    result = import_file("customers", path)
    assert [(e.line, e.column, e.code) for e in result.errors] == [(5, "客户名称", "required")]


def test_unreadable_files_raise_a_clear_error(app, tmp_path, write_csv):
    cases = {
        "empty.csv": b"",
        "blank.csv": b"\n \n",
        "binary.csv": bytes(range(256)) * 4,
        "old.xls": b"\xd0\xcf\x11\xe0",
        "broken.xlsx": b"PK\x03\x04 not really a workbook",
        "notes.pdf": b"%PDF-1.4",
    }
    codes = {}
    for name, content in cases.items():
        path = tmp_path / name
        path.write_bytes(content)
        with pytest.raises(ImportFileError) as caught:
            import_file("customers", path)
        codes[name] = caught.value.code
        assert str(caught.value.message)
    assert codes == {"empty.csv": "empty_file", "blank.csv": "empty_file", "binary.csv": "unknown_encoding",
                     "old.xls": "legacy_excel", "broken.xlsx": "unreadable_file", "notes.pdf": "unsupported_file"}
    with pytest.raises(ImportFileError) as caught:
        import_file("customers", tmp_path / "gone.csv")
    assert caught.value.code == "file_missing"


def test_preview_and_row_estimate(app, write_csv, write_xlsx):
    rows = [[f"C{n}", f"name {n}"] for n in range(25)]
    headers, first, estimated = preview(write_csv(["编号", ""], rows), limit=10)
    assert headers == ["编号", "#2"] and len(first) == 10 and first[0] == ["C0", "name 0"] and estimated == 25
    headers, first, estimated = preview(write_xlsx(["编号", "编号"], rows), limit=3)
    assert headers == ["编号", "编号 (2)"] and first[2] == ["C2", "name 2"] and estimated == 25


def test_short_rows_are_padded(app, tmp_path):
    path = tmp_path / "short.csv"
    path.write_text("客户编号,客户名称,城市\nC1,甲\n", encoding="utf-8")
    with open_table(path) as table:
        assert list(table.rows) == [(2, ["C1", "甲", None])]
    assert import_file("customers", path).created == 1
