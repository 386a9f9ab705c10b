"""Behind a reverse proxy the limits key on the real client address, from X-Forwarded-For
of the configured proxies only; a per-account brake on sign-in that never locks anybody out."""
import time

import pytest

from app.auth import throttle
from app.config import ConfigError, load_config
from app.extensions import limiter
from tests.conftest import DEFAULT_PASSWORD

PROXY = "10.0.0.2"  # the nginx in front of the app


@pytest.fixture
def limited(make_app, backend):
    """An app with the rate limits on (in Redis when the run has one), as in production."""

    def make(**overrides):
        redis = backend.broker_url("limits")
        storage = redis.rsplit("/", 1)[0] + "/2" if redis else "memory://"
        app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI=storage, **overrides)
        with app.app_context():
            limiter.reset()
        return app

    return make


def attempt(client, client_address, email="x@example.com", password="wrong", forwarded=None):
    return client.post("/login", data={"email": email, "password": password},
                       environ_base={"REMOTE_ADDR": PROXY},
                       headers={"X-Forwarded-For": forwarded or client_address})


def test_without_proxies_the_forwarded_address_is_ignored(limited):
    client = limited(LOGIN_RATE_LIMIT="3 per minute").test_client()
    codes = [attempt(client, f"203.0.113.{n}").status_code for n in range(4)]
    assert codes == [200, 200, 200, 429]  # anybody can write the header: one budget for the proxy's address


def test_behind_one_proxy_each_client_has_its_own_budget(limited):
    client = limited(LOGIN_RATE_LIMIT="3 per minute", PROXIES=1).test_client()
    assert [attempt(client, "203.0.113.1").status_code for _ in range(4)] == [200, 200, 200, 429]
    assert attempt(client, "203.0.113.2").status_code == 200  # another guest, another budget
    # A client's own X-Forwarded-For stays to the left of the proxy's entry: not believed.
    assert attempt(client, None, forwarded="203.0.113.9, 203.0.113.1").status_code == 429


def test_the_proxy_count_comes_from_the_environment(monkeypatch, tmp_path):
    assert load_config(str(tmp_path))["PROXIES"] == 0
    monkeypatch.setenv("RAPPORT_PROXIES", "2")
    assert load_config(str(tmp_path))["PROXIES"] == 2
    monkeypatch.setenv("RAPPORT_PROXIES", "nginx")
    with pytest.raises(ConfigError):
        load_config(str(tmp_path))


def test_failed_sign_ins_to_one_account_wait_briefly_and_never_lock_the_owner_out(limited, make_user):
    make_user(email="p@example.com")
    app = limited(LOGIN_RATE_LIMIT="100 per minute", PROXIES=1, LOGIN_THROTTLE_FREE_FAILURES=3)
    client = app.test_client()
    attacker = "198.51.100.7"
    assert [attempt(client, attacker, "p@example.com").status_code for _ in range(4)] == [200] * 4
    # The fourth failure imposes a wait: even the right password is not checked meanwhile.
    refused = attempt(client, attacker, "p@example.com", DEFAULT_PASSWORD)
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "1"
    assert "Too many failed sign-ins" in refused.get_data(as_text=True)
    # The owner, from their own address, is not affected; other accounts neither.
    assert attempt(app.test_client(), "203.0.113.1", "p@example.com", DEFAULT_PASSWORD).status_code == 302
    assert attempt(client, attacker, "other@example.com").status_code == 200
    time.sleep(1.1)
    assert attempt(client, attacker, "p@example.com").status_code == 200  # the wait is over
    assert attempt(client, attacker, "p@example.com").status_code == 429  # and the next is longer


def test_the_wait_grows_but_stays_short_and_success_clears_it(limited):
    app = limited(LOGIN_THROTTLE_FREE_FAILURES=2, LOGIN_THROTTLE_MAX_SECONDS=30)
    with app.app_context():
        waits = [throttle.record_failure("P@example.com", "198.51.100.7") for _ in range(12)]
        assert waits == [0, 0, 1, 2, 4, 8, 16, 30, 30, 30, 30, 30]
        assert 0 < throttle.wait_seconds("p@example.com", "198.51.100.7") <= 30
        assert throttle.wait_seconds("p@example.com", "198.51.100.8") == 0
        throttle.record_success("p@example.com", "198.51.100.7")
        assert throttle.wait_seconds("p@example.com", "198.51.100.7") == 0
        assert throttle.record_failure("p@example.com", "198.51.100.7") == 0
