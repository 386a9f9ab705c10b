"""The guest's RSVP pages by personal link: the page, answering, the QR code and the .ics,
the language, one guest never seeing another, the friendly page for wrong links, CSRF and
the rate limit."""
import re
from datetime import timedelta
from io import BytesIO

import pytest
import zxingcpp
from PIL import Image
from sqlalchemy import select

from app.core import clock
from app.events.plan_models import PlanState
from app.extensions import db, limiter
from app.invitations import services
from app.invitations.models import GuestStatus, OutboxMessage, Rsvp, TokenKind
from app.invitations.qr import checkin_payload


@pytest.fixture
def plan(make_plan):
    plan = make_plan(title="2026 答谢晚宴", venue="上海外滩茂悦酒店",
                     content="年度回顾、客户案例分享、晚宴")
    services.settings_for(plan).companions_cap = 2
    db.session.commit()
    return plan


@pytest.fixture
def guest(plan, make_invitation):
    return make_invitation(plan=plan, name="张伟", email="zhang@example.com", locale="en")


def page(token, **query):
    return f"/rsvp/{token}" + (f"?{'&'.join(f'{k}={v}' for k, v in query.items())}" if query else "")


def decode_qr(png):
    results = zxingcpp.read_barcodes(Image.open(BytesIO(png)))
    return [result.text for result in results]


def test_the_page_shows_the_event_and_the_guest(client, guest):
    response = client.get(page(guest.rsvp_token))
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    for text in ("2026 答谢晚宴", "上海外滩茂悦酒店", "年度回顾", "张伟", 'data-testid="rsvp-form"',
                 'name="companions"'):
        assert text in body
    assert 'data-testid="checkin-qr"' not in body
    assert 'href="/logout"' not in body and "/account" not in body and 'id="main-nav"' not in body  # no menu
    assert response.headers["Content-Security-Policy"]  # the global security headers apply
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("capacity, selects", [(None, 1), (100, 2)])
def test_the_page_runs_the_same_queries_for_few_or_many_guests(client, make_plan, make_invitation, count_queries,
                                                               capacity, selects):
    counts = []
    for guests in (2, 30):
        plan = make_plan(capacity=capacity)
        invitations = [make_invitation(plan=plan) for _ in range(guests)]
        client.get(page(invitations[0].rsvp_token)).close()  # the first visit also records 'opened', once sent
        with count_queries() as queries:
            assert client.get(page(invitations[0].rsvp_token)).status_code == 200
        counts.append(len([q for q in queries if q.lstrip().upper().startswith("SELECT")]))
    # The invitation, its plan and their settings in one SELECT; with a capacity, the seats taken in one more.
    assert counts == [selects, selects]


def test_the_first_visit_counts_as_opened_once(client, guest, client_as):
    client_as("planner").get(page(guest.rsvp_token)).close()  # the team's preview is not the guest
    db.session.refresh(guest)
    assert guest.opened_at is None
    response = client.get(page(guest.rsvp_token))
    db.session.refresh(guest)
    assert guest.opened_at is None  # recorded once the page is sent: the guest does not wait for the write
    response.close()
    db.session.refresh(guest)
    first = guest.opened_at
    assert first is not None
    client.get(page(guest.rsvp_token)).close()
    db.session.refresh(guest)
    assert guest.opened_at == first


def test_accepting_with_a_companion_shows_the_qr_code(client, guest):
    response = client.post(page(guest.rsvp_token), data={
        "answer": "accept", "companions": "1", "dietary": "vegetarian", "notes": "late by 10 min"})
    assert response.status_code == 302 and response.headers["Location"] == page(guest.rsvp_token)
    db.session.refresh(guest)
    assert (guest.rsvp, guest.companions, guest.dietary) == (Rsvp.ACCEPTED, 1, "vegetarian")
    assert guest.notes == "late by 10 min"
    body = client.get(page(guest.rsvp_token)).get_data(as_text=True)
    assert f'src="/rsvp/{guest.rsvp_token}/qr.png"' in body and "Show this code at the door" in body
    assert "with 1 companion" in body and f'href="/rsvp/{guest.rsvp_token}/event.ics"' in body
    assert 'value="vegetarian"' in body  # the current answer, ready to change
    qr = client.get(f"/rsvp/{guest.rsvp_token}/qr.png")
    assert qr.status_code == 200 and qr.mimetype == "image/png"
    assert qr.headers["Cache-Control"] == "no-store"
    assert decode_qr(qr.data) == [checkin_payload(guest.checkin_token)]
    again = client.get(f"/rsvp/{guest.rsvp_token}/qr.png", headers={"If-None-Match": qr.headers["ETag"]})
    assert again.status_code == 304


