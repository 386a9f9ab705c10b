"""Event plans: the list, the new-plan form, the plan page with its timeline."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from app.auth.access import roles_required, signed_in
from app.budget import services as budgets
from app.core import clock
from app.core.errors import DomainError
from app.events import activity, checklist, roles, services, workflow
from app.events import plans as planning
from app.events.gantt import gantt_chart
from app.events.labels import PLAN_LABELS
from app.events.plan_models import PlanState, PlanTask
from app.events.web.blueprint import bp
from app.events.web.common import EDITORS, VIEWERS, plan_or_404
from app.events.web.plan_forms import MoveEventForm, PlanForm, TaskStatusForm
from app.events.web.role_forms import AssignRoleForm
from app.extensions import db
from app.invitations import changes as guest_changes


@bp.route("/plans")
@roles_required(*VIEWERS)
def plans():
    return render_template("events/plans.html", rows=planning.list_plans(), **PLAN_LABELS)


@bp.route("/plans/new", methods=["GET", "POST"])
@roles_required(*EDITORS)
def new_plan():
    event_types = {t.code: t for t in services.list_types(include_inactive=False)}
    form = PlanForm()
    form.event_type.choices = [SelectChoice("", _("Choose an event type"))] + [
        SelectChoice(code, t.name) for code, t in event_types.items()
    ]
    chosen = event_types.get(request.args.get("type", ""))
    if request.method == "GET" and chosen:
        form.event_type.data = chosen.code
        form.tiers.data = list(chosen.tiers)
    if form.validate_on_submit():
        try:
            plan = planning.create_plan(
                event_types.get(form.event_type.data), form.title.data, form.event_day.data,
                form.start_time.data, form.tiers.data, form.expected_guests.data, form.capacity.data,
                form.venue.data, form.online.data, form.content.data, current_user,
                address=form.address.data, dress_code=form.dress_code.data,
            )
        except DomainError as error:
            db.session.rollback()
            form[error.field].errors.append(error.message)
        else:
            db.session.commit()
            flash(_("Plan “%(title)s” created with %(count)s tasks.", title=plan.title, count=len(plan.tasks)),
                  "success")
            return redirect(url_for("events.plan", plan_id=plan.id))
    return render_template("events/plan_form.html", form=form, event_types=event_types.values(), **PLAN_LABELS)


@bp.route("/plans/<int:plan_id>")
@roles_required(*VIEWERS)
def plan(plan_id):
    plan = plan_or_404(plan_id)
    move_form = MoveEventForm(event_day=plan.event_day, version=plan.version)
    return render_template(
        "events/plan.html", plan=plan, move_form=move_form, windows=planning.phase_windows(plan.event_day),
        warnings=planning.timeline_warnings(plan, clock.today()), team=roles.assignments_by_role(plan),
        role_form=_role_form(), gantt=gantt_chart(plan, clock.today()), budget=budgets.overview(plan),
        steps=workflow.allowed_steps(plan, current_user), activity=activity.recent(plan),
        checklist=checklist.review(plan, clock.today()), **PLAN_LABELS,
    )


def _role_form():
    """The add-a-person form of the Roles card, for those who may use it."""
    if not current_user.has_role(*EDITORS):
        return None
    form = AssignRoleForm()
    form.user_id.choices = [SelectChoice("", _("Choose a person"))] + [
        SelectChoice(user.id, user.name) for user in roles.active_users()
    ]
    return form


@bp.route("/plans/<int:plan_id>/move", methods=["POST"])
@roles_required(*EDITORS)
def move_plan(plan_id):
    plan = plan_or_404(plan_id)
    form = MoveEventForm()
    if not form.validate_on_submit():
        flash(_("Enter a valid new event day."), "danger")
        return redirect(url_for("events.plan", plan_id=plan.id))
    was_approved = plan.state == PlanState.APPROVED
    try:
        shift = planning.move_event(plan, form.event_day.data, current_user, form.version.data)
    except DomainError as error:
        db.session.rollback()
        flash(_("The event was not moved: the plan changed meanwhile. Check it and move the event again.")
              if error.field == "version" else error.message, "danger")
        return redirect(url_for("events.plan", plan_id=plan.id))
    db.session.commit()
    guest_changes.dispatch_noted()
    flash(_("The event moved by %(days)s days; the open tasks moved with it.", days=shift), "success")
    if was_approved and shift:
        flash(_("The plan is back to draft: submit it again for approval."), "warning")
    return redirect(url_for("events.plan", plan_id=plan.id))


@bp.route("/plans/<int:plan_id>/tasks/<int:task_id>", methods=["POST"])
@signed_in
def plan_task(plan_id, task_id):
    """Planners and admins update any task, the plan's team members their role's tasks."""
    task = db.session.get(PlanTask, task_id)
    if task is None or task.plan_id != plan_id:
        abort(404)
    try:
        roles.ensure_may_update_task(task, current_user)
    except DomainError:
        abort(403)
    form = TaskStatusForm()
    if not form.validate_on_submit():
        flash(_("Choose whether the task is done or open."), "danger")
    else:
        planning.set_task_status(task, form.status.data, current_user)
        db.session.commit()
        flash(_("Task “%(title)s” updated.", title=task.title), "success")
    if request.form.get("back") == "my-tasks":
        return redirect(url_for("events.my_tasks") + f"#task-{task.id}")
    return redirect(url_for("events.plan", plan_id=plan_id) + f"#task-{task.id}")
