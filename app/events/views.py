"""The event-type catalogue, its admin forms, and the tier <-> type recommendations."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.auth.access import roles_required
from app.auth.models import Role
from app.core.errors import DomainError
from app.customers.tiering import TIER_LABELS
from app.events import services
from app.events.forms import EventTypeForm, RecommendForm
from app.events.models import BudgetCategory, EventType, OwnerRole, Phase
from app.extensions import db

bp = Blueprint("events", __name__, url_prefix="/events")

VIEWERS = (Role.PLANNER, Role.MANAGER, Role.ADMIN)
PHASE_LABELS = {
    Phase.PREPARATION: _l("Preparation"),
    Phase.EXECUTION: _l("Execution"),
    Phase.REVIEW: _l("Review"),
}
ROLE_LABELS = {
    OwnerRole.PROJECT_LEAD: _l("Project lead"),
    OwnerRole.CUSTOMER_TEAM: _l("Customer team"),
    OwnerRole.PLANNING_TEAM: _l("Planning team"),
    OwnerRole.EXECUTION_TEAM: _l("Execution team"),
    OwnerRole.PUBLICITY_TEAM: _l("Publicity team"),
    OwnerRole.DOOR_STAFF: _l("Door staff"),
}
CATEGORY_LABELS = {
    BudgetCategory.VENUE: _l("Venue rental"),
    BudgetCategory.MATERIALS: _l("Materials"),
    BudgetCategory.GIFTS: _l("Gifts"),
    BudgetCategory.PERSONNEL: _l("Personnel"),
    BudgetCategory.CATERING: _l("Catering"),
    BudgetCategory.PROMOTION: _l("Promotion"),
}
LABELS = {"tier_labels": TIER_LABELS, "phase_labels": PHASE_LABELS, "role_labels": ROLE_LABELS,
          "category_labels": CATEGORY_LABELS}


@bp.route("/types")
@roles_required(*VIEWERS)
def types():
    event_types = services.list_types(include_inactive=current_user.has_role(Role.ADMIN))
    return render_template("events/types.html", event_types=event_types, **LABELS)


def _save(form, event_type=None):
    """Validates and saves; returns the saved type, or None with the errors on `form`."""
    if not form.validate_on_submit():
        return None
    try:
        if event_type is None:
            event_type = services.create_type(form.values())
        else:
            services.update_type(event_type, form.values())
    except DomainError as error:
        db.session.rollback()
        form[error.field].errors.append(error.message)
        return None
    db.session.commit()
    flash(_("Event type “%(name)s” saved.", name=event_type.name), "success")
    return event_type


@bp.route("/types/new", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def new_type():
    form = EventTypeForm()
    if _save(form):
        return redirect(url_for("events.types"))
    return render_template("events/type_form.html", form=form, event_type=None, **LABELS)


@bp.route("/types/<int:type_id>/edit", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def edit_type(type_id):
    event_type = db.session.get(EventType, type_id) or abort(404)
    form = EventTypeForm(obj=event_type)
    if _save(form, event_type):
        return redirect(url_for("events.types"))
    return render_template("events/type_form.html", form=form, event_type=event_type, **LABELS)


@bp.route("/recommend")
@roles_required(*VIEWERS)
def recommend():
    form = RecommendForm(request.args)
    event_types = services.list_types(include_inactive=False)
    form.type.choices = [("", _("Choose an event type"))] + [(t.code, t.name) for t in event_types]
    form.validate()
    chosen_type = next((t for t in event_types if t.code == form.type.data), None)
    return render_template(
        "events/recommend.html", form=form, chosen_type=chosen_type,
        proposed_types=services.recommend_types(form.tier.data or ()),
        proposed_tiers=services.recommend_tiers(chosen_type) if chosen_type else [], **LABELS,
    )


from app.events import calendar_views, copy_views, pdf_views, plan_views, role_views  # noqa: E402,F401  (they add routes to `bp`)
from app.events import state_views  # noqa: E402,F401  (adds the state steps to `bp`)
from app.events import goal_views, plan_edit_views  # noqa: E402,F401  (the edit page and the goals)
