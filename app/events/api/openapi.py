"""The OpenAPI fragment of the plans' endpoints (app/core/api.py assembles the document)."""
from app.core.api import ID_MAX, id_parameter, json_content, page_parameters, schema_field
from app.customers.models import TIERS
from app.events.api.plans import MAX_PER_PAGE, PER_PAGE
from app.events.models import OWNER_ROLES, PHASES
from app.events.plan_models import CHANNELS, GOAL_METRICS, PLAN_STATES, TASK_STATUSES


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
# What guests read beside title, venue and content; an English-speaking guest reads the *_en
# versions, and the main text where one is empty.
_GUEST_TEXTS = {
    "title_en": "Title for English-speaking guests; empty: the title.",
    "venue_en": "Venue for English-speaking guests; empty: the venue.",
    "content_en": "Content and run of show for English-speaking guests; empty: the content.",
    "address": "Street address of the venue (in the invitation, the RSVP page and the calendar file).",
    "address_en": "Address for English-speaking guests; empty: the address.",
    "dress_code": "Dress code, e.g. business attire.",
    "dress_code_en": "Dress code for English-speaking guests; empty: the dress code.",
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
                    **{name: schema_field(_TEXT, description) for name, description in _GUEST_TEXTS.items()},
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
                    **{name: schema_field(_NULLABLE_TEXT, description, **({} if name == "content_en" else {"maxLength": 200}))
                       for name, description in _GUEST_TEXTS.items()},
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
