"""The administrators' pages for user accounts: list, create, change."""
from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth import services
from app.auth.access import roles_required
from app.auth.labels import LABELS
from app.auth.models import Role, User
from app.auth.tasks import send_welcome_email
from app.auth.web.blueprint import bp
from app.auth.web.forms import UserForm
from app.core.errors import DomainError
from app.extensions import db


@bp.route("/admin/users")
@roles_required(Role.ADMIN)
def users():
    return render_template("auth/users.html", users=services.list_users(), **LABELS)


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
