"""The guest list pages: list, counts, filters, build, adding by hand, settings, dashboard."""
import re
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from app.customers.tiering import recompute
from app.extensions import db
from app.invitations import services
from app.invitations.models import Invitation


@pytest.fixture
def planner(client_as):
    return client_as("planner", locale="en")


@pytest.fixture
def customers(make_customer):
    """`customers(n, **fields)`: n customers, then a tier run (all "general")."""

    def make(n=1, **fields):
        made = [make_customer(**{"phone": "13800000000", "consent": True, **fields}) for _ in range(n)]
        recompute()
        db.session.commit()
        return made

    return make


def guests_of(plan):
    return db.session.scalars(select(Invitation).where(Invitation.plan_id == plan.id).order_by(Invitation.id)).all()


def page(client, path):
    response = client.get(path)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_plan_page_links_to_the_guest_list(planner, make_plan):
    plan = make_plan()
    assert f'href="/events/plans/{plan.id}/guests"' in page(planner, f"/events/plans/{plan.id}")


def test_page_counts_seats_against_capacity(planner, make_plan, make_invitation):
    plan = make_plan(capacity=3)
    first = make_invitation(plan=plan, name="甲")
    first.companions, first.rsvp = 1, "accepted"
    db.session.commit()
    make_invitation(plan=plan, name="乙")
    make_invitation(plan=plan, name="丙")  # full: 1 + 1 companion + 1 = 3
    html = page(planner, f"/events/plans/{plan.id}/guests")
    assert "3 / 3" in html and 'data-testid="seats-free"' in html
    assert html.count('data-testid="guest"') == 3
    assert html.count('data-status="waitlist"') == 1 and "#1" in html


def test_build_button_previews_then_builds(planner, make_plan, customers):
    customers(3)
    customers(1, consent=False)
    plan = make_plan(tiers=("general",))
    html = page(planner, f"/events/plans/{plan.id}/guests")
    assert 'data-testid="preview"' in html and "<strong>3</strong>" in html
    response = planner.post(f"/events/plans/{plan.id}/guests/build")
    assert response.status_code == 302
    assert sorted(row.status for row in guests_of(plan)) == ["flagged", "guest", "guest", "guest"]
    html = page(planner, f"/events/plans/{plan.id}/guests")
    assert "3 customers added" in html and html.count('data-status="flagged"') == 1


def test_build_without_tier_run_says_so(planner, make_plan, make_customer):
    plan = make_plan()
    make_customer()
    assert 'data-testid="no-run"' in page(planner, f"/events/plans/{plan.id}/guests")
    planner.post(f"/events/plans/{plan.id}/guests/build")
    assert "compute the tiers first" in page(planner, f"/events/plans/{plan.id}/guests")
    assert guests_of(plan) == []


def test_filters_by_status_rsvp_tier_and_opened(planner, make_plan, make_invitation):
    plan = make_plan()
    accepted = make_invitation(plan=plan, name="已接受")
    accepted.rsvp, accepted.opened_at, accepted.tier = "accepted", datetime.now(), "general"
    make_invitation(plan=plan, name="未答复")
    db.session.commit()
    base = f"/events/plans/{plan.id}/guests"
    assert "已接受" in page(planner, base + "?rsvp=accepted") and "未答复" not in page(planner, base + "?rsvp=accepted")
    assert "未答复" in page(planner, base + "?opened=no") and "已接受" not in page(planner, base + "?opened=no")
    assert "已接受" not in page(planner, base + "?tier=none") and "未答复" in page(planner, base + "?tier=none")
    assert "已接受" in page(planner, base + "?tier=general")
    assert page(planner, base + "?status=bogus&rsvp=<x>").count('data-testid="guest"') == 2  # unknown: no filter


def test_list_pages_in_a_fixed_number_of_queries(planner, make_plan, make_invitation, count_queries):
    plan = make_plan()
    make_invitation(plan=plan)
    path = f"/events/plans/{plan.id}/guests"
    page(planner, path)
    with count_queries() as few:
        page(planner, path)
    for _ in range(60):
        make_invitation(plan=plan)
    with count_queries() as many:
        html = page(planner, path)
    assert len(many) == len(few)
    assert html.count('data-testid="guest"') == 50 and 'rel="next"' in html
    assert page(planner, path + "?page=2").count('data-testid="guest"') == 11


