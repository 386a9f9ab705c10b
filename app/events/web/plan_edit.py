"""The edit page of a plan: its facts and the texts of the template's steps (DOMAIN.md section 1).
A draft or rejected plan is edited freely; editing an approved plan sends it back to draft, so
the change is approved again; a submitted plan waits for its decision."""
from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from app.auth.access import roles_required
from app.core.errors import DomainError
from app.customers.queries import filter_choices
from app.events import plans as planning
from app.events.labels import CHANNEL_LABELS, PLAN_LABELS
from app.events.plan_models import PlanState
from app.events.web.blueprint import bp
from app.events.web.common import EDITORS, not_editable, plan_or_404, show_error
from app.events.web.plan_forms import PlanEditForm
from app.extensions import db
from app.invitations import changes as guest_changes


def _choices(known, chosen):
    """The customers' values, plus the plan's own even if no customer has them any more."""
    return [SelectChoice(value, value) for value in sorted(set(known) | set(chosen))]


@bp.route("/plans/<int:plan_id>/edit", methods=["GET", "POST"])
@roles_required(*EDITORS)
def edit_plan(plan_id):
    plan = plan_or_404(plan_id)
    if not planning.is_editable(plan):
        return not_editable(plan)
    form = PlanEditForm(obj=plan)
    known = filter_choices()
    form.target_industries.choices = _choices(known["industries"], plan.target_industries)
    form.target_tags.choices = _choices(known["tags"], plan.target_tags)
    if form.validate_on_submit():
        was_approved = plan.state == PlanState.APPROVED
        try:
            changed = planning.update_plan(plan, current_user, form.version.data,
                                           **{field: form[field].data for field in planning.EDITABLE_FIELDS})
        except DomainError as error:
            db.session.rollback()
            show_error(form, error)
            form.version.data = plan.version  # saving again (after comparing) applies the entries
        else:
            db.session.commit()
            guest_changes.dispatch_noted()
            if not changed:
                flash(_("Nothing was changed."), "info")
            elif was_approved:
                flash(_("The plan is saved and back to draft: submit it again for approval."), "warning")
            else:
                flash(_("The plan is saved."), "success")
            return redirect(url_for("events.plan", plan_id=plan.id))
    hints = [(tier, [CHANNEL_LABELS[channel] for channel in channels], why)
             for tier, channels, why in planning.channel_hints(plan.tiers)]
    return render_template("events/plan_edit.html", form=form, plan=plan, hints=hints, **PLAN_LABELS)
