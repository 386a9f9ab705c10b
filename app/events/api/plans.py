"""The plans' JSON endpoints: read plans with their phases and tasks, and create a
plan from an event type and a date (the type's default tasks become its timeline)."""
import json
import re
from datetime import date, time

from flask import g, request, url_for
from flask_babel import gettext as _
from sqlalchemy import case, func, select
from sqlalchemy.orm import contains_eager, selectinload

from app.auth.access import api_token_required
from app.core.api import ID, ID_MAX, ApiRefused, api_error, api_rate_limit, page_args, page_links
from app.core.errors import DomainError
from app.events.api.blueprint import bp
from app.events.models import EventType
from app.events.plan_models import Plan, PlanTask, TaskStatus
from app.events.plans import ENGLISH_FIELDS, GUEST_FIELDS, create_plan, get_plan, phase_windows
from app.extensions import db

PER_PAGE = 50
MAX_PER_PAGE = 100
MAX_BODY_BYTES = 1024 * 1024
# What guests read: the English versions of title, venue and content, the address, the dress code.
GUEST_TEXT_FIELDS = (*ENGLISH_FIELDS, *GUEST_FIELDS)
TEXT_FIELDS = ("event_type", "event_day", "title", "venue", "start_time", "content", *GUEST_TEXT_FIELDS)
COUNT_FIELDS = ("expected_guests", "capacity")
FIELDS = (*TEXT_FIELDS, *COUNT_FIELDS, "tiers", "online")


# ---------------------------------------------------------------- reading


def _iso(value):
    return value.isoformat() if value else None


def _start_time(value):
    return value.strftime("%H:%M") if value else None


def plan_summary(plan, done, total):
    return {
        "id": plan.id,
        "title": plan.title,
        "event_type": plan.event_type.code,
        "event_day": plan.event_day.isoformat(),
        "start_time": _start_time(plan.start_time),
        "venue": plan.venue,
        "online": plan.online,
        "expected_guests": plan.expected_guests,
        "capacity": plan.capacity,
        "state": plan.state,
        "tiers": plan.tiers,
        "tasks_done": done,
        "tasks_total": total,
    }


def _two_places(value):
    """Baselines and targets go out as strings with two decimals, like money ("35.00")."""
    return None if value is None else f"{value:.2f}"


def plan_goal(goal):
    return {"id": goal.id, "text": goal.text, "metric": goal.metric, "baseline": _two_places(goal.baseline),
            "target": _two_places(goal.target), "deadline": _iso(goal.deadline), "measurable": goal.measurable}


def plan_detail(plan):
    data = plan_summary(plan, sum(task.status == TaskStatus.DONE for task in plan.tasks), len(plan.tasks))
    data["content"] = plan.content
    data.update({field: getattr(plan, field) for field in GUEST_TEXT_FIELDS})
    data["goals"] = [plan_goal(goal) for goal in plan.goals]
    data["principles"] = plan.principles
    data["target_industries"] = plan.target_industries
    data["target_tags"] = plan.target_tags
    data["channels"] = plan.channels
    data["promotion"] = plan.promotion
    data["onsite"] = plan.onsite
    data["evaluation"] = plan.evaluation
    data["phases"] = [
        {"phase": str(phase), "first_day": first.isoformat(), "last_day": last.isoformat()}
        for phase, (first, last) in phase_windows(plan.event_day).items()
    ]
    data["tasks"] = [
        {"id": task.id, "phase": task.phase, "title_zh": task.title_zh, "title_en": task.title_en,
         "owner_role": task.owner_role, "due_on": task.due_on.isoformat(), "status": task.status}
        for task in plan.tasks
    ]
    return data


