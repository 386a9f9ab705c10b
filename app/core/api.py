"""What every JSON endpoint under /api/ shares: JSON error answers, the per-token
rate limit, and the OpenAPI document, assembled from the `OPENAPI` fragment of
each registered blueprint's module, served as JSON and as a readable page."""
import re
import sys
from copy import deepcopy
from math import ceil

from flask import Blueprint, current_app, g, jsonify, render_template, request, url_for
from flask_babel import gettext as _
from markupsafe import Markup, escape
from werkzeug.exceptions import MethodNotAllowed

from app.auth.access import API_DOORS, api_roles, public, signed_in
from app.core.labels import API_ERROR_TITLES, ERROR_TITLES
from app.core.http import ID_MAX
from app.extensions import limiter

bp = Blueprint("api", __name__, url_prefix="/api")

API_PREFIX = "/api/"

# One budget per token, shared by every endpoint that carries the decorator. Checked
# inside the view, so after the access hook has put the token on `g`.
api_rate_limit = limiter.shared_limit(
    lambda: current_app.config["API_RATE_LIMIT"], scope="api", key_func=lambda: f"api-token:{g.api_token.id}"
)


def api_error(status, message=None, **extra):
    """A JSON error answer: {"error": message, "status": status, ...extra}."""
    message = message or API_ERROR_TITLES.get(status) or ERROR_TITLES.get(status, status)
    response = jsonify(error=str(message), status=status, **extra)
    response.status_code = status
    return response


class ApiRefused(Exception):
    """A request refused before any work: malformed (400) or too large (413)."""

    def __init__(self, message, status=400, **details):
        super().__init__(message)
        self.message, self.status, self.details = message, status, details


@bp.record_once
def _json_errors_under_api(state):
    def handle(error):
        if request.path.startswith(API_PREFIX):
            return api_error(error.code)
        return error  # elsewhere: the usual page

    for code in API_ERROR_TITLES:
        state.app.register_error_handler(code, handle)
    state.app.register_error_handler(ApiRefused, lambda error: api_error(error.status, error.message, **error.details))


@bp.after_app_request
def _allow_on_405(response):
    """A 405 names the methods the path takes (RFC 9110), also when answered in JSON."""
    error = request.routing_exception
    if response.status_code == 405 and isinstance(error, MethodNotAllowed) and error.valid_methods:
        response.headers["Allow"] = ", ".join(sorted(error.valid_methods))
    return response


ID = f"int(min=1, max={ID_MAX})"  # the URL converter: "/plans/<{ID}:plan_id>"
PAGE_MAX = ID_MAX


def positive_int_arg(name, default, maximum):
    """A whole-number query parameter from 1 to `maximum`."""
    raw = request.args.get(name)
    if raw is None:
        return default
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= maximum:
        raise ApiRefused(_("The parameter %(name)s must be a whole number from 1 to %(max)d.", name=name, max=maximum),
                         parameter=name)
    return int(raw)


def page_args(per_page, max_per_page):
    """(page, per_page) from the query string."""
    return positive_int_arg("page", 1, PAGE_MAX), positive_int_arg("per_page", per_page, max_per_page)


def timestamp(value):
    """A stored moment (naive, UTC) as ISO 8601 with its offset: 2026-01-31T08:00:00Z."""
    return value.isoformat(timespec="seconds") + "Z" if value else None


def page_links(endpoint, page, per_page, total):
    """The paging fields of a list answer."""
    pages = ceil(total / per_page)
    following = url_for(endpoint, **{**request.args.to_dict(flat=False), "page": page + 1}) if page < pages else None
    return {"page": page, "per_page": per_page, "total": total, "pages": pages, "next": following}


# Helpers for the OpenAPI fragments of the API modules.
def schema_field(kind, description, **extra):
    return {"type": kind, "description": description, **extra}


def json_content(schema_name):
    return {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema_name}"}}}


def id_parameter(name, description):
    return {"name": name, "in": "path", "required": True,
            "schema": {"type": "integer", "minimum": 1, "maximum": ID_MAX}, "description": description}


def timestamp_field(description, nullable=False):
    """A moment, always with its offset (RFC 3339)."""
    return schema_field(["string", "null"] if nullable else "string", description, format="date-time")


def page_parameters(noun, per_page, max_per_page):
    return [
        {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": PAGE_MAX, "default": 1},
         "description": "Page number, from 1."},
        {"name": "per_page", "in": "query",
         "schema": {"type": "integer", "minimum": 1, "maximum": max_per_page, "default": per_page},
         "description": f"{noun} per page (at most {max_per_page}; more is refused)."},
    ]


