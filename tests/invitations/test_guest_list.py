"""Building a plan's guest list from its target tiers and filters (app/invitations/guest_list.py)."""
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.core import clock
from app.core.errors import DomainError
from app.customers.tiering import recompute
from app.events.plan_models import PlanActivity
from app.extensions import db
from app.invitations import guest_list, services
from app.invitations.models import (
    ControlMember,
    GuestListBuild,
    GuestStatus,
    Invitation,
)


@pytest.fixture
def tiered(make_customer, make_order):
    """`tiered(n, tier="general", **customer_fields)`: n customers in `tier` after a new tier run
    ("general": no orders; "high_value": 8 recent orders of 1,500)."""

    def make(n=1, tier="general", **fields):
        customers = [make_customer(**{"email": None, "phone": "13800000000", "consent": True, **fields})
                     for _ in range(n)]
        if tier == "high_value":
            for customer in customers:
                for day in range(8):
                    make_order(customer, clock.today() - timedelta(days=day + 1), "1500.00")
        recompute()
        db.session.commit()
        return customers

    return make


def invitations(plan):
    return db.session.scalars(select(Invitation).where(Invitation.plan_id == plan.id).order_by(Invitation.id)).all()


def set_share(plan, share):
    services.settings_for(plan).control_share = Decimal(share)
    db.session.commit()


def test_build_takes_the_plans_tiers_from_the_latest_run(make_plan, tiered):
    general = tiered(2)
    high = tiered(1, tier="high_value", preferred_language="en")
    plan = make_plan(tiers=("high_value",))

    build = guest_list.build_from_target(plan, None)
    db.session.commit()

    rows = invitations(plan)
    assert [row.customer_id for row in rows] == [high[0].id]
    assert rows[0].tier == "high_value" and rows[0].locale == "en" and rows[0].status == GuestStatus.GUEST
    assert rows[0].name == high[0].contact_person or high[0].name
    assert build.eligible == 1 and build.added == 1 and build.held_out == 0
    assert not {c.id for c in general} & {row.customer_id for row in rows}


def test_language_defaults_to_chinese_and_tokens_are_distinct(make_plan, tiered):
    tiered(3)
    plan = make_plan(tiers=("general",))
    guest_list.build_from_target(plan, None)
    rows = invitations(plan)
    assert {row.locale for row in rows} == {"zh"}
    tokens = [getattr(row, kind) for row in rows for kind in ("rsvp_token", "checkin_token", "survey_token")]
    assert len(set(tokens)) == len(tokens) == 9


def test_industry_and_tag_filters_match_any_of(make_plan, tiered):
    made = tiered(1, industry="制造业", tags=["重点"])[0]
    tagged = tiered(1, industry="教育", tags=["重点"])[0]
    other = tiered(1, industry="医疗", tags=["普通"])[0]
    plan = make_plan(tiers=("general",))
    plan.target_industries, plan.target_tags = ["制造业", "教育"], ["重点", "其他"]
    guest_list.build_from_target(plan, None)
    assert {row.customer_id for row in invitations(plan)} == {made.id, tagged.id}
    assert other.id not in {row.customer_id for row in invitations(plan)}


def test_no_consent_and_unreachable_are_flagged_and_left_out(make_plan, tiered):
    ok = tiered(1)[0]
    no_consent = tiered(1, consent=False)[0]
    unreachable = tiered(1, phone=None, email="", wechat_id=None)[0]
    wechat_only = tiered(1, phone=None, wechat_id="wx_1")[0]
    plan = make_plan(tiers=("general",))
    build = guest_list.build_from_target(plan, None)
    by_customer = {row.customer_id: row for row in invitations(plan)}
    assert by_customer[ok.id].status == by_customer[wechat_only.id].status == GuestStatus.GUEST
    assert (by_customer[no_consent.id].status, by_customer[no_consent.id].flag) == ("flagged", "no_consent")
    assert (by_customer[unreachable.id].status, by_customer[unreachable.id].flag) == ("flagged", "unreachable")
    assert build.flagged == 2 and build.eligible == 2
    assert services.seats_taken(plan.id) == 2


def test_capacity_fills_then_waitlists_in_order(make_plan, tiered):
    customers = tiered(5)
    plan = make_plan(tiers=("general",), capacity=3)
    guest_list.build_from_target(plan, None)
    rows = invitations(plan)
    assert [row.status for row in rows] == ["guest"] * 3 + ["waitlist"] * 2
    assert [row.waitlist_position for row in rows[3:]] == [1, 2]
    assert [row.customer_id for row in rows] == [c.id for c in customers]
    assert services.seats_free(plan) == 0


def test_companions_take_seats(make_plan, make_invitation, tiered):
    tiered(3)
    plan = make_plan(tiers=("general",), capacity=4)
    first = make_invitation(plan=plan)
    first.companions = 2
    db.session.commit()
    guest_list.build_from_target(plan, None)
    statuses = [row.status for row in invitations(plan)]
    assert statuses == ["guest", "guest", "waitlist", "waitlist"]  # 1 + 2 companions + 1 = 4 seats


