"""A plan's goals: add, change and remove them (the goals card of the plan page links here)."""
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.access import roles_required
from app.core.errors import DomainError
from app.events import goals
from app.events import plans as planning
from app.events.labels import PLAN_LABELS
from app.events.plan_models import PlanGoal
from app.events.web.blueprint import bp
from app.events.web.common import EDITORS, not_editable, plan_or_404, show_error
from app.events.web.goal_forms import GoalForm
from app.extensions import db


def _goals_redirect(plan):
    return redirect(url_for("events.plan", plan_id=plan.id) + "#goals")


def _goal_or_404(plan, goal_id):
    goal = db.session.get(PlanGoal, goal_id)
    if goal is None or goal.plan_id != plan.id:
        abort(404)
    return goal


def _goal_page(plan, goal, save):
    """The goal form: GET shows it, POST saves through `save(values, seen version)` and goes back to the plan."""
    if not planning.is_editable(plan):
        return not_editable(plan)
    form = GoalForm(obj=goal)
    if form.validate_on_submit():
        try:
            save(form.values(), form.version.data)
        except DomainError as error:
            db.session.rollback()
            show_error(form, error)
            if goal is not None:
                form.version.data = goal.version  # saving again (after comparing) applies the entries
        else:
            db.session.commit()
            flash(_("The goal is saved."), "success")
            return _goals_redirect(plan)
    return render_template("events/goal_form.html", form=form, plan=plan, goal=goal, **PLAN_LABELS)


@bp.route("/plans/<int:plan_id>/goals", methods=["GET", "POST"])
@roles_required(*EDITORS)
def new_goal(plan_id):
    plan = plan_or_404(plan_id)
    return _goal_page(plan, None, lambda values, _version: goals.add_goal(plan, current_user, **values))


@bp.route("/plans/<int:plan_id>/goals/<int:goal_id>", methods=["GET", "POST"])
@roles_required(*EDITORS)
def edit_goal(plan_id, goal_id):
    plan = plan_or_404(plan_id)
    goal = _goal_or_404(plan, goal_id)
    return _goal_page(plan, goal, lambda values, version: goals.update_goal(plan, goal, current_user, **values,
                                                                                 seen_version=version))


@bp.route("/plans/<int:plan_id>/goals/<int:goal_id>/remove", methods=["POST"])
@roles_required(*EDITORS)
def remove_goal(plan_id, goal_id):
    plan = plan_or_404(plan_id)
    goal = _goal_or_404(plan, goal_id)
    try:
        goals.remove_goal(plan, goal, current_user)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "danger")
    else:
        db.session.commit()
        flash(_("The goal is removed."), "success")
    return _goals_redirect(plan)
