"""Checking a guest in: the one service every door uses (scanner page, JSON API, command line).

A scan is answered in two short steps. First the lookups (on SQLite in a transaction of their
own that does not take the write lock; on PostgreSQL, where reads lock nothing, in the same
transaction as the write); then one short write: the check-in is inserted only if
none stands for the invitation (INSERT ... ON CONFLICT DO NOTHING against the unique index, so of
two scans at once exactly one inserts it), and the attempt with its nonce, unique per actor: a
retried request gets its first answer back, never a second check-in. A call commits: it is the
whole act."""
import functools
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.dialects import postgresql, sqlite

from app.auth.models import User
from app.checkin.codes import code_hash, token_from_code
from app.checkin.models import ENTRANCE_MAX, SCAN_SOURCES, CheckIn, CheckinSettings, HelperLink, ScanAttempt, ScanSource
from app.checkin.models import ScanStatus as S
from app.core import clock
from app.core.errors import DomainError
from app.core.text import single_line
from app.events import activity
from app.events.plan_models import PlanState
from app.extensions import db
from app.invitations.models import GuestStatus, Invitation, RevokedToken, Rsvp, TokenKind
from app.invitations.services import admits, by_token

NONCE_SHAPE = re.compile(r"[A-Za-z0-9_-]{8,64}")
COMPANIONS_MAX = 50
REASON_MAX = 200
HIGH_VALUE = "high_value"


class Look(StrEnum):
    """Why an admitted guest gets the amber "admit, but look" answer."""

    HIGH_VALUE = "high_value"
    NOTES = "notes"
    DIETARY = "dietary"
    COMPANIONS = "companions"
    NOT_ATTENDING = "not_attending"
    WALK_IN = "walk_in"


@dataclass(frozen=True)
class Guest:
    """What the door shows of a guest (no contact details, no tokens)."""

    invitation_id: int
    name: str
    company: str | None
    tier: str | None
    companions: int
    dietary: str
    notes: str

    @classmethod
    def of(cls, invitation):
        return cls(invitation.id, invitation.name, invitation.company, invitation.tier, invitation.companions,
                   invitation.dietary or "", invitation.notes or "")


@dataclass(frozen=True)
class Arrival:
    """A standing (or undone) check-in as the door reports it: when, where, by whom."""

    checkin_id: int
    at: datetime
    entrance: str
    by: str
    companions: int
    walk_in: bool


@dataclass(frozen=True)
class Event:
    plan_id: int
    title: str
    event_day: object


@dataclass(frozen=True)
class Answer:
    status: str
    admitted: bool
    reason: str = ""
    guest: Guest | None = None
    arrival: Arrival | None = None
    event: Event | None = None  # the guest's own event, when it is another one (wrong_event)
    look: tuple = field(default=())
    replayed: bool = False

    @property
    def colour(self):
        if not self.admitted:
            return "red"
        return "amber" if self.look else "green"


@dataclass(frozen=True)
class _Verdict:
    status: str
    admitted: bool = False
    reason: str = ""
    guest: Guest | None = None
    event: Event | None = None
    invitation_id: int | None = None
    walk_in: bool = False


# ---------------------------------------------------------------- settings

def admits_not_attending(plan_id):
    settings = db.session.get(CheckinSettings, plan_id)
    return settings is not None and settings.admit_not_attending


def set_admit_not_attending(plan, admit, user):
    settings = db.session.get(CheckinSettings, plan.id)
    if settings is None:
        settings = CheckinSettings(plan_id=plan.id)
        db.session.add(settings)
    if settings.admit_not_attending != bool(admit):
        settings.admit_not_attending = bool(admit)
        activity.record(plan, user, "checkin.settings_changed", admit_not_attending=bool(admit))
    db.session.flush()


def tally(plan_id):
    """The door's counters: guests checked in (and the companions who came) against those accepted."""
    checked_in, companions = db.session.execute(
        select(func.count(CheckIn.id), func.coalesce(func.sum(CheckIn.companions), 0))
        .where(CheckIn.plan_id == plan_id, CheckIn.undone_at.is_(None))).one()
    accepted = db.session.scalar(select(func.count(Invitation.id)).where(
        Invitation.plan_id == plan_id, Invitation.status == GuestStatus.GUEST, Invitation.rsvp == Rsvp.ACCEPTED))
    return {"checked_in": checked_in, "companions": int(companions), "accepted": accepted}


