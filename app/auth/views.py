from flask import (
    Blueprint,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from app.auth import services, throttle
from app.auth.access import public, roles_required, signed_in
from app.auth.forms import ROLE_LABELS, LanguageForm, LoginForm, PasswordForm, UserForm
from app.auth.models import Role, User
from app.auth.tasks import send_welcome_email
from app.core.errors import DomainError
from app.core.http import safe_next_url
from app.core.i18n import remember_language
from app.extensions import db, limiter

bp = Blueprint("auth", __name__)


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


@bp.route("/account", methods=["GET", "POST"])
@signed_in
def account():
    language_form = LanguageForm(prefix="lang", locale=current_user.locale or "")
    password_form = PasswordForm(prefix="pw")
    if language_form.submit.data and language_form.validate_on_submit():
        services.set_locale(current_user, language_form.locale.data)
        db.session.commit()
        flash(_("Your language is saved."), "success")
        return redirect(url_for("auth.account"))
    if password_form.submit.data and password_form.validate_on_submit():
        try:
            services.change_own_password(current_user, password_form.current_password.data, password_form.new_password.data)
        except DomainError as error:
            getattr(password_form, error.field or "new_password").errors.append(error.message)
        else:
            db.session.commit()
            login_user(current_user._get_current_object())  # the token rotated: stay signed in here
            flash(_("Your password is changed."), "success")
            return redirect(url_for("auth.account"))
    return render_template("auth/account.html", language_form=language_form, password_form=password_form)


@bp.route("/admin/users")
@roles_required(Role.ADMIN)
def users():
    return render_template("auth/users.html", users=services.list_users(), role_labels=ROLE_LABELS)


@bp.route("/admin/users/new", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def new_user():
    form = UserForm()
    form.password.flags.required = True
    if form.validate_on_submit():
        try:
            user = services.create_user(
                form.email.data, form.name.data, form.password.data or "", form.roles.data, form.locale.data
            )
        except DomainError as error:
            getattr(form, error.field or "email").errors.append(error.message)
        else:
            db.session.commit()
            send_welcome_email.delay(user.id)
            flash(_("User %(name)s created.", name=user.name), "success")
            return redirect(url_for("auth.users"))
    return render_template("auth/user_form.html", form=form, user=None)


@bp.route("/admin/users/<int:user_id>", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def edit_user(user_id):
    user = db.get_or_404(User, user_id)
    form = UserForm(obj=user, data={"roles": sorted(r.value for r in user.roles), "locale": user.locale or ""})
    del form.email  # the e-mail is the account's identity
    if form.validate_on_submit():
        try:
            services.update_user(
                user,
                acting_user=current_user,
                name=form.name.data,
                roles=form.roles.data,
                active=form.active.data,
                locale=form.locale.data,
            )
            if form.password.data:
                services.set_password(user, form.password.data)
        except DomainError as error:
            db.session.rollback()
            getattr(form, error.field or "name").errors.append(error.message)
        else:
            db.session.commit()
            flash(_("User %(name)s saved.", name=user.name), "success")
            return redirect(url_for("auth.users"))
    return render_template("auth/user_form.html", form=form, user=user)
