"""Administrators' pages for API tokens: list, create (the secret is shown once),
revoke."""
from flask import flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from app.auth import api_tokens
from app.auth.access import roles_required
from app.auth.models import ApiToken, Role
from app.auth.services import list_users
from app.auth.web.blueprint import tokens_bp as bp  # app/__init__.py registers it as this module's `bp`
from app.auth.web.forms import TokenForm
from app.core.errors import DomainError
from app.extensions import db


@bp.route("")
@roles_required(Role.ADMIN)
def index():
    return render_template("auth/api_tokens.html", tokens=api_tokens.list_tokens())


@bp.route("/new", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def new():
    form = TokenForm()
    people = {user.id: user for user in list_users() if user.active}
    form.acts_for.choices = [SelectChoice("", _("Nobody (a system)"))] + [
        SelectChoice(user.id, f"{user.name} <{user.email}>") for user in people.values()
    ]
    if form.validate_on_submit():
        if form.acts_for.data is not None and form.acts_for.data not in people:
            form.acts_for.errors.append(_("Choose an active user for the token to act for."))
            return render_template("auth/api_token_new.html", form=form)
        try:
            token, secret = api_tokens.create_token(form.name.data, current_user, people.get(form.acts_for.data))
        except DomainError as error:
            form[error.field or "name"].errors.append(error.message)
        else:
            db.session.commit()
            # Rendered here, not after a redirect: the secret must not travel
            # through the session cookie, and is never shown again.
            response = make_response(render_template("auth/api_token_new.html", form=None, token=token, secret=secret))
            response.headers["Cache-Control"] = "no-store"
            return response
    return render_template("auth/api_token_new.html", form=form)


@bp.route("/<int:token_id>/revoke", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def revoke(token_id):
    token = db.get_or_404(ApiToken, token_id)
    if request.method == "GET":
        return render_template("auth/api_token_revoke.html", token=token)
    try:
        api_tokens.revoke_token(token, current_user)
    except DomainError as error:
        flash(error.message, "warning")
    else:
        db.session.commit()
        flash(_("The token %(name)s is revoked; calls with it are refused from now on.", name=token.name), "success")
    return redirect(url_for("api_tokens.index"))
