"""Choosing the interface language."""
from flask import current_app, redirect, request, url_for
from flask_login import current_user

from app.auth import services as auth_services
from app.auth.access import public
from app.core.http import safe_next_url
from app.core.i18n import remember_language
from app.core.web.blueprint import bp
from app.extensions import db


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
