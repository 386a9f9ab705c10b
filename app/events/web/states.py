"""The plan page's state card: the steps complete, review and cancel (app/events/workflow.py
decides who may take which; submission and the decisions are the budget's approval panel)."""
from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.auth.access import roles_required
from app.core import clock
from app.core.errors import DomainError
from app.events import workflow
from app.events.plans import get_plan
from app.events.web.blueprint import bp
from app.events.web.common import VIEWERS
from app.events.web.state_forms import StepForm
from app.extensions import db
from app.invitations import changes as guest_changes

DONE = {
    workflow.Step.COMPLETE: _l("The plan is completed: its review can begin."),
    workflow.Step.REVIEW: _l("The plan is reviewed."),
    workflow.Step.CANCEL: _l("The plan is cancelled."),
}


@bp.app_context_processor
def _state_card():
    """For templates/events/_state_card.html: the state's explanation needs today's date."""
    return {"step_not_yet": lambda plan, step: workflow.not_yet(plan, step, clock.today()),
            "manual_steps": workflow.MANUAL_STEPS, "step_form": StepForm}


@bp.route(f"/plans/<int:plan_id>/steps/<any({', '.join(workflow.MANUAL_STEPS)}):step>", methods=["POST"])
@roles_required(*VIEWERS)
def plan_step(plan_id, step):
    plan = get_plan(plan_id) or abort(404)
    form = StepForm()
    if not form.validate_on_submit():
        for error in form.errors.get("comment", [_("The form has expired. Please try again.")]):
            flash(error, "danger")
        return redirect(url_for("events.plan", plan_id=plan.id) + "#state")
    try:
        workflow.take_on_plan_page(plan, step, current_user, clock.today(), form.comment.data)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "danger")
    else:
        db.session.commit()
        guest_changes.dispatch_noted()
        flash(DONE[step], "success")
    return redirect(url_for("events.plan", plan_id=plan.id) + "#state")
