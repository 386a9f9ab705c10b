"""The shared core of the guest list: per-plan settings, tokens, adding a guest without
duplicates, seats against capacity, and the waitlist's promotion."""
import functools
import re
import secrets

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import contains_eager

from app.core import clock
from app.core.errors import DomainError
from app.events import activity
from app.events.plan_models import PlanState
from app.extensions import db
from app.invitations.models import (
    GuestStatus,
    Invitation,
    InvitationSettings,
    RevokedToken,
    Rsvp,
    TokenKind,
)

TOKEN_BYTES = 24  # 192 bits of randomness, 32 URL-safe characters
TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{1,64}")
TOKEN_COLUMNS = {
    TokenKind.RSVP: Invitation.rsvp_token,
    TokenKind.CHECKIN: Invitation.checkin_token,
    TokenKind.SURVEY: Invitation.survey_token,
}


def new_token():
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hint(token):
    """What logs may show of a token: its first characters only."""
    return f"{token[:4]}…" if token else ""


def new_tokens():
    return {"rsvp_token": new_token(), "checkin_token": new_token(), "survey_token": new_token()}


def settings_for(plan):
    """The plan's invitation settings, created with the defaults on first use."""
    settings = db.session.get(InvitationSettings, plan.id)
    if settings is None:
        settings = default_settings(plan.id)
        db.session.add(settings)
        db.session.flush()
    return settings


def default_settings(plan_id):
    return InvitationSettings(plan_id=plan_id, companions_cap=1, reminder_days=[3, 1])


def well_formed(token):
    """URL-safe base64 of at most 64 characters: anything else is never looked up (a NUL
    byte, say, would make PostgreSQL refuse the query)."""
    return bool(token) and TOKEN_SHAPE.fullmatch(token) is not None


def by_token(kind, token):
    """The invitation holding `token` for `kind`, with its plan, in one SELECT; or None
    (malformed tokens too)."""
    if not well_formed(token):
        return None
    return db.session.scalar(_by_token(kind), {"token": token})


def with_settings_by_token(kind, token):
    """(invitation, its plan's settings) for `token`, in one SELECT; or (None, None). The
    guests' page needs both on every visit (bench/README.md, RSVP page)."""
    row = db.session.execute(_with_settings_by_token(kind), {"token": token}).first() if well_formed(token) else None
    if row is None:
        return None, None
    invitation, settings = row
    return invitation, settings or default_settings(invitation.plan_id)  # not stored: reading writes nothing


# The statements are built once: building one costs about as much as running it.
@functools.cache
def _by_token(kind):
    return (select(Invitation).join(Invitation.plan).options(contains_eager(Invitation.plan))
            .where(TOKEN_COLUMNS[TokenKind(kind)] == bindparam("token")))


@functools.cache
def _with_settings_by_token(kind):
    return (_by_token(kind).add_columns(InvitationSettings)
            .outerjoin(InvitationSettings, InvitationSettings.plan_id == Invitation.plan_id))


def is_revoked(kind, token):
    revoked = db.session.get(RevokedToken, token) if well_formed(token) else None
    return revoked is not None and revoked.kind == kind


def reissue(invitation, kind, user):
    """Replaces one token; the old one is remembered as revoked."""
    column = TOKEN_COLUMNS[TokenKind(kind)].key
    old = getattr(invitation, column)
    db.session.add(RevokedToken(token=old, kind=kind, invitation_id=invitation.id))
    setattr(invitation, column, new_token())
    activity.record(invitation.plan, user, "guests.token_reissued", guest=invitation.name, kind=str(kind))
    db.session.flush()
    return getattr(invitation, column)


def reissue_link(invitation, user):
    """A lost or forwarded invitation: the guest gets a new RSVP link and a new check-in code
    (the QR code travels with the link); the old ones answer like any unknown link from now on."""
    if invitation.status not in (GuestStatus.GUEST, GuestStatus.WAITLIST):
        raise DomainError(_l("Only guests on the list or the waitlist have a link to replace."))
    for kind in (TokenKind.RSVP, TokenKind.CHECKIN):
        column = TOKEN_COLUMNS[kind].key
        db.session.add(RevokedToken(token=getattr(invitation, column), kind=kind, invitation_id=invitation.id))
        setattr(invitation, column, new_token())
    activity.record(invitation.plan, user, "guests.token_reissued", guest=invitation.name, kind="link")
    db.session.flush()
    return invitation.rsvp_token


def seats_taken(plan_id):
    """Guests holding a seat (not declined) plus the companions they bring."""
    taken = db.session.execute(
        select(func.count(Invitation.id), func.coalesce(func.sum(Invitation.companions), 0))
        .where(Invitation.plan_id == plan_id, Invitation.status == GuestStatus.GUEST,
               Invitation.rsvp != Rsvp.DECLINED)
    ).one()
    return taken[0] + int(taken[1])


