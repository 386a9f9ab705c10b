"""JSON API for event plans: read plans with their phases and tasks, and create a
plan from an event type and a date (the type's default tasks become its timeline)."""
import json
import re
from datetime import date, time

from flask import Blueprint, g, request, url_for
from flask_babel import gettext as _
from sqlalchemy import case, func, select
from sqlalchemy.orm import contains_eager, selectinload

from app.auth.access import api_token_required
from app.core.api import (
    ID,
    ID_MAX,
    ApiRefused,
    api_error,
    api_rate_limit,
    id_parameter,
    json_content,
    page_args,
    page_links,
    page_parameters,
    schema_field,
)
from app.core.errors import DomainError
from app.customers.models import TIERS
from app.events.models import OWNER_ROLES, PHASES, EventType
from app.events.plan_models import (
    CHANNELS,
    GOAL_METRICS,
    PLAN_STATES,
    TASK_STATUSES,
    Plan,
    PlanTask,
    TaskStatus,
)
from app.events.plans import create_plan, get_plan, phase_windows
from app.extensions import csrf, db

bp = Blueprint("api_events", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # token-authenticated, no cookies: CSRF cannot apply

PER_PAGE = 50
MAX_PER_PAGE = 100
MAX_BODY_BYTES = 1024 * 1024
TEXT_FIELDS = ("event_type", "event_day", "title", "venue", "start_time", "content")
COUNT_FIELDS = ("expected_guests", "capacity")
FIELDS = (*TEXT_FIELDS, *COUNT_FIELDS, "tiers", "online")


@bp.errorhandler(DomainError)
def _refused(error):
    db.session.rollback()
    return api_error(422, errors=[{"field": error.field, "message": str(error.message)}])


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
        )
    except OverflowError:  # a timeline task would fall before year 1 or after 9999
        raise DomainError(_("Enter the event day as YYYY-MM-DD."), "event_day") from None
    db.session.commit()
    response = plan_detail(get_plan(plan.id))
    return response, 201, {"Location": url_for(".get_plan_json", plan_id=plan.id)}


# ---------------------------------------------------------------- OpenAPI fragment


def _array(schema_name, description):
    return {"type": "array", "description": description, "items": {"$ref": f"#/components/schemas/{schema_name}"}}


_TEXT = "string"
_NULLABLE_TEXT = ["string", "null"]
_NULLABLE_INT = ["integer", "null"]
_TIER_LIST = {"type": "array", "items": {"type": "string", "enum": list(TIERS)}}
_STRING_LIST = {"type": "array", "items": {"type": "string"}}
_PLAN_FIELDS = {
    "id": schema_field("integer", "Plan number."),
    "title": schema_field(_TEXT, "Title."),
    "event_type": schema_field(_TEXT, "Code of the event type, e.g. banquet."),
    "event_day": schema_field(_TEXT, "The event day (T).", format="date"),
    "start_time": schema_field(_NULLABLE_TEXT, "Start time, HH:MM."),
    "venue": schema_field(_NULLABLE_TEXT, "Venue."),
    "online": schema_field("boolean", "Held online."),
    "expected_guests": schema_field(_NULLABLE_INT, "Expected guests."),
    "capacity": schema_field(_NULLABLE_INT, "Seats of the venue."),
    "state": schema_field(_TEXT, "Approval state.", enum=list(PLAN_STATES)),
    "tiers": {**_TIER_LIST, "description": "Target tiers."},
    "tasks_done": schema_field("integer", "Tasks done."),
    "tasks_total": schema_field("integer", "Tasks in all."),
}

