"""The plan's project team and each user's "my tasks" page."""

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.access import roles_required, signed_in
from app.auth.models import User
from app.core import clock
from app.core.errors import DomainError
from app.events import roles
from app.events.labels import PLAN_LABELS
from app.events.plan_models import Plan, RoleAssignment
from app.events.web.blueprint import bp
from app.events.web.common import EDITORS
from app.events.web.role_forms import AssignRoleForm
from app.extensions import db


def _team_redirect(plan_id):
    return redirect(url_for("events.plan", plan_id=plan_id) + "#roles")


@bp.route("/plans/<int:plan_id>/roles", methods=["POST"])
@roles_required(*EDITORS)
def add_role(plan_id):
    plan = db.session.get(Plan, plan_id) or abort(404)
    form = AssignRoleForm()
    if not form.validate_on_submit():
        flash(_("Choose a role and a person."), "danger")
        return _team_redirect(plan.id)
    try:
        assignment = roles.assign(plan, form.role.data, db.session.get(User, form.user_id.data), current_user)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "danger")
    else:
        db.session.commit()
        flash(_("%(name)s joined the team.", name=assignment.user.name), "success")
    return _team_redirect(plan.id)


@bp.route("/plans/<int:plan_id>/roles/<int:assignment_id>/remove", methods=["POST"])
@roles_required(*EDITORS)
def remove_role(plan_id, assignment_id):
    assignment = db.session.get(RoleAssignment, assignment_id)
    if assignment is None or assignment.plan_id != plan_id:
        abort(404)
    name = assignment.user.name
    roles.unassign(assignment, current_user)
    db.session.commit()
    flash(_("%(name)s left the role.", name=name), "success")
    return _team_redirect(plan_id)


@bp.route("/my-tasks")
@signed_in
def my_tasks():
    return render_template("events/my_tasks.html", rows=roles.my_tasks(current_user, clock.today()),
                           recent_days=roles.RECENTLY_DONE_DAYS, **PLAN_LABELS)
