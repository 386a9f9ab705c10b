"""Settings read from the environment, with embedded defaults that need no server.

`RAPPORT_ENV` picks the mode: `development` (default), `production` or `testing`.
Everything else is documented in the README's configuration table.
"""
import os
import secrets
from decimal import Decimal, InvalidOperation
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _bool(name, default):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(name, default):
    value = os.environ.get(name)
    return int(value) if value else default


class ConfigError(RuntimeError):
    """The environment does not allow the app to start safely."""


def _proxies():
    """How many reverse proxies stand in front of the app: their X-Forwarded-For and
    X-Forwarded-Proto are believed, nobody else's (a client can send those headers too)."""
    value = os.environ.get("RAPPORT_PROXIES", "").strip() or "0"
    if not value.isdigit():
        raise ConfigError(f"RAPPORT_PROXIES={value!r} must be the number of proxies in front of the app (0, 1, ...)")
    return int(value)


def _money(name, default):
    """An amount in CNY (a Decimal with two places), never a float."""
    value = os.environ.get(name) or default
    try:
        amount = Decimal(value).quantize(Decimal("0.01"))
    except InvalidOperation as error:
        raise ConfigError(f"{name}={value!r} is not an amount such as 100000.00") from error
    if not amount.is_finite() or amount < 0:
        raise ConfigError(f"{name}={value!r} must be an amount of 0 or more")
    return amount


def _secret_key(instance_path, mode):
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    if mode == "production":
        raise ConfigError("SECRET_KEY must be set in production (RAPPORT_ENV=production).")
    # Development: a random key kept in instance/ so logins survive a restart.
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def _base_url(mode):
    """The site's address for links in e-mails and tasks. Unset in development, it is
    the development server's, on the port `make run` serves (`PORT`, 5000 by default)."""
    url = os.environ.get("BASE_URL", "").strip()
    if not url:
        port = os.environ.get("PORT", "").strip() if mode == "development" else ""
        url = f"http://127.0.0.1:{port or 5000}"
    return url.rstrip("/")


# Quarterly, at 02:00 on the first day of January, April, July and October.
DEFAULT_TIER_RECOMPUTE_CRON = "0 2 1 1,4,7,10 *"


def _beat_schedule():
    """Celery beat's periodic tasks. TIER_RECOMPUTE_CRON is a five-field cron line
    (minute hour day-of-month month day-of-week), or `off`."""
    from celery.schedules import crontab

    housekeeping = {
        "expire-stale-imports": {"task": "app.customers.tasks.expire_stale_imports", "schedule": crontab(minute=30, hour=3)},
        "advance-rfm-inputs": {"task": "app.customers.tasks.advance_rfm_inputs", "schedule": crontab(minute=10, hour=0)},
        # Reminders and nudges to guests; REMINDER_CRON_MINUTE: the minute of each hour.
        "send-due-reminders": {"task": "app.invitations.tasks.send_due_reminders",
                               "schedule": crontab(minute=os.environ.get("REMINDER_CRON_MINUTE", "5"))},
        # Sends whose worker died start again by themselves.
        "resume-sends": {"task": "app.invitations.tasks.resume_sends", "schedule": 60.0},
        # The guests' survey after the event and its reminder; SURVEY_CRON_HOUR: the hour of each day.
        "send-due-surveys": {"task": "app.reviews.tasks.send_due_surveys",
                             "schedule": crontab(minute=15, hour=os.environ.get("SURVEY_CRON_HOUR", "10"))},
    }
    spec = os.environ.get("TIER_RECOMPUTE_CRON", "").strip() or DEFAULT_TIER_RECOMPUTE_CRON
    if spec.lower() == "off":
        return housekeeping
    fields = spec.split()
    try:
        if len(fields) != 5:
            raise ValueError("five fields expected")
        minute, hour, day_of_month, month_of_year, day_of_week = fields
        schedule = crontab(minute=minute, hour=hour, day_of_month=day_of_month,
                           month_of_year=month_of_year, day_of_week=day_of_week)
    except ValueError as error:
        raise ConfigError(f"TIER_RECOMPUTE_CRON={spec!r} is not a cron line: {error}") from error
    return {**housekeeping, "recompute-tiers": {"task": "app.customers.tasks.recompute_tiers", "schedule": schedule}}


