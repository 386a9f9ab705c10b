"""Every registered route, for every role and for an anonymous visitor.

A route that is not in ACCESS makes `test_every_route_is_in_the_table` fail, so no
route can be added without saying who may use it. Each package's table lives in
`tests/<package>/routes.py` (this file holds auth's and core's). POSTs send an
empty form: what matters is the access answer, not the form's work. Paths may use
`{other_user_id}` and the ids that `route_ids` makes.
"""
import importlib
import pkgutil

import pytest
from flask import Flask

import tests
from app.auth.access import unguarded_endpoints
from tests.access import ADMIN_ONLY, ANYONE, SIGNED_IN, WHO, only

OWN_ACCESS = {
    ("static", "GET"): ("/static/css/app.css", ANYONE),
    ("bootstrap.static", "GET"): ("/bootstrap/static/css/bootstrap.min.css", ANYONE),
    ("core.home", "GET"): ("/", {"anonymous": 302, **SIGNED_IN}),
    ("core.health", "GET"): ("/healthz", ANYONE),
    ("core.set_language", "POST"): ("/language/zh", dict.fromkeys(WHO, 302)),
    ("auth.login", "GET"): ("/login", {"anonymous": 200, **dict.fromkeys(WHO[1:], 302)}),
    ("auth.login", "POST"): ("/login", {"anonymous": 200, **dict.fromkeys(WHO[1:], 302)}),
    ("auth.logout", "POST"): ("/logout", dict.fromkeys(WHO, 302)),
    ("auth.account", "GET"): ("/account", {"anonymous": 302, **SIGNED_IN}),
    ("auth.account", "POST"): ("/account", {"anonymous": 302, **SIGNED_IN}),
    ("auth.users", "GET"): ("/admin/users", ADMIN_ONLY),
    ("auth.new_user", "GET"): ("/admin/users/new", ADMIN_ONLY),
    ("auth.new_user", "POST"): ("/admin/users/new", ADMIN_ONLY),
    ("auth.edit_user", "GET"): ("/admin/users/{other_user_id}", ADMIN_ONLY),
    ("auth.edit_user", "POST"): ("/admin/users/{other_user_id}", ADMIN_ONLY),
    ("api_tokens.index", "GET"): ("/admin/api-tokens", ADMIN_ONLY),
    ("api_tokens.new", "GET"): ("/admin/api-tokens/new", ADMIN_ONLY),
    ("api_tokens.new", "POST"): ("/admin/api-tokens/new", ADMIN_ONLY),
    ("api_tokens.revoke", "GET"): ("/admin/api-tokens/{api_token_id}/revoke", ADMIN_ONLY),
    ("api_tokens.revoke", "POST"): ("/admin/api-tokens/{api_token_id}/revoke", only("admin", allowed=302)),
}


def _collect_tables():
    """This file's table plus every `tests/<package>/routes.py` ACCESS table."""
    table = dict(OWN_ACCESS)
    for module in pkgutil.iter_modules(tests.__path__):
        if module.ispkg:
            try:
                routes = importlib.import_module(f"tests.{module.name}.routes")
            except ModuleNotFoundError:
                continue
            overlap = set(table) & set(routes.ACCESS)
            assert not overlap, f"routes listed twice: {overlap}"
            table.update(routes.ACCESS)
    return table


ACCESS = _collect_tables()


def registered_routes(app):
    return {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }


def routes_missing_from(table, app):
    return sorted(registered_routes(app) - set(table))


def test_every_route_is_in_the_table(app):
    assert routes_missing_from(ACCESS, app) == []
    assert sorted(set(ACCESS) - registered_routes(app)) == [], "the table lists routes that no longer exist"


def test_every_view_declares_an_access_rule(app):
    assert unguarded_endpoints(app) == []


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize("route", sorted(ACCESS), ids=lambda r: f"{r[1]} {r[0]}")
def test_route_answers_each_role(route, who, client_as, route_ids):
    path, expected = ACCESS[route]
    client = client_as(None if who == "anonymous" else who)
    response = client.open(path.format(**route_ids), method=route[1], data={})
    assert response.status_code == expected[who], response.get_data(as_text=True)[:300]


def test_a_route_without_rule_fails_the_table_and_is_refused(app, client_as):
    """The test of the test: add a route that declares no rule."""

    @app.route("/forgotten")
    def forgotten():
        return "should never be served"

    assert ("forgotten", "GET") in routes_missing_from(ACCESS, app)
    assert "forgotten" in unguarded_endpoints(app)
    with pytest.raises(AssertionError):
        test_every_route_is_in_the_table(app)
    # And the app itself keeps it closed, even for an admin.
    assert client_as("admin").get("/forgotten").status_code == 403
    assert client_as(None).get("/forgotten").status_code == 403


def test_unknown_page_is_404_for_everyone(client_as):
    assert client_as(None).get("/no-such-page").status_code == 404
    assert client_as("planner").get("/no-such-page").status_code == 404


def test_table_helper_sees_a_bare_flask_app():
    bare = Flask("bare")
    bare.add_url_rule("/x", "x", lambda: "x")
    assert ("x", "GET") in routes_missing_from({}, bare)
