"""CSRF, the login rate limit, cookies and headers: on, as in production."""
import re

import pytest

from app import create_app
from app.extensions import limiter
from tests.conftest import DEFAULT_PASSWORD


@pytest.fixture
def strict_app(make_app, backend):
    """The test app with CSRF and rate limits switched back on; the limits are
    kept in Redis when the run has one, as in production."""
    redis = backend.broker_url("limits")
    storage = redis.rsplit("/", 1)[0] + "/2" if redis else "memory://"
    app = make_app(
        WTF_CSRF_ENABLED=True, RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="3 per minute", RATELIMIT_STORAGE_URI=storage
    )
    with app.app_context():
        limiter.reset()  # a fresh count for each test
    return app


def csrf_token(page):
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def test_post_without_csrf_token_is_refused(strict_app, make_user):
    make_user(email="p@example.com")
    client = strict_app.test_client()
    response = client.post("/login", data={"email": "p@example.com", "password": DEFAULT_PASSWORD})
    assert response.status_code == 400
    assert "form has expired" in response.get_data(as_text=True)


def test_login_with_csrf_token_works(strict_app, make_user):
    make_user(email="p@example.com")
    client = strict_app.test_client()
    token = csrf_token(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={"email": "p@example.com", "password": DEFAULT_PASSWORD, "csrf_token": token})
    assert response.status_code == 302


def test_login_is_rate_limited(strict_app):
    client = strict_app.test_client()
    token = csrf_token(client.get("/login").get_data(as_text=True))
    codes = [
        client.post("/login", data={"email": "x@example.com", "password": "wrong", "csrf_token": token}).status_code
        for _ in range(4)
    ]
    assert codes == [200, 200, 200, 429]
    assert "Too many attempts" in client.post("/login", data={"csrf_token": token}).get_data(as_text=True)
    assert client.get("/login").status_code == 200  # reading the page is not limited


def test_security_headers_and_cookie_flags(client, make_user):
    make_user(email="p@example.com")
    response = client.get("/login")
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    response = client.post("/login", data={"email": "p@example.com", "password": DEFAULT_PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_production_cookies_are_secure(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", "a-production-secret")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'p.sqlite'}")
    app = create_app({"RAPPORT_ENV": "production", "INSTANCE_PATH": str(tmp_path)})
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    response = app.test_client().get("/healthz")
    assert "Strict-Transport-Security" in response.headers


def test_production_refuses_to_start_without_secret_key(monkeypatch, tmp_path):
    from app.config import ConfigError

    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ConfigError):
        create_app({"RAPPORT_ENV": "production", "INSTANCE_PATH": str(tmp_path)})


def test_development_keeps_a_generated_secret_key(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = create_app({"RAPPORT_ENV": "development", "INSTANCE_PATH": str(tmp_path)}).config["SECRET_KEY"]
    second = create_app({"RAPPORT_ENV": "development", "INSTANCE_PATH": str(tmp_path)}).config["SECRET_KEY"]
    assert first == second and len(first) >= 40


def test_pages_with_customer_data_are_never_stored(client_as, make_invitation, make_customer, app):
    from tests.conftest import new_api

    invitation = make_invitation()
    make_customer(name="星河科技")
    planner = client_as("planner")
    responses = {
        "staff page": planner.get("/customers/"),
        "export": planner.get("/customers/export.csv"),
        "guest page": client_as(None).get(f"/rsvp/{invitation.rsvp_token}"),
        "guest calendar": client_as(None).get(f"/rsvp/{invitation.rsvp_token}/event.ics"),
        "unknown link": client_as(None).get("/rsvp/no-such-token"),
        "sign-in page": client_as(None).get("/login"),
        "API": new_api(app).get("/api/v1/customers"),
    }
    assert {name: (r.status_code, r.headers.get("Cache-Control")) for name, r in responses.items()} == {
        "staff page": (200, "no-store"), "export": (200, "no-store"), "guest page": (200, "no-store"),
        "guest calendar": (200, "no-store"), "unknown link": (404, "no-store"), "sign-in page": (200, "no-store"),
        "API": (200, "no-store"),
    }
    static = planner.get("/static/js/budget.js")
    assert static.status_code == 200 and "no-store" not in static.headers.get("Cache-Control", "")
