"""The planner's door setup for one plan: who is on the door (team and helper links), new helper
links shown once as a setup QR code, revoking them, and the door's settings."""
import base64

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.auth.access import roles_required
from app.auth.models import User
from app.checkin import links, services
from app.checkin.models import CheckinSettings, HelperLink
from app.checkin.web.blueprint import bp
from app.checkin.web.common import plan_or_404
from app.checkin.web.forms import DoorSettingsForm, HelperLinkForm, RevokeForm
from app.core import clock
from app.core.errors import DomainError
from app.events.models import OwnerRole
from app.events.plan_models import RoleAssignment
from app.extensions import db
from app.invitations.qr import qr_png

EDITORS = ("planner", "admin")


def _door_staff(plan):
    return db.session.scalars(
        select(User).join(RoleAssignment, RoleAssignment.user_id == User.id)
        .where(RoleAssignment.plan_id == plan.id, RoleAssignment.role == OwnerRole.DOOR_STAFF)
        .order_by(User.name, User.id)
    ).all()


def _page(plan, link_form=None, new_link=None, status=200):
    settings = db.session.get(CheckinSettings, plan.id)
    settings_form = DoorSettingsForm(admit_not_attending=bool(settings and settings.admit_not_attending))
    setup = None
    if new_link is not None:
        link, secret = new_link
        url = url_for("checkin.open_link", token=secret, _external=True)
        setup = {"link": link, "url": url,
                 "qr": "data:image/png;base64," + base64.b64encode(qr_png(url, 6)).decode()}
    return render_template(
        "checkin/setup.html", plan=plan, links=links.links_for(plan), door_staff=_door_staff(plan),
        link_form=link_form or HelperLinkForm(), settings_form=settings_form, revoke_form=RevokeForm(),
        setup=setup, now=clock.stamp(), tally=services.tally(plan.id),
    ), status


@bp.route("/events/plans/<int:plan_id>/door")
@roles_required(*EDITORS)
def door_setup(plan_id):
    return _page(plan_or_404(plan_id))


@bp.route("/events/plans/<int:plan_id>/door/links", methods=["POST"])
@roles_required(*EDITORS)
def create_link(plan_id):
    """The secret is shown once, in this answer (no redirect: it is not stored)."""
    plan = plan_or_404(plan_id)
    form = HelperLinkForm()
    if not form.validate_on_submit():
        return _page(plan, link_form=form, status=422)
    try:
        link, secret = links.create_link(plan, current_user, form.label.data, form.entrance.data)
    except DomainError as error:
        db.session.rollback()
        form.label.errors.append(str(error.message))
        return _page(plan, link_form=form, status=422)
    db.session.commit()
    return _page(plan, link_form=HelperLinkForm(formdata=None), new_link=(link, secret))  # empty for the next one


@bp.route("/events/plans/<int:plan_id>/door/links/<int:link_id>/revoke", methods=["POST"])
@roles_required(*EDITORS)
def revoke_link(plan_id, link_id):
    plan = plan_or_404(plan_id)
    link = db.session.get(HelperLink, link_id)
    if link is None or link.plan_id != plan.id:
        abort(404)
    if RevokeForm().validate_on_submit() and links.revoke_link(plan, link, current_user):
        db.session.commit()
        flash(_("The helper link of %(label)s no longer works.", label=link.label), "success")
    return redirect(url_for("checkin.door_setup", plan_id=plan.id))


@bp.route("/events/plans/<int:plan_id>/door/settings", methods=["POST"])
@roles_required(*EDITORS)
def door_settings(plan_id):
    plan = plan_or_404(plan_id)
    form = DoorSettingsForm()
    if form.validate_on_submit():
        services.set_admit_not_attending(plan, form.admit_not_attending.data, current_user)
        db.session.commit()
        flash(_("Door settings saved."), "success")
    return redirect(url_for("checkin.door_setup", plan_id=plan.id))
