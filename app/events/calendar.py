"""The iCalendar (RFC 5545) file of an event plan: the event, its phases and its tasks."""
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from icalendar import Calendar, Event

from app.core.http import external_url
from app.events.plan_models import TaskStatus
from app.events.plans import phase_windows
from app.events.views import PHASE_LABELS, ROLE_LABELS

EVENT_DURATION = timedelta(hours=3)
PRODID = "-//Rapport//Event plans//ZH"


def plan_calendar(plan, locale, base_url):
    """The plan as a VCALENDAR in `locale`; `base_url` is the site's BASE_URL (its host ends the UIDs).
    Everything, DTSTAMP included, is derived from the data, so two downloads of an unchanged plan
    are byte-identical, and the UIDs (built from row ids, never random) stay stable: calendar apps
    update their copy instead of adding a duplicate."""
    host = urlsplit(base_url).hostname or "rapport"
    # The column holds UTC (the database's now()); DTSTAMP must be a UTC date-time.
    stamp = (plan.updated_at or plan.created_at).replace(tzinfo=UTC)
    with force_locale(locale):
        calendar = Calendar()
        calendar.add("prodid", PRODID)
        calendar.add("version", "2.0")
        calendar.add("calscale", "GREGORIAN")
        calendar.add("method", "PUBLISH")
        calendar.add("x-wr-calname", plan.title)
        calendar.add_component(_event(plan, f"plan-{plan.id}@{host}", stamp))
        for phase, (first, last) in phase_windows(plan.event_day).items():
            calendar.add_component(_all_day(
                f"plan-{plan.id}-phase-{phase}@{host}", stamp, f"{PHASE_LABELS[phase]} · {plan.title}", first, last,
            ))
        # Tasks are VEVENTs, not VTODOs: most calendar apps (Google Calendar, Outlook) ignore VTODO.
        for task in plan.tasks:
            done = task.status == TaskStatus.DONE
            summary = f"{'✓ ' if done else ''}[{ROLE_LABELS[task.owner_role]}] {task.title}"
            event = _all_day(f"plan-task-{task.id}@{host}", stamp, summary, task.due_on, task.due_on)
            event.add("x-rapport-task-status", task.status)
            calendar.add_component(event)
        if plan.start_time is not None:
            calendar.add_missing_timezones()
        return calendar.to_ical()


def _event(plan, uid, stamp):
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("summary", plan.title)
    if plan.start_time is None:
        event.add("dtstart", plan.event_day)
        event.add("dtend", plan.event_day + timedelta(days=1))
    else:
        zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
        start = datetime.combine(plan.event_day, plan.start_time, tzinfo=zone)
        event.add("dtstart", start)
        event.add("dtend", start + EVENT_DURATION)
    location = plan.venue or (_("Online") if plan.online else None)
    if location:
        event.add("location", location)
    if plan.content:
        event.add("description", plan.content)
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
