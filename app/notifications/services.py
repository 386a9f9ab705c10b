"""In-app notices: written beside the change they announce (same transaction), read in
the reader's language, since a notice stores its `kind` and `params`, not a sentence."""
from datetime import datetime, timezone

from sqlalchemy import func, select, update

from app.extensions import db
from app.notifications.labels import MESSAGES, UNKNOWN_NOTICE
from app.notifications.models import Notification

RECENT = 50


def _now():
    return datetime.now(timezone.utc).replace(tzinfo=None)


def notify(users, kind, params, link=""):
    """A notice of `kind` for each of `users` (each once); returns the new rows, flushed."""
    if kind not in MESSAGES:
        raise ValueError(f"unknown notice kind {kind!r}")
    unique = {user.id: user for user in users}
    notices = [Notification(user_id=user_id, kind=kind, params=params, link=link) for user_id in unique]
    db.session.add_all(notices)
    db.session.flush()
    return notices


def message(notice):
    """The notice's sentence in the current language."""
    template = MESSAGES.get(notice.kind)
    try:
        return str(template) % notice.params if template else str(UNKNOWN_NOTICE)
    except (KeyError, TypeError, ValueError):  # a notice from an older version with other params
        return str(UNKNOWN_NOTICE)


def unread_count(user):
    return db.session.scalar(
        select(func.count()).select_from(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
    )


def recent(user, limit=RECENT):
    """The user's newest notices, read or not."""
    return db.session.scalars(
        select(Notification).where(Notification.user_id == user.id)
        .order_by(Notification.created_at.desc(), Notification.id.desc()).limit(limit)
    ).all()


def mark_read(user):
    """Marks all of the user's unread notices read; returns how many."""
    result = db.session.execute(
        update(Notification).where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=_now())
    )
    return result.rowcount
