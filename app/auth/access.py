"""Who may use which view.

Every view declares its rule with one of the decorators below. A single
`before_request` hook enforces the rules, and it refuses any endpoint that has
none, so a route added without a rule is closed rather than open. JSON API views
use `api_token_required`: they answer only to an API token, never to a session, and
`API_DOORS` says which roles each of them needs.
"""
from dataclasses import dataclass

from flask import abort, current_app, g, jsonify, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.api_tokens import authenticate_token, token_touched
from app.auth.models import Role
from app.extensions import db

ANONYMOUS = "anonymous"


@dataclass(frozen=True)
class AccessRule:
    public: bool = False
    roles: frozenset = frozenset()  # empty: any signed-in user
    api_token: bool = False  # a valid API token in the request, never a session

    def allows(self, user):
        if self.api_token:
            return False  # no signed-in user passes: the API answers only to tokens
        if self.public:
            return True
        if not user.is_authenticated:
            return False
        return not self.roles or user.has_role(*self.roles)


# Endpoints that belong to extensions rather than to our blueprints.
EXTENSION_ENDPOINTS = {"static": AccessRule(public=True), "bootstrap.static": AccessRule(public=True)}


def _mark(rule):
    def decorate(view):
        view.access_rule = rule
        return view

    return decorate


public = _mark(AccessRule(public=True))
signed_in = _mark(AccessRule())
api_token_required = _mark(AccessRule(api_token=True))


def roles_required(*roles):
    """Only users holding at least one of `roles` (admins included only if listed)."""
    if not roles:
        raise ValueError("roles_required needs at least one role")
    return _mark(AccessRule(roles=frozenset(Role(r) for r in roles)))


@dataclass(frozen=True)
class ApiDoor:
    """An API operation takes the same step as a page (`page`): a token acting for a person
    needs the roles that page requires. A token acting for no one is an integration: it may
    use the operation only when `integration` is true, never for a person's decision."""

    page: str
    integration: bool = True


# Which roles each /api/v1 operation needs: those of the page taking the same step, read
# from that page's own rule, so the page and the API always check the same roles.
# An API endpoint missing here is refused, like a view without a rule.
API_DOORS = {
    "api_customers.list_customers": ApiDoor("customers.index"),
    "api_customers.get_customer": ApiDoor("customers.detail"),
    "api_customers.bulk_customers": ApiDoor("customers.new_import"),
    "api_customers.bulk_orders": ApiDoor("customers.new_import"),
    "api_events.list_plans": ApiDoor("events.plans"),
    "api_events.get_plan_json": ApiDoor("events.plan"),
    "api_events.create_plan_json": ApiDoor("events.new_plan"),
    "api_budget.get_budget": ApiDoor("budget.plan_budget"),
    "api_budget.submit_budget": ApiDoor("budget.submit_budget"),
    "api_budget.approve_budget": ApiDoor("budget.approve_budget", integration=False),
    "api_budget.reject_budget": ApiDoor("budget.reject_budget", integration=False),
    "api_invitations.list_guests": ApiDoor("invitations.guests"),
    "api_invitations.guest_summary": ApiDoor("invitations.guest_dashboard"),
    "api_invitations.send_invitations": ApiDoor("invitations.send_invitations"),
    # A check-in is a person's act at one event's door (app.checkin.access decides per plan).
    "api_checkin.check_in": ApiDoor("checkin.scanner", integration=False),
}


def api_roles(app, endpoint):
    """The roles a person's token needs for the API `endpoint` (empty: any person), or None
    when the endpoint has no door in `API_DOORS` or its page has no rule."""
    door = API_DOORS.get(endpoint)
    rule = door and rule_for(app, door.page)
    return None if rule is None else rule.roles


def rule_for(app, endpoint):
    if endpoint in EXTENSION_ENDPOINTS:
        return EXTENSION_ENDPOINTS[endpoint]
    view = app.view_functions.get(endpoint)
    return getattr(view, "access_rule", None)


def unguarded_endpoints(app):
    """Endpoints without an access rule; the app refuses them, tests list them."""
    return sorted(rule.endpoint for rule in app.url_map.iter_rules() if rule_for(app, rule.endpoint) is None)


def enforce_access():
    if request.endpoint is None:  # no route matched: let the 404/405 handler answer
        return None
    rule = rule_for(current_app, request.endpoint)
    if rule is None:
        current_app.logger.error("Refused %s: the view declares no access rule", request.endpoint)
        abort(403)
    if rule.api_token:
        return _check_api_token()
    if rule.allows(current_user):
        return None
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    abort(403)


def _check_api_token():
    """Bearer authentication (RFC 6750): the token goes on `g.api_token`; without a
    valid one the answer is 401 in JSON, never a redirect to the login page."""
    scheme, _sep, secret = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        return _unauthorized(_("Send an API token: Authorization: Bearer <token>."))
    token = authenticate_token(secret.strip())
    if token is None or (token.user_id is not None and not token.user.active):
        return _unauthorized(_("The API token is not valid or has been revoked."), error="invalid_token")
    if token_touched(token):
        db.session.commit()  # keeps last_used_at, whatever the view does next
    g.api_token = token
    return _check_api_roles(token)


def _check_api_roles(token):
    """The token's person needs the roles of the page taking the same step; a token acting
    for no one may use the integration's operations only."""
    roles = api_roles(current_app, request.endpoint)
    if roles is None:
        current_app.logger.error("Refused %s: the API operation has no entry in API_DOORS", request.endpoint)
        return _forbidden(_("This API token may not take this step."))
    if token.user is None:
        if API_DOORS[request.endpoint].integration:
            return None
        return _forbidden(_("This API token acts for a system, not a person, so it cannot take a person's "
                            "decision such as approving. Ask an administrator for a token that acts for you."))
    if roles and not token.user.has_role(*roles):
        return _forbidden(_("The person this API token acts for may not take this step: it needs the role "
                            "%(roles)s.", roles=" / ".join(sorted(roles))))
    return None


def _forbidden(message):
    response = jsonify(error=message, status=403)
    response.status_code = 403
    return response


def _unauthorized(message, error=None):
    challenge = 'Bearer realm="Rapport API"' + (f', error="{error}"' if error else "")
    response = jsonify(error=message, status=401)
    response.status_code = 401
    response.headers["WWW-Authenticate"] = challenge
    return response
