"""Copying a past plan into a new one, as planners reuse last year's event."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.access import roles_required
from app.core.errors import DomainError
from app.events import plans as planning
from app.events.labels import PLAN_LABELS
from app.events.web.blueprint import bp
from app.events.web.common import EDITORS, plan_or_404
from app.events.web.copy_forms import CopyPlanForm, copy_title, next_year
from app.extensions import db


@bp.route("/plans/<int:plan_id>/copy", methods=["GET", "POST"])
@roles_required(*EDITORS)
def copy_plan(plan_id):
    source = plan_or_404(plan_id)
    form = CopyPlanForm()
    if request.method == "GET":
        form.title.data = copy_title(source.title)
        form.event_day.data = next_year(source.event_day)
        form.keep_team.data = True
    if form.validate_on_submit():
        try:
            plan = planning.copy_plan(source, form.event_day.data, form.title.data, current_user,
                                      keep_team=form.keep_team.data)
        except DomainError as error:
            db.session.rollback()
            if error.field in form:
                form[error.field].errors.append(error.message)
            else:
                flash(error.message, "danger")
        else:
            db.session.commit()
            flash(_("Plan “%(title)s” created from “%(source)s” with %(count)s open tasks.",
                    title=plan.title, source=source.title, count=len(plan.tasks)), "success")
            return redirect(url_for("events.plan", plan_id=plan.id))
    return render_template("events/plan_copy.html", form=form, source=source, **PLAN_LABELS)
