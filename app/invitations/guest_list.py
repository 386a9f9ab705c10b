"""Building a plan's guest list: from the target tiers and filters in one pass (with
an optional control group held out at random), or one guest at a time by hand; and
the planner's changes to it (include a flagged guest, remove, move to/from the waitlist).

Tiers are read from the latest tier run through the customers package's own
query (app/customers/queries.py), never recomputed here."""
import random
import secrets
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, exists, func, insert, or_, select

from app.core.errors import DomainError
from app.core.versions import expect_version, flush
from app.customers import queries, tiering
from app.customers.models import Customer, CustomerTag, TierAssignment
from app.events import activity
from app.events.plan_models import Plan
from app.extensions import db
from app.invitations import services
from app.invitations.models import (
    ControlMember,
    GuestListBuild,
    GuestStatus,
    Invitation,
)

NO_CONSENT = "no_consent"
UNREACHABLE = "unreachable"
SEARCH_LIMIT = 20


def _blank(column):
    return func.coalesce(column, "") == ""


# Why a customer may not be invited: no consent first, then no channel to reach them.
FLAG = case(
    (Customer.consent.is_not(True), NO_CONSENT),
    (and_(_blank(Customer.email), _blank(Customer.phone), _blank(Customer.wechat_id)), UNREACHABLE),
    else_=None,
).label("flag")


def _candidates(plan, run):
    """SELECT of the customers the plan targets who are neither on its list nor held
    out: in the run's tiers among `plan.tiers`, of any target industry and any target tag."""
    statement = (
        queries.customer_select(queries.CustomerFilters(tiers=tuple(plan.tiers)), run)
        .with_only_columns(Customer.id, Customer.name, Customer.contact_person, Customer.company, Customer.email,
                           Customer.phone, Customer.preferred_language, TierAssignment.tier, FLAG)
        .order_by(None)
        .where(
            ~exists().where(Invitation.plan_id == plan.id, Invitation.customer_id == Customer.id),
            ~exists().where(ControlMember.plan_id == plan.id, ControlMember.customer_id == Customer.id),
        )
    )
    if plan.target_industries:
        statement = statement.where(Customer.industry.in_(plan.target_industries))
    if plan.target_tags:
        statement = statement.where(
            exists().where(CustomerTag.customer_id == Customer.id, CustomerTag.tag.in_(plan.target_tags))
        )
    return statement


def _latest_run():
    run = tiering.latest_run()
    if run is None:
        raise DomainError(_l("No customer has a tier yet: compute the tiers first."))
    return run


