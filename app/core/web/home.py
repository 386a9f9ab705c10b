"""The home page: what each of the user's roles does, with its icon."""
from flask import render_template
from flask_login import current_user

from app.auth.access import signed_in
from app.auth.labels import ROLE_DUTIES
from app.auth.models import Role
from app.checkin.access import doors_for
from app.core import clock
from app.core.web.blueprint import bp

ROLE_ICONS = {Role.ADMIN: "gear", Role.PLANNER: "journal-text", Role.MANAGER: "check2-square", Role.STAFF: "qr-code-scan"}


@bp.route("/")
@signed_in
def home():
    return render_template(
        "core/home.html", today=clock.today(), role_duties=ROLE_DUTIES, role_icons=ROLE_ICONS,
        doors=doors_for(current_user),
    )
