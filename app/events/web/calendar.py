"""Calendars: the plan's iCalendar download, and each user's subscription feed with the
account page's link to it (made, shown and reset there)."""
from urllib.parse import quote, urlsplit, urlunsplit

from flask import Response, abort, current_app, flash, redirect, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.access import public, roles_required, signed_in
from app.core.http import external_url
from app.events import calendar
from app.events import plans as planning
from app.events.web.blueprint import bp
from app.events.web.common import VIEWERS
from app.extensions import db, limiter

CALENDAR = "text/calendar; charset=utf-8"


@bp.route("/plans/<int:plan_id>/plan.ics")
@roles_required(*VIEWERS)
def plan_ics(plan_id):
    plan = planning.get_plan(plan_id) or abort(404)
    body = calendar.plan_calendar(plan, str(get_locale()), current_app.config["BASE_URL"])
    disposition = f"attachment; filename=\"plan-{plan.id}.ics\"; filename*=UTF-8''{quote(plan.title + '.ics', safe='')}"
    return Response(body, content_type=CALENDAR, headers={"Content-Disposition": disposition})


def _feed_limit():
    return current_app.config["CALENDAR_FEED_RATE_LIMIT"]


@bp.route("/calendar/<token>.ics")
@public
@limiter.limit(_feed_limit)
def calendar_feed(token):
    """Public, for calendar apps that cannot sign in: the secret token is the key. A wrong
    token is a plain 404, the same whatever was wrong."""
    user = calendar.feed_owner(token)
    if user is None:
        abort(404)
    # The owner's language; else the one the link was made in (?lang=, see `calendar_feed_links`).
    body = calendar.personal_calendar(user, user.locale or str(get_locale()), current_app.config["BASE_URL"])
    return Response(body, content_type=CALENDAR, headers={"Cache-Control": "no-store"})


@bp.route("/calendar/link", methods=["POST"])
@signed_in
def reset_calendar_link():
    first = current_user.calendar_token is None
    calendar.reset_feed_token(current_user)
    db.session.commit()
    flash(_("Your calendar link is ready: add it to your calendar app.") if first else
          _("Your calendar link is new: the old link no longer works. Add the new one to your calendar app."),
          "success")
    return redirect(url_for("auth.account") + "#calendar")


@bp.app_template_global()
def calendar_feed_links(user):
    """(https link, webcal:// link) of the user's feed, or None before the first link is made."""
    if not user.calendar_token:
        return None
    link = external_url(current_app, "events.calendar_feed", token=user.calendar_token, lang=str(get_locale()))
    return link, urlunsplit(urlsplit(link)._replace(scheme="webcal"))