# ---------------------------------------------------------------- input

def clean_input(nonce, scanned_at, source, entrance, companions=None):
    """The scan's own fields, checked (DomainError naming the field) and normalised."""
    if not isinstance(nonce, str) or not NONCE_SHAPE.fullmatch(nonce):
        raise DomainError(_l("The nonce must be 8 to 64 letters, digits, - or _."), "nonce")
    if source not in SCAN_SOURCES:
        raise DomainError(_l("The source must be camera, scanner or manual."), "source")
    if not isinstance(scanned_at, datetime):
        raise DomainError(_l("The scan time is missing or not a date and time."), "scanned_at")
    if scanned_at.tzinfo is not None:
        scanned_at = scanned_at.astimezone(UTC).replace(tzinfo=None)
    entrance = single_line(entrance or "") or ""
    if len(entrance) > ENTRANCE_MAX:
        raise DomainError(_l("The entrance's name is too long (at most %(max)d characters).", max=ENTRANCE_MAX),
                          "entrance")
    if companions is not None and (isinstance(companions, bool) or not isinstance(companions, int)
                                   or not 0 <= companions <= COMPANIONS_MAX):
        raise DomainError(_l("Companions must be a whole number from 0 to %(max)d.", max=COMPANIONS_MAX),
                          "companions")
    return nonce, scanned_at, source, entrance, companions


# ---------------------------------------------------------------- the doors

def check_in(plan, code, nonce, scanned_at, source, entrance, actor, companions=None):
    """Checks in the guest whose code was scanned at `plan`'s door, by `actor` (a DoorActor the
    caller got from app.checkin.access). Returns an Answer; commits."""
    nonce, scanned_at, source, entrance, companions = clean_input(nonce, scanned_at, source, entrance, companions)
    plan_id = plan.id
    _begin_reading()
    # No lookup of the nonce first: a replay is rare, and the attempt's unique key finds it (_record).
    token = token_from_code(code)
    if token is None:  # not one of ours: no lookup at all
        verdict = _Verdict(S.UNKNOWN, reason="malformed")
    else:
        verdict = _judge(plan_id, by_token(TokenKind.CHECKIN, token), token)
    return _record(plan_id, verdict, actor, nonce, code_hash(code), scanned_at, source, entrance, companions)


def check_in_guest(plan, invitation_id, nonce, scanned_at, entrance, actor, companions=None):
    """The manual door: the guest found by name, company or phone on `plan`'s list."""
    nonce, scanned_at, source, entrance, companions = clean_input(nonce, scanned_at, ScanSource.MANUAL, entrance,
                                                                   companions)
    plan_id = plan.id
    _begin_reading()
    invitation = db.session.get(Invitation, invitation_id) if isinstance(invitation_id, int) else None
    if invitation is None or invitation.plan_id != plan_id:
        raise DomainError(_l("This guest is not on the event's list."), "invitation_id")
    verdict = _judge(plan_id, invitation, None)
    return _record(plan_id, verdict, actor, nonce, None, scanned_at, source, entrance, companions)


def walk_in(plan, actor, user, nonce, scanned_at, entrance, *, name="", company="", phone="", email="",
            customer=None, companions=0):
    """A guest who was not invited: added to the list (an existing customer, or a new contact with a
    phone number or e-mail address) and checked in at once, flagged as a walk-in. A customer who is
    on the list already is checked in as invited."""
    nonce, scanned_at, _source, entrance, companions = clean_input(nonce, scanned_at, ScanSource.MANUAL, entrance,
                                                                    companions or 0)
    stored = stored_answer(actor, nonce)
    if stored is not None:
        return stored
    from app.invitations.services import add_guest  # the guest list's own rules (duplicates, names)

    if customer is not None:
        invited = db.session.scalar(select(Invitation).where(Invitation.plan_id == plan.id,
                                                             Invitation.customer_id == customer.id))
        if invited is not None:
            return check_in_guest(plan, invited.id, nonce, scanned_at, entrance, actor, companions)
        invitation = add_guest(plan, user, name=customer.name, company=customer.company, customer=customer,
                               phone=customer.phone, email=customer.email)
    else:
        invitation = add_guest(plan, user, name=single_line(name), company=single_line(company),
                               phone=single_line(phone), email=single_line(email))
    # Whatever the capacity says, the guest is here: a seat on the list, not the waitlist.
    invitation.status, invitation.waitlist_position = GuestStatus.GUEST, None
    invitation.companions = companions
    db.session.flush()
    verdict = _Verdict(S.OK, True, "walk_in", Guest.of(invitation), invitation_id=invitation.id, walk_in=True)
    return _record(plan.id, verdict, actor, nonce, None, scanned_at, ScanSource.MANUAL, entrance, companions)


