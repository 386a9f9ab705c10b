"""A user's own account: language and password."""
from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user

from app.auth import services
from app.auth.access import signed_in
from app.auth.web.blueprint import bp
from app.auth.web.forms import LanguageForm, PasswordForm
from app.core.errors import DomainError
from app.extensions import db


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
