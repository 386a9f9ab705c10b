"""A plan's guest list: the list with its counts and filters, building it from the target
tiers, adding guests by hand, removing and moving them; the invitation settings; the
invitation dashboard. Planners and admins edit, managers look."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.access import roles_required
from app.core.errors import DomainError
from app.core.http import this_url_with
from app.customers.models import Customer
from app.extensions import db
from app.invitations import dashboard, guest_list, messages, services, tasks
from app.invitations.labels import LABELS, STATUS_LABELS
from app.invitations.web.blueprint import bp
from app.invitations.web.common import EDITORS, VIEWERS, invitation_or_404, plan_or_404
from app.invitations.web.guest_forms import AddCustomerForm, ContactForm, GuestFilterForm, SettingsForm



def _back(plan):
    """Back to the list as it was filtered (the forms post the list's query string along)."""
    back = request.form.get("back", "")[:500]
    return redirect(url_for("invitations.guests", plan_id=plan.id) + (back if back.startswith("?") else ""))


@bp.route("/events/plans/<int:plan_id>/guests")
@roles_required(*VIEWERS)
def guests(plan_id):
    return _guests_page(plan_or_404(plan_id))


def _guests_page(plan, contact_form=None):
    filter_form = GuestFilterForm(request.args)
    page = guest_list.guest_page(plan.id, filter_form.valid_data(), request.args.get("page", 1, type=int))
    editing = current_user.has_role(*EDITORS)
    query = filter_form.q.data if editing else None
    return render_template(
        "invitations/guests.html", plan=plan, page=page, filter_form=filter_form, url_with=this_url_with,
        counts=dashboard.funnel(plan.id).total, dietary=dashboard.dietary_summary(plan.id),
        settings=services.settings_for(plan), editing=editing,
        preview=guest_list.preview(plan) if editing else None, query=query,
        found=guest_list.search_customers(plan, query) if query else [], add_form=AddCustomerForm(),
        contact_form=contact_form or ContactForm(formdata=None), back="?" + request.query_string.decode()[:400],
        **LABELS,
    )


def _done(plan, message, promoted=()):
    """Commits; guests moved up from the waitlist get their invitation after the commit."""
    db.session.commit()
    flash(message, "success")
    if promoted:
        tasks.invite_promoted(plan, promoted, current_user)
        flash(_("Moved up from the waitlist: %(names)s.", names=", ".join(g.name for g in promoted)), "info")
    return _back(plan)


def _refused(plan, error):
    db.session.rollback()
    flash(str(error.message), "danger")
    return _back(plan)


@bp.route("/events/plans/<int:plan_id>/guests/build", methods=["POST"])
@roles_required(*EDITORS)
def build_guests(plan_id):
    plan = plan_or_404(plan_id)
    try:
        build = guest_list.build_from_target(plan, current_user)
    except DomainError as error:
        return _refused(plan, error)
    return _done(plan, _("%(added)s customers added to the list, %(held)s held out as the control group, "
                         "%(flagged)s flagged.", added=build.added, held=build.held_out, flagged=build.flagged))


@bp.route("/events/plans/<int:plan_id>/guests/add", methods=["POST"])
@roles_required(*EDITORS)
def add_customer(plan_id):
    plan = plan_or_404(plan_id)
    form = AddCustomerForm()
    customer = db.session.get(Customer, int(form.customer_id.data)) if (
        form.validate_on_submit() and form.customer_id.data.isdigit()) else None
    if customer is None:
        flash(_("Choose a customer from the search results."), "danger")
        return _back(plan)
    try:
        invitation = guest_list.add_customer(plan, current_user, customer)
    except DomainError as error:
        return _refused(plan, error)
    return _done(plan, _("%(name)s added (%(status)s).", name=invitation.name,
                         status=STATUS_LABELS[invitation.status]))


@bp.route("/events/plans/<int:plan_id>/guests/contact", methods=["POST"])
@roles_required(*EDITORS)
def add_contact(plan_id):
    plan = plan_or_404(plan_id)
    form = ContactForm()
    if form.validate_on_submit():
        try:
            invitation = services.add_guest(plan, current_user, name=form.name.data, company=form.company.data,
                                            email=form.email.data, phone=form.phone.data, locale=form.locale.data)
        except DomainError as error:
            db.session.rollback()
            form[error.field or "name"].errors.append(error.message)
        else:
            return _done(plan, _("%(name)s added (%(status)s).", name=invitation.name,
                                 status=STATUS_LABELS[invitation.status]))
    return _guests_page(plan, contact_form=form)


def _change(plan_id, invitation_id, step, message):
    plan = plan_or_404(plan_id)
    invitation = invitation_or_404(plan, invitation_id)
    try:
        promoted = step(invitation, current_user) or []
    except DomainError as error:
        return _refused(plan, error)
    return _done(plan, message % {"name": invitation.name}, promoted)


@bp.route("/events/plans/<int:plan_id>/guests/<int:invitation_id>/remove", methods=["POST"])
@roles_required(*EDITORS)
def remove_guest(plan_id, invitation_id):
    return _change(plan_id, invitation_id, guest_list.remove, _("%(name)s removed from the list."))


@bp.route("/events/plans/<int:plan_id>/guests/<int:invitation_id>/include", methods=["POST"])
@roles_required(*EDITORS)
def include_guest(plan_id, invitation_id):
    return _change(plan_id, invitation_id, guest_list.include, _("%(name)s included on purpose."))


@bp.route("/events/plans/<int:plan_id>/guests/<int:invitation_id>/move", methods=["POST"])
@roles_required(*EDITORS)
def move_guest(plan_id, invitation_id):
    return _change(plan_id, invitation_id, guest_list.move, _("%(name)s moved."))


@bp.route("/events/plans/<int:plan_id>/guests/settings", methods=["GET", "POST"])
@roles_required(*EDITORS)
def guest_settings(plan_id):
    plan = plan_or_404(plan_id)
    settings = services.settings_for(plan)
    form = SettingsForm(obj=settings)
    if form.validate_on_submit():
        try:
            guest_list.update_settings(plan, current_user,
                                       {field: form[field].data for field in guest_list.SETTINGS_FIELDS},
                                       form.version.data)
        except DomainError as error:
            db.session.rollback()
            if error.field == "version":
                flash(error.message, "danger")
                form.version.data = services.settings_for(plan).version  # saving again applies the entries
            else:
                form[error.field].errors.append(error.message)
        else:
            db.session.commit()
            flash(_("Invitation settings saved."), "success")
            return redirect(url_for("invitations.guests", plan_id=plan.id))
    return render_template("invitations/guest_settings.html", plan=plan, form=form)


@bp.route("/events/plans/<int:plan_id>/guests/dashboard")
@roles_required(*VIEWERS)
def guest_dashboard(plan_id):
    plan = plan_or_404(plan_id)
    result = dashboard.funnel(plan.id)
    return render_template(
        "invitations/dashboard.html", plan=plan, funnel=result, chart=dashboard.funnel_chart(result),
        stages=dashboard.STAGES, reasons=dashboard.decline_reasons(plan.id), dietary=dashboard.dietary_summary(plan.id),
        **LABELS,
    )


@bp.route("/events/plans/<int:plan_id>/guests/<int:invitation_id>/new-link", methods=["GET", "POST"])
@roles_required(*EDITORS)
def reissue_link(plan_id, invitation_id):
    """A lost or forwarded invitation: asks first (GET), then replaces the link and shows the new one,
    rendered here rather than after a redirect so it does not travel through the session cookie."""
    plan = plan_or_404(plan_id)
    invitation = invitation_or_404(plan, invitation_id)
    if request.method == "GET":
        return render_template("invitations/reissue_link.html", plan=plan, invitation=invitation, link=None)
    try:
        services.reissue_link(invitation, current_user)
    except DomainError as error:
        return _refused(plan, error)
    db.session.commit()
    return render_template("invitations/reissue_link.html", plan=plan, invitation=invitation,
                           link=messages.rsvp_link(invitation))
