"""iCalendar (RFC 5545) files: a plan's own file (the event, its phases and its tasks), and each
user's subscription feed of "my events and tasks" behind a secret, resettable token.

Everything, DTSTAMP included, is derived from the data, so two downloads of unchanged plans
are byte-identical, and the UIDs (built from row ids, never random) stay stable: calendar apps
update their copy instead of adding a duplicate. A plan's event, phases and tasks have the same
UIDs in the plan's file and in the feed."""
import hmac
import re
import secrets
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from icalendar import Calendar, Event
from sqlalchemy import exists, or_, select

from app.auth.models import User
from app.core.http import external_url
from app.events.guest_text import for_guest
from app.events.labels import PHASE_LABELS, ROLE_LABELS
from app.events.plan_models import MAIN_LOCALE, Plan, PlanState, PlanTask, RoleAssignment, TaskStatus
from app.events.plans import phase_windows
from app.extensions import db

EVENT_DURATION = timedelta(hours=3)
PRODID = "-//Rapport//Event plans//ZH"
# "<user id>.<secret>": the id finds the user, the secret is compared in constant time.
FEED_TOKEN = re.compile(r"(\d{1,9})\.[A-Za-z0-9_-]{43}")


def plan_calendar(plan, locale, base_url):
    """The plan as a VCALENDAR in `locale`; `base_url` is the site's BASE_URL (its host ends the UIDs)."""
    host = _host(base_url)
    with force_locale(locale):
        calendar = _calendar(plan.title)
        for component in _plan_components(plan, host):
            calendar.add_component(component)
        for task in plan.tasks:
            calendar.add_component(_task(task, host, _stamp(plan)))
        return _finished(calendar, [plan])


def guest_calendar(plan, locale, base_url, link=None):
    """The event alone, for a guest: the plan event's own UID (so a later copy updates the
    first), without the staff-only link to the plan page; `link` (the guest's RSVP page)
    in its place when given. Its SEQUENCE is the plan's version, which every change raises, so a
    guest's calendar replaces the copy of an earlier e-mail; a cancelled plan's file cancels it."""
    text = for_guest(plan, locale)  # the English title and venue for an English-speaking guest
    with force_locale(locale):
        calendar = _calendar(text.title)
        event = _event(plan, f"plan-{plan.id}@{_host(base_url)}", _stamp(plan), text)
        event.pop("url")
        if link:
            event.add("url", link)
        event.add("sequence", plan.version or 0)
        if plan.state == PlanState.CANCELLED:
            calendar.pop("method")
            calendar.add("method", "CANCEL")
            event.add("status", "CANCELLED")
        calendar.add_component(event)
        return _finished(calendar, [plan])


def personal_calendar(user, locale, base_url):
    """The user's feed: the plans where they hold a team role or that they created (not
    cancelled), with their phases, and the tasks of the roles they hold, in one query each."""
    host = _host(base_url)
    plans, tasks = feed_plans(user), feed_tasks(user)
    with force_locale(locale):
        calendar = _calendar(_("Rapport: my events and tasks"))
        for plan in plans:
            for component in _plan_components(plan, host):
                calendar.add_component(component)
        for task, plan in tasks:
            calendar.add_component(_task(task, host, _stamp(plan)))
        return _finished(calendar, plans)


def feed_plans(user):
    member = exists().where(RoleAssignment.plan_id == Plan.id, RoleAssignment.user_id == user.id)
    return db.session.scalars(
        select(Plan).where(Plan.state != PlanState.CANCELLED, or_(member, Plan.created_by_id == user.id))
        .order_by(Plan.event_day, Plan.id)
    ).all()


def feed_tasks(user):
    """[(task, its plan)] of the roles `user` holds."""
    return db.session.execute(
        select(PlanTask, Plan).join(Plan, Plan.id == PlanTask.plan_id)
        .join(RoleAssignment, (RoleAssignment.plan_id == PlanTask.plan_id)
              & (RoleAssignment.role == PlanTask.owner_role) & (RoleAssignment.user_id == user.id))
        .where(Plan.state != PlanState.CANCELLED)
        .order_by(PlanTask.due_on, PlanTask.id)
    ).all()


def reset_feed_token(user):
    """A new secret for the user's feed; the old address stops working at once."""
    user.calendar_token = f"{user.id}.{secrets.token_urlsafe(32)}"
    db.session.flush()
    return user.calendar_token


def feed_owner(token):
    """The active user whose feed token is `token`, else None (whatever was wrong)."""
    match = FEED_TOKEN.fullmatch(token or "")
    if match is None:
        return None
    user = db.session.get(User, int(match.group(1)))
    if user is None or not user.active or not user.calendar_token:
        return None
    return user if hmac.compare_digest(user.calendar_token.encode(), token.encode()) else None


def _host(base_url):
    return urlsplit(base_url).hostname or "rapport"


def _stamp(plan):
    # The column holds UTC (the database's now()); DTSTAMP must be a UTC date-time.
    return (plan.updated_at or plan.created_at).replace(tzinfo=UTC)


def _calendar(name):
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    return calendar


def _finished(calendar, plans):
    if any(plan.start_time is not None for plan in plans):
        calendar.add_missing_timezones()
    return calendar.to_ical()


def _plan_components(plan, host):
    """The plan's event and its three phases as all-day spans."""
    stamp = _stamp(plan)
    yield _event(plan, f"plan-{plan.id}@{host}", stamp)
    for phase, (first, last) in phase_windows(plan.event_day).items():
        yield _all_day(f"plan-{plan.id}-phase-{phase}@{host}", stamp, f"{PHASE_LABELS[phase]} · {plan.title}",
                       first, last)


def _task(task, host, stamp):
    # Tasks are VEVENTs, not VTODOs: most calendar apps (Google Calendar, Outlook) ignore VTODO.
    done = task.status == TaskStatus.DONE
    summary = f"{'✓ ' if done else ''}[{ROLE_LABELS[task.owner_role]}] {task.title}"
    event = _all_day(f"plan-task-{task.id}@{host}", stamp, summary, task.due_on, task.due_on)
    event.add("x-rapport-task-status", task.status)
    return event


def _event(plan, uid, stamp, text=None):
    """The plan's event; its summary, location and description from `text` (a `GuestText`)
    when given, else the plan's own."""
    text = text or for_guest(plan, MAIN_LOCALE)
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("summary", text.title)
    if plan.start_time is None:
        event.add("dtstart", plan.event_day)
        event.add("dtend", plan.event_day + timedelta(days=1))
    else:
        zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
        start = datetime.combine(plan.event_day, plan.start_time, tzinfo=zone)
        event.add("dtstart", start)
        event.add("dtend", start + EVENT_DURATION)
    location = text.location or (_("Online") if plan.online else None)
    if location:
        event.add("location", location)
    if text.content:
        event.add("description", text.content)
    event.add("url", external_url(current_app, "events.plan", plan_id=plan.id))
    return event


def _all_day(uid, stamp, summary, first, last):
    """An all-day event from `first` to `last` inclusive (DTEND is exclusive in RFC 5545)."""
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("summary", summary)
    event.add("dtstart", first)
    event.add("dtend", last + timedelta(days=1))
    event.add("transp", "TRANSPARENT")
    return event
