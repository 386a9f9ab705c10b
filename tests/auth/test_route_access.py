"""Every registered route, for every role and for an anonymous visitor.

A route that is not in ACCESS makes `test_every_route_is_in_the_table` fail, so no
route can be added without saying who may use it. POSTs send an empty form:
what matters is the access answer, not the form's work.
"""
import pytest
from flask import Flask

from app.auth.access import unguarded_endpoints

# (endpoint, method): (path, {who: status})
WHO = ("anonymous", "admin", "planner", "manager", "staff")
SIGNED_IN = dict.fromkeys(WHO[1:], 200)
ADMIN_ONLY = {"anonymous": 302, "admin": 200, "planner": 403, "manager": 403, "staff": 403}
ANYONE = dict.fromkeys(WHO, 200)

ACCESS = {
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
}
# The anonymous logout redirects to the login page like any protected page.


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
def test_route_answers_each_role(route, who, client_as, make_user):
    path, expected = ACCESS[route]
    other = make_user(roles=("staff",))
    client = client_as(None if who == "anonymous" else who)
    response = client.open(path.format(other_user_id=other.id), method=route[1], data={})
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