def seats_free(plan):
    if plan.capacity is None:
        return None
    return max(plan.capacity - seats_taken(plan.id), 0)


def next_waitlist_position(plan_id):
    return (db.session.scalar(
        select(func.max(Invitation.waitlist_position)).where(Invitation.plan_id == plan_id)
    ) or 0) + 1


def add_guest(plan, user, *, name, email=None, phone=None, company=None, locale="zh", customer=None, tier=None):
    """Adds one guest by hand (a customer, or a contact who is not a customer yet). A full
    event puts the guest on the waitlist. Refuses duplicates."""
    if not (name or "").strip():
        raise DomainError(_l("Enter the guest's name."), "name")
    email = (email or "").strip().lower() or None
    phone = (phone or "").strip() or None
    if customer is None and not (email or phone):
        raise DomainError(_l("Enter an e-mail address or a phone number."), "email")
    if customer is not None:
        same = Invitation.customer_id == customer.id
    else:
        same = Invitation.customer_id.is_(None) & ((Invitation.email == email) if email else (Invitation.phone == phone))
    if db.session.scalar(select(Invitation.id).where(Invitation.plan_id == plan.id, same).limit(1)) is not None:
        raise DomainError(_l("%(name)s is on the guest list already.", name=name.strip()), "name")
    free = seats_free(plan)
    invitation = Invitation(
        plan_id=plan.id, customer_id=customer.id if customer else None, name=name.strip(),
        company=(company or "").strip() or None, email=email, phone=phone, locale=locale if locale in ("zh", "en") else "zh",
        tier=tier, status=GuestStatus.GUEST if free is None or free > 0 else GuestStatus.WAITLIST, **new_tokens(),
    )
    if invitation.status == GuestStatus.WAITLIST:
        invitation.waitlist_position = next_waitlist_position(plan.id)
    db.session.add(invitation)
    db.session.flush()
    activity.record(plan, user, "guests.added", guest=invitation.name, status=invitation.status)
    return invitation


def promote_waitlist(plan):
    """Moves the first waitlisted guests onto the list while seats are free; returns the
    promoted invitations (the caller sends them their invitation after the commit). A guest
    who accepted while waiting needs seats for the companions too: the first in line whose
    party fits moves up."""
    promoted = []
    free = seats_free(plan)
    while free is None or free > 0:
        waiting = select(Invitation).where(Invitation.plan_id == plan.id, Invitation.status == GuestStatus.WAITLIST)
        if free is not None:
            waiting = waiting.where(Invitation.companions < free)
        nxt = db.session.scalar(
            waiting.order_by(Invitation.waitlist_position, Invitation.id).limit(1).with_for_update()
        )
        if nxt is None:
            break
        nxt.status = GuestStatus.GUEST
        nxt.waitlist_position = None
        db.session.flush()
        promoted.append(nxt)
        free = seats_free(plan)
    if promoted:
        activity.record(plan, None, "guests.promoted", guests=[guest.name for guest in promoted])
    return promoted


def mark_opened(invitation_id):
    """The first visit of the RSVP page counts as opened (no tracking pixels). One UPDATE that
    reads nothing first: of two visits at once only the first changes the row."""
    db.session.execute(
        update(Invitation).where(Invitation.id == invitation_id, Invitation.opened_at.is_(None))
        .values(opened_at=clock.stamp()),
        execution_options={"synchronize_session": "evaluate"},
    )


def sending_refused(plan):
    """Why invitations to the plan's guests may not go out now, or None when they may: only an
    approved plan invites (a submitted one may still be rejected or changed)."""
    if plan.state == PlanState.APPROVED:
        return None
    if plan.state in (PlanState.CANCELLED, PlanState.COMPLETED, PlanState.REVIEWED):
        return _l("This event is cancelled or over: no invitation or reminder is sent for it.")
    return _l("Invitations go out once the plan is approved. Send them after the approval.")


def require_sending_allowed(plan):
    """The gate of every door that sends invitations (page, task, waitlist): DomainError when
    `sending_refused`."""
    reason = sending_refused(plan)
    if reason is not None:
        raise DomainError(reason, "plan")


def admits(invitation):
    """Whether the guest's check-in code lets them in: an accepted guest on the list of an event
    that is not cancelled. A declined (or removed, waitlisted) guest's code admits no one, and the
    code is shown or mailed only while it admits."""
    return (invitation.status == GuestStatus.GUEST and invitation.rsvp == Rsvp.ACCEPTED
            and invitation.plan.state != PlanState.CANCELLED)


def admitted_by_checkin(token):
    """The invitation whose check-in code is `token` when that code admits (`admits`), else None:
    the only lookup by check-in code, for the QR image and the door."""
    invitation = by_token(TokenKind.CHECKIN, token)
    return invitation if invitation is not None and admits(invitation) else None
