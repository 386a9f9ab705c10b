"""Signing out ends the session everywhere: cookies copied before (the session's, and the
365-day remember-me cookie) are refused afterwards; so after a password change."""
from tests.auth.test_views import login
from tests.conftest import DEFAULT_PASSWORD


def replay(app, **cookies):
    """A fresh browser holding only copies of `cookies`."""
    other = app.test_client()
    for name, value in cookies.items():
        other.set_cookie(name, value)
    return other


def copied(client):
    return {name: client.get_cookie(name).value for name in ("session", "remember_token")}


def test_sign_out_ends_copied_session_and_remember_cookies(app, client, make_user):
    make_user(email="p@example.com")
    assert login(client, "p@example.com", remember="y").status_code == 302
    cookies = copied(client)
    assert replay(app, session=cookies["session"]).get("/").status_code == 200  # a copy works while signed in
    assert replay(app, remember_token=cookies["remember_token"]).get("/").status_code == 200

    assert client.post("/logout").status_code == 302
    assert client.get("/").status_code == 302
    assert replay(app, session=cookies["session"]).get("/").status_code == 302
    assert replay(app, remember_token=cookies["remember_token"]).get("/").status_code == 302
    assert replay(app, **cookies).get("/").status_code == 302


def test_signing_in_again_after_sign_out_works(client, make_user):
    make_user(email="p@example.com")
    login(client, "p@example.com")
    client.post("/logout")
    assert login(client, "p@example.com").status_code == 302
    assert client.get("/").status_code == 200


def test_password_change_ends_other_sessions_but_not_this_one(app, client, make_user):
    make_user(email="p@example.com")
    login(client, "p@example.com", remember="y")
    cookies = copied(client)
    response = client.post("/account", data={"pw-current_password": DEFAULT_PASSWORD, "pw-new_password": "new-password-1",
                                             "pw-confirm": "new-password-1", "pw-submit": "1"})
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    assert replay(app, session=cookies["session"]).get("/").status_code == 302
    assert replay(app, remember_token=cookies["remember_token"]).get("/").status_code == 302
