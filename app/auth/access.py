"""Who may use which view.

Every view declares its rule with one of the decorators below. A single
`before_request` hook enforces the rules, and it refuses any endpoint that has
none, so a route added without a rule is closed rather than open. JSON API views
use `api_token_required`: they answer only to an API token, never to a session.
"""
from dataclasses import dataclass

from flask import abort, current_app, g, jsonify, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.api_tokens import authenticate_token
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
    db.session.commit()  # keeps last_used_at, whatever the view does next
    g.api_token = token
    return None


def _unauthorized(message, error=None):
    challenge = 'Bearer realm="Rapport API"' + (f', error="{error}"' if error else "")
    response = jsonify(error=message, status=401)
    response.status_code = 401
    response.headers["WWW-Authenticate"] = challenge
    return response
