"""Browser tests: Chromium (Debian's, not Playwright's download) driving the app
served by a real HTTP server on 127.0.0.1.

- `live_app`: one app per run with its own committed database (migrated with
  Alembic, demo accounts loaded, CSRF on as in production). The per-test `app`
  fixture cannot be used: its rolled-back transaction lives on one connection
  that a server thread cannot share.
- `live_url`: "http://127.0.0.1:<port>" (no trailing slash), served by
  Werkzeug on a daemon thread for the whole run.
- `login(page, live_url, email, password)`: signs in through the real form.
- One browser per run (pytest-playwright's `browser`), a new context per test
  (`page`, or `new_context(viewport=PHONE)` for more). Desktop 1280x800 is the
  default viewport.
- A failing test leaves a full-page screenshot of each of its pages in
  test-results/<test-id>/test-failed-N.png (pytest-playwright's
  `--screenshot only-on-failure --full-page-screenshot`, switched on below).
- Every test in this folder is marked `browser` (`-m "not browser"` skips them).
"""
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from app import create_app
from app.auth import services as auth_services
from app.core import demo
from app.extensions import db
from tests.conftest import app_config, migrate_database

HERE = Path(__file__).resolve().parent

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic",
]

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}

# Demo accounts (app/core/demo.py) by role; they have locale "zh" saved.
DEMO = {roles[0].value: (email, name, password) for email, name, password, roles, locale in demo.DEMO_ACCOUNTS
        if locale == "zh"}  # the Chinese-speaking account of each role
# Users whose saved language is English, for English pages after sign-in.
ENGLISH_ADMIN = ("alice.admin@example.com", "Alice Admin", "admin-english-1", ("admin",), "en")
ENGLISH_PLANNER = ("paul.planner@example.com", "Paul Planner", "planner-english-1", ("planner",), "en")


def pytest_configure(config):
    # A failing browser test keeps a full-page screenshot (in --output, by default
    # test-results/), unless the command line asked for screenshots itself.
    if config.getoption("--screenshot", default=None) == "off":
        config.option.screenshot = "only-on-failure"
    if hasattr(config.option, "full_page_screenshot"):
        config.option.full_page_screenshot = True


def pytest_collection_modifyitems(config, items):
    """Mark every test of this folder `browser` (this hook sees the whole session)."""
    for item in items:
        if HERE in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [*browser_type_launch_args.get("args", []), *CHROMIUM_ARGS],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args, live_url):
    return {**browser_context_args, "base_url": live_url}


# No smooth scrolling or transitions: Playwright waits for elements to stop moving.
CONTEXT_DEFAULTS = {"viewport": DESKTOP, "locale": "en-US", "reduced_motion": "reduce"}


@pytest.fixture
def new_context(new_context, request):
    """pytest-playwright's `new_context`, with a desktop viewport and an en-US
    browser by default; `new_context(viewport=PHONE)` or the marker
    `@pytest.mark.browser_context_args(viewport=PHONE, ...)` choose otherwise."""
    marker = request.node.get_closest_marker("browser_context_args")
    marked = marker.kwargs if marker else {}

    def make(**kwargs):
        defaults = {k: v for k, v in CONTEXT_DEFAULTS.items() if k not in kwargs and k not in marked}
        return new_context(**defaults, **kwargs)

    return make


@pytest.fixture(scope="session")
def live_app(backend, tmp_path_factory):
    root = tmp_path_factory.mktemp("live")
    app = create_app(app_config(backend, root, "rapport_live", WTF_CSRF_ENABLED=True))
    migrate_database(app)
    with app.app_context():
        demo.load()
        for email, name, password, roles, locale in (ENGLISH_ADMIN, ENGLISH_PLANNER):
            auth_services.create_user(email, name, password, roles, locale)
        db.session.commit()
        db.session.remove()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="session")
def live_url(live_app):
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def screenshot_dir(pytestconfig):
    """test-results/screenshots/ (inside --output, which pytest-playwright empties
    at the start of each run)."""
    folder = Path(pytestconfig.getoption("--output")).absolute() / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def login(page, live_url, email, password):
    """Sign in through the login form; returns once the answer to the form has
    loaded (the home page, or the login page again with an error)."""
    page.goto(f"{live_url}/login")
    page.fill("#email", email)
    page.fill("#password", password)
    with page.expect_navigation():
        page.click("#submit")
    return page
