"""The invitation's three tokens: random enough, unique, separate powers, revocable, and
never written to the log in full."""
import base64
import math
from collections import Counter

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.events.plan_models import PlanActivity
from app.extensions import db
from app.invitations import services
from app.invitations.models import Invitation, TokenKind

KINDS = {TokenKind.RSVP: "rsvp_token", TokenKind.CHECKIN: "checkin_token", TokenKind.SURVEY: "survey_token"}


def test_a_token_carries_at_least_128_random_bits():
    token = services.new_token()
    raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    assert len(raw) * 8 >= 128 and len(token) <= 64
    assert set(token) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def test_tokens_are_unique_and_their_characters_evenly_spread():
    tokens = [services.new_token() for _ in range(20_000)]
    assert len(set(tokens)) == len(tokens)
    # Shannon entropy per character of base64url is at most 6 bits; a biased or
    # counter-like generator falls well below (measured: 5.99).
    counts = Counter("".join(tokens))
    total = sum(counts.values())
    entropy = -sum(n / total * math.log2(n / total) for n in counts.values())
    assert entropy > 5.95 and len(counts) == 64


def test_each_invitation_has_three_different_tokens(make_invitation):
    invitations = [make_invitation() for _ in range(5)]
    tokens = [getattr(invitation, column) for invitation in invitations for column in KINDS.values()]
    assert len(set(tokens)) == len(tokens) == 15


@pytest.mark.parametrize("column", KINDS.values())
def test_the_database_refuses_a_duplicate_token(make_invitation, column):
    first, second = make_invitation(), make_invitation()
    setattr(second, column, getattr(first, column))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_by_token_finds_each_kind_only_by_its_own_token(make_invitation):
    invitation = make_invitation()
    for kind, column in KINDS.items():
        assert services.by_token(kind, getattr(invitation, column)) == invitation
        for other in KINDS:
            if other != kind:
                assert services.by_token(other, getattr(invitation, column)) is None


@pytest.mark.parametrize("token", [None, "", " ", "x" * 65, "x" * 10_000, "' OR 1=1 --", "%", "令牌", "\x00abc"])
def test_by_token_answers_none_for_malformed_tokens(make_invitation, token):
    make_invitation()
    assert services.by_token(TokenKind.RSVP, token) is None
    assert services.is_revoked(TokenKind.RSVP, token) is False


def test_by_token_is_exact(make_invitation):
    token = make_invitation().rsvp_token
    for near in (token[:-1], token + "A", token.upper() if token != token.upper() else token.lower(), f" {token}"):
        assert services.by_token(TokenKind.RSVP, near) is None


@pytest.mark.parametrize("kind", list(KINDS))
def test_reissue_revokes_the_old_token_only(make_invitation, kind):
    invitation = make_invitation()
    others = {column: getattr(invitation, column) for k, column in KINDS.items() if k != kind}
    old = getattr(invitation, KINDS[kind])
    new = services.reissue(invitation, kind, None)
    db.session.commit()
    assert new != old and getattr(invitation, KINDS[kind]) == new
    assert services.by_token(kind, old) is None and services.by_token(kind, new) == invitation
    assert services.is_revoked(kind, old) and not services.is_revoked(kind, new)
    assert all(services.is_revoked(other, old) is False for other in KINDS if other != kind)
    assert {column: getattr(invitation, column) for column in others} == others


def test_the_log_never_holds_a_full_token(make_invitation, client):
    invitation = make_invitation()
    old = invitation.checkin_token
    services.reissue(invitation, TokenKind.CHECKIN, None)
    db.session.commit()
    client.post(f"/rsvp/{invitation.rsvp_token}", data={"answer": "accept", "companions": "0"})
    tokens = [old] + [getattr(invitation, column) for column in KINDS.values()]
    entries = db.session.scalars(select(PlanActivity).where(PlanActivity.plan_id == invitation.plan_id)).all()
    assert {entry.action for entry in entries} >= {"guests.added", "guests.token_reissued", "guests.answered"}
    logged = " ".join(str(entry.detail) for entry in entries)
    assert not any(token in logged or token[:8] in logged for token in tokens)


def test_token_hint_shows_only_the_start():
    token = services.new_token()
    assert services.token_hint(token) == f"{token[:4]}…" and services.token_hint(None) == ""


def test_tokens_are_not_primary_keys(make_invitation):
    invitation = make_invitation()
    found = db.session.scalar(select(Invitation.id).where(Invitation.rsvp_token == invitation.rsvp_token))
    assert found == invitation.id
    assert str(invitation.id) not in {invitation.rsvp_token, invitation.checkin_token, invitation.survey_token}
