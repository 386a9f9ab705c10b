"""JSON API of the door: check a guest in by the scanned code, for scanner apps. Every business
outcome (admitted or not) is HTTP 200 with a status; 401/403 for who calls, 422 for malformed
input, 429 beyond the token's rate limit."""
import json
import re
from datetime import datetime

from flask import Blueprint, g, request
from flask_babel import gettext as _

from app.auth.access import api_token_required
from app.checkin import services
from app.checkin.access import door_actor
from app.checkin.answers import answer_json
from app.checkin.models import ENTRANCE_MAX, SCAN_SOURCES, SCAN_STATUSES
from app.core.api import ID, ApiRefused, api_error, api_rate_limit, id_parameter, json_content, schema_field
from app.core.errors import DomainError
from app.events.plan_models import Plan
from app.extensions import csrf, db

bp = Blueprint("api_checkin", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # token-authenticated, no cookies: CSRF cannot apply

MAX_BODY_BYTES = 4096
FIELDS = ("code", "nonce", "scanned_at", "source", "entrance", "companions")
REQUIRED = ("code", "nonce", "scanned_at", "source")
# RFC 3339 with its offset (datetime.fromisoformat alone takes more: dates, week dates, no offset).
RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d{1,6})?([Zz]|[+-]\d{2}:\d{2})")


@bp.errorhandler(DomainError)
def _refused(error):
    db.session.rollback()
    return api_error(422, str(error.message), errors=[{"field": error.field, "message": str(error.message)}])


def scan_body():
    """The scan's fields from the JSON body: shapes refused with 400/422 naming the field."""
    request.max_content_length = MAX_BODY_BYTES
    try:
        body = json.loads(request.get_data(cache=False))
    except (ValueError, RecursionError):
        raise ApiRefused(_("The body is not valid JSON.")) from None
    if not isinstance(body, dict):
        raise ApiRefused(_("The body must be a JSON object."))
    unknown = sorted(set(body) - set(FIELDS))
    if unknown:
        raise ApiRefused(_("Unknown field %(field)s.", field=unknown[0]), field=unknown[0])
    for name in REQUIRED:
        if not isinstance(body.get(name), str):
            raise DomainError(_("%(field)s is required and must be a string.", field=name), name)
    if body.get("entrance") is not None and not isinstance(body["entrance"], str):
        raise DomainError(_("%(field)s must be a string.", field="entrance"), "entrance")
    return body, parse_moment(body["scanned_at"])


def parse_moment(text):
    try:
        if not RFC3339.fullmatch(text):
            raise ValueError(text)
        return datetime.fromisoformat(text.upper().replace("Z", "+00:00"))
    except ValueError:
        raise DomainError(_("Give the scan time as 2026-12-08T18:30:00+08:00 (RFC 3339, with its offset)."),
                          "scanned_at") from None


@bp.route(f"/plans/<{ID}:plan_id>/checkins", methods=["POST"])
@api_token_required
@api_rate_limit
def check_in(plan_id):
    plan = db.session.get(Plan, plan_id)
    if plan is None:
        return api_error(404, _("No plan has the number %(id)d.", id=plan_id))
    actor = door_actor(plan, g.api_token.user)
    if actor is None:
        return api_error(403, _("The person this API token acts for does not check guests in at this event."))
    body, scanned_at = scan_body()
    answer = services.check_in(plan, body["code"], body["nonce"], scanned_at, body["source"],
                               body.get("entrance") or "", actor, companions=body.get("companions"))
    return answer_json(answer)


# ---------------------------------------------------------------- OpenAPI fragment

