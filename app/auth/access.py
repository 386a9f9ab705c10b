"""Who may use which view.

Every view declares its rule with one of the decorators below. A single
`before_request` hook enforces the rules, and it refuses any endpoint that has
none, so a route added without a rule is closed rather than open.
"""
from dataclasses import dataclass

from flask import abort, current_app, redirect, request, url_for
from flask_login import current_user

from app.auth.models import Role

ANONYMOUS = "anonymous"


@dataclass(frozen=True)
class AccessRule:
    public: bool = False
    roles: frozenset = frozenset()  # empty: any signed-in user

    def allows(self, user):
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
    if rule.allows(current_user):
        return None
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    abort(403)
