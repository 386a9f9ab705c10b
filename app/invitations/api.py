"""JSON API for a plan's guest list and RSVP states, its invitation funnel, and sending the
invitations. Guests' tokens (RSVP link, check-in code, survey) are powers of the guest: never
shown here."""
from flask import Blueprint, g, request
from flask_babel import gettext as _
from sqlalchemy import func, select

from app.auth.access import api_token_required
from app.core.api import (
    ID,
    ApiRefused,
    api_error,
    api_rate_limit,
    id_parameter,
    json_content,
    page_args,
    page_links,
    page_parameters,
    schema_field,
    timestamp,
    timestamp_field,
)
from app.core.errors import DomainError
from app.customers.models import TIERS
from app.events.plans import get_plan
from app.extensions import csrf, db
from app.invitations import dashboard, guest_list, sending, tasks
from app.invitations.models import GUEST_STATUSES, RSVPS

bp = Blueprint("api_invitations", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # token-authenticated, no cookies: CSRF cannot apply

PER_PAGE = 100
MAX_PER_PAGE = 500


@bp.url_defaults
def _same_plan(endpoint, values):
    """The paging links (core.api.page_links) point at the plan being listed."""
    if "plan_id" not in values and request.view_args and "plan_id" in request.view_args:
        values["plan_id"] = request.view_args["plan_id"]


def guest_json(invitation):
    return {
        "id": invitation.id,
        "name": invitation.name,
        "company": invitation.company,
        "customer": invitation.customer_id is not None,
        "tier": invitation.tier,
        "language": invitation.locale,
        "status": invitation.status,
        "flag": invitation.flag,
        "waitlist_position": invitation.waitlist_position,
        "rsvp": invitation.rsvp,
        "companions": invitation.companions,
        "decline_reason": invitation.decline_reason,
        "decline_text": invitation.decline_text,
        "dietary": invitation.dietary,
        "notes": invitation.notes,
        "invited_at": timestamp(invitation.invited_at),
        "opened_at": timestamp(invitation.opened_at),
        "responded_at": timestamp(invitation.responded_at),
    }


@bp.errorhandler(DomainError)
def _refused(error):
    """A send refused by the rules (the plan is not approved, or cancelled or over): 422."""
    db.session.rollback()
    return api_error(422, str(error.message), errors=[{"field": error.field, "message": str(error.message)}])


def _plan(plan_id):
    plan = get_plan(plan_id)
    if plan is None:
        raise ApiRefused(_("No plan has the number %(id)d.", id=plan_id), status=404)
    return plan


def _choice(name, allowed):
    value = request.args.get(name)
    if value is not None and value not in allowed:
        raise ApiRefused(_("Unknown %(name)s %(value)s. Use %(allowed)s.", name=name, value=value,
                           allowed=", ".join(allowed)), parameter=name)
    return value


@bp.route(f"/plans/<{ID}:plan_id>/guests")
@api_token_required
@api_rate_limit
def list_guests(plan_id):
    plan = _plan(plan_id)
    page, per_page = page_args(PER_PAGE, MAX_PER_PAGE)
    statement = guest_list.guest_select(plan.id, status=_choice("status", GUEST_STATUSES), rsvp=_choice("rsvp", RSVPS))
    total = db.session.scalar(select(func.count()).select_from(statement.order_by(None).subquery()))
    rows = db.session.scalars(statement.limit(per_page).offset((page - 1) * per_page)).all()
    return {"guests": [guest_json(row) for row in rows], **page_links("api_invitations.list_guests", page, per_page,
                                                                      total)}


def _counts_json(counts):
    return {name: getattr(counts, name) for name in (*dashboard.STAGES, "not_sent", "flagged", "removed",
                                                     "seats_taken", "companions")}


@bp.route(f"/plans/<{ID}:plan_id>/guests/summary")
@api_token_required
@api_rate_limit
def guest_summary(plan_id):
    plan = _plan(plan_id)
    result = dashboard.funnel(plan.id)
    return {
        "plan_id": plan.id,
        "capacity": plan.capacity,
        "total": _counts_json(result.total),
        "tiers": [{"tier": tier, **_counts_json(counts)} for tier, counts in result.by_tier.items()],
        "decline_reasons": [{"reason": reason, "count": count}
                            for reason, count in dashboard.decline_reasons(plan.id)],
    }


def _no_body():
    """The send takes no fields: an empty body or {} (anything else is refused, 400)."""
    request.max_content_length = 1024
    raw = request.get_data(cache=False).strip()
    if raw and raw.replace(b" ", b"") != b"{}":
        raise ApiRefused(_("This call takes no fields: send {} or nothing."))


@bp.route(f"/plans/<{ID}:plan_id>/guests/send", methods=["POST"])
@api_token_required
@api_rate_limit
def send_invitations(plan_id):
    """The guest list's "Send invitations": the same service, the same gate."""
    plan = _plan(plan_id)
    _no_body()
    job = sending.queue(plan, None, sending.INVITATION, g.api_token.user)
    db.session.commit()
    if job is None:
        return {"job_id": None, "sent": 0, "failed": 0, "remaining": 0, "total": 0, "finished": True}
    tasks.dispatch(job)
    return {"job_id": job.id, **sending.progress(job)}, 202


# ---------------------------------------------------------------- OpenAPI fragment

_PLAN_ID = id_parameter("plan_id", "Plan number.")
_NULLABLE_TEXT = ["string", "null"]
_NULLABLE_INT = ["integer", "null"]
_ERRORS = {
    "400": {"$ref": "#/components/responses/BadRequest"},
    "401": {"$ref": "#/components/responses/Unauthorized"},
    "404": {"$ref": "#/components/responses/NotFound"},
    "429": {"$ref": "#/components/responses/TooManyRequests"},
}
_COUNT_FIELDS = {
    "invited": "Guests whose invitation went out (or who used their link).",
    "opened": "Invited guests who opened their RSVP page.",
    "accepted": "Guests who accepted.",
    "declined": "Guests who declined.",
    "no_answer": "Invited guests who have not answered.",
    "waitlisted": "Guests on the waitlist.",
    "not_sent": "Guests on the list whose invitation has not gone out.",
    "flagged": "Customers left out: no consent, or no e-mail, phone or WeChat.",
    "removed": "Guests taken off the list.",
    "seats_taken": "Seats held: guests not declined plus their companions.",
    "companions": "Companions of the guests who accepted.",
}

OPENAPI = {
    "paths": {
        "/api/v1/plans/{plan_id}/guests": {
            "get": {
                "operationId": "listGuests",
                "summary": "List a plan's guests with their RSVP state",
                "description": (
                    "The guest list, guests holding a seat first, then the waitlist in its order, then flagged "
                    "customers; removed guests only with `status=removed`. Filter by `status` and `rsvp`. "
                    "No personal link or check-in code is ever included."
                ),
                "parameters": [
                    _PLAN_ID,
                    {"name": "status", "in": "query", "schema": {"type": "string", "enum": list(GUEST_STATUSES)},
                     "description": "Only guests in this state (default: all but removed)."},
                    {"name": "rsvp", "in": "query", "schema": {"type": "string", "enum": list(RSVPS)},
                     "description": "Only guests with this answer."},
                    *page_parameters("Guests", PER_PAGE, MAX_PER_PAGE),
                ],
                "responses": {"200": {"description": "One page of guests.", "content": json_content("GuestPage")},
                              **_ERRORS},
            },
        },
        "/api/v1/plans/{plan_id}/guests/summary": {
            "get": {
                "operationId": "getGuestSummary",
                "summary": "Read a plan's invitation funnel",
                "description": (
                    "invited -> opened -> accepted / declined / no answer -> waitlisted, in total and per tier "
                    "(tier null: contacts who are not customers), and the decline reasons counted."
                ),
                "parameters": [_PLAN_ID],
                "responses": {"200": {"description": "The funnel.", "content": json_content("GuestSummary")},
                              **_ERRORS},
            },
        },
        "/api/v1/plans/{plan_id}/guests/send": {
            "post": {
                "operationId": "sendInvitations",
                "summary": "Send the invitations of a plan",
                "description": (
                    "Queues the invitation e-mail to every guest on the list with an e-mail address who has not "
                    "been sent it, and starts sending in the background (each guest gets it once, however often "
                    "this is called). Only an approved plan invites: before the approval, and for an event that "
                    "is cancelled or over, the call is refused (422) and nothing is queued. No body."
                ),
                "parameters": [_PLAN_ID],
                "requestBody": {"required": False, "content": json_content("SendRequest")},
                "responses": {
                    "202": {"description": "Queued: the send and its progress.", "content": json_content("SendProgress")},
                    "200": {"description": "Every guest has been sent the invitation already (job_id null).",
                            "content": json_content("SendProgress")},
                    "413": {"$ref": "#/components/responses/TooLarge"},
                    "422": {"description": "Refused: the plan is not approved, or the event is cancelled or over.",
                            "content": json_content("FieldErrors")},
                    **_ERRORS,
                },
            },
        },
    },
    "components": {
        "schemas": {
            "Guest": {
                "type": "object",
                "properties": {
                    "id": schema_field("integer", "Invitation number."),
                    "name": schema_field("string", "The guest's name."),
                    "company": schema_field(_NULLABLE_TEXT, "Company."),
                    "customer": schema_field("boolean", "The guest is a customer (false: a contact added by hand)."),
                    "tier": schema_field(_NULLABLE_TEXT, "The customer's tier when added.", enum=[*TIERS, None]),
                    "language": schema_field("string", "The guest's language.", enum=["zh", "en"]),
                    "status": schema_field("string", "On the list, waitlisted, flagged or removed.",
                                           enum=list(GUEST_STATUSES)),
                    "flag": schema_field(_NULLABLE_TEXT, "Why a customer was flagged.",
                                         enum=[guest_list.NO_CONSENT, guest_list.UNREACHABLE, None]),
                    "waitlist_position": schema_field(_NULLABLE_INT, "Place on the waitlist, from 1."),
                    "rsvp": schema_field("string", "The answer.", enum=list(RSVPS)),
                    "companions": schema_field("integer", "Companions the guest brings."),
                    "decline_reason": schema_field(_NULLABLE_TEXT, "Reason given for declining."),
                    "decline_text": schema_field("string", "The guest's own words on declining (empty: none)."),
                    "dietary": schema_field("string", "Dietary needs the guest gave on accepting (empty: none)."),
                    "notes": schema_field("string", "The guest's notes for the organisers (empty: none)."),
                    "invited_at": timestamp_field("When the invitation went out.", nullable=True),
                    "opened_at": timestamp_field("First visit of the RSVP page.", nullable=True),
                    "responded_at": timestamp_field("Last answer.", nullable=True),
                },
            },
            "GuestPage": {
                "type": "object",
                "properties": {
                    "guests": {"type": "array", "items": {"$ref": "#/components/schemas/Guest"}},
                    "page": schema_field("integer", "This page, from 1."),
                    "per_page": schema_field("integer", "Guests per page."),
                    "total": schema_field("integer", "Guests matching the filters."),
                    "pages": schema_field("integer", "Number of pages."),
                    "next": schema_field(_NULLABLE_TEXT, "URL of the next page; null on the last."),
                },
            },
            "SendRequest": {"type": "object", "description": "No fields: send {} or nothing.", "properties": {},
                            "additionalProperties": False},
            "SendProgress": {
                "type": "object",
                "properties": {
                    "job_id": schema_field(_NULLABLE_INT, "Number of the send; null when nothing was queued."),
                    "sent": schema_field("integer", "Messages sent."),
                    "failed": schema_field("integer", "Messages that failed."),
                    "remaining": schema_field("integer", "Messages waiting."),
                    "total": schema_field("integer", "Messages of the send."),
                    "finished": schema_field("boolean", "Nothing is left to send."),
                },
            },
            "GuestCounts": {
                "type": "object",
                "properties": {name: schema_field("integer", text) for name, text in _COUNT_FIELDS.items()},
            },
            "GuestSummary": {
                "type": "object",
                "properties": {
                    "plan_id": schema_field("integer", "Plan number."),
                    "capacity": schema_field(_NULLABLE_INT, "Seats; null when no capacity is set."),
                    "total": {"$ref": "#/components/schemas/GuestCounts"},
                    "tiers": {"type": "array", "description": "The same counts per tier (tier null: not customers).",
                              "items": {"allOf": [{"$ref": "#/components/schemas/GuestCounts"},
                                                  {"type": "object", "properties": {
                                                      "tier": schema_field(_NULLABLE_TEXT, "Tier.")}}]}},
                    "decline_reasons": {
                        "type": "array", "description": "Every reason with its count (reason null: none given).",
                        "items": {"type": "object", "properties": {
                            "reason": schema_field(_NULLABLE_TEXT, "Reason."),
                            "count": schema_field("integer", "Guests who declined for it.")}},
                    },
                },
            },
        }
    },
}
