"""The event-type catalogue, its admin forms, and the tier <-> type recommendations."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.access import roles_required
from app.auth.models import Role
from app.core.errors import DomainError
from app.events import services
from app.events.labels import LABELS
from app.events.models import EventType
from app.events.web.blueprint import bp
from app.events.web.common import VIEWERS
from app.events.web.type_forms import EventTypeForm, RecommendForm
from app.extensions import db


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