OPENAPI = {
    "paths": {
        "/api/v1/plans": {
            "get": {
                "operationId": "listPlans",
                "summary": "List event plans",
                "description": "Plans in the order they were created, a page at a time, each with its task counts.",
                "parameters": [
                    *page_parameters("Plans", PER_PAGE, MAX_PER_PAGE),
                ],
                "responses": {
                    "200": {"description": "One page of plans.", "content": json_content("PlanPage")},
                    "400": {"$ref": "#/components/responses/BadRequest"},
                    "401": {"$ref": "#/components/responses/Unauthorized"},
                    "429": {"$ref": "#/components/responses/TooManyRequests"},
                },
            },
            "post": {
                "operationId": "createPlan",
                "summary": "Create a plan from an event type and a date",
                "description": (
                    "Creates a draft plan; its timeline is the event type's default tasks, each due at the "
                    "event day plus the task's offset. Without `tiers`, the plan targets the tiers the type fits. "
                    "The answer is the new plan, and its path is in the Location header."
                ),
                "requestBody": {"required": True, "content": json_content("PlanRequest")},
                "responses": {
                    "201": {"description": "The plan was created.", "content": json_content("Plan")},
                    "400": {"$ref": "#/components/responses/BadRequest"},
                    "401": {"$ref": "#/components/responses/Unauthorized"},
                    "413": {"$ref": "#/components/responses/TooLarge"},
                    "422": {"description": "A value was refused; nothing was saved.", "content": json_content("FieldErrors")},
                    "429": {"$ref": "#/components/responses/TooManyRequests"},
                },
            },
        },
        "/api/v1/plans/{plan_id}": {
            "get": {
                "operationId": "getPlan",
                "summary": "Read one plan with its goals, phases and tasks",
                "description": (
                    "The plan with every step of the activity-plan template: goals (marked measurable or not), "
                    "principles, target tiers, industries and tags, content, the date windows of its phases, its "
                    "tasks in the order they are due, promotion channels and texts, on-site execution and the "
                    "evaluation plan."
                ),
                "parameters": [
                    id_parameter("plan_id", "Plan number."),
                ],
                "responses": {
                    "200": {"description": "The plan.", "content": json_content("Plan")},
                    "401": {"$ref": "#/components/responses/Unauthorized"},
                    "404": {"$ref": "#/components/responses/NotFound"},
                    "429": {"$ref": "#/components/responses/TooManyRequests"},
                },
            }
        },
    },
    "components": {
        "schemas": {
            "PlanSummary": {"type": "object", "description": "An event plan.", "properties": _PLAN_FIELDS},
            "Plan": {
                "type": "object",
                "description": "An event plan with the steps of the activity-plan template: goals and "
                               "principles, target customers, content, phases and tasks, promotion, on-site "
                               "execution and evaluation.",
                "properties": {
                    **_PLAN_FIELDS,
                    "content": schema_field(_TEXT, "Content and run of show."),
                    "goals": _array("PlanGoal", "Goals (template step 1), in their order."),
                    "principles": schema_field(_TEXT, "Principles (template step 1)."),
                    "target_industries": {**_STRING_LIST,
                                          "description": "Industries of the target customers; empty: all."},
                    "target_tags": {**_STRING_LIST, "description": "Customer tags targeted; empty: all."},
                    "channels": {"type": "array", "items": {"type": "string", "enum": list(CHANNELS)},
                                 "description": "Promotion and invitation channels (template step 6)."},
                    "promotion": schema_field(_TEXT, "Promotion and invitations (template step 6)."),
                    "onsite": schema_field(_TEXT, "On-site execution (template step 7)."),
                    "evaluation": schema_field(_TEXT, "Evaluation plan (template step 8)."),
                    "phases": _array("PlanPhase", "Preparation, execution and review with their windows."),
                    "tasks": _array("PlanTask", "The timeline, in the order the tasks are due."),
                },
            },
            "PlanGoal": {
                "type": "object",
                "description": (
                    "A goal. Measurable (SMART) when it names a metric, a target and a deadline. Rates and "
                    "CSAT are in percent (0-100), NPS in points (-100 to 100), revenue in CNY; figures are "
                    "strings with two decimals. A goal in words only has no metric and is not measurable."
                ),
                "properties": {
                    "id": schema_field("integer", "Goal number."),
                    "text": schema_field(_TEXT, "The goal in words (may be empty when it has a metric)."),
                    "metric": schema_field(_NULLABLE_TEXT, "What it measures.", enum=[*GOAL_METRICS, None]),
                    "baseline": schema_field(_NULLABLE_TEXT, "The figure before the event: \"20.00\"."),
                    "target": schema_field(_NULLABLE_TEXT, "The figure to reach: \"35.00\"."),
                    "deadline": schema_field(_NULLABLE_TEXT, "When the target is measured, on or after the event day.",
                                             format="date"),
                    "measurable": schema_field("boolean", "It has a metric, a target and a deadline."),
                },
            },
            "PlanPhase": {
                "type": "object",
                "description": "A phase's window; the windows overlap on purpose (T-7, T+1..T+3).",
                "properties": {
                    "phase": schema_field(_TEXT, "Phase.", enum=list(PHASES)),
                    "first_day": schema_field(_TEXT, "First day of the window.", format="date"),
                    "last_day": schema_field(_TEXT, "Last day of the window.", format="date"),
                },
            },
            "PlanTask": {
                "type": "object",
                "properties": {
                    "id": schema_field("integer", "Task number."),
                    "phase": schema_field(_TEXT, "Phase.", enum=list(PHASES)),
                    "title_zh": schema_field(_TEXT, "Title in Chinese."),
                    "title_en": schema_field(_TEXT, "Title in English."),
                    "owner_role": schema_field(_TEXT, "The team role responsible.", enum=list(OWNER_ROLES)),
                    "due_on": schema_field(_TEXT, "Due date.", format="date"),
                    "status": schema_field(_TEXT, "Status.", enum=list(TASK_STATUSES)),
                },
            },
            "PlanPage": {
                "type": "object",
                "properties": {
                    "plans": _array("PlanSummary", "The plans of this page."),
                    "page": schema_field("integer", "This page's number."),
                    "per_page": schema_field("integer", "Plans per page."),
                    "total": schema_field("integer", "Plans in all."),
                    "pages": schema_field("integer", "Number of pages."),
                    "next": schema_field(_NULLABLE_TEXT, "Path of the next page, null on the last."),
                },
            },
            "PlanRequest": {
                "type": "object",
                "description": "A plan to create. Unknown fields are errors.",
                "required": ["event_type", "event_day", "title"],
                "additionalProperties": False,
                "properties": {
                    "event_type": schema_field(_TEXT, "Code of an active event type, e.g. banquet."),
                    "event_day": schema_field(_TEXT, "The event day: 2027-05-20.", format="date"),
                    "title": schema_field(_TEXT, "Title."),
                    "tiers": {**_TIER_LIST, "description": "Target tiers; default: the tiers the type fits."},
                    "expected_guests": schema_field(_NULLABLE_INT, "Expected guests, 0 or more.", minimum=0, maximum=ID_MAX),
                    "capacity": schema_field(_NULLABLE_INT, "Seats, at least the expected guests.", minimum=0,
                                             maximum=ID_MAX),
                    "venue": schema_field(_NULLABLE_TEXT, "Venue."),
                    "online": schema_field("boolean", "Held online (default false)."),
                    "start_time": schema_field(_NULLABLE_TEXT, "Start time: 18:30."),
                    "content": schema_field(_NULLABLE_TEXT, "Content of the event."),
                },
            },
            "FieldErrors": {
                "type": "object",
                "properties": {
                    "error": schema_field(_TEXT, "Summary."),
                    "status": schema_field("integer", "422."),
                    "errors": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {
                                "field": schema_field(_TEXT, "The field in error."),
                                "message": schema_field(_TEXT, "The error in the caller's language (Accept-Language)."),
                            },
                        },
                    },
                },
            },
        }
    },
}