def test_a_second_build_adds_no_duplicates(make_plan, tiered):
    tiered(3)
    plan = make_plan(tiers=("general",))
    guest_list.build_from_target(plan, None)
    second = guest_list.build_from_target(plan, None)
    assert len(invitations(plan)) == 3 and second.added == 0
    tiered(1)
    third = guest_list.build_from_target(plan, None)
    assert len(invitations(plan)) == 4 and third.added == 1


def test_control_group_is_reproducible_from_the_seed_and_never_invited(make_plan, tiered):
    customers = tiered(20)
    plan = make_plan(tiers=("general",))
    set_share(plan, "25")
    build = guest_list.build_from_target(plan, None, seed=1234)
    db.session.commit()

    held = set(db.session.scalars(select(ControlMember.customer_id).where(ControlMember.plan_id == plan.id)))
    invited = {row.customer_id for row in invitations(plan)}
    assert len(held) == build.held_out == 5 and build.seed == 1234 and build.control_share == Decimal(25)
    assert held == guest_list.hold_out([c.id for c in customers], build.control_share, build.seed)
    assert not held & invited and held | invited == {c.id for c in customers}
    # Another seed holds out others; a second build never invites the held-out customers.
    assert guest_list.hold_out([c.id for c in customers], 25, 99) != held
    guest_list.build_from_target(plan, None)
    assert not held & {row.customer_id for row in invitations(plan)}
    with pytest.raises(DomainError):
        guest_list.add_customer(plan, None, customers[[c.id for c in customers].index(min(held))])


def test_seed_is_random_when_not_given_and_recorded(make_plan, tiered):
    tiered(2)
    plan = make_plan(tiers=("general",))
    build = guest_list.build_from_target(plan, None)
    assert db.session.get(GuestListBuild, build.id).seed == build.seed
    assert 0 <= build.seed < 2 ** 31
    entry = db.session.scalar(select(PlanActivity).where(PlanActivity.plan_id == plan.id,
                                                         PlanActivity.action == "guests.built"))
    assert entry.detail["seed"] == build.seed and entry.detail["guests"] == 2


def test_control_size_rounds_half_up():
    assert guest_list.control_size(10, Decimal(5)) == 1  # 0.5 -> 1
    assert guest_list.control_size(10, Decimal(0)) == 0
    assert guest_list.control_size(3, Decimal(50)) == 2


def test_build_needs_a_tier_run(make_plan, make_customer):
    plan = make_plan(tiers=("general",))
    make_customer()
    with pytest.raises(DomainError):
        guest_list.build_from_target(plan, None)


def test_preview_counts_what_a_build_would_do(make_plan, tiered):
    tiered(8)
    tiered(1, consent=False)
    plan = make_plan(tiers=("general",), capacity=5)
    set_share(plan, "25")
    preview = guest_list.preview(plan)
    assert (preview.eligible, preview.flagged, preview.held_out, preview.guests, preview.waitlisted) == (8, 1, 2, 5, 1)
    build = guest_list.build_from_target(plan, None)
    assert (build.eligible, build.flagged, build.held_out) == (8, 1, 2)
    assert [row.status for row in invitations(plan)].count("waitlist") == 1


def test_include_a_flagged_guest_on_purpose(make_plan, tiered):
    tiered(1, consent=False)
    plan = make_plan(tiers=("general",))
    guest_list.build_from_target(plan, None)
    flagged = invitations(plan)[0]
    guest_list.include(flagged, None)
    assert flagged.status == GuestStatus.GUEST and flagged.flag is None
    with pytest.raises(DomainError):
        guest_list.include(flagged, None)


def test_add_customer_by_hand_once(make_plan, tiered):
    customer = tiered(1)[0]
    plan = make_plan(tiers=("high_value",))
    invitation = guest_list.add_customer(plan, None, customer)
    assert invitation.customer_id == customer.id and invitation.tier == "general"
    with pytest.raises(DomainError):
        guest_list.add_customer(plan, None, customer)


def test_search_finds_by_name_company_or_phone_and_says_who_is_listed(make_plan, tiered):
    customer = tiered(1, name="星河科技", company="星河科技有限公司", phone="13912345678")[0]
    other = tiered(1, name="别家")[0]
    plan = make_plan(tiers=("high_value",))
    for q in ("星河", "有限公司", "1234567"):
        assert customer.id in [c.id for c, *_rest in guest_list.search_customers(plan, q)]
    assert guest_list.search_customers(plan, "  ") == []
    assert guest_list.search_customers(plan, "%") == []
    guest_list.add_customer(plan, None, other)
    [(found, assignment, listed, held_out)] = guest_list.search_customers(plan, "别家")
    assert (found, assignment.tier, listed, held_out) == (other, "general", "guest", False)
