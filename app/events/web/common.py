"""What the events' pages share: who may see and edit them, and the plan's 404, refusal
messages and field errors."""
from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _

from app.auth.models import Role
from app.events import plans as planning
from app.events import workflow
from app.events.plan_models import PlanState

VIEWERS = (Role.PLANNER, Role.MANAGER, Role.ADMIN)
EDITORS = (Role.PLANNER, Role.ADMIN)


def plan_or_404(plan_id):
    return planning.get_plan(plan_id) or abort(404)


def not_editable(plan):
    flash(_("A plan that is %(state)s cannot be edited.", state=workflow.STATE_NAMES[PlanState(plan.state)]),
          "warning")
    return redirect(url_for("events.plan", plan_id=plan.id))


def show_error(form, error):
    """A service's refusal next to its field, or as a message when no field of `form` shows it
    (the hidden version's "changed meanwhile", for one)."""
    if error.field in form and error.field != "version":
        form[error.field].errors.append(error.message)
    else:
        flash(error.message, "danger")