@bp.route("/plans")
@api_token_required
@api_rate_limit
def list_plans():
    page, per_page = page_args(PER_PAGE, MAX_PER_PAGE)
    total = db.session.scalar(select(func.count()).select_from(Plan))
    done = func.count(case((PlanTask.status == TaskStatus.DONE, 1)))
    # One query for the page with its task counts, one more for the tiers of its plans.
    rows = db.session.execute(
        select(Plan, done, func.count(PlanTask.id))
        .join(Plan.event_type)
        .outerjoin(PlanTask, PlanTask.plan_id == Plan.id)
        .options(contains_eager(Plan.event_type), selectinload(Plan.tier_rows))
        .group_by(Plan.id, EventType.id)
        .order_by(Plan.id)
        .limit(per_page).offset((page - 1) * per_page)
    ).all()
    return {
        "plans": [plan_summary(plan, done_count, task_count) for plan, done_count, task_count in rows],
        **page_links(".list_plans", page, per_page, total),
    }


@bp.route(f"/plans/<{ID}:plan_id>")
@api_token_required
@api_rate_limit
def get_plan_json(plan_id):
    plan = get_plan(plan_id)
    if plan is None:
        return api_error(404, _("No plan has the number %(id)d.", id=plan_id))
    return plan_detail(plan)


# ---------------------------------------------------------------- creating


def _body():
    request.max_content_length = MAX_BODY_BYTES
    try:
        body = json.loads(request.get_data(cache=False))
    except (ValueError, RecursionError):  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        raise ApiRefused(_("The body is not valid JSON.")) from None
    if not isinstance(body, dict):
        raise ApiRefused(_("The body must be a JSON object."))
    unknown = sorted(set(body) - set(FIELDS))
    if unknown:
        raise ApiRefused(_("Unknown field %(field)s.", field=unknown[0]), field=unknown[0])
    for name in TEXT_FIELDS:
        if body.get(name) is not None and not isinstance(body[name], str):
            raise ApiRefused(_("%(field)s must be a string.", field=name), field=name)
    for name in COUNT_FIELDS:
        value = body.get(name)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            raise ApiRefused(_("%(field)s must be a whole number.", field=name), field=name)
        if value is not None and not 0 <= value <= ID_MAX:  # beyond, the database's INTEGER overflows
            raise DomainError(_("%(field)s must be a whole number from 0 to %(max)d.", field=name, max=ID_MAX), name)
    if body.get("online") is not None and not isinstance(body["online"], bool):
        raise ApiRefused(_("%(field)s must be true or false.", field="online"), field="online")
    tiers = body.get("tiers")
    if tiers is not None and not (isinstance(tiers, list) and all(isinstance(tier, str) for tier in tiers)):
        raise ApiRefused(_("%(field)s must be a list of strings.", field="tiers"), field="tiers")
    return body


def _iso_date(text):
    """YYYY-MM-DD only (date.fromisoformat also takes 20270520 and week dates)."""
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        raise ValueError(text)
    return date.fromisoformat(text)


def _parsed(body, name, parse, message):
    try:
        return parse(body[name]) if body.get(name) else None
    except ValueError:
        raise DomainError(message, name) from None


@bp.route("/plans", methods=["POST"])
@api_token_required
@api_rate_limit
def create_plan_json():
    body = _body()
    event_type = db.session.scalar(select(EventType).where(EventType.code == (body.get("event_type") or "")))
    if event_type is None:
        raise DomainError(_("Unknown event type. Use the code of an active event type."), "event_type")
    event_day = _parsed(body, "event_day", _iso_date, _("Enter the event day as YYYY-MM-DD."))
    if event_day is None:
        raise DomainError(_("Enter the event day as YYYY-MM-DD."), "event_day")
    start_time = _parsed(body, "start_time", time.fromisoformat, _("Enter the start time as HH:MM."))
    try:
        plan = create_plan(
            event_type, body.get("title"), event_day, start_time,
            event_type.tiers if body.get("tiers") is None else body["tiers"],
            body.get("expected_guests"), body.get("capacity"), body.get("venue"), body.get("online"),
            body.get("content"),
            g.api_token.user,  # the person the token acts for; none for an integration's token
            **{field: body.get(field) for field in GUEST_TEXT_FIELDS},
        )
    except OverflowError:  # a timeline task would fall before year 1 or after 9999
        raise DomainError(_("Enter the event day as YYYY-MM-DD."), "event_day") from None
    db.session.commit()
    response = plan_detail(get_plan(plan.id))
    return response, 201, {"Location": url_for(".get_plan_json", plan_id=plan.id)}
