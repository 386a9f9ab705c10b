"""A brake on guessing one account's password, on top of the per-address rate limit.

Failed sign-ins are counted per account *and* client address, for 15 minutes from the
first one. After LOGIN_THROTTLE_FREE_FAILURES of them, each further failure makes the
next attempt wait 1, 2, 4 ... seconds, never more than LOGIN_THROTTLE_MAX_SECONDS.
Nobody can lock a user out: the count is per address, the wait is short, and the
right password from the user's own address clears it. The counts live in the rate
limit's storage (memory, or Redis shared by every worker) and are off with the limits.
"""
import hashlib
import time

from flask import current_app

from app.auth.services import normalise_email
from app.extensions import limiter

WINDOW_SECONDS = 15 * 60


def _keys(email, address):
    digest = hashlib.sha256(f"{normalise_email(email)}|{address}".encode()).hexdigest()[:32]
    return f"signin-failures/{digest}", f"signin-wait/{digest}"


def _storage():
    if not current_app.config.get("RATELIMIT_ENABLED", True):
        return None
    return limiter.storage


def wait_seconds(email, address):
    """Seconds before this account may be tried again from this address; 0: now."""
    storage = _storage()
    if storage is None:
        return 0
    _failures, wait = _keys(email, address)
    if not storage.get(wait):
        return 0
    return max(1, round(storage.get_expiry(wait) - time.time()))


def record_failure(email, address):
    """Counts a wrong password (or unknown account); returns the wait it imposes (0: none)."""
    storage = _storage()
    if storage is None:
        return 0
    failures, wait = _keys(email, address)
    count = storage.incr(failures, WINDOW_SECONDS)
    beyond = count - current_app.config["LOGIN_THROTTLE_FREE_FAILURES"]
    if beyond <= 0:
        return 0
    delay = min(2 ** (beyond - 1), current_app.config["LOGIN_THROTTLE_MAX_SECONDS"])
    storage.incr(wait, delay)
    return delay


def record_success(email, address):
    storage = _storage()
    if storage is not None:
        for key in _keys(email, address):
            storage.clear(key)
