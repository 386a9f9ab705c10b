"""The managers' approval queue, and the steps of the budget page's approval panel:
submit, withdraw, approve, reject. Each step commits once; its notices are written with
it, and their e-mails queued after the commit."""

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy.exc import IntegrityError

from app.auth.access import roles_required
from app.budget import approvals
from app.budget import services as budgets
from app.budget.labels import REVISION_STATE_LABELS
from app.budget.models import RevisionState
from app.budget.tasks import email_notices
from app.budget.web import changes
from app.budget.web.blueprint import bp
from app.budget.web.common import APPROVERS, SUBMITTERS, revision_or_404
from app.budget.web.forms import DecisionForm
from app.core import clock
from app.core.errors import DomainError
from app.events.plans import get_plan
from app.extensions import db


@bp.app_context_processor
def _approval_panel():
    """`approval_panel(plan, revision)` for templates/budget/_approval_panel.html."""
    return {
        "approval_panel": lambda plan, revision: approvals.panel(plan, revision, current_user, clock.today()),
        "decision_form": DecisionForm,
        "budget_fingerprint": approvals.fingerprint,
        "describe_changes": changes.describe,
        "revision_state_labels": REVISION_STATE_LABELS,
    }


@bp.route("/approvals", endpoint="approvals")
@roles_required(*APPROVERS)
def approvals_queue():
    return render_template("budget/approvals.html", queue=approvals.queue(current_user),
                           decided=approvals.recent_decisions(), budget_page=approvals.BUDGET_PAGE,
                           ratio_percent=budgets.ratio_percent)


def _panel_of(plan):
    return url_for(approvals.BUDGET_PAGE, plan_id=plan.id) + "#approval"


def _take(form, plan, step, success):
    """Runs `step` (which returns the revision), writes its notices, commits and mails
    them, and flashes `success(revision)`, or the refusal. Back to the approval panel."""
    if not form.validate_on_submit():
        for error in form.errors.get("comment", [_("The form has expired. Please try again.")]):
            flash(error, "danger")
        return redirect(_panel_of(plan))
    try:
        revision = step()
        notices = approvals.announce(revision, current_user)
        db.session.flush()
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "danger")
    except IntegrityError:  # another approver decided at the same level a moment ago
        db.session.rollback()
        flash(_("Someone else decided on this budget at the same moment: see their decision."), "warning")
    else:
        db.session.commit()
        email_notices(notices)
        flash(success(revision), "success")
    return redirect(_panel_of(plan))


@bp.route("/events/plans/<int:plan_id>/budget/submit", methods=["POST"])
@roles_required(*SUBMITTERS)
def submit_budget(plan_id):
    plan = get_plan(plan_id) or abort(404)
    return _take(FlaskForm(), plan, lambda: approvals.submit(plan, current_user, clock.today()),
                 lambda revision: _("Budget revision %(number)s was submitted for approval.", number=revision.number))


@bp.route("/events/plans/<int:plan_id>/budget/withdraw", methods=["POST"])
@roles_required(*SUBMITTERS)
def withdraw_budget(plan_id):
    plan = get_plan(plan_id) or abort(404)
    return _take(FlaskForm(), plan, lambda: approvals.withdraw(plan, current_user),
                 lambda revision: _("The budget was withdrawn from approval and can change again."))


def _approved(revision):
    if revision.state == RevisionState.APPROVED:
        return _("You approved the budget, and with it the plan.")
    return _("You gave the first approval; the budget now waits for an administrator's.")


@bp.route("/events/plans/<int:plan_id>/budget/revisions/<int:revision_id>/approve", methods=["POST"])
@roles_required(*APPROVERS)
def approve_budget(plan_id, revision_id):
    revision = revision_or_404(plan_id, revision_id)
    form = DecisionForm()
    return _take(form, revision.plan, lambda: approvals.approve(revision, current_user, form.comment.data,
                                                                      form.seen.data or None), _approved)


@bp.route("/events/plans/<int:plan_id>/budget/revisions/<int:revision_id>/reject", methods=["POST"])
@roles_required(*APPROVERS)
def reject_budget(plan_id, revision_id):
    revision = revision_or_404(plan_id, revision_id)
    form = DecisionForm()
    return _take(form, revision.plan, lambda: approvals.reject(revision, current_user, form.comment.data,
                                                                  form.seen.data or None),
                 lambda revision: _("You rejected the budget; the planner is told why."))