def load_config(instance_path, overrides=None):
    """Return the settings dict for `app.config.update`."""
    overrides = dict(overrides or {})
    mode = overrides.get("RAPPORT_ENV") or os.environ.get("RAPPORT_ENV", "development")
    instance = Path(instance_path)
    production = mode == "production"

    broker = os.environ.get("CELERY_BROKER_URL", "")
    broker_folder = instance / "celery" / "broker"
    redis_url = broker if broker.startswith("redis") else ""

    config = {
        "RAPPORT_ENV": mode,
        "SECRET_KEY": overrides.get("SECRET_KEY") or _secret_key(instance, mode),
        "SQLALCHEMY_DATABASE_URI": os.environ.get(
            "DATABASE_URL", f"sqlite:///{instance / 'rapport.sqlite'}"
        ),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "BASE_URL": _base_url(mode),
        # Sessions and cookies
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _bool("SESSION_COOKIE_SECURE", production),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": _bool("SESSION_COOKIE_SECURE", production),
        "PERMANENT_SESSION_LIFETIME": _int("SESSION_LIFETIME_HOURS", 12) * 3600,
        "PASSWORD_HASH_METHOD": "scrypt",
        # Reverse proxies in front of the app (nginx: 1); rate limits key on the address they report.
        "PROXIES": _proxies(),
        "IMPORT_MAX_MB": _int("IMPORT_MAX_MB", 200),
        # A budget whose total is above this (CNY) needs a second approval, by an administrator.
        "BUDGET_SECOND_APPROVAL_ABOVE": _money("BUDGET_SECOND_APPROVAL_ABOVE", "100000.00"),
        # Forms
        "WTF_CSRF_TIME_LIMIT": None,  # tied to the session instead of a clock
        # Rate limits: in memory unless Redis is configured.
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI") or redis_url or "memory://",
        "RATELIMIT_HEADERS_ENABLED": False,  # Retry-After on 429 only (app.core.errors)
        "LOGIN_RATE_LIMIT": os.environ.get("LOGIN_RATE_LIMIT", "10 per minute"),
        # Failed sign-ins to one account from one address before each further one waits
        # (1, 2, 4 ... seconds, at most LOGIN_THROTTLE_MAX_SECONDS); forgotten after 15 minutes.
        "LOGIN_THROTTLE_FREE_FAILURES": _int("LOGIN_THROTTLE_FREE_FAILURES", 5),
        "LOGIN_THROTTLE_MAX_SECONDS": _int("LOGIN_THROTTLE_MAX_SECONDS", 60),
        "API_RATE_LIMIT": os.environ.get("API_RATE_LIMIT", "600 per minute"),
        # The personal calendar feed (a token URL): requests per client address.
        "CALENDAR_FEED_RATE_LIMIT": os.environ.get("CALENDAR_FEED_RATE_LIMIT", "60 per minute"),
        # The guests' RSVP pages (token URLs: page, QR code, .ics together): requests per client address.
        "RSVP_RATE_LIMIT": os.environ.get("RSVP_RATE_LIMIT", "60 per minute"),
        # The guests' survey: sent this many days after the event, the reminder this many days later.
        "SURVEY_SEND_AFTER_DAYS": _int("SURVEY_SEND_AFTER_DAYS", 1),
        "SURVEY_REMINDER_AFTER_DAYS": _int("SURVEY_REMINDER_AFTER_DAYS", 3),
        # Internationalisation
        "BABEL_DEFAULT_LOCALE": "en",
        "BABEL_DEFAULT_TIMEZONE": os.environ.get("RAPPORT_TIMEZONE", "Asia/Shanghai"),
        "BABEL_TRANSLATION_DIRECTORIES": str(PROJECT_ROOT / "app" / "translations"),
        "LANGUAGES": ("zh", "en"),
        # Bootstrap assets come from the package, never a CDN.
        "BOOTSTRAP_SERVE_LOCAL": True,
        # Mail: SMTP when MAIL_SERVER is set, otherwise .eml files in the outbox folder.
        "MAIL_SERVER": os.environ.get("MAIL_SERVER", ""),
        "MAIL_PORT": _int("MAIL_PORT", 25),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME", ""),
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD", ""),
        "MAIL_USE_TLS": _bool("MAIL_USE_TLS", False),
        "MAIL_USE_SSL": _bool("MAIL_USE_SSL", False),
        "MAIL_TIMEOUT": _int("MAIL_TIMEOUT", 30),
        "MAIL_DEFAULT_SENDER": os.environ.get("MAIL_DEFAULT_SENDER", "Rapport <rapport@localhost>"),
        "MAIL_OUTBOX_DIR": os.environ.get("MAIL_OUTBOX_DIR", str(instance / "outbox")),
        # A message still 'sending' this long after its claim (seconds) was cut off by a dead
        # worker: it becomes 'unknown'. Well above one SMTP conversation (MAIL_TIMEOUT).
        "SEND_STALE_AFTER": _int("SEND_STALE_AFTER", 300),
        # Celery: kombu's filesystem transport and a SQLite result store by default.
        "CELERY": {
            "broker_url": broker or "filesystem://",
            "broker_transport_options": (
                {}
                if broker
                else {
                    "data_folder_in": str(broker_folder),
                    "data_folder_out": str(broker_folder),
                    "control_folder": str(instance / "celery" / "control"),
                    "store_processed": False,
                }
            ),
            "result_backend": os.environ.get("CELERY_RESULT_BACKEND")
            or (broker if broker.startswith("redis") else f"db+sqlite:///{instance / 'celery-results.sqlite'}"),
            "task_serializer": "json",
            "result_serializer": "json",
            "accept_content": ["json"],
            "task_ignore_result": False,
            "result_expires": 24 * 3600,
            "task_acks_late": True,  # a task whose worker dies is delivered again
            "task_reject_on_worker_lost": True,
            "worker_prefetch_multiplier": 1,
            "broker_connection_retry_on_startup": True,
            "timezone": os.environ.get("RAPPORT_TIMEZONE", "Asia/Shanghai"),
            "beat_schedule": _beat_schedule(),
        },
    }
    if mode == "testing":
        config.update(
            TESTING=True,
            WTF_CSRF_ENABLED=False,
            RATELIMIT_ENABLED=False,
            SESSION_COOKIE_SECURE=False,
            PASSWORD_HASH_METHOD="pbkdf2:sha256:1000",  # fast: tests hash many passwords
        )
        config["CELERY"].update(task_always_eager=True, task_eager_propagates=True)
    # Overrides win, and nested Celery settings merge rather than replace.
    celery_overrides = overrides.pop("CELERY", None) if "CELERY" in overrides else None
    config.update(overrides)
    if celery_overrides:
        config["CELERY"].update(celery_overrides)
    return config
