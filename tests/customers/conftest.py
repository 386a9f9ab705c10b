"""Fixtures for the customer tests: sample import files written on the fly."""
import csv

import openpyxl
import pytest

CUSTOMER_HEADER = ["客户编号", "客户名称", "公司", "行业", "联系人", "职务", "邮箱", "手机号", "微信号", "城市",
                   "偏好渠道", "语言", "注册日期", "标签", "同意联系"]
CUSTOMER_ROWS = [
    ["C001", "星河科技", "星河科技有限公司", "制造业", "王经理", "采购经理", "wang@xinghe.example", "138 1234 5678",
     "wx_wang", "上海", "微信", "中文", "2024年7月15日", "制造业，成长期", "是"],
    ["C002", "Blue Ocean Ltd", "Blue Ocean Ltd", "Education", "Anna Smith", "Director", "anna@blueocean.example",
     "+44 20 7123 4567", "", "London", "e-mail", "en", "2024/7/1", "education; key account", "no"],
    ["C003", "华东医疗", "华东医疗器械有限公司", "医疗", "李总", "总经理", "", "010-12345678", "", "杭州", "拜访", "",
     "20230105", "", "同意"],
]
ORDER_HEADER = ["订单号", "客户编号", "下单日期", "订单金额", "产品", "销售渠道"]
ORDER_ROWS = [
    ["O-1", "C001", "2024-07-15", "¥1,234.50", "年度服务", "线下"],
    ["O-2", "C001", "2024/8/1", "12000元", "设备", ""],
    ["O-3", "C002", "2024.9.3", "￥12,000", "", "online"],
]


@pytest.fixture
def write_csv(tmp_path):
    """`write_csv(header, rows, name="data.csv", encoding="utf-8", delimiter=",")` -> path."""

    def write(header, rows, name="data.csv", encoding="utf-8", delimiter=","):
        path = tmp_path / name
        with path.open("w", encoding=encoding, newline="") as stream:
            writer = csv.writer(stream, delimiter=delimiter)
            writer.writerow(header)
            writer.writerows(rows)
        return path

    return write


@pytest.fixture
def write_xlsx(tmp_path):
    """`write_xlsx(header, rows, name="data.xlsx")` -> path; cells keep their Python types."""

    def write(header, rows, name="data.xlsx"):
        path = tmp_path / name
        workbook = openpyxl.Workbook()
        sheet = workbook.active
        sheet.append(header)
        for row in rows:
            sheet.append(row)
        workbook.save(path)
        return path

    return write


@pytest.fixture
def customers_csv(write_csv):
    return write_csv(CUSTOMER_HEADER, CUSTOMER_ROWS, name="customers.csv")


@pytest.fixture
def orders_csv(write_csv):
    return write_csv(ORDER_HEADER, ORDER_ROWS, name="orders.csv")
