"""Exports of the filtered customer list: CSV (with BOM) and XLSX."""
import csv
import io
from datetime import timedelta
from decimal import Decimal

import openpyxl
import pytest

from app.core import clock
from app.customers import tiering

TODAY = clock.today()
HEADERS_EN = [
    "Customer number", "Name", "Company", "Industry", "City", "Contact person", "Title", "E-mail", "Phone", "WeChat",
    "Preferred channel", "Tier", "Lifecycle stage", "R (days since last activity)", "F (purchases in 12 months)",
    "M (amount in 12 months)", "CLV top %", "Last contact", "Tags", "Consent",
]


@pytest.fixture
def sample(make_customer, make_order):
    high = make_customer(
        external_id="C-HIGH", name="星河科技", company="星河科技有限公司", industry="制造业", city="上海",
        contact_person="王经理", contact_title="采购经理", email="wang@xinghe.example", phone="+86 138 1234 5678",
        wechat_id="wx_wang", preferred_channel="wechat", tags=["制造业", "成长期"], consent=True,
        registered_on=TODAY - timedelta(days=800),
    )
    for n in range(10):
        make_order(high, TODAY - timedelta(days=12 + n), "1520.00")
    sly = make_customer(external_id="C-SLY", name='=HYPERLINK("http://evil.example","点我")', city="杭州",
                        registered_on=TODAY - timedelta(days=800))
    tiering.recompute(TODAY)
    return {"high": high, "sly": sly}


def read_csv(response):
    raw = response.get_data()
    assert raw.startswith("\ufeff".encode()), "no byte-order mark: Excel would garble Chinese"
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))


def test_csv_has_bom_headers_and_the_rows(client_as, sample):
    response = client_as("planner", locale="en").get("/customers/export.csv")
    assert response.status_code == 200 and response.is_streamed
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == f'attachment; filename="customers-{TODAY.isoformat()}.csv"'
    header, *rows = read_csv(response)
    assert header == HEADERS_EN
    high = dict(zip(header, rows[1]))  # sorted by name: "=HYPERLINK..." first
    assert high == {
        "Customer number": "C-HIGH", "Name": "星河科技", "Company": "星河科技有限公司", "Industry": "制造业",
        "City": "上海", "Contact person": "王经理", "Title": "采购经理", "E-mail": "wang@xinghe.example",
        "Phone": "'+86 138 1234 5678", "WeChat": "wx_wang", "Preferred channel": "WeChat", "Tier": "High-value",
        "Lifecycle stage": "Mature", "R (days since last activity)": "12", "F (purchases in 12 months)": "10",
        "M (amount in 12 months)": "15200.00", "CLV top %": "100.00", "Last contact": (TODAY - timedelta(days=12)).isoformat(),
        "Tags": "制造业; 成长期", "Consent": "Yes",
    }


def test_csv_neutralises_formulas(client_as, sample):
    rows = read_csv(client_as("planner").get("/customers/export.csv?q=C-SLY"))
    assert len(rows) == 2
    assert rows[1][1] == '\'=HYPERLINK("http://evil.example","点我")'
    assert rows[1][11] != "" and rows[1][-1] in ("No", "否")


def test_csv_keeps_the_list_filters(client_as, sample):
    rows = read_csv(client_as("manager").get("/customers/export.csv?tier=high_value&city=上海&page=3"))
    assert [row[0] for row in rows[1:]] == ["C-HIGH"]
    rows = read_csv(client_as("manager").get("/customers/export.csv?city=杭州&sort=monetary&order=desc"))
    assert [row[0] for row in rows[1:]] == ["C-SLY"]


def test_csv_headers_in_chinese(app, client_as, sample):
    from flask_babel import force_locale, gettext

    header, *rows = read_csv(client_as("planner", locale="zh").get("/customers/export.csv?tier=high_value"))
    with app.test_request_context(), force_locale("zh"):
        assert header == [gettext(title) for title in HEADERS_EN]
    assert header[1] == "姓名" and rows[0][0] == "C-HIGH"


def test_csv_runs_a_fixed_number_of_queries(client_as, make_customer, count_queries):
    planner = client_as("planner")

    def add(count):
        for _ in range(count):
            make_customer(tags=["a", "b"])
        tiering.recompute(TODAY)

    add(2)
    with count_queries() as few:
        planner.get("/customers/export.csv").get_data()
    add(60)
    with count_queries() as many:
        rows = read_csv(planner.get("/customers/export.csv"))
    assert len(rows) == 63 and len(many) == len(few)


def test_xlsx_reads_back(client_as, sample, tmp_path):
    response = client_as("manager", locale="en").get("/customers/export.xlsx")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert f"customers-{TODAY.isoformat()}.xlsx" in response.headers["Content-Disposition"]
    path = tmp_path / "export.xlsx"
    path.write_bytes(response.get_data())
    sheet = openpyxl.load_workbook(path).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == HEADERS_EN and len(rows) == 3
    sly, high = (dict(zip(HEADERS_EN, row)) for row in rows[1:])
    assert sly["Name"] == '=HYPERLINK("http://evil.example","点我")'  # text, not a formula
    assert sheet.cell(row=2, column=2).data_type == "s"
    assert high["Name"] == "星河科技" and high["Phone"] == "+86 138 1234 5678" and high["Tier"] == "High-value"
    assert Decimal(str(high["M (amount in 12 months)"])) == Decimal("15200")
    assert high["F (purchases in 12 months)"] == 10 and high["Tags"] == "制造业; 成长期"
    assert high["Last contact"].date() == TODAY - timedelta(days=12)


def test_xlsx_keeps_the_filters(client_as, sample, tmp_path):
    response = client_as("planner").get("/customers/export.xlsx?tier=churn_risk")
    path = tmp_path / "export.xlsx"
    path.write_bytes(response.get_data())
    assert len(list(openpyxl.load_workbook(path).active.iter_rows())) == 1  # headers only


def test_export_without_a_run(client_as, make_customer):
    make_customer(external_id="C-NEW", name="Newcomer")
    rows = read_csv(client_as("planner").get("/customers/export.csv"))
    assert rows[1][:2] == ["C-NEW", "Newcomer"] and rows[1][11:18] == [""] * 7


def test_staff_cannot_export(client_as):
    assert client_as("staff").get("/customers/export.csv").status_code == 403
    assert client_as("staff").get("/customers/export.xlsx").status_code == 403
