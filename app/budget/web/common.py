"""What the budget's pages share: who may see and change a budget, loading a plan, a line or
a revision of the URL, and the way back to the budget page."""
from flask import abort, flash, redirect, url_for
from flask_babel import format_decimal

from app.auth.models import Role
from app.budget import services
from app.budget.models import BudgetLine, BudgetRevision
from app.budget.web.blueprint import bp
from app.events.plan_models import Plan
from app.extensions import db

VIEWERS = (Role.PLANNER, Role.MANAGER, Role.ADMIN)
EDITORS = (Role.PLANNER, Role.ADMIN)
APPROVERS = (Role.MANAGER, Role.ADMIN)
SUBMITTERS = (Role.PLANNER, Role.ADMIN)
PAGE = "/events/plans/<int:plan_id>/budget"


@bp.app_template_filter("contingency_ratio")
def contingency_ratio(check):
    """The check's ratio as "10.00%" (see services.ratio_percent), or "" without one."""
    percent = services.ratio_percent(check)
    return "" if percent is None else f"{format_decimal(percent, format='#,##0.00')}%"


def plan_or_404(plan_id):
    return db.session.get(Plan, plan_id) or abort(404)


def line_or_404(plan, line_id):
    """(current revision, its line `line_id`): older revisions' lines are history."""
    revision = services.current_revision(plan)
    line = db.session.get(BudgetLine, line_id)
    if revision is None or line is None or line.revision_id != revision.id:
        abort(404)
    return revision, line


def revision_or_404(plan_id, revision_id):
    """The plan's revision `revision_id`, any of them (a decision names the one it is about)."""
    revision = db.session.get(BudgetRevision, revision_id)
    if revision is None or revision.plan_id != plan_id:
        abort(404)
    return revision


def to_page(plan, anchor=None):
    return redirect(url_for("budget.plan_budget", plan_id=plan.id, _anchor=anchor))


def show_error(error, form=None):
    """A refusal next to its field when the form has one, else as a message."""
    if form is not None and error.field in form:
        form[error.field].errors.append(error.message)
    else:
        flash(error.message, "danger")
