"""The other channels: SMS/WeChat texts as CSV and XLSX, and the printable cards (PDF)."""
import csv
import io
import re
import subprocess
from datetime import time

import pytest
from openpyxl import load_workbook
from PIL import Image

from app.extensions import db
from app.invitations.models import GuestStatus
from tests.invitations.test_messages import qr_text


@pytest.fixture
def listed(make_plan, make_invitation):
    plan = make_plan(title="Customer day", venue="Hall 1", start_time=time(14, 0))
    english = make_invitation(plan=plan, name="Anna Smith", company="Acme", phone="+86 138 0000 0000", locale="en")
    chinese = make_invitation(plan=plan, name="=HYPERLINK(\"http://evil\")", locale="zh")
    waiting = make_invitation(plan=plan, name="On the waitlist")
    waiting.status = GuestStatus.WAITLIST
    db.session.commit()
    return plan, english, chinese


def test_csv_has_each_seated_guests_message_and_link(client_as, listed):
    plan, english, chinese = listed
    response = client_as("planner").get(f"/events/plans/{plan.id}/guests/export.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    header, *rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert header == ["Name", "Company", "Phone", "E-mail", "Language", "Reply", "Message", "RSVP link",
                      "Companions", "Dietary needs", "Notes", "Decline reason"]
    assert len(rows) == 2  # not the waitlisted guest
    anna = rows[0]
    link = f"http://rapport.test/rsvp/{english.rsvp_token}"
    assert anna[:6] == ["Anna Smith", "Acme", "'+86 138 0000 0000", english.email, "English", "No answer"]
    assert anna[6].startswith("Anna Smith, you are invited to Customer day on ") and "Hall 1" in anna[6]
    assert anna[6].endswith(link) and anna[7] == link
    assert rows[1][0] == "'=HYPERLINK(\"http://evil\")"  # never a formula
    assert chinese.rsvp_token in rows[1][7] and english.rsvp_token not in "".join(rows[1])


def test_xlsx_has_the_same_rows(client_as, listed):
    plan, english, _chinese = listed
    response = client_as("admin").get(f"/events/plans/{plan.id}/guests/export.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][6] == "Message" and len(rows) == 3
    assert rows[1][0] == "Anna Smith" and rows[1][7] == f"http://rapport.test/rsvp/{english.rsvp_token}"
    assert rows[2][0] == "=HYPERLINK(\"http://evil\")"
    assert sheet.cell(row=3, column=1).data_type == "s"


@pytest.fixture
def answered(listed):
    """Anna accepted with a companion, a dietary need and a note; the other guest declined."""
    plan, english, chinese = listed
    english.rsvp, english.companions, english.dietary, english.notes = "accepted", 1, "素食", "=1+1 late by 10 min"
    chinese.rsvp, chinese.decline_reason, chinese.decline_text = "declined", "schedule", "出差"
    db.session.commit()
    return plan


def test_csv_has_the_guests_answers(client_as, answered):
    text = client_as("planner").get(f"/events/plans/{answered.id}/guests/export.csv").get_data(as_text=True)
    _header, anna, other = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert anna[8:] == ["1", "素食", "'=1+1 late by 10 min", ""]  # the guest's words never a formula
    assert other[8:] == ["", "", "", "The date or time does not suit me: 出差"]


def test_xlsx_has_the_guests_answers_in_the_planner_s_language(client_as, answered):
    client = client_as("planner")
    rows = list(load_workbook(io.BytesIO(client.get(f"/events/plans/{answered.id}/guests/export.xlsx?lang=zh").data))
                .active.iter_rows(values_only=True))
    assert rows[0][8:] == ("同行人数", "饮食需求", "备注", "谢绝原因")
    assert rows[1][8:10] == (1, "素食") and rows[1][10].endswith("late by 10 min")
    assert rows[2][11] == "日期或时间不合适：出差"


def test_cards_pdf_has_one_page_per_guest_with_the_qr_code(client_as, listed, tmp_path):
    plan, english, chinese = listed
    response = client_as("planner").get(f"/events/plans/{plan.id}/guests/cards.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    path = tmp_path / "cards.pdf"
    path.write_bytes(response.data)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"Pages:\s+2\n", info) and "419.528 x 595.276 pts" in info  # A5
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    first, second = text.split("\f")[:2]
    assert "Anna Smith" in first and "Hall 1" in first and english.rsvp_token in first.replace("\n", "")
    assert "HYPERLINK" in second and chinese.rsvp_token in second.replace("\n", "")
    subprocess.run(["pdftoppm", "-r", "150", "-png", "-f", "1", "-l", "1", str(path), str(tmp_path / "page")], check=True)
    [png] = tmp_path.glob("page*.png")
    with Image.open(png) as image, io.BytesIO() as buffer:
        image.save(buffer, format="PNG")
        assert qr_text(buffer.getvalue()) == "RAPPORT:" + english.checkin_token