def test_no_qr_code_before_accepting_or_after_declining(client, guest):
    assert client.get(f"/rsvp/{guest.rsvp_token}/qr.png").status_code == 404
    client.post(page(guest.rsvp_token),
                data={"answer": "decline", "decline_reason": "distance", "decline_text": "远"})
    db.session.refresh(guest)
    assert (guest.rsvp, guest.decline_reason, guest.decline_text) == (Rsvp.DECLINED, "distance", "远")
    assert client.get(f"/rsvp/{guest.rsvp_token}/qr.png").status_code == 404
    body = client.get(page(guest.rsvp_token)).get_data(as_text=True)
    assert 'data-testid="answer-declined"' in body and "Change your answer" in body


@pytest.mark.parametrize("data, message", [
    ({}, "Choose whether you will attend."),
    ({"answer": "accept", "companions": "3"}, "limited to 2."),
    ({"answer": "accept", "companions": "lots"}, 'name="companions"'),
    ({"answer": "decline"}, "Choose a reason from the list."),
    ({"answer": "decline", "decline_reason": "other", "decline_text": "x" * 501}, "500"),
    ({"answer": "maybe"}, 'name="answer"'),
])
def test_bad_answers_show_an_error_and_keep_the_input(client, guest, data, message):
    response = client.post(page(guest.rsvp_token), data={**data, "notes": "我的备注"})
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and message in body and "我的备注" in body
    assert "invalid-feedback" in body or "alert-danger" in body
    db.session.refresh(guest)
    assert guest.rsvp == Rsvp.PENDING


def test_companions_are_offered_up_to_the_cap_and_checked_against_the_seats_left(
        client, make_plan, make_invitation):
    plan = make_plan(capacity=3)
    services.settings_for(plan).companions_cap = 3
    first, second = make_invitation(plan=plan, locale="en"), make_invitation(plan=plan)
    db.session.commit()
    # 3 seats, one held by the other guest: the guest and one companion, offered and said alike.
    body = client.get(page(first.rsvp_token)).get_data(as_text=True)
    assert re.findall(r'<option[^>]*value="(\d+)"', body) == ["0", "1"]
    assert "You may bring up to 1 companion. The event is almost full." in body
    response = client.post(page(first.rsvp_token), data={"answer": "accept", "companions": "2"})  # an older page
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "almost full: the number of companions is limited to 1." in body
    assert re.findall(r'<option[^>]*value="(\d+)"', body) == ["0", "1"]
    client.post(page(second.rsvp_token), data={"answer": "decline", "decline_reason": "schedule"})
    options = re.findall(r'<option[^>]*value="(\d+)"', client.get(page(first.rsvp_token)).get_data(as_text=True))
    assert options == ["0", "1", "2"]
    assert client.post(page(first.rsvp_token), data={"answer": "accept", "companions": "2"}).status_code == 302


def test_a_full_event_says_so_to_a_guest_who_declined_before(client, make_plan, make_invitation):
    plan = make_plan(capacity=1)
    first = make_invitation(plan=plan, locale="en")
    client.post(page(first.rsvp_token), data={"answer": "decline", "decline_reason": "schedule"})
    make_invitation(plan=plan)  # takes the freed seat
    response = client.post(page(first.rsvp_token), data={"answer": "accept", "companions": "0"})
    assert response.status_code == 200 and "Sorry, the event is full." in response.get_data(as_text=True)


def test_after_the_deadline_the_answer_shows_but_cannot_change(client, guest):
    client.post(page(guest.rsvp_token), data={"answer": "accept", "companions": "0"})
    services.settings_for(guest.plan).rsvp_deadline = clock.today() - timedelta(days=1)
    db.session.commit()
    body = client.get(page(guest.rsvp_token)).get_data(as_text=True)
    assert 'data-testid="closed"' in body and 'data-testid="rsvp-form"' not in body
    assert 'data-testid="checkin-qr"' in body  # the code still works at the door
    response = client.post(page(guest.rsvp_token), data={"answer": "decline", "decline_reason": "schedule"})
    assert response.status_code == 200 and "Answers closed" in response.get_data(as_text=True)
    db.session.refresh(guest)
    assert guest.rsvp == Rsvp.ACCEPTED