_NULLABLE_TEXT = ["string", "null"]
OPENAPI = {
    "paths": {
        "/api/v1/plans/{plan_id}/checkins": {
            "post": {
                "operationId": "checkIn",
                "summary": "Check a guest in by the code scanned at the door",
                "description": (
                    "Send what the scanner read (`RAPPORT:<code>` from the invitation's QR code, or the bare code) "
                    "with a nonce of your own for this scan. Every outcome is 200 with a `status`: `ok` (admitted, "
                    "checked in now), `already_checked_in` (when, where and by whom in `checkin`), `unknown`, "
                    "`revoked` (replaced by a new code, taken off the list, or the event is cancelled), "
                    "`wrong_event` (the guest's own event in `event`), `declined`, `not_attending` (no answer yet "
                    "or on the waitlist: admitted or not as the event's door settings say; see `admitted`). "
                    "`colour` is what the door shows: green, amber (admitted, but look: `look` says why) or red. "
                    "Sending the same nonce again (a retry after a network failure) returns the first answer with "
                    "`replayed` true and never checks anyone in twice. The token's person must be on the plan's "
                    "team as door staff, or a planner or administrator."
                ),
                "tags": ["Check-in"],
                "parameters": [id_parameter("plan_id", "Plan number.")],
                "requestBody": {"required": True, "content": json_content("CheckInRequest")},
                "responses": {
                    "200": {"description": "The door's answer.", "content": json_content("CheckInAnswer")},
                    "400": {"$ref": "#/components/responses/BadRequest"},
                    "401": {"$ref": "#/components/responses/Unauthorized"},
                    "404": {"$ref": "#/components/responses/NotFound"},
                    "413": {"$ref": "#/components/responses/TooLarge"},
                    "422": {"description": "A field was refused; nothing was recorded.",
                            "content": json_content("CheckInRefused")},
                    "429": {"$ref": "#/components/responses/TooManyRequests"},
                },
            },
        },
    },
    "components": {
        "schemas": {
            "CheckInRequest": {
                "type": "object",
                "required": list(REQUIRED),
                "additionalProperties": False,
                "properties": {
                    "code": schema_field("string", "What was scanned or typed: RAPPORT:<code> or the code."),
                    "nonce": schema_field("string", "The scanning device's own id of this scan, 8 to 64 of "
                                                    "A-Z a-z 0-9 - _; a retry sends the same.",
                                          pattern="^[A-Za-z0-9_-]{8,64}$"),
                    "scanned_at": schema_field("string", "When the code was read, by the device's clock.",
                                               format="date-time"),
                    "source": schema_field("string", "How the code was read.", enum=list(SCAN_SOURCES)),
                    "entrance": schema_field("string", "The entrance, if the event has several.",
                                             maxLength=ENTRANCE_MAX),
                    "companions": schema_field("integer", "How many companions came (default: as the guest "
                                                          "answered).", minimum=0,
                                               maximum=services.COMPANIONS_MAX),
                },
            },
            "CheckInAnswer": {
                "type": "object",
                "required": ["status", "admitted", "colour", "reason", "look", "replayed", "guest", "checkin",
                             "event"],
                "properties": {
                    "status": schema_field("string", "The outcome.", enum=list(SCAN_STATUSES)),
                    "admitted": schema_field("boolean", "Let the guest in."),
                    "colour": schema_field("string", "What the door shows.", enum=["green", "amber", "red"]),
                    "reason": schema_field("string", "More about the status: malformed, reissued, removed, "
                                                     "event_cancelled, no_answer, waitlist, flagged, walk_in, or "
                                                     "empty."),
                    "look": {"type": "array", "description": "Why to look (amber).",
                             "items": {"type": "string", "enum": [str(item) for item in services.Look]}},
                    "replayed": schema_field("boolean", "The answer to an earlier request with this nonce."),
                    "guest": {"type": ["object", "null"], "description": "The guest, when the code is known.",
                              "properties": {
                                  "name": schema_field("string", "Name."),
                                  "company": schema_field(_NULLABLE_TEXT, "Company."),
                                  "tier": schema_field(_NULLABLE_TEXT, "Customer tier."),
                                  "companions": schema_field("integer", "Companions."),
                                  "dietary": schema_field("string", "Dietary needs."),
                                  "notes": schema_field("string", "Notes for the door."),
                              }},
                    "checkin": {"type": ["object", "null"], "description": "The check-in: this one (ok) or the "
                                                                          "earlier one (already_checked_in).",
                                "properties": {
                                    "id": schema_field("integer", "Check-in number."),
                                    "at": schema_field("string", "When it was recorded.", format="date-time"),
                                    "entrance": schema_field("string", "Where."),
                                    "by": schema_field("string", "By whom."),
                                    "companions": schema_field("integer", "Companions who came."),
                                    "walk_in": schema_field("boolean", "Not invited, added at the door."),
                                }},
                    "event": {"type": ["object", "null"], "description": "The guest's own event (wrong_event).",
                              "properties": {
                                  "plan_id": schema_field("integer", "Plan number."),
                                  "title": schema_field("string", "Title."),
                                  "event_day": schema_field("string", "Event day.", format="date"),
                              }},
                },
            },
            "CheckInRefused": {
                "type": "object",
                "properties": {
                    "error": schema_field("string", "Summary."),
                    "status": schema_field("integer", "422."),
                    "errors": {"type": "array", "items": {"type": "object", "properties": {
                        "field": schema_field("string", "The field in error."),
                        "message": schema_field("string", "The error in the caller's language."),
                    }}},
                },
            },
        },
    },
}
