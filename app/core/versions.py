"""Optimistic locking: rows edited through a form carry a `version` (SQLAlchemy's
version_id_col raises it on every UPDATE). The form sends back the version it was made
from, and the service refuses the save when the row changed meanwhile, so that the second
of two editors does not silently restore what the first one changed."""
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm.exc import StaleDataError

from app.core.errors import DomainError
from app.extensions import db

CHANGED = _l("Someone else changed this while you were editing it. Your entries are kept below: "
             "compare them with the current values and save again.")


class ChangedMeanwhile(DomainError):
    """The row is not the version the user's form was made from. `current` is the version now."""

    def __init__(self, current=None, message=CHANGED):
        super().__init__(message, "version")
        self.current = current


def expect_version(row, seen):
    """Refuses when `seen` (the version the form was made from; None for callers without a
    form, such as the API) is not the row's version now."""
    if seen in (None, ""):
        return
    try:
        seen = int(seen)
    except (TypeError, ValueError):
        raise ChangedMeanwhile(row.version) from None
    if seen != row.version:
        raise ChangedMeanwhile(row.version)


def flush():
    """Flushes; a concurrent save that committed between our read and our UPDATE makes the
    UPDATE match no row (version_id_col), which is the same refusal."""
    try:
        db.session.flush()
    except StaleDataError:
        raise ChangedMeanwhile() from None
