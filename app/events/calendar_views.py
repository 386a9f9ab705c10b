"""The plan's iCalendar download."""
from urllib.parse import quote

from flask import Response, abort, current_app
from flask_babel import get_locale

from app.auth.access import roles_required
from app.events import plans as planning
from app.events.calendar import plan_calendar
from app.events.views import VIEWERS, bp


@bp.route("/plans/<int:plan_id>/plan.ics")
@roles_required(*VIEWERS)
def plan_ics(plan_id):
    plan = planning.get_plan(plan_id) or abort(404)
    body = plan_calendar(plan, str(get_locale()), current_app.config["BASE_URL"])
    disposition = f"attachment; filename=\"plan-{plan.id}.ics\"; filename*=UTF-8''{quote(plan.title + '.ics', safe='')}"
    return Response(body, content_type="text/calendar; charset=utf-8", headers={"Content-Disposition": disposition})
