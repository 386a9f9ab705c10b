"""The actual spend of a budget, entered after the event."""
from flask import flash, render_template, request
from flask_babel import ngettext
from flask_login import current_user

from app.auth.access import roles_required
from app.budget import services
from app.budget.actuals import closed_reason, record_actuals, variance
from app.budget.labels import LABELS
from app.budget.web.blueprint import bp
from app.budget.web.common import EDITORS, PAGE, plan_or_404, show_error, to_page
from app.budget.web.forms import ActualsForm
from app.core import clock
from app.core.errors import DomainError
from app.extensions import db


@bp.route(PAGE + "/actuals", methods=["GET", "POST"])
@roles_required(*EDITORS)
def actuals(plan_id):
    """After the event: one form for the actual spend and receipt of every line."""
    plan = plan_or_404(plan_id)
    revision = services.current_revision(plan)
    closed = closed_reason(plan, revision, clock.today())
    if closed and request.method == "POST":
        flash(closed, "warning")
        return to_page(plan)
    form = None
    if not closed:
        form = ActualsForm(data={"lines": [
            {"line_id": line.id, "actual": line.actual_amount, "receipt_note": line.receipt_note}
            for line in revision.lines
        ]})
        if form.validate_on_submit():
            try:
                count = record_actuals(plan, current_user, revision, form.entries(), clock.today())
            except DomainError as error:
                db.session.rollback()
                show_error(error)
            else:
                db.session.commit()
                flash(ngettext("Actual spend saved: %(num)d line changed.", "Actual spend saved: %(num)d lines changed.",
                               count), "success")
                return to_page(plan, "lines")
    return render_template(
        "budget/actuals.html", plan=plan, revision=revision, form=form, closed=closed,
        lines_by_id={line.id: line for line in revision.lines} if revision else {}, variance=variance, **LABELS,
    )