def test_the_waitlist_and_a_cancelled_event_show_why_there_is_no_form(client, make_plan, make_invitation):
    plan = make_plan(capacity=1)
    make_invitation(plan=plan)
    waiting = make_invitation(plan=plan, locale="en")
    body = client.get(page(waiting.rsvp_token)).get_data(as_text=True)
    assert "waiting list" in body and 'data-testid="rsvp-form"' not in body
    plan.state = PlanState.CANCELLED
    db.session.commit()
    body = client.get(page(waiting.rsvp_token)).get_data(as_text=True)
    assert "cancelled" in body and 'data-testid="rsvp-form"' not in body


def test_a_decline_sends_the_next_on_the_waitlist_their_invitation(client, make_plan, make_invitation, outbox):
    plan = make_plan(capacity=1)
    plan.state = "approved"
    first = make_invitation(plan=plan)
    waiting = make_invitation(plan=plan, name="李娜", email="li@example.com")
    assert waiting.status == GuestStatus.WAITLIST
    response = client.post(page(first.rsvp_token), data={"answer": "decline", "decline_reason": "schedule"})
    assert response.status_code == 302
    db.session.refresh(waiting)
    assert waiting.status == GuestStatus.GUEST
    message = db.session.scalars(select(OutboxMessage).where(OutboxMessage.invitation_id == waiting.id)).one()
    assert message.kind == "invitation"
    sent = [m for m in outbox() if "li@example.com" in m["To"]]  # Celery runs eagerly in tests
    assert len(sent) == 1 and waiting.rsvp_token in sent[0].get_body(("plain",)).get_content()


# --- language ---------------------------------------------------------------------------

