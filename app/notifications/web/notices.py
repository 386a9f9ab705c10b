"""The user's notices: the bell's unread count on every page, and the list, which marks
them read as it shows them."""
from flask import render_template
from flask_login import current_user

from app.auth.access import signed_in
from app.extensions import db
from app.notifications import services
from app.notifications.web.blueprint import bp


@bp.app_context_processor
def _bell():
    """`unread_notices()` for the bell in base.html: counted only when a page asks."""
    return {"unread_notices": lambda: services.unread_count(current_user)}


@bp.route("")
@signed_in
def index():
    notices = services.recent(current_user)
    unread_ids = {notice.id for notice in notices if notice.read_at is None}
    services.mark_read(current_user)
    db.session.commit()
    return render_template("notifications/index.html", notices=notices, unread_ids=unread_ids, message=services.message)
