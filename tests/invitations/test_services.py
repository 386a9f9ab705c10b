"""The shared guest-list services (app/invitations/services.py): tokens at scale, adding
guests without duplicates, seats and the settings' defaults. (Token entropy, reissue and
by_token's edge cases: test_tokens.py.)"""
import re

import pytest
from sqlalchemy import select

from app.core.errors import DomainError
from app.extensions import db
from app.invitations import services
from app.invitations.models import Invitation, TokenKind

TOKEN = re.compile(r"^[A-Za-z0-9_-]{32}$")  # 24 random bytes = 192 bits in base64url
COLUMNS = ("rsvp_token", "checkin_token", "survey_token")


def test_tokens_of_2000_invitations_are_distinct_and_192_bits(make_plan):
    plan = make_plan()
    for number in range(2000):
        services.add_guest(plan, None, name=f"嘉宾{number}", email=f"g{number}@example.com")
    db.session.flush()
    rows = db.session.execute(select(*(getattr(Invitation, c) for c in COLUMNS)).where(Invitation.plan_id == plan.id)).all()
    tokens = [token for row in rows for token in row]
    assert len(rows) == 2000 and len(set(tokens)) == 6000
    assert all(TOKEN.match(token) for token in tokens)
    assert len(services.new_token()) * 6 >= 128


def test_reissue_answers_revoked_for_the_old_token(make_invitation):
    invitation = make_invitation()
    old = invitation.checkin_token
    new = services.reissue(invitation, TokenKind.CHECKIN, None)
    assert new != old and services.by_token("checkin", old) is None and services.is_revoked("checkin", old)
    assert services.by_token("checkin", new) == invitation and not services.is_revoked("rsvp", old)


@pytest.mark.parametrize("token", ["", None, "x" * 65, "not-a-token", "' OR 1=1 --"])
def test_by_token_of_malformed_or_unknown_is_none(make_invitation, token):
    make_invitation()
    assert services.by_token("rsvp", token) is None


def test_add_guest_refuses_duplicates_and_needs_a_channel(make_plan, make_customer):
    plan = make_plan()
    services.add_guest(plan, None, name="Anna", email="Anna@Example.com")
    with pytest.raises(DomainError):
        services.add_guest(plan, None, name="Anna B.", email="anna@example.com ")
    with pytest.raises(DomainError) as refused:
        services.add_guest(plan, None, name="No channel")
    assert refused.value.field == "email"
    with pytest.raises(DomainError):
        services.add_guest(plan, None, name="  ", email="x@example.com")
    customer = make_customer()
    services.add_guest(plan, None, name="甲", customer=customer)
    with pytest.raises(DomainError):
        services.add_guest(plan, None, name="甲", customer=customer)


def test_seats_count_companions_but_not_declines(make_plan, make_invitation):
    plan = make_plan(capacity=10)
    first, second, third = (make_invitation(plan=plan) for _ in range(3))
    first.companions = 2
    second.rsvp = "declined"
    third.status = "waitlist"
    db.session.flush()
    assert services.seats_taken(plan.id) == 3 and services.seats_free(plan) == 7
    assert services.seats_free(make_plan()) is None


def test_settings_are_created_with_defaults_once(make_plan):
    plan = make_plan()
    settings = services.settings_for(plan)
    assert (settings.companions_cap, settings.reminder_days, settings.control_share) == (1, [3, 1], 0)
    assert services.settings_for(plan) is settings


def test_mark_opened_keeps_the_first_visit(make_invitation):
    invitation = make_invitation()
    services.mark_opened(invitation.id)
    first = invitation.opened_at
    services.mark_opened(invitation.id)
    assert first is not None and invitation.opened_at == first
