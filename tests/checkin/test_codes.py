"""10,000 random and tampered codes at the door: none is admitted. A code that cannot be one of
ours (too long, control characters, wrong alphabet) is answered without looking it up."""
import random
import string

from sqlalchemy import func, select

from app.checkin import services
from app.checkin.codes import CODE_MAX, token_from_code
from app.checkin.models import CheckIn, ScanStatus
from app.extensions import db
from app.invitations.models import Invitation, TokenKind
from app.invitations.services import by_token
from tests.checkin.conftest import nonce

ALPHABET = string.ascii_letters + string.digits + "-_"
GUESTS = 40


def tampered(token, rng):
    """A real token changed a little: one character swapped, cut short, one added, or two swapped."""
    position = rng.randrange(len(token))
    kind = rng.randrange(4)
    if kind == 0:
        other = rng.choice(ALPHABET.replace(token[position], ""))
        return token[:position] + other + token[position + 1:]
    if kind == 1:
        return token[:rng.randrange(1, len(token))]
    if kind == 2:
        return token[:position] + rng.choice(ALPHABET) + token[position:]
    j = (position + 1) % len(token)
    if token[position] == token[j]:
        return token + "A"
    chars = list(token)
    chars[position], chars[j] = chars[j], chars[position]
    return "".join(chars)


def random_code(rng):
    kind = rng.randrange(5)
    if kind == 0:  # the shape of a real token
        return "".join(rng.choice(ALPHABET) for _ in range(32))
    if kind == 1:
        return "RAPPORT:" + "".join(rng.choice(ALPHABET) for _ in range(rng.randrange(1, 64)))
    if kind == 2:  # control characters, quotes, wildcards
        return "".join(rng.choice("\x00\x1b\r\n\t'\"%_;\\/<>") + rng.choice(ALPHABET) for _ in range(rng.randrange(1, 20)))
    if kind == 3:  # anything at all, of any length
        return "".join(chr(rng.randrange(1, 0x2FFFF)) for _ in range(rng.randrange(0, 300)))
    return "x" * rng.randrange(65, 100_000)


def test_ten_thousand_random_and_tampered_codes_admit_no_one(scan, make_guest, door_plan, count_queries):
    rng = random.Random(14)
    guests = [make_guest() for _ in range(GUESTS)]
    tokens = {guest.checkin_token for guest in guests}
    codes = []
    for number in range(10_000):
        if number % 2:
            code = tampered(rng.choice(sorted(tokens)), rng)
            codes.append(("RAPPORT:" + code) if number % 4 == 1 else code)
        else:
            codes.append(random_code(rng))
    assert not any(token_from_code(code) in tokens for code in codes)
    # The door's decision for every one of them (the lookup and the judgement, without recording).
    admitted = [code for code in codes
                if (token := token_from_code(code)) is not None
                and services._judge(door_plan.id, by_token(TokenKind.CHECKIN, token), token).admitted]
    assert admitted == []
    # And the whole service for a sample, recorded as attempts.
    answers = [scan(code) for code in rng.sample(codes, 200)]
    assert {answer.status for answer in answers} <= {ScanStatus.UNKNOWN, ScanStatus.REVOKED}
    assert not any(answer.admitted for answer in answers)
    assert db.session.scalar(select(func.count()).select_from(CheckIn)) == 0
    assert scan(next(iter(tokens))).status == "ok"  # the real ones still work


def test_a_code_that_cannot_be_ours_is_never_looked_up(scan, door_plan, count_queries):
    for code in ("x" * (CODE_MAX + 1), "RAPPORT:abc\x00def", "RAPPORT:' OR '1'='1", "🎉" * 10, ""):
        with count_queries() as statements:
            answer = scan(code)
        assert (answer.status, answer.reason) == ("unknown", "malformed")
        looked_up = [s for s in statements if "invitations" in s.split("INSERT")[0] or "revoked_tokens" in s]
        assert looked_up == [], statements


def test_a_well_formed_unknown_code_costs_one_indexed_lookup_of_each_kind(scan, door_plan, count_queries):
    with count_queries() as statements:
        assert scan("RAPPORT:" + "A" * 32).status == "unknown"
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert len([s for s in selects if "FROM invitations" in s]) == 1
    assert len([s for s in selects if "FROM revoked_tokens" in s]) == 1
    assert db.session.scalar(select(func.count()).select_from(Invitation)) == 0