def test_search_and_add_a_customer(planner, make_plan, customers):
    customer = customers(1, name="星河科技", contact_person="王经理")[0]
    plan = make_plan(tiers=("high_value",))
    html = page(planner, f"/events/plans/{plan.id}/guests?q=星河")
    assert 'data-testid="search-results"' in html and "王经理" in html
    response = planner.post(f"/events/plans/{plan.id}/guests/add", data={"customer_id": customer.id, "back": "?q=x"})
    assert response.status_code == 302 and response.location.endswith("/guests?q=x")
    [invitation] = guests_of(plan)
    assert (invitation.customer_id, invitation.name, invitation.tier) == (customer.id, "王经理", "general")
    planner.post(f"/events/plans/{plan.id}/guests/add", data={"customer_id": customer.id})
    assert "on the guest list already" in page(planner, f"/events/plans/{plan.id}/guests")
    assert planner.post(f"/events/plans/{plan.id}/guests/add", data={"customer_id": "x"}).status_code == 302
    assert len(guests_of(plan)) == 1


def test_add_a_contact_who_is_not_a_customer(planner, make_plan):
    plan = make_plan()
    path = f"/events/plans/{plan.id}/guests/contact"
    response = planner.post(path, data={"name": "Anna", "company": "Blue Ocean", "email": "", "phone": ""})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Enter an e-mail address or a phone number." in html
    assert 'value="Blue Ocean"' in html and guests_of(plan) == []
    response = planner.post(path, data={"name": "Anna", "email": "ANNA@example.com", "locale": "en"})
    assert response.status_code == 302
    [invitation] = guests_of(plan)
    assert (invitation.email, invitation.locale, invitation.customer_id) == ("anna@example.com", "en", None)
    html = planner.post(path, data={"name": "Anna", "email": "anna@example.com"}).get_data(as_text=True)
    assert "on the guest list already" in html and len(guests_of(plan)) == 1


def test_manager_sees_the_list_but_no_editing(client_as, make_plan, make_invitation):
    plan = make_plan()
    make_invitation(plan=plan)
    manager = client_as("manager", locale="en")
    html = page(manager, f"/events/plans/{plan.id}/guests")
    assert 'data-testid="guest"' in html
    assert 'data-testid="build"' not in html and 'data-testid="remove_guest"' not in html
    assert 'data-testid="settings-link"' not in html
    assert manager.post(f"/events/plans/{plan.id}/guests/build").status_code == 403
    assert client_as("staff").get(f"/events/plans/{plan.id}/guests").status_code == 403


def test_remove_include_and_move(planner, make_plan, make_invitation):
    plan = make_plan(capacity=1)
    first = make_invitation(plan=plan)
    second = make_invitation(plan=plan)
    assert second.status == "waitlist"
    planner.post(f"/events/plans/{plan.id}/guests/{second.id}/move")
    assert "The event is full" in page(planner, f"/events/plans/{plan.id}/guests")
    planner.post(f"/events/plans/{plan.id}/guests/{first.id}/remove")
    db.session.expire_all()
    assert (first.status, second.status) == ("removed", "guest")
    assert "Moved up from the waitlist" in page(planner, f"/events/plans/{plan.id}/guests")
    planner.post(f"/events/plans/{plan.id}/guests/{second.id}/include")
    assert "Only a flagged guest" in page(planner, f"/events/plans/{plan.id}/guests")


def test_another_plans_guest_is_404(planner, make_plan, make_invitation):
    plan, other = make_plan(), make_plan()
    guest = make_invitation(plan=other)
    assert planner.post(f"/events/plans/{plan.id}/guests/{guest.id}/remove").status_code == 404
    assert planner.get("/events/plans/999999/guests").status_code == 404


def test_settings_save_and_refuse_bad_input(planner, make_plan):
    plan = make_plan()
    path = f"/events/plans/{plan.id}/guests/settings"
    assert 'data-testid="settings-form"' in page(planner, path)
    deadline = plan.event_day - timedelta(days=7)
    response = planner.post(path, data={"companions_cap": "2", "rsvp_deadline": deadline.isoformat(),
                                        "reminder_days": "1, 3，3", "nudge_on": "", "control_share": "10.5"})
    assert response.status_code == 302
    settings = services.settings_for(plan)
    assert (settings.companions_cap, settings.rsvp_deadline, settings.reminder_days) == (2, deadline, [3, 1])
    assert str(settings.control_share) == "10.50"

    html = planner.post(path, data={"companions_cap": "1", "reminder_days": "3,x", "control_share": "80"}).get_data(
        as_text=True)
    assert "such as 3,1" in html and 'value="3,x"' in html and "from 0 to 50" in html
    late = (plan.event_day + timedelta(days=1)).isoformat()
    html = planner.post(path, data={"companions_cap": "1", "rsvp_deadline": late, "reminder_days": "",
                                    "control_share": "0"}).get_data(as_text=True)
    assert "on or before the event day" in html
    db.session.expire_all()
    assert services.settings_for(plan).companions_cap == 2
    assert planner.post(path, data={}).status_code == 200


