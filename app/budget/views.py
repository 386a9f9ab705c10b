"""The budget pages of a plan: the lines with the contingency check, actual spend after
the event, the revision history and the XLSX export."""
from io import BytesIO

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import format_decimal, ngettext
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.access import roles_required
from app.auth.models import Role
from app.budget import lines, services
from app.budget.actuals import closed_reason, record_actuals, spending, variance
from app.budget.chart import spend_chart
from app.budget.forms import ActualsForm, LineForm
from app.budget.history import history as revision_history
from app.budget.labels import CATEGORY_LABELS, REVISION_STATE_LABELS
from app.budget.models import BudgetLine
from app.budget.xlsx import budget_workbook
from app.core import clock
from app.core.errors import DomainError
from app.core.versions import ChangedMeanwhile
from app.core.formatting import money
from app.events.plan_models import Plan
from app.extensions import db

bp = Blueprint("budget", __name__)

VIEWERS = (Role.PLANNER, Role.MANAGER, Role.ADMIN)
EDITORS = (Role.PLANNER, Role.ADMIN)
PAGE = "/events/plans/<int:plan_id>/budget"
LABELS = {"category_labels": CATEGORY_LABELS, "revision_state_labels": REVISION_STATE_LABELS}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.app_template_filter("contingency_ratio")
def contingency_ratio(check):
    """The check's ratio as "10.00%" (see services.ratio_percent), or "" without one."""
    percent = services.ratio_percent(check)
    return "" if percent is None else f"{format_decimal(percent, format='#,##0.00')}%"


def _plan_or_404(plan_id):
    return db.session.get(Plan, plan_id) or abort(404)


def _line_or_404(plan, line_id):
    """(current revision, its line `line_id`): older revisions' lines are history."""
    revision = services.current_revision(plan)
    line = db.session.get(BudgetLine, line_id)
    if revision is None or line is None or line.revision_id != revision.id:
        abort(404)
    return revision, line


def _to_page(plan, anchor=None):
    return redirect(url_for("budget.plan_budget", plan_id=plan.id, _anchor=anchor))


def _show_error(error, form=None):
    """A refusal next to its field when the form has one, else as a message."""
    if form is not None and error.field in form:
        form[error.field].errors.append(error.message)
    else:
        flash(error.message, "danger")


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
    return _render_page(_plan_or_404(plan_id))


@bp.route(PAGE + "/start", methods=["POST"])
@roles_required(*EDITORS)
def start(plan_id):
    plan = _plan_or_404(plan_id)
    try:
        revision = services.start_budget(plan, current_user)
    except DomainError as error:
        db.session.rollback()
        _show_error(error)
    else:
        db.session.commit()
        flash(ngettext("The budget was started with %(num)d line from the event type.",
                       "The budget was started with %(num)d lines from the event type.", len(revision.lines)), "success")
    return _to_page(plan)


@bp.route(PAGE + "/lines", methods=["POST"])
@roles_required(*EDITORS)
def add_line(plan_id):
    plan = _plan_or_404(plan_id)
    form = LineForm()
    if form.validate_on_submit():
        try:
            line = lines.add_line(plan, current_user, form.values())
        except DomainError as error:
            db.session.rollback()
            _show_error(error, form)
        else:
            db.session.commit()
            flash(_("Line “%(line)s” added.", line=line.description), "success")
            return _to_page(plan, f"line-{line.id}")
    return _render_page(plan, form)


@bp.route(PAGE + "/lines/<int:line_id>", methods=["GET", "POST"])
@roles_required(*EDITORS)
def edit_line(plan_id, line_id):
    plan = _plan_or_404(plan_id)
    moved_on = _moved_on(plan, line_id) if request.method == "POST" else None
    revision, line = (services.current_revision(plan), moved_on) if moved_on else _line_or_404(plan, line_id)
    refused = services.editing_refused(plan, revision)
    if refused:
        flash(refused, "warning")
        return _to_page(plan, f"line-{line.id}")
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
            _show_error(error, None if conflict else form)
        else:
            db.session.commit()
            flash(_("Line “%(line)s” saved.", line=changed.description), "success")
            return _to_page(plan, f"line-{changed.id}")
    return render_template("budget/line_form.html", plan=plan, revision=revision, line=line, form=form,
                           conflict=conflict, **LABELS)


