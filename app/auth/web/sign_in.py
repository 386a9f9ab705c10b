"""Signing in and out."""
from flask import current_app, flash, make_response, redirect, render_template, request, url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from app.auth import services, throttle
from app.auth.access import public, signed_in
from app.auth.web.blueprint import bp
from app.auth.web.forms import LoginForm
from app.core.http import safe_next_url
from app.core.i18n import remember_language
from app.extensions import db, limiter


def _login_limit():
    return current_app.config["LOGIN_RATE_LIMIT"]


@bp.route("/login", methods=["GET", "POST"])
@public
@limiter.limit(_login_limit, methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("core.home"))
    form = LoginForm()
    if form.validate_on_submit():
        email, address = form.email.data, request.remote_addr
        wait = throttle.wait_seconds(email, address)
        if wait:  # the password is not even checked while the account waits
            return _throttled(form, wait)
        user = services.authenticate(email, form.password.data)
        if user is None:
            throttle.record_failure(email, address)
            form.password.errors.append(_("Wrong e-mail or password, or the account is inactive."))
        else:
            throttle.record_success(email, address)
            services.adopt_locale(user, str(get_locale()))
            db.session.commit()
            login_user(user, remember=form.remember.data)
            response = redirect(safe_next_url(request.args.get("next")) or url_for("core.home"))
            if user.locale:  # the sign-in page after sign-out keeps the user's language
                remember_language(response, user.locale)
            return response
    return render_template("auth/login.html", form=form)


def _throttled(form, wait):
    form.password.errors.append(ngettext(
        "Too many failed sign-ins to this account: please wait %(num)d second and try again.",
        "Too many failed sign-ins to this account: please wait %(num)d seconds and try again.", wait))
    response = make_response(render_template("auth/login.html", form=form), 429)
    response.headers["Retry-After"] = str(wait)
    return response


@bp.route("/logout", methods=["POST"])
@signed_in
def logout():
    # A copied session or remember-me cookie must not outlive the sign-out.
    services.end_sessions(current_user)
    db.session.commit()
    logout_user()
    flash(_("You are signed out."), "info")
    return redirect(url_for("auth.login"))
