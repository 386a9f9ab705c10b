"""Helper links: a planner lets a temporary helper scan at one event's door, without an account.
The link's secret is shown once (as a setup QR code); only its SHA-256 is stored. It expires
after the event and can be revoked at any time."""
import hashlib
import secrets
from datetime import UTC, datetime, time, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from app.checkin.models import ENTRANCE_MAX, HelperLink
from app.core import clock
from app.core.errors import DomainError
from app.core.text import single_line
from app.events import activity
from app.extensions import db
from app.invitations.services import well_formed

SECRET_BYTES = 24
GRACE = timedelta(hours=6)  # a link keeps working until 06:00 the morning after the event day
LABEL_MAX = 100


def _hash(secret):
    return hashlib.sha256(secret.encode()).hexdigest()


def expiry(plan):
    """The end of the event day in the organisation's time zone, plus GRACE, as naive UTC."""
    end = datetime.combine(plan.event_day + timedelta(days=1), time(0), tzinfo=clock.zone()) + GRACE
    return end.astimezone(UTC).replace(tzinfo=None)


def create_link(plan, user, label, entrance=""):
    """(link, secret): a new helper link for `plan`."""
    label = (single_line(label) or "")[:LABEL_MAX]
    if not label:
        raise DomainError(_l("Enter who will use the link, for example “Front door, Li”."), "label")
    expires_at = expiry(plan)
    if expires_at <= clock.stamp():
        raise DomainError(_l("This event is over: a helper link would not work any more."), "label")
    secret = secrets.token_urlsafe(SECRET_BYTES)
    link = HelperLink(plan_id=plan.id, token_hash=_hash(secret), label=label,
                      entrance=(single_line(entrance) or "")[:ENTRANCE_MAX], created_by_id=user.id if user else None,
                      expires_at=expires_at)
    db.session.add(link)
    db.session.flush()
    activity.record(plan, user, "checkin.link_created", helper=label)
    return link, secret


def revoke_link(plan, link, user):
    """Revokes the link at once (a second revocation changes nothing)."""
    changed = db.session.execute(
        update(HelperLink).where(HelperLink.id == link.id, HelperLink.revoked_at.is_(None))
        .values(revoked_at=clock.stamp(), revoked_by_id=user.id if user else None),
        execution_options={"synchronize_session": "fetch"},
    ).rowcount
    if changed:
        activity.record(plan, user, "checkin.link_revoked", helper=link.label)
    return bool(changed)


def link_by_secret(secret):
    """The link holding `secret`, valid or not (the caller asks `valid_at`); None for anything else."""
    if not isinstance(secret, str) or not well_formed(secret):
        return None
    return db.session.scalar(select(HelperLink).where(HelperLink.token_hash == _hash(secret)))


def links_for(plan):
    return db.session.scalars(
        select(HelperLink).where(HelperLink.plan_id == plan.id).order_by(HelperLink.created_at.desc(),
                                                                         HelperLink.id.desc())
    ).all()