def undo(plan, checkin_id, user, reason):
    """Undoes a check-in made by mistake (the guest may be checked in again); the reason goes into
    the plan's activity log."""
    reason = (single_line(reason) or "")[:REASON_MAX]
    if not reason:
        raise DomainError(_l("Say why the check-in is undone."), "reason")
    checkin = db.session.get(CheckIn, checkin_id) if isinstance(checkin_id, int) else None
    if checkin is None or checkin.plan_id != plan.id:
        raise DomainError(_l("This check-in does not belong to the event."), "checkin_id")
    changed = db.session.execute(
        update(CheckIn).where(CheckIn.id == checkin.id, CheckIn.undone_at.is_(None))
        .values(undone_at=clock.stamp(), undone_by_id=user.id, undone_reason=reason),
        execution_options={"synchronize_session": "fetch"},
    ).rowcount
    if not changed:
        raise DomainError(_l("This check-in was undone already."), "checkin_id")
    activity.record(plan, user, "checkin.undone", guest=checkin.invitation.name, reason=reason)
    return checkin


# ---------------------------------------------------------------- the steps

def _on_sqlite():
    return db.session.get_bind().dialect.name == "sqlite"


def _begin_reading():
    """On SQLite, ends what the request read so far (the access check) and reads on in a
    transaction that does not take the write lock (app/__init__.py, `reads_only`). PostgreSQL's
    reads take no lock: the scan stays one transaction there."""
    if _on_sqlite():
        db.session.commit()
        db.session.connection(execution_options={"reads_only": True})


def _judge(plan_id, invitation, token):
    """What the door says of the invitation (None: no invitation holds the code). The rule of who
    is admitted is `invitations.services.admits`; the other answers only say why not."""
    if invitation is None:
        if token is not None and db.session.get(RevokedToken, token) is not None:
            return _Verdict(S.REVOKED, reason="reissued")
        return _Verdict(S.UNKNOWN)
    guest = Guest.of(invitation)
    if invitation.plan_id != plan_id:
        plan = invitation.plan
        return _Verdict(S.WRONG_EVENT, guest=guest, event=Event(plan.id, plan.title, plan.event_day),
                        invitation_id=invitation.id)
    if admits(invitation):
        return _Verdict(S.OK, True, guest=guest, invitation_id=invitation.id)
    if invitation.status == GuestStatus.REMOVED:
        return _Verdict(S.REVOKED, reason="removed", guest=guest, invitation_id=invitation.id)
    if invitation.plan.state == PlanState.CANCELLED:
        return _Verdict(S.REVOKED, reason="event_cancelled", guest=guest, invitation_id=invitation.id)
    if invitation.rsvp == Rsvp.DECLINED:
        return _Verdict(S.DECLINED, guest=guest, invitation_id=invitation.id)
    reason = "waitlist" if invitation.status == GuestStatus.WAITLIST else (
        "flagged" if invitation.status == GuestStatus.FLAGGED else "no_answer")
    return _Verdict(S.NOT_ATTENDING, admits_not_attending(plan_id), reason, guest, invitation_id=invitation.id)


@functools.cache
def _insert_statement(dialect_name, table):
    dialect = postgresql if dialect_name == "postgresql" else sqlite
    return dialect.insert(table).on_conflict_do_nothing().returning(table.c.id)


def _insert_new(model, values):
    """INSERT ... ON CONFLICT DO NOTHING RETURNING id: the new row's id, or None when a unique
    index already holds its key (on SQLite and PostgreSQL alike). Core, built once: the door's
    hot path."""
    connection = db.session.connection()
    return connection.execute(_insert_statement(connection.dialect.name, model.__table__), values).scalar()


