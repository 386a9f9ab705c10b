"""What the door's views share: the plan, and who is at the door (a signed-in user who may check
in, or the helper link kept in the session)."""
import hashlib

from flask import abort, current_app, redirect, request, session, url_for
from flask_login import current_user

from app.checkin.access import door_actor
from app.checkin.links import link_by_secret
from app.events.plan_models import Plan
from app.extensions import db

DOOR_LINK = "door_link"  # the session key holding a helper link's secret


def plan_or_404(plan_id):
    plan = db.session.get(Plan, plan_id)
    if plan is None:
        abort(404)
    return plan


def session_link():
    """The helper link opened in this browser, valid or not; or None."""
    secret = session.get(DOOR_LINK)
    return link_by_secret(secret) if secret else None


def door_of(plan):
    """(actor, link) of this request at `plan`'s door; actor None when nobody may check in here."""
    if current_user.is_authenticated:
        actor = door_actor(plan, current_user)
        if actor is not None:
            return actor, None
    link = session_link()
    if link is not None:
        actor = door_actor(plan, link=link)
        if actor is not None:
            return actor, link
    return None, None


def door_or_refuse(plan, page=False):
    """The DoorActor of this request, or a refusal: the sign-in page for a stranger opening the
    scanner `page`, 403 otherwise."""
    actor, _link = door_of(plan)
    if actor is not None:
        return actor
    if page and not current_user.is_authenticated:
        abort(redirect(url_for("auth.login", next=request.full_path.rstrip("?"))))
    abort(403)


def rate_limit():
    return current_app.config.get("CHECKIN_RATE_LIMIT", "300 per minute")


def rate_key():
    """Per person or per helper link (a door behind one venue Wi-Fi shares one address)."""
    if current_user.is_authenticated:
        return f"door-user:{current_user.id}"
    secret = session.get(DOOR_LINK)
    if secret:
        return "door-link:" + hashlib.sha256(str(secret).encode()).hexdigest()[:16]
    return f"door-ip:{request.remote_addr}"
