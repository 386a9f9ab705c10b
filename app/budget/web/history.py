"""The budget's revision history: what each revision changed and who decided on it."""
from flask import render_template

from app.auth.access import roles_required
from app.budget.history import history as revision_history
from app.budget.labels import LABELS
from app.budget.web.blueprint import bp
from app.budget.web.common import PAGE, VIEWERS, plan_or_404


@bp.route(PAGE + "/history")
@roles_required(*VIEWERS)
def history(plan_id):
    plan = plan_or_404(plan_id)
    return render_template("budget/history.html", plan=plan, entries=revision_history(plan), **LABELS)
