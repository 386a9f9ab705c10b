"""JSON API for a plan's budget: read the current revision with its contingency check,
submit it, approve or reject it. A token that acts for a person (ApiToken.user) takes
the steps as that person, with their roles; approving and rejecting are a person's
decision, so a token that acts for no one gets 403 there."""
import json
from dataclasses import dataclass

from flask import Blueprint, g, request
from flask_babel import gettext as _

from app.auth.access import api_token_required
from app.auth.models import ApiToken, Role
from app.budget import approvals
from app.budget import services as budgets
from app.budget.models import DECISIONS, LINE_CATEGORIES, REVISION_STATES
from app.budget.rule import CENT
from app.budget.tasks import email_notices
from app.core import clock
from app.core.api import (
    ID,
    ApiRefused,
    api_error,
    api_rate_limit,
    id_parameter,
    json_content,
    schema_field,
    timestamp,
    timestamp_field,
)
from app.core.errors import DomainError
from app.events.plan_models import PLAN_STATES
from app.events.plans import get_plan
from app.extensions import csrf, db

bp = Blueprint("api_budget", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # token-authenticated, no cookies: CSRF cannot apply

MAX_BODY_BYTES = 64 * 1024
RATIO_PLACES = CENT * CENT


@dataclass(frozen=True)
class ApiCaller:
    """The system holding an API token, as the workflow sees it: through the API it takes
    the planner's step of submitting (as it creates plans there); it is no person, so it
    has no user id and decides nothing."""

    token: ApiToken
    id = None

    @property
    def name(self):
        return f"{self.token.name} (API)"

    def has_role(self, *roles):
        return Role.PLANNER in roles


@bp.errorhandler(DomainError)
def _refused(error):
    db.session.rollback()
    items = getattr(error, "items", None)  # the checklist's reasons for refusing a submission
    errors = ([{"field": item.code, "message": str(item.label)} for item in items] if items
              else [{"field": error.field, "message": str(error.message)}])
    return api_error(422, str(error.message), errors=errors)


# ---------------------------------------------------------------- reading


def _money(amount):
    return None if amount is None else str(amount.quantize(CENT))


def budget_json(plan, revision):
    result = budgets.check(revision)
    return {
        "plan_id": plan.id,
        "plan_state": plan.state,
        "revision": revision.number,
        "state": revision.state,
        "approvals_needed": revision.approvals_needed,
        "submitted_at": timestamp(revision.submitted_at),
        "lines": [
            {"id": line.id, "position": line.position, "category": line.category, "description": line.description,
             "quantity": _money(line.quantity), "unit": line.unit, "unit_price": _money(line.unit_price),
             "amount": _money(line.amount), "note": line.note}
            for line in revision.lines
        ],
        "base": _money(result.base),
        "contingency": _money(result.contingency),
        "ratio": None if result.ratio is None else str(result.ratio.quantize(RATIO_PLACES)),
        "total": _money(result.total),
        "seen": approvals.fingerprint(revision),
        "passes": result.passes,
        "passing_range": {"low": _money(result.low), "high": _money(result.high)},
        "approvals": [
            {"level": approval.level, "decision": approval.decision, "approver": approval.approver.name,
             "comment": approval.comment, "decided_at": timestamp(approval.decided_at)}
            for approval in revision.approvals
        ],
    }


def _plan_and_revision(plan_id):
    plan = get_plan(plan_id)
    if plan is None:
        raise ApiRefused(_("No plan has the number %(id)d.", id=plan_id), status=404)
    revision = budgets.current_revision(plan)
    if revision is None:
        raise ApiRefused(_("The plan has no budget yet."), status=404)
    return plan, revision


@bp.route(f"/plans/<{ID}:plan_id>/budget")
@api_token_required
@api_rate_limit
def get_budget(plan_id):
    return budget_json(*_plan_and_revision(plan_id))


# ---------------------------------------------------------------- steps


def _body(fields):
    """The request's JSON object ({} for an empty body), holding only `fields`, all strings."""
    request.max_content_length = MAX_BODY_BYTES
    raw = request.get_data(cache=False)
    if not raw.strip():
        return {}
    try:
        body = json.loads(raw)
    except (ValueError, RecursionError):  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        raise ApiRefused(_("The body is not valid JSON.")) from None
    if not isinstance(body, dict):
        raise ApiRefused(_("The body must be a JSON object."))
    unknown = sorted(set(body) - set(fields))
    if unknown:
        raise ApiRefused(_("Unknown field %(field)s.", field=unknown[0]), field=unknown[0])
    for name, value in body.items():
        if value is not None and not isinstance(value, str):
            raise ApiRefused(_("%(field)s must be a string.", field=name), field=name)
    return body


@bp.route(f"/plans/<{ID}:plan_id>/budget/submit", methods=["POST"])
@api_token_required
@api_rate_limit
def submit_budget(plan_id):
    plan, revision = _plan_and_revision(plan_id)
    _body(())
    caller = g.api_token.user or ApiCaller(g.api_token)
    approvals.submit(plan, caller, clock.today())
    notices = approvals.announce(revision, caller)
    db.session.commit()
    email_notices(notices)
    return budget_json(plan, revision)


def _decide(plan_id, step):
    plan, revision = _plan_and_revision(plan_id)
    body = _body(("comment", "seen"))
    person = g.api_token.user  # never None: approving is a person's step (app.auth.access.API_DOORS)
    step(revision, person, body.get("comment") or "", seen=body.get("seen"))
    notices = approvals.announce(revision, person)
    db.session.commit()
    email_notices(notices)
    return budget_json(plan, revision)


@bp.route(f"/plans/<{ID}:plan_id>/budget/approve", methods=["POST"])
@api_token_required
@api_rate_limit
def approve_budget(plan_id):
    return _decide(plan_id, approvals.approve)


@bp.route(f"/plans/<{ID}:plan_id>/budget/reject", methods=["POST"])
@api_token_required
@api_rate_limit
def reject_budget(plan_id):
    return _decide(plan_id, approvals.reject)


# ---------------------------------------------------------------- OpenAPI fragment

_MONEY = "string"
_NULLABLE_TEXT = ["string", "null"]
_PLAN_ID = id_parameter("plan_id", "Plan number.")
_REFUSED = {"description": "Refused by the approval rules; nothing changed.", "content": json_content("FieldErrors")}
_DECISION_RESPONSES = {
    "200": {"description": "Decided: the budget after the decision.",
            "content": json_content("Budget")},
    "400": {"$ref": "#/components/responses/BadRequest"},
    "401": {"$ref": "#/components/responses/Unauthorized"},
    "403": {"description": "The token acts for no person: only a person (a manager or an administrator, "
                           "chosen as the token's \"acts for\" when it was created) approves or rejects.",
            "content": json_content("Error")},
    "404": {"$ref": "#/components/responses/NotFound"},
    "413": {"$ref": "#/components/responses/TooLarge"},
    "422": _REFUSED,
    "429": {"$ref": "#/components/responses/TooManyRequests"},
}


def _decision(operation_id, summary, verb):
    return {
        "operationId": operation_id,
        "summary": summary,
        "description": (
            f"{verb.capitalize()} the current revision as the person the token acts for, with their roles "
            "(a manager, or an administrator for a second approval). A token that acts for no one gets 403. "
            "Nobody decides on a budget they submitted (422)."
        ),
        "parameters": [_PLAN_ID],
        "requestBody": {"required": False, "content": json_content("DecisionRequest")},
        "responses": _DECISION_RESPONSES,
    }


OPENAPI = {
    "paths": {
        "/api/v1/plans/{plan_id}/budget": {
            "get": {
                "operationId": "getBudget",
                "summary": "Read a plan's budget with its contingency check",
                "description": (
                    "The current revision: its lines, the base (the sum of the non-contingency lines), the "
                    "contingency, their ratio, the total, and whether the contingency is within 10%-15% of the "
                    "base (bounds inclusive), with the passing range to the cent; and the approvals so far."
                ),
                "parameters": [_PLAN_ID],
                "responses": {
                    "200": {"description": "The budget.", "content": json_content("Budget")},
                    "401": {"$ref": "#/components/responses/Unauthorized"},
                    "404": {"description": "No such plan, or the plan has no budget yet.",
                            "content": json_content("Error")},
                    "429": {"$ref": "#/components/responses/TooManyRequests"},
                },
            },
        },
        "/api/v1/plans/{plan_id}/budget/submit": {
            "post": {
                "operationId": "submitBudget",
                "summary": "Submit a plan's budget for approval",
                "description": (
                    "Submits the current revision, and with it the plan, as the system holding the token. "
                    "Refused (422, one error per item) while the plan's checklist has blocking items, the "
                    "contingency rule among them. A total above the configured limit "
                    "(BUDGET_SECOND_APPROVAL_ABOVE) needs two approvals. The managers are told in the app "
                    "and by e-mail. The body is empty or `{}`."
                ),
                "parameters": [_PLAN_ID],
                "requestBody": {"required": False, "content": json_content("SubmitRequest")},
                "responses": {
                    "200": {"description": "Submitted: the budget now waiting.", "content": json_content("Budget")},
                    "400": {"$ref": "#/components/responses/BadRequest"},
                    "401": {"$ref": "#/components/responses/Unauthorized"},
                    "404": {"description": "No such plan, or the plan has no budget yet.",
                            "content": json_content("Error")},
                    "413": {"$ref": "#/components/responses/TooLarge"},
                    "422": _REFUSED,
                    "429": {"$ref": "#/components/responses/TooManyRequests"},
                },
            },
        },
        "/api/v1/plans/{plan_id}/budget/approve": {
            "post": _decision("approveBudget", "Approve a plan's budget as the token's person", "approve"),
        },
        "/api/v1/plans/{plan_id}/budget/reject": {
            "post": _decision("rejectBudget", "Reject a plan's budget as the token's person",
                              "reject (a comment is required)"),
        },
    },
    "components": {
        "schemas": {
            "Budget": {
                "type": "object",
                "description": "The current revision of a plan's budget. Money is a string with two decimals.",
                "properties": {
                    "plan_id": schema_field("integer", "Plan number."),
                    "plan_state": schema_field("string", "The plan's state.", enum=list(PLAN_STATES)),
                    "revision": schema_field("integer", "Revision number, from 1."),
                    "state": schema_field("string", "The revision's state.", enum=list(REVISION_STATES)),
                    "approvals_needed": schema_field("integer", "Approvals the submission needs: 1, or 2 above the limit."),
                    "submitted_at": timestamp_field("When it was submitted.", nullable=True),
                    "lines": {"type": "array", "description": "Line items in their order.",
                              "items": {"$ref": "#/components/schemas/BudgetLine"}},
                    "base": schema_field(_MONEY, "Sum of the non-contingency lines."),
                    "contingency": schema_field(_NULLABLE_TEXT, "The contingency reserve; null without such a line."),
                    "ratio": schema_field(_NULLABLE_TEXT, "contingency / base, four decimals (\"0.1000\"); for display."),
                    "total": schema_field(_MONEY, "base + contingency."),
                    "seen": schema_field("string", "What a decision on this budget was made on (total and a hash "
                                                   "of the submission and its lines): send it back with approve or "
                                                   "reject."),
                    "passes": schema_field("boolean", "The contingency is 10%-15% of the base, bounds inclusive."),
                    "passing_range": {
                        "type": "object", "description": "The contingencies that pass, to the cent.",
                        "properties": {"low": schema_field(_MONEY, "Smallest."), "high": schema_field(_MONEY, "Largest.")},
                    },
                    "approvals": {"type": "array", "description": "Decisions on this submission, by level.",
                                  "items": {"$ref": "#/components/schemas/BudgetApproval"}},
                },
            },
            "BudgetLine": {
                "type": "object",
                "properties": {
                    "id": schema_field("integer", "Line number."),
                    "position": schema_field("integer", "Order in the budget."),
                    "category": schema_field("string", "Category.", enum=list(LINE_CATEGORIES)),
                    "description": schema_field("string", "What it pays for."),
                    "quantity": schema_field(_MONEY, "Quantity, two decimals."),
                    "unit": schema_field("string", "Unit."),
                    "unit_price": schema_field(_MONEY, "Unit price in CNY."),
                    "amount": schema_field(_MONEY, "quantity x unit price, rounded to the cent."),
                    "note": schema_field("string", "Note."),
                },
            },
            "BudgetApproval": {
                "type": "object",
                "properties": {
                    "level": schema_field("integer", "1: a manager's or an administrator's; 2: an administrator's."),
                    "decision": schema_field("string", "Decision.", enum=list(DECISIONS)),
                    "approver": schema_field("string", "Who decided."),
                    "comment": schema_field("string", "Their comment."),
                    "decided_at": timestamp_field("When."),
                },
            },
            "SubmitRequest": {"type": "object", "description": "No fields: send {} or nothing.", "properties": {},
                              "additionalProperties": False},
            "DecisionRequest": {
                "type": "object",
                "properties": {
                    "comment": schema_field(_NULLABLE_TEXT, "Comment; required to reject."),
                    "seen": schema_field(_NULLABLE_TEXT, "Optional: the `seen` of the budget you read. When the "
                                                         "budget changed since (withdrawn, changed, submitted "
                                                         "again), the decision is refused (422) with its new total."),
                },
                "additionalProperties": False,
            },
        }
    },
}