BASE_DOCUMENT = {
    "openapi": "3.1.0",
    "info": {
        "title": "Rapport API",
        "version": "1.0",
        "description": (
            "Synchronise customers and orders with a CRM or ERP system and read each customer's "
            "tier and RFM values. Every /api/v1 call needs an API token, created by an administrator "
            "under Users > API tokens and sent as `Authorization: Bearer rk_...`. Requests are limited "
            "per token (429 with Retry-After beyond). Error messages follow Accept-Language (zh or en). "
            "Money is a string with two decimals (\"1234.50\"); dates are ISO 8601 (2026-01-31), timestamps "
            "ISO 8601 with their offset, in UTC (2026-01-31T08:00:00Z). Unknown fields in a body and values "
            "outside the documented ranges are refused (400 or 422, naming the field)."
        ),
    },
    "security": [{"bearerAuth": []}],
    "paths": {},
    "components": {
        "securitySchemes": {
            "bearerAuth": {"type": "http", "scheme": "bearer", "description": "An API token: rk_ followed by 43 characters."},
        },
        "schemas": {
            "Error": {
                "type": "object",
                "required": ["error", "status"],
                "properties": {
                    "error": {"type": "string", "description": "What went wrong, in the caller's language."},
                    "status": {"type": "integer", "description": "The HTTP status code."},
                },
            },
        },
        "responses": {
            "BadRequest": {
                "description": "The request is malformed: not JSON, wrong structure or wrong parameter.",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
            },
            "Unauthorized": {
                "description": "No API token, or the token is wrong or revoked (WWW-Authenticate: Bearer).",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
            },
            "Forbidden": {
                "description": "The token's person lacks the roles this operation needs, or the token acts for "
                               "no one and the operation is a person's decision.",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
            },
            "NotFound": {
                "description": "No such record.",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
            },
            "TooLarge": {
                "description": "Too many records or too large a body for one call: split it.",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
            },
            "TooManyRequests": {
                "description": "The token's rate limit is used up; retry after the Retry-After seconds.",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
            },
        },
    },
}


def openapi_document(app):
    """The whole document: the base above plus every blueprint module's `OPENAPI`
    fragment ({"paths": ..., "components": {"schemas": ...}})."""
    document = deepcopy(BASE_DOCUMENT)
    document["servers"] = [{"url": app.config["BASE_URL"]}]
    for blueprint in app.blueprints.values():
        fragment = getattr(sys.modules.get(blueprint.import_name), "OPENAPI", None)
        if not fragment:
            continue
        document["paths"].update(deepcopy(fragment.get("paths", {})))
        for section, entries in fragment.get("components", {}).items():
            document["components"].setdefault(section, {}).update(deepcopy(entries))
    document["paths"] = dict(sorted(document["paths"].items()))
    _document_roles(app, document)
    return document


def _document_roles(app, document):
    """Each operation's roles, from the same table the access check reads (API_DOORS)."""
    for rule in app.url_map.iter_rules():
        if rule.endpoint not in API_DOORS:
            continue
        path = re.sub(r"<(?:[^<>]*:)?([^<>]+)>", r"{\1}", rule.rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            operation = document["paths"].get(path, {}).get(method.lower())
            if operation is None:
                continue
            roles = sorted(api_roles(app, rule.endpoint))
            integration = API_DOORS[rule.endpoint].integration
            operation["x-roles"] = roles
            operation["x-integration"] = integration
            operation["description"] += (
                f" Roles of the token's person: {', '.join(roles) or 'any'}; a token acting for no one: "
                + ("allowed." if integration else "refused (403).")
            )
            operation["responses"].setdefault("403", {"$ref": "#/components/responses/Forbidden"})


@bp.route("/openapi.json")
@public
def openapi():
    return openapi_document(current_app)


HTTP_METHODS = ("get", "put", "post", "patch", "delete")


def _schema_name(ref):
    return ref.rsplit("/", 1)[-1]


def schema_label(schema):
    """A short human description of a JSON schema: "string (date)", "array of Customer"."""
    if not schema:
        return ""
    if "$ref" in schema:
        return _schema_name(schema["$ref"])
    kind = schema.get("type", "object")
    if isinstance(kind, list):
        label = " | ".join(kind)
    elif kind == "array":
        label = f"array of {schema_label(schema.get('items', {}))}"
    else:
        label = kind
    if "format" in schema:
        label += f" ({schema['format']})"
    if "enum" in schema:
        label += ": " + ", ".join(str(v) for v in schema["enum"] if v is not None)
    return label


def inline_code(text):
    """Descriptions are CommonMark: show their `code` spans, escape the rest."""
    return Markup(re.sub(r"`([^`]+)`", r"<code>\1</code>", str(escape(text or ""))))


def _operations(document):
    for path, item in document["paths"].items():
        for method in HTTP_METHODS:
            if method in item:
                yield path, method, item[method]


@bp.route("/docs")
@signed_in
def docs():
    document = openapi_document(current_app)
    return render_template(
        "core/api_docs.html",
        document=document,
        operations=list(_operations(document)),
        schema_label=schema_label,
        schema_name=_schema_name,
        inline_code=inline_code,
    )