def control_size(eligible, share):
    """How many of `eligible` customers a control share (percent) holds out."""
    return int((Decimal(eligible) * Decimal(share) / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def hold_out(customer_ids, share, seed):
    """The control group: a seeded random sample of the eligible ids (in ascending
    order), so a build's seed reproduces its choice."""
    ordered = sorted(customer_ids)
    return set(random.Random(seed).sample(ordered, control_size(len(ordered), share)))


@dataclass(frozen=True)
class Preview:
    eligible: int  # could be invited: consented and reachable
    flagged: int
    held_out: int
    seats_free: int | None  # None: no capacity set

    @property
    def invited(self):
        return self.eligible - self.held_out

    @property
    def guests(self):
        return self.invited if self.seats_free is None else min(self.invited, self.seats_free)

    @property
    def waitlisted(self):
        return self.invited - self.guests


def preview(plan):
    """What a build would do now, counted in one query; None without a tier run."""
    run = tiering.latest_run()
    if run is None:
        return None
    candidates = _candidates(plan, run).subquery()
    total, flagged = db.session.execute(
        select(func.count(), func.count(candidates.c.flag)).select_from(candidates)
    ).one()
    eligible = total - flagged
    share = services.settings_for(plan).control_share
    return Preview(eligible, flagged, control_size(eligible, share), services.seats_free(plan))


def _invitation_row(plan, customer, status, flag=None, position=None):
    return {
        "plan_id": plan.id, "customer_id": customer.id, "name": customer.contact_person or customer.name,
        "company": customer.company or customer.name, "email": (customer.email or "").strip().lower() or None,
        "phone": (customer.phone or "").strip() or None,
        "locale": customer.preferred_language if customer.preferred_language in ("zh", "en") else "zh",
        "tier": customer.tier, "status": status, "flag": flag, "waitlist_position": position,
        "rsvp": "pending", "companions": 0, "dietary": "", "notes": "", "decline_text": "",
        **services.new_tokens(),
    }


def build_from_target(plan, user, seed=None):
    """Adds the plan's target customers to its guest list, set-based: one SELECT of the
    candidates and bulk INSERTs. Flagged customers are listed as flagged, not invited;
    the control share of the eligible is held out at random (seed recorded); the rest
    are guests while seats are free, then waitlisted in order (tier precedence, then
    customer number). Returns the GuestListBuild."""
    run = _latest_run()
    if not plan.tiers:
        raise DomainError(_l("Choose the plan's target tiers first."))
    # 31 bits: guest_list_builds.seed is a signed 32-bit INTEGER on PostgreSQL.
    seed = secrets.randbits(31) if seed is None else seed
    settings = services.settings_for(plan)
    # Two builds at once must not both add the same customers: the plan's row lock
    # (PostgreSQL) or the build record's write (SQLite's database lock) makes them queue.
    db.session.execute(select(Plan.id).where(Plan.id == plan.id).with_for_update())
    build = GuestListBuild(plan_id=plan.id, built_by_id=user.id if user else None, seed=seed,
                           control_share=settings.control_share)
    db.session.add(build)
    db.session.flush()
    rows = db.session.execute(_candidates(plan, run).order_by(Customer.id)).all()
    flagged = [row for row in rows if row.flag]
    eligible = [row for row in rows if not row.flag]
    held = hold_out([row.id for row in eligible], settings.control_share, seed)
    precedence = {tier: rank for rank, tier in enumerate(plan.tiers)}
    invited = sorted((row for row in eligible if row.id not in held), key=lambda row: (precedence[row.tier], row.id))
    build.eligible, build.added, build.held_out, build.flagged = len(eligible), len(invited), len(held), len(flagged)
    free = services.seats_free(plan)
    seats = len(invited) if free is None else min(free, len(invited))
    position = services.next_waitlist_position(plan.id)
    values = [_invitation_row(plan, row, GuestStatus.GUEST) for row in invited[:seats]]
    values += [_invitation_row(plan, row, GuestStatus.WAITLIST, position=position + n)
               for n, row in enumerate(invited[seats:])]
    values += [_invitation_row(plan, row, GuestStatus.FLAGGED, flag=row.flag) for row in flagged]
    if values:
        db.session.execute(insert(Invitation), values)
    if held:
        db.session.execute(insert(ControlMember),
                           [{"plan_id": plan.id, "customer_id": cid, "build_id": build.id} for cid in sorted(held)])
    activity.record(plan, user, "guests.built", seed=seed, guests=seats, waitlisted=len(invited) - seats,
                    held_out=len(held), flagged=len(flagged))
    db.session.flush()
    return build


# ---------------------------------------------------------------- by hand


def search_customers(plan, q, limit=SEARCH_LIMIT):
    """Customers whose name, contact, company or phone contains `q`: rows of (Customer,
    current TierAssignment or None, status on the plan's list or None, held out or not)."""
    text = (q or "").strip()
    if not text:
        return []
    statement = (
        queries.customer_select(queries.CustomerFilters(), tiering.latest_run())
        .add_columns(Invitation.status, ControlMember.customer_id.is_not(None).label("held_out"))
        .outerjoin(Invitation, and_(Invitation.plan_id == plan.id, Invitation.customer_id == Customer.id))
        .outerjoin(ControlMember, and_(ControlMember.plan_id == plan.id, ControlMember.customer_id == Customer.id))
        .where(or_(*(column.icontains(text, autoescape=True)
                     for column in (Customer.name, Customer.company, Customer.contact_person, Customer.phone))))
        .limit(limit)
    )
    return db.session.execute(statement).all()


def add_customer(plan, user, customer):
    """Adds one customer by hand, in their current tier; refuses one of the control group."""
    held = db.session.get(ControlMember, (plan.id, customer.id))
    if held is not None:
        raise DomainError(_l("%(name)s is in the control group, held out for the review's comparison.",
                             name=customer.name), "customer")
    assignment = tiering.assignment_for(customer.id)
    return services.add_guest(
        plan, user, name=customer.contact_person or customer.name, email=customer.email, phone=customer.phone,
        company=customer.company or customer.name, locale=customer.preferred_language or "zh", customer=customer,
        tier=assignment.tier if assignment else None,
    )


def include(invitation, user):
    """Puts a flagged guest on the list on purpose (on the waitlist when the event is full)."""
    if invitation.status != GuestStatus.FLAGGED:
        raise DomainError(_l("Only a flagged guest can be included."))
    _seat_or_waitlist(invitation)
    invitation.flag = None
    activity.record(invitation.plan, user, "guests.included", guest=invitation.name, status=invitation.status)
    db.session.flush()


def _seat_or_waitlist(invitation):
    free = services.seats_free(invitation.plan)
    if free is None or free > 0:
        invitation.status, invitation.waitlist_position = GuestStatus.GUEST, None
    else:
        invitation.status = GuestStatus.WAITLIST
        invitation.waitlist_position = services.next_waitlist_position(invitation.plan_id)


def remove(invitation, user):
    """Takes a guest off the list; a freed seat goes to the waitlist. Returns the
    promoted invitations (to be sent their invitation after the commit)."""
    if invitation.status == GuestStatus.REMOVED:
        return []
    invitation.status, invitation.waitlist_position = GuestStatus.REMOVED, None
    activity.record(invitation.plan, user, "guests.removed", guest=invitation.name)
    db.session.flush()
    return services.promote_waitlist(invitation.plan)


def move(invitation, user):
    """Moves a guest to the end of the waitlist, or a waitlisted guest onto the list
    when a seat is free. Returns the invitations promoted by a freed seat."""
    plan = invitation.plan
    if invitation.status == GuestStatus.GUEST:
        invitation.status = GuestStatus.WAITLIST
        invitation.waitlist_position = services.next_waitlist_position(plan.id)
        db.session.flush()
        activity.record(plan, user, "guests.moved", guest=invitation.name, status=invitation.status)
        return services.promote_waitlist(plan)  # the seat goes to the first waitlisted guest
    if invitation.status != GuestStatus.WAITLIST:
        raise DomainError(_l("Only guests on the list or the waitlist can be moved."))
    if services.seats_free(plan) == 0:
        raise DomainError(_l("The event is full: remove a guest or raise the capacity first."))
    invitation.status, invitation.waitlist_position = GuestStatus.GUEST, None
    activity.record(plan, user, "guests.moved", guest=invitation.name, status=invitation.status)
    db.session.flush()
    return []


# ---------------------------------------------------------------- settings

SETTINGS_FIELDS = ("companions_cap", "rsvp_deadline", "reminder_days", "nudge_on", "control_share")


def update_settings(plan, user, values, seen_version=None):
    """Saves the invitation settings named in SETTINGS_FIELDS; dates must fall before the event.
    `seen_version`: the settings' version the form was made from (refused when they changed)."""
    expect_version(services.settings_for(plan), seen_version)
    for field in ("rsvp_deadline", "nudge_on"):
        if values.get(field) and values[field] > plan.event_day:
            raise DomainError(_l("Choose a date on or before the event day."), field)
    if values.get("nudge_on") and values.get("rsvp_deadline") and values["nudge_on"] > values["rsvp_deadline"]:
        raise DomainError(_l("Nudge before the RSVP deadline."), "nudge_on")
    settings = services.settings_for(plan)
    for field in SETTINGS_FIELDS:
        setattr(settings, field, values[field])
    activity.record(plan, user, "guests.settings_changed",
                    **{field: values[field] for field in SETTINGS_FIELDS})
    flush()
    return settings


# ---------------------------------------------------------------- the list


def guest_select(plan_id, status=None, rsvp=None, tier=None, opened=None):
    """SELECT of a plan's invitations, filtered (tier "none": contacts who are not
    customers; no status: all but removed), guests before the waitlist in its order."""
    statement = select(Invitation).where(Invitation.plan_id == plan_id)
    statement = statement.where(Invitation.status == status if status else Invitation.status != GuestStatus.REMOVED)
    if rsvp:
        statement = statement.where(Invitation.rsvp == rsvp)
    if tier:
        statement = statement.where(Invitation.tier.is_(None) if tier == "none" else Invitation.tier == tier)
    if opened:
        statement = statement.where(Invitation.opened_at.is_not(None) if opened == "yes" else Invitation.opened_at.is_(None))
    status_order = case({GuestStatus.GUEST.value: 0, GuestStatus.WAITLIST.value: 1, GuestStatus.FLAGGED.value: 2},
                        value=Invitation.status, else_=3)
    return statement.order_by(status_order, Invitation.waitlist_position, Invitation.id)


def guest_page(plan_id, filters, number=1, size=queries.PAGE_SIZE):
    """One page of the filtered list: a count and a LIMIT/OFFSET query."""
    statement = guest_select(plan_id, **filters)
    total = db.session.scalar(select(func.count()).select_from(statement.order_by(None).subquery()))
    number = min(max(1, number), max(1, -(-total // size)))
    rows = db.session.scalars(statement.limit(size).offset((number - 1) * size)).all()
    return queries.Page(rows=rows, total=total, number=number, size=size)
