
from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import text

from app.auth import services as auth_services
from app.auth.access import public, signed_in
from app.auth.models import Role
from app.core import clock
from app.core.http import safe_next_url
from app.core.i18n import remember_language
from app.extensions import db

bp = Blueprint("core", __name__)

ROLE_DUTIES = {
    Role.ADMIN: _l("Manage user accounts and roles, event types and tier rules."),
    Role.PLANNER: _l("Draft event plans from the template: target tiers, timeline, roles, budget and guest list."),
    Role.MANAGER: _l("Approve or reject event budgets and read the review reports."),
    Role.STAFF: _l("Check guests in at the door by scanning their QR codes and register walk-ins."),
}
ROLE_ICONS = {Role.ADMIN: "gear", Role.PLANNER: "journal-text", Role.MANAGER: "check2-square", Role.STAFF: "qr-code-scan"}


@bp.route("/")
@signed_in
def home():
    return render_template(
        "core/home.html", today=clock.today(), role_duties=ROLE_DUTIES, role_icons=ROLE_ICONS
    )


@bp.route("/language/<code>", methods=["POST"])
@public
def set_language(code):
    """Remember the chosen language in a cookie, and on the account when signed in."""
    back = safe_next_url(request.form.get("next")) or url_for("core.home")
    if code not in current_app.config["LANGUAGES"]:
        return redirect(back)
    if current_user.is_authenticated:
        auth_services.set_locale(current_user, code)
        db.session.commit()
    return remember_language(redirect(back), code)


@bp.route("/healthz")
@public
def health():
    db.session.execute(text("SELECT 1"))
    return {"status": "ok"}
