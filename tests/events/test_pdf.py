"""The printable plan (策划书): the PDF download, read back with poppler's pdftotext and pdffonts."""
import shutil
import subprocess
from datetime import date

import pytest

from app.events.pdf import DataOnlyFetcher
from app.events.roles import assign
from app.extensions import db

needs_poppler = pytest.mark.skipif(
    not (shutil.which("pdftotext") and shutil.which("pdffonts")),
    reason="poppler-utils (pdftotext, pdffonts) is not installed",
)


@pytest.fixture
def plan(make_event_type, make_plan, make_user):
    event_type = make_event_type(
        tasks=[("preparation", -30, "customer_team"), ("execution", 0, "execution_team"), ("review", 7, "planning_team")],
        budget_lines=[("venue", 1, "8000.00"), ("gifts", 40, "150.50")],
    )
    plan = make_plan(event_type=event_type, event_day=date(2027, 5, 20), title="客户答谢晚宴", venue="静安酒店",
                     content="年度成果与案例分享")
    plan.tasks[0].title_zh, plan.tasks[0].title_en = "确认邀请名单", "Confirm the guest list"
    assign(plan, "project_lead", make_user(name="王经理"), None)
    db.session.commit()
    return plan


def download(client, plan):
    response = client.get(f"/events/plans/{plan.id}/plan.pdf")
    assert response.status_code == 200
    assert response.content_type == "application/pdf"
    assert response.data.startswith(b"%PDF")
    return response


def poppler(command, pdf, tmp_path):
    path = tmp_path / "plan.pdf"
    path.write_bytes(pdf)
    return subprocess.run([command, *(["-layout", str(path), "-"] if command == "pdftotext" else [str(path)])],
                          check=True, capture_output=True, text=True).stdout


def test_the_download_is_a_pdf_named_after_the_plan(plan, client_as):
    response = download(client_as("manager", locale="en"), plan)
    assert response.headers["Content-Disposition"] == (
        f"attachment; filename=\"plan-{plan.id}.pdf\"; "
        "filename*=UTF-8''%E5%AE%A2%E6%88%B7%E7%AD%94%E8%B0%A2%E6%99%9A%E5%AE%B4.pdf"
    )


@needs_poppler
def test_the_chinese_plan_follows_the_template_with_embedded_chinese_glyphs(plan, client_as, tmp_path):
    pdf = download(client_as("planner", locale="zh"), plan).data
    text = poppler("pdftotext", pdf, tmp_path)
    titles = ["目标与原则", "目标客户群体", "活动内容与形式", "执行计划与分工", "预算编制", "多渠道宣传与客户邀约",
              "现场执行", "效果评估与复盘"]
    positions = [text.index(f"{number} {title}") for number, title in enumerate(titles, 1)]
    assert positions == sorted(positions)
    assert "客户答谢晚宴" in text and "确认邀请名单" in text and "王经理" in text
    assert "¥14,020.00" in text  # 8,000 + 40 × 150.50
    assert "第1页/共2页" in text.replace(" ", "")  # pdftotext drops the spaces around CJK
    fonts = poppler("pdffonts", pdf, tmp_path)
    cjk = [line for line in fonts.splitlines() if "WenQuanYi" in line or "NotoSansCJK" in line]
    assert cjk and all(" yes " in line for line in cjk)  # the "emb" column


@needs_poppler
def test_the_english_plan_has_english_headings(plan, client_as, tmp_path):
    text = poppler("pdftotext", download(client_as("admin", locale="en"), plan).data, tmp_path)
    for number, title in enumerate(["Goals and principles", "Target customers", "Content and form",
                                    "Execution plan and division of labour", "Budget", "Promotion and invitations",
                                    "On-site execution", "Evaluation and review"], 1):
        assert f"{number} {title}" in text
    assert "Confirm the guest list" in text and "Not planned yet." in text
    assert "Page 1 of " in text
    assert "目标与原则" not in text


@pytest.mark.parametrize("url", ["file:///etc/passwd", "http://127.0.0.1/x.css", "https://example.com/x.png",
                                 "ftp://example.com/x"])
def test_the_fetcher_refuses_files_and_the_network(url):
    with pytest.raises(ValueError, match="disallowed protocol"):
        DataOnlyFetcher().fetch(url)


def test_the_fetcher_reads_data_uris():
    assert DataOnlyFetcher().fetch("data:text/css;base64,Ym9keXt9").read() == b"body{}"