def test_dashboard_funnel_per_tier_with_chart(planner, make_plan, make_invitation):
    plan = make_plan()
    now = datetime.now()
    rows = [("general", now, now, "accepted", None), ("general", now, now, "declined", "distance"),
            ("high_value", now, None, "pending", None), (None, None, None, "pending", None)]
    for tier, invited, opened, rsvp, reason in rows:
        guest = make_invitation(plan=plan)
        guest.tier, guest.invited_at, guest.opened_at, guest.rsvp, guest.decline_reason = tier, invited, opened, rsvp, reason
    db.session.commit()
    html = page(planner, f"/events/plans/{plan.id}/guests/dashboard")
    assert "<svg" in html and 'data-stage="accepted" data-tier="general"' in html
    assert html.count('data-testid="tier-row"') == 3
    for stage, count in {"invited": 3, "opened": 2, "accepted": 1, "declined": 1, "no_answer": 1, "waitlisted": 0}.items():
        assert f'data-testid="total-{stage}">{count}<' in html
    assert 'data-reason="distance"' in html


def test_dashboard_without_guests(client_as, make_plan):
    plan = make_plan()
    assert 'data-testid="no-guests"' in page(client_as("manager"), f"/events/plans/{plan.id}/guests/dashboard")


@pytest.fixture
def answers(make_plan, make_invitation):
    """`answers(plan, n)`: a plan whose accepted guests asked 素食, Vegan (two spellings), 清真, or nothing,
    a declined guest with a reason and a note, and `n` more accepted vegetarians."""

    def make(plan=None, more=0):
        plan = plan or make_plan()
        rows = [("accepted", "素食", ""), ("accepted", " 素食", "坐轮椅，请安排无障碍座位"), ("accepted", "素食", ""),
                ("accepted", "清真", ""),
                ("accepted", "Vegan", ""), ("accepted", "vegan ", ""), ("accepted", "", ""),
                ("declined", "", "下次一定来"), ("pending", "", "")] + [("accepted", "素食", "")] * more
        for rsvp, dietary, notes in rows:
            guest = make_invitation(plan=plan)
            guest.rsvp, guest.dietary, guest.notes = rsvp, dietary.strip(), notes
            if rsvp == "declined":
                guest.decline_reason, guest.decline_text = "schedule", "出差"
        waiting = make_invitation(plan=plan, name="候补")
        waiting.status, waiting.dietary = "waitlist", "素食"  # not seated: not counted for the caterer
        db.session.commit()
        return plan

    return make


def test_dietary_needs_are_counted_for_the_caterer(answers):
    from app.invitations import dashboard

    plan = answers()
    assert dashboard.dietary_summary(plan.id) == [("素食", 3), ("Vegan", 2), ("清真", 1)]


@pytest.mark.parametrize("path", ["guests", "guests/dashboard"])
def test_the_pages_show_the_dietary_summary(planner, answers, path):
    plan = answers()
    html = page(planner, f"/events/plans/{plan.id}/{path}")
    summary = html.split('data-testid="dietary-summary"')[1].split("</section>")[0]
    assert [need.split("<strong>") for need in re.findall(r'data-testid="dietary-need">([^<]*<strong>\d+)', summary)] == [
        ["素食 ", "3"], ["Vegan ", "2"], ["清真 ", "1"]]


def test_the_guest_list_shows_each_guest_s_answer(planner, answers):
    plan = answers()
    html = page(planner, f"/events/plans/{plan.id}/guests")
    assert html.count('data-testid="answer-dietary"') == 7  # the waitlisted guest's too
    assert "坐轮椅，请安排无障碍座位" in html and "下次一定来" in html
    assert 'data-testid="answer-reason"' in html and "The date or time does not suit me: 出差" in html


@pytest.mark.parametrize("path", ["guests", "guests/dashboard"])
def test_answers_cost_no_query_per_guest(planner, answers, count_queries, path):
    few = answers()
    many = answers(more=30)
    page(planner, f"/events/plans/{few.id}/{path}")
    page(planner, f"/events/plans/{many.id}/{path}")
    with count_queries() as queries_few:
        page(planner, f"/events/plans/{few.id}/{path}")
    with count_queries() as queries_many:
        html = page(planner, f"/events/plans/{many.id}/{path}")
    assert len(queries_many) == len(queries_few)
    assert "素食 <strong>33</strong>" in html


def test_the_dietary_summary_is_empty_without_needs(client_as, make_plan, make_invitation):
    plan = make_plan()
    make_invitation(plan=plan)
    html = page(client_as("manager", locale="zh"), f"/events/plans/{plan.id}/guests/dashboard")
    assert "已接受的嘉宾中没有人提出饮食需求。" in html