def test_the_page_speaks_the_invitations_language_whatever_the_browser_says(client, make_invitation, plan):
    english = make_invitation(plan=plan, locale="en")
    chinese = make_invitation(plan=plan, locale="zh")
    client.set_cookie("lang", "zh")
    body = client.get(page(english.rsvp_token), headers={"Accept-Language": "zh-CN,zh"}).get_data(as_text=True)
    assert '<html lang="en">' in body and f'href="/rsvp/{english.rsvp_token}?lang=zh"' in body
    client.set_cookie("lang", "en")
    body = client.get(page(chinese.rsvp_token), headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="zh-CN">' in body and f'href="/rsvp/{chinese.rsvp_token}?lang=en"' in body


def test_the_switch_shows_the_other_language_and_keeps_it_through_the_answer(client, guest):
    body = client.get(page(guest.rsvp_token, lang="zh")).get_data(as_text=True)
    assert '<html lang="zh-CN">' in body and f'href="/rsvp/{guest.rsvp_token}?lang=en"' in body
    assert f'action="/rsvp/{guest.rsvp_token}?lang=zh"' in body
    response = client.post(page(guest.rsvp_token, lang="zh"), data={"answer": "accept", "companions": "0"})
    assert response.headers["Location"] == page(guest.rsvp_token, lang="zh")
    db.session.refresh(guest)
    assert guest.locale == "en"  # the invitation's language stays


def test_a_signed_in_users_language_does_not_change_the_guests_page(client_as, guest):
    staff = client_as("planner", locale="zh")
    assert '<html lang="en">' in staff.get(page(guest.rsvp_token)).get_data(as_text=True)


# --- one guest, one page ------------------------------------------------------------------

def test_a_guest_never_sees_another_guest(client, plan, make_invitation):
    alice = make_invitation(plan=plan, name="Alice Anders", email="alice@example.com", locale="en")
    bob = make_invitation(plan=plan, name="Bob Brandt", email="bob@example.com", locale="en")
    for guest, companions in ((alice, "0"), (bob, "2")):
        client.post(page(guest.rsvp_token), data={"answer": "accept", "companions": companions,
                                                  "dietary": f"{guest.name} diet", "notes": f"{guest.name} note"})
    db.session.refresh(bob)
    body = client.get(page(alice.rsvp_token)).get_data(as_text=True)
    assert "Alice Anders" in body
    for secret in ("Bob", "bob@example.com", "with 2 companions", bob.rsvp_token, bob.checkin_token, bob.survey_token):
        assert secret not in body
    assert alice.email not in body  # not even the guest's own address is needed
    assert alice.checkin_token not in body and alice.survey_token not in body  # the QR is an image
    assert decode_qr(client.get(f"/rsvp/{alice.rsvp_token}/qr.png").data) == [checkin_payload(alice.checkin_token)]
    ics = client.get(f"/rsvp/{alice.rsvp_token}/event.ics").get_data(as_text=True)
    assert "Bob" not in ics and bob.rsvp_token not in ics


# --- wrong links --------------------------------------------------------------------------

def wrong_links(make_invitation, plan):
    revoked = make_invitation(plan=plan)
    old = revoked.rsvp_token
    services.reissue(revoked, TokenKind.RSVP, None)
    removed = make_invitation(plan=plan)
    removed.status = GuestStatus.REMOVED
    flagged = make_invitation(plan=plan)
    flagged.status = GuestStatus.FLAGGED
    db.session.commit()
    return ["unknown-token-0123456789abcdefghij", "x" * 65, "x" * 5000, "' OR '1'='1", "%00", "a%2Fb",
            "a/b/c", "令牌", old, removed.rsvp_token, flagged.rsvp_token]


def test_every_wrong_link_gets_the_same_friendly_page(client, make_invitation, plan):
    bodies = set()
    for token in wrong_links(make_invitation, plan):
        response = client.get(f"/rsvp/{token}", headers={"Accept-Language": "en"})
        assert response.status_code == 404, token
        bodies.add(response.get_data(as_text=True))
        assert client.post(f"/rsvp/{token}", data={"answer": "accept"}).status_code == 404
        for suffix in ("qr.png", "event.ics"):
            assert client.get(f"/rsvp/{token}/{suffix}").status_code == 404
    assert len(bodies) == 1
    (body,) = bodies
    assert "This link does not work" in body and "2026 答谢晚宴" not in body


def test_a_reissued_link_works_and_the_old_one_does_not(client, guest):
    old = guest.rsvp_token
    new = services.reissue(guest, TokenKind.RSVP, None)
    db.session.commit()
    assert client.get(page(old)).status_code == 404
    assert client.get(page(new)).status_code == 200


# --- calendar -----------------------------------------------------------------------------

def test_the_ics_has_the_event_with_a_stable_uid(client, guest):
    first = client.get(f"/rsvp/{guest.rsvp_token}/event.ics")
    assert first.status_code == 200 and first.mimetype == "text/calendar"
    text = first.get_data(as_text=True)
    assert "SUMMARY:2026 答谢晚宴" in text and "LOCATION:上海外滩茂悦酒店" in text
    assert f"UID:plan-{guest.plan_id}@rapport.test" in text
    assert f"URL:http://rapport.test/rsvp/{guest.rsvp_token}" in text.replace("\r\n ", "")
    assert client.get(f"/rsvp/{guest.rsvp_token}/event.ics").data == first.data


# --- CSRF and the rate limit ---------------------------------------------------------------

def test_an_anonymous_guest_answers_with_the_forms_csrf_token(make_app, guest):
    strict = make_app(WTF_CSRF_ENABLED=True)
    client = strict.test_client()
    refused = client.post(page(guest.rsvp_token), data={"answer": "accept", "companions": "0"})
    assert refused.status_code == 400
    form = client.get(page(guest.rsvp_token)).get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)
    accepted = client.post(page(guest.rsvp_token), data={"answer": "accept", "companions": "0", "csrf_token": token})
    assert accepted.status_code == 302
    db.session.refresh(guest)
    assert guest.rsvp == Rsvp.ACCEPTED


def test_the_token_pages_are_rate_limited_per_address(make_app, backend, guest):
    redis = backend.broker_url("limits")
    limited = make_app(RATELIMIT_ENABLED=True, RSVP_RATE_LIMIT="3 per minute",
                       RATELIMIT_STORAGE_URI=redis.rsplit("/", 1)[0] + "/2" if redis else "memory://")
    with limited.app_context():
        limiter.reset()
    client = limited.test_client()
    answers = [client.get(path) for path in (
        page(guest.rsvp_token), f"/rsvp/{guest.rsvp_token}/event.ics", "/rsvp/wrong-guess", page(guest.rsvp_token))]
    assert [answer.status_code for answer in answers] == [200, 200, 404, 429]  # one budget for the page, its files and wrong guesses
    assert 1 <= int(answers[-1].headers["Retry-After"]) <= 60
    refused = answers[-1].get_data(as_text=True)
    assert 'data-testid="too-many-requests"' in refused and "guest-page" in refused  # the guests' layout
    assert 'href="/login"' not in refused and 'id="main-nav"' not in refused
    assert "X-RateLimit-Remaining" not in answers[0].headers  # counting costs a round trip: 429s only
    other = limited.test_client()
    assert other.get(page(guest.rsvp_token), environ_base={"REMOTE_ADDR": "10.0.0.9"}).status_code == 200
