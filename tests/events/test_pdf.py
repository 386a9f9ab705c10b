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


@pytest.fixture
def planned(plan, make_user, make_budget):
    """The fixture's plan with every step of the template filled in and a budget revision."""
    from decimal import Decimal

    from app.events import goals
    from app.events.plans import update_plan

    planner = make_user(roles=("planner",))
    update_plan(plan, planner, principles="以客户为中心，分层差异化", target_industries=["制造业"], target_tags=["决策链复杂"],
                channels=["visit", "phone"], promotion="提前三周发送邀请函", onsite="签到与开场致辞",
                evaluation="活动后一周内完成满意度调研")
    goals.add_goal(plan, planner, text="目标客户复购率提升15%", metric="repurchase_rate", baseline=Decimal(20),
                   target=Decimal(35), deadline=date(2027, 8, 20))
    goals.add_goal(plan, planner, text="加深与核心客户高层的关系")
    db.session.commit()
    make_budget(plan=plan, number=2, state="submitted")
    return plan


@needs_poppler
def test_the_plan_fills_every_step_from_the_plan_and_its_budget(planned, client_as, tmp_path):
    text = poppler("pdftotext", download(client_as("manager", locale="en"), planned).data, tmp_path)
    flat = " ".join(text.split())
    assert "Not planned yet." not in text
    # 1 goals and principles: the SMART goal's figures, the goal in words marked
    assert "目标客户复购率提升15% Repurchase rate 20% 35%" in flat and "加深与核心客户高层的关系 Not measurable" in flat
    assert "以客户为中心，分层差异化" in text
    # 2 target filters
    assert "Industries 制造业" in flat and "Tags 决策链复杂" in flat
    # 5 the current revision's lines and totals, not the type's proposal
    assert "Budget revision 2 (Submitted)" in flat and "宴会餐饮 200元/人 × 50人" in text
    assert "Subtotal before contingency ¥42,000.00" in flat and "Contingency (10.0%) ¥4,200.00" in flat
    assert "Total ¥46,200.00" in flat and "within the rule" in flat
    assert "¥14,020.00" not in text and "proposed from the event type" not in text
    # 6-8 promotion, on-site execution, evaluation with the measurable goals as its metrics
    assert "Channels Phone, Visits" in flat and "提前三周发送邀请函" in text and "签到与开场致辞" in text
    assert "活动后一周内完成满意度调研" in text
    assert "Metrics to measure" in text and "Repurchase rate 20% → 35% · by Fri, 20 Aug 2027" in flat
    positions = [flat.index(marker) for marker in ("以客户为中心", "制造业", "Budget revision 2", "提前三周", "签到与开场致辞",
                                                     "活动后一周内")]
    assert positions == sorted(positions)


@needs_poppler
def test_a_budget_outside_the_rule_says_so(plan, make_budget, client_as, tmp_path):
    from tests.conftest import SOURCE_BUDGET

    make_budget(plan=plan, lines=[line for line in SOURCE_BUDGET if line[0] != "contingency"])
    text = " ".join(poppler("pdftotext", download(client_as("planner", locale="en"), plan).data, tmp_path).split())
    assert "Subtotal before contingency ¥42,000.00" in text and "Contingency — Total ¥42,000.00" in text
    assert "No contingency reserve: the rule asks for 10%–15% of the other items (¥4,200.00–¥6,300.00)." in text
