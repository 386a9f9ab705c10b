"""A guest's answer on the RSVP page: accept with companions (capped, and within the seats
left), or decline with a reason; changes are allowed until the RSVP deadline. A guest who
cannot be seated may join the waitlist, answer kept. A decline (or fewer companions) frees
seats, and the waitlist moves up."""
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from app.auth.models import User
from app.core import clock
from app.core.errors import DomainError
from app.events import activity
from app.events.models import OwnerRole
from app.events.plan_models import Plan, PlanState, RoleAssignment
from app.extensions import db
from app.invitations import services
from app.invitations.models import DeclineReason, GuestStatus, Rsvp
from app.notifications import services as notifications

DIETARY_MAX, NOTES_MAX, DECLINE_TEXT_MAX = 200, 1000, 500


def deadline(plan, settings):
    """The last day a guest may answer or change the answer."""
    return settings.rsvp_deadline or plan.event_day


def closed_reason(invitation, settings, today):
    """Why this invitation cannot be answered now, or None while it can."""
    plan = invitation.plan
    if plan.state == PlanState.CANCELLED:
        return _l("This event has been cancelled.")
    if invitation.status == GuestStatus.WAITLIST:
        return _l("You are on the waiting list. As soon as a seat is free, we will send you your invitation.")
    if invitation.status != GuestStatus.GUEST:
        return _l("This invitation can no longer be answered.")
    if today > deadline(plan, settings):
        return _l("Answers closed on the RSVP deadline.")
    return None


def _seats_held(invitation):
    if invitation.status != GuestStatus.GUEST or invitation.rsvp == Rsvp.DECLINED:
        return 0
    return 1 + invitation.companions


def companions_allowed(invitation, settings):
    """How many companions the guest may bring now: the cap, and the seats left counting
    the ones the guest already holds. None when no seat is left for the guest at all (the
    companions of others may have taken the seats of guests who had not answered yet)."""
    if invitation.plan.capacity is None:
        return settings.companions_cap
    # Not services.seats_free: that stops at 0, and an overbooked event has less than none.
    available = invitation.plan.capacity - services.seats_taken(invitation.plan_id) + _seats_held(invitation)
    return min(settings.companions_cap, available - 1) if available > 0 else None


def respond(invitation, settings, accept, companions=0, dietary="", notes="", decline_reason=None,
            decline_text="", today=None, waitlist=False):
    """Records the guest's answer; returns the invitations promoted from the waitlist (the
    caller sends them their invitation after the commit). A guest who accepts when no seat is
    left is refused, or, with `waitlist` (the guest chose the waiting list the page offered),
    put on the waitlist with the answer kept, and the planners are told. Raises DomainError
    when refused."""
    plan = invitation.plan
    reason = closed_reason(invitation, settings, today or clock.today())
    if reason is not None:
        raise DomainError(reason)
    dietary, notes, decline_text = (dietary or "").strip(), (notes or "").strip(), (decline_text or "").strip()
    if len(notes) > NOTES_MAX:
        raise DomainError(_l("Please keep your notes under %(count)s characters.", count=NOTES_MAX), "notes")
    held = _seats_held(invitation)
    if accept:
        _accept(invitation, settings, companions, dietary, waitlist)
    else:
        _decline(invitation, decline_reason, decline_text)
    invitation.notes = notes
    invitation.responded_at = clock.stamp()
    services.mark_opened(invitation.id)
    db.session.flush()
    activity.record(plan, None, "guests.answered", guest=invitation.name, rsvp=invitation.rsvp,
                    companions=invitation.companions)
    if invitation.status == GuestStatus.WAITLIST:
        _tell_planners(invitation)
    return services.promote_waitlist(plan) if _seats_held(invitation) < held else []


def _accept(invitation, settings, companions, dietary, waitlist=False):
    if not isinstance(companions, int) or companions < 0:
        raise DomainError(_l("Choose the number of companions."), "companions")
    if companions > settings.companions_cap:
        raise DomainError(_l("The number of companions is limited to %(count)s.", count=settings.companions_cap),
                          "companions")
    if len(dietary) > DIETARY_MAX:
        raise DomainError(_l("Please keep dietary needs under %(count)s characters.", count=DIETARY_MAX), "dietary")
    if invitation.plan.capacity is not None:
        # Two guests taking the last seats at once: the plan's row serialises them (PostgreSQL;
        # on SQLite the request's transaction holds the write lock). The check and the write
        # are in the same transaction.
        db.session.execute(select(Plan.id).where(Plan.id == invitation.plan_id).with_for_update())
        allowed = companions_allowed(invitation, settings)
        if allowed is None:
            if not waitlist:
                raise DomainError(_l("Sorry, the event is full. You can join the waiting list."))
            invitation.status = GuestStatus.WAITLIST
            invitation.waitlist_position = services.next_waitlist_position(invitation.plan_id)
        elif companions > allowed:
            raise DomainError(_l("The event is almost full: the number of companions is limited to %(count)s.",
                                 count=allowed), "companions")
    invitation.rsvp = Rsvp.ACCEPTED
    invitation.companions = companions
    invitation.dietary = dietary
    invitation.decline_reason, invitation.decline_text = None, ""


def _tell_planners(invitation):
    """An in-app notice for the plan's creator and project leads: a guest waits for a seat."""
    plan = invitation.plan
    planners = db.session.scalars(
        select(User).where(User.active, or_(
            User.id == plan.created_by_id,
            User.id.in_(select(RoleAssignment.user_id).where(RoleAssignment.plan_id == plan.id,
                                                             RoleAssignment.role == OwnerRole.PROJECT_LEAD))))
    ).all()
    notifications.notify(planners, "guest_waitlisted",
                         {"guest": invitation.name, "plan": plan.title, "companions": invitation.companions,
                          "position": invitation.waitlist_position},
                         _path("invitations.guests", plan_id=plan.id, status=GuestStatus.WAITLIST.value))


def _path(endpoint, **values):
    """The page's path (under BASE_URL's), inside a request or not (the demo answers from the CLI)."""
    script = urlsplit(current_app.config["BASE_URL"]).path or "/"
    return current_app.url_map.bind("localhost", script_name=script).build(endpoint, values)


def _decline(invitation, decline_reason, decline_text):
    if decline_reason not in {reason.value for reason in DeclineReason}:
        raise DomainError(_l("Choose a reason from the list."), "decline_reason")
    if len(decline_text) > DECLINE_TEXT_MAX:
        raise DomainError(_l("Please keep this under %(count)s characters.", count=DECLINE_TEXT_MAX), "decline_text")
    invitation.rsvp = Rsvp.DECLINED
    invitation.companions = 0
    invitation.dietary = ""
    invitation.decline_reason, invitation.decline_text = decline_reason, decline_text
