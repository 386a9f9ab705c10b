"""The budget page of a plan and its lines: start the budget, add, change, remove and move
lines, and set the contingency reserve."""
from flask import flash, render_template, request
from flask_babel import ngettext
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.access import roles_required
from app.budget import lines, services
from app.budget.actuals import closed_reason, spending, variance
from app.budget.chart import spend_chart
from app.budget.labels import LABELS
from app.budget.models import BudgetLine
from app.budget.web.blueprint import bp
from app.budget.web.common import EDITORS, PAGE, VIEWERS, line_or_404, plan_or_404, show_error, to_page
from app.budget.web.forms import LineForm
from app.core import clock
from app.core.errors import DomainError
from app.core.formatting import money
from app.core.versions import ChangedMeanwhile
from app.extensions import db


def _render_page(plan, form=None):
    summary = services.overview(plan)
    revision = summary.revision
    shown = revision.lines if revision else []
    return render_template(
        "budget/budget.html", plan=plan, revision=revision, check=summary.check,
        cost_per_guest=summary.cost_per_guest, lines=shown, form=form or LineForm(),
        refused=services.editing_refused(plan, revision), actuals_closed=closed_reason(plan, revision, clock.today()),
        spending=spending(shown), variance=variance, chart=spend_chart(shown), **LABELS,
    )


@bp.route(PAGE)
@roles_required(*VIEWERS)
def plan_budget(plan_id):
    return _render_page(plan_or_404(plan_id))


@bp.route(PAGE + "/start", methods=["POST"])
@roles_required(*EDITORS)
def start(plan_id):
    plan = plan_or_404(plan_id)
    try:
        revision = services.start_budget(plan, current_user)
    except DomainError as error:
        db.session.rollback()
        show_error(error)
    else:
        db.session.commit()
        flash(ngettext("The budget was started with %(num)d line from the event type.",
                       "The budget was started with %(num)d lines from the event type.", len(revision.lines)), "success")
    return to_page(plan)


@bp.route(PAGE + "/lines", methods=["POST"])
@roles_required(*EDITORS)
def add_line(plan_id):
    plan = plan_or_404(plan_id)
    form = LineForm()
    if form.validate_on_submit():
        try:
            line = lines.add_line(plan, current_user, form.values())
        except DomainError as error:
            db.session.rollback()
            show_error(error, form)
        else:
            db.session.commit()
            flash(_("Line “%(line)s” added.", line=line.description), "success")
            return to_page(plan, f"line-{line.id}")
    return _render_page(plan, form)


@bp.route(PAGE + "/lines/<int:line_id>", methods=["GET", "POST"])
@roles_required(*EDITORS)
def edit_line(plan_id, line_id):
    plan = plan_or_404(plan_id)
    moved_on = _moved_on(plan, line_id) if request.method == "POST" else None
    revision, line = (services.current_revision(plan), moved_on) if moved_on else line_or_404(plan, line_id)
    refused = services.editing_refused(plan, revision)
    if refused:
        flash(refused, "warning")
        return to_page(plan, f"line-{line.id}")
    form = LineForm(obj=line)
    form.submit.label.text = _("Save line")
    conflict = False
    if moved_on is not None and form.validate_on_submit():
        # Someone's change started the next revision while this form was open.
        form.version.data, conflict = line.version, True
        flash(ChangedMeanwhile().message, "danger")
    elif form.validate_on_submit():
        try:
            changed = lines.update_line(plan, current_user, line, form.values(), form.version.data)
        except DomainError as error:
            db.session.rollback()
            conflict = error.field == "version"
            if conflict:
                form.version.data = line.version  # saving again (after comparing) applies the entries
            show_error(error, None if conflict else form)
        else:
            db.session.commit()
            flash(_("Line “%(line)s” saved.", line=changed.description), "success")
            return to_page(plan, f"line-{changed.id}")
    return render_template("budget/line_form.html", plan=plan, revision=revision, line=line, form=form,
                           conflict=conflict, **LABELS)


def _moved_on(plan, line_id):
    """The current revision's copy of `line_id` when that line is an older revision's, else None."""
    line = db.session.get(BudgetLine, line_id)
    return lines.counterpart(plan, line) if line is not None else None


@bp.route(PAGE + "/lines/<int:line_id>/delete", methods=["POST"])
@roles_required(*EDITORS)
def delete_line(plan_id, line_id):
    plan = plan_or_404(plan_id)
    _revision, line = line_or_404(plan, line_id)
    description = line.description
    try:
        lines.remove_line(plan, current_user, line)
    except DomainError as error:
        db.session.rollback()
        show_error(error)
    else:
        db.session.commit()
        flash(_("Line “%(line)s” removed.", line=description), "success")
    return to_page(plan, "lines")


@bp.route(PAGE + "/lines/<int:line_id>/move", methods=["POST"])
@roles_required(*EDITORS)
def move_line(plan_id, line_id):
    plan = plan_or_404(plan_id)
    _revision, line = line_or_404(plan, line_id)
    try:
        line = lines.move_line(plan, current_user, line, request.form.get("direction", ""))
    except DomainError as error:
        db.session.rollback()
        show_error(error)
        return to_page(plan, "lines")
    db.session.commit()
    return to_page(plan, f"line-{line.id}")


@bp.route(PAGE + "/contingency", methods=["POST"])
@roles_required(*EDITORS)
def set_contingency(plan_id):
    plan = plan_or_404(plan_id)
    try:
        reserve = lines.set_contingency(plan, current_user)
    except DomainError as error:
        db.session.rollback()
        show_error(error)
    else:
        db.session.commit()
        flash(_("The contingency reserve is now %(amount)s, 10%% of the other lines.", amount=money(reserve.amount)),
              "success")
    return to_page(plan, "summary")