def _record(plan_id, verdict, actor, nonce, hashed, scanned_at, source, entrance, companions):
    if _on_sqlite():
        db.session.commit()  # ends the reading transaction; the write below is short
    now = clock.stamp()
    status, admitted, checkin_id = verdict.status, verdict.admitted, None
    arrival = None
    if admitted:
        companions = verdict.guest.companions if companions is None else companions
        checkin_id = _insert_new(CheckIn, {
            "plan_id": plan_id, "invitation_id": verdict.invitation_id, "companions": companions,
            "walk_in": verdict.walk_in, "source": source, "entrance": entrance, "user_id": actor.user_id,
            "helper_link_id": actor.helper_link_id, "scanned_at": scanned_at, "arrived_at": now,
        })
        if checkin_id is None:
            status, admitted = S.ALREADY_CHECKED_IN, False
            arrival = standing_arrival(verdict.invitation_id)
            checkin_id = arrival.checkin_id if arrival else None
        else:
            arrival = Arrival(checkin_id, now, entrance, actor.name, companions, verdict.walk_in)
    attempt_id = _insert_new(ScanAttempt, {
        "plan_id": plan_id, "actor": actor.key, "nonce": nonce, "code_hash": hashed,
        "invitation_id": verdict.invitation_id, "checkin_id": checkin_id, "status": status, "admitted": admitted,
        "reason": verdict.reason, "source": source, "entrance": entrance, "user_id": actor.user_id,
        "helper_link_id": actor.helper_link_id, "scanned_at": scanned_at, "at": now,
    })
    if attempt_id is None:  # the same nonce from a request running at the same moment: its answer
        db.session.rollback()
        return stored_answer(actor, nonce)
    db.session.commit()
    guest = verdict.guest
    if guest is not None and status == S.OK and verdict.walk_in is False and companions != guest.companions:
        guest = Guest(**{**guest.__dict__, "companions": companions})
    return Answer(status, admitted, verdict.reason, guest, arrival, verdict.event,
                  _look(admitted, status, verdict.reason, guest, verdict.walk_in))


def _look(admitted, status, reason, guest, walk_in):
    if not admitted or guest is None:
        return ()
    look = []
    if status == S.NOT_ATTENDING:
        look.append(Look.NOT_ATTENDING)
    if walk_in:
        look.append(Look.WALK_IN)
    if guest.tier == HIGH_VALUE:
        look.append(Look.HIGH_VALUE)
    if guest.companions:
        look.append(Look.COMPANIONS)
    if guest.dietary.strip():
        look.append(Look.DIETARY)
    if guest.notes.strip():
        look.append(Look.NOTES)
    return tuple(look)


def _arrival_select():
    return (select(CheckIn.id, CheckIn.arrived_at, CheckIn.entrance, User.name, HelperLink.label, CheckIn.companions,
                   CheckIn.walk_in)
            .outerjoin(User, User.id == CheckIn.user_id).outerjoin(HelperLink, HelperLink.id == CheckIn.helper_link_id))


def _arrival(row):
    return Arrival(row[0], row[1], row[2], row[3] or row[4] or "", row[5], row[6]) if row else None


def standing_arrival(invitation_id):
    """The check-in that stands for the invitation (not undone), or None."""
    return _arrival(db.session.execute(
        _arrival_select().where(CheckIn.invitation_id == invitation_id, CheckIn.undone_at.is_(None))).first())


def stored_answer(actor, nonce):
    """The answer given to `actor`'s scan `nonce` before, rebuilt from its attempt; or None."""
    attempt = db.session.scalar(select(ScanAttempt).where(ScanAttempt.actor == actor.key, ScanAttempt.nonce == nonce))
    if attempt is None:
        return None
    invitation = db.session.get(Invitation, attempt.invitation_id) if attempt.invitation_id else None
    arrival = _arrival(db.session.execute(_arrival_select().where(CheckIn.id == attempt.checkin_id)).first()) \
        if attempt.checkin_id else None
    guest = Guest.of(invitation) if invitation is not None else None
    if guest is not None and arrival is not None and attempt.status == S.OK:
        guest = Guest(**{**guest.__dict__, "companions": arrival.companions})
    event = None
    if attempt.status == S.WRONG_EVENT and invitation is not None:
        event = Event(invitation.plan.id, invitation.plan.title, invitation.plan.event_day)
    walk_in = bool(arrival and arrival.walk_in)
    return Answer(attempt.status, attempt.admitted, attempt.reason, guest, arrival, event,
                  _look(attempt.admitted, attempt.status, attempt.reason, guest, walk_in), replayed=True)