def _moved_on(plan, line_id):
    """The current revision's copy of `line_id` when that line is an older revision's, else None."""
    line = db.session.get(BudgetLine, line_id)
    return lines.counterpart(plan, line) if line is not None else None


@bp.route(PAGE + "/lines/<int:line_id>/delete", methods=["POST"])
@roles_required(*EDITORS)
def delete_line(plan_id, line_id):
    plan = _plan_or_404(plan_id)
    _revision, line = _line_or_404(plan, line_id)
    description = line.description
    try:
        lines.remove_line(plan, current_user, line)
    except DomainError as error:
        db.session.rollback()
        _show_error(error)
    else:
        db.session.commit()
        flash(_("Line “%(line)s” removed.", line=description), "success")
    return _to_page(plan, "lines")


@bp.route(PAGE + "/lines/<int:line_id>/move", methods=["POST"])
@roles_required(*EDITORS)
def move_line(plan_id, line_id):
    plan = _plan_or_404(plan_id)
    _revision, line = _line_or_404(plan, line_id)
    try:
        line = lines.move_line(plan, current_user, line, request.form.get("direction", ""))
    except DomainError as error:
        db.session.rollback()
        _show_error(error)
        return _to_page(plan, "lines")
    db.session.commit()
    return _to_page(plan, f"line-{line.id}")


@bp.route(PAGE + "/contingency", methods=["POST"])
@roles_required(*EDITORS)
def set_contingency(plan_id):
    plan = _plan_or_404(plan_id)
    try:
        reserve = lines.set_contingency(plan, current_user)
    except DomainError as error:
        db.session.rollback()
        _show_error(error)
    else:
        db.session.commit()
        flash(_("The contingency reserve is now %(amount)s, 10%% of the other lines.", amount=money(reserve.amount)),
              "success")
    return _to_page(plan, "summary")


@bp.route(PAGE + "/actuals", methods=["GET", "POST"])
@roles_required(*EDITORS)
def actuals(plan_id):
    """After the event: one form for the actual spend and receipt of every line."""
    plan = _plan_or_404(plan_id)
    revision = services.current_revision(plan)
    closed = closed_reason(plan, revision, clock.today())
    if closed and request.method == "POST":
        flash(closed, "warning")
        return _to_page(plan)
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
                _show_error(error)
            else:
                db.session.commit()
                flash(ngettext("Actual spend saved: %(num)d line changed.", "Actual spend saved: %(num)d lines changed.",
                               count), "success")
                return _to_page(plan, "lines")
    return render_template(
        "budget/actuals.html", plan=plan, revision=revision, form=form, closed=closed,
        lines_by_id={line.id: line for line in revision.lines} if revision else {}, variance=variance, **LABELS,
    )


@bp.route(PAGE + "/history")
@roles_required(*VIEWERS)
def history(plan_id):
    plan = _plan_or_404(plan_id)
    return render_template("budget/history.html", plan=plan, entries=revision_history(plan), **LABELS)


@bp.route(PAGE + "/budget.xlsx")
@roles_required(*VIEWERS)
def export_xlsx(plan_id):
    plan = _plan_or_404(plan_id)
    summary = services.overview(plan)
    if summary.revision is None:
        flash(_("The budget has not been started yet."), "warning")
        return _to_page(plan)
    content = budget_workbook(plan, summary.revision, summary.check)
    return send_file(BytesIO(content), mimetype=XLSX, as_attachment=True,
                     download_name=f"budget-{plan.id}-r{summary.revision.number}.xlsx")


from app.budget import approval_views  # noqa: E402,F401  (adds the approval steps to `bp`)
