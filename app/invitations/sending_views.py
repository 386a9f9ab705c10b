"""Sending to guests: the invitation template and its preview, the bulk send with its
progress page, reminders by hand, and the other channels (SMS/WeChat export, printed cards)."""
from urllib.parse import quote

from flask import (
    Response,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.auth.access import roles_required
from app.auth.models import Role
from app.core.errors import DomainError
from app.events.plan_models import Plan
from app.extensions import db
from app.invitations import (
    cards,
    exports,
    messages,
    reminders,
    sending,
    tasks,  # noqa: F401  (registers the send and reminder tasks with Celery)
)
from app.invitations.models import GuestStatus, Invitation, SendJob
from app.invitations.sending_forms import PLACEHOLDER_LIST, ActionForm, TemplateForm
from app.invitations.services import sending_refused, settings_for
from app.invitations.views import bp

EDITORS = (Role.PLANNER, Role.ADMIN)
VIEWERS = (Role.PLANNER, Role.ADMIN, Role.MANAGER)
PREVIEW_GUESTS = 200
TEMPLATE_FIELDS = ("subject_zh", "body_zh", "subject_en", "body_en")
# The e-mail's own page inside the preview's iframe: its inline styles and data: images only,
# no script, no link out of the frame.
PREVIEW_CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; frame-ancestors 'self'; sandbox"


def kind_label(kind):
    if kind == sending.INVITATION:
        return _("Invitation")
    if kind == "nudge":
        return _("Nudge to answer")
    if kind == messages.CONFIRMATION:
        return _("Confirmations of acceptance")
    if kind == messages.CANCELLATION:
        return _("Notice of the cancellation")
    if messages.is_update(kind):
        return _("Notice of a change")
    if kind.startswith(f"{sending.MANUAL}_"):
        return _("Reminder (sent by hand)")
    days = kind.removeprefix("reminder_")
    return ngettext("Reminder %(num)s day before", "Reminder %(num)s days before", int(days)) if days.isdigit() else kind


@bp.app_context_processor
def send_panel_context():
    """`send_panel(plan)` for templates/invitations/_send_panel.html, wherever it is included."""
    def send_panel(plan):
        return {"waiting": sending.waiting_count(plan.id), "jobs": sending.recent_jobs(plan.id),
                "form": ActionForm(), "kind_label": kind_label, "refused": sending_refused(plan)}

    return {"send_panel": send_panel}


def _plan(plan_id):
    return db.session.get(Plan, plan_id) or abort(404)


def _job(plan_id, job_id):
    job = db.session.get(SendJob, job_id)
    if job is None or job.plan_id != plan_id:
        abort(404)
    return job


def _refused(plan, error):
    db.session.rollback()
    flash(error.message, "warning")
    return redirect(url_for("invitations.guests", plan_id=plan.id))


def _started(plan, job, none_text):
    """After the commit: start the job and show its progress, or say there was nobody to send to."""
    if job is None:
        flash(none_text, "info")
        return redirect(url_for("invitations.guests", plan_id=plan.id))
    sending.dispatch(job)
    flash(_("Sending %(kind)s: follow the progress below.", kind=kind_label(job.kind).lower()), "success")
    return redirect(url_for("invitations.send_job", plan_id=plan.id, job_id=job.id))


@bp.route("/events/plans/<int:plan_id>/guests/send", methods=["POST"])
@roles_required(*EDITORS)
def send_invitations(plan_id):
    plan = _plan(plan_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        job = sending.queue(plan, None, sending.INVITATION, current_user)
    except DomainError as error:
        return _refused(plan, error)
    db.session.commit()
    return _started(plan, job, _("Every guest with an e-mail address has been sent the invitation already."))


@bp.route("/events/plans/<int:plan_id>/reminders/send", methods=["GET", "POST"])
@roles_required(*EDITORS)
def send_reminder_now(plan_id):
    """A confirmation step saying how many guests will get the reminder, then the send. A POST
    without the confirmation (an old page's button) shows the step too."""
    plan = _plan(plan_id)
    form = ActionForm()
    if request.method == "POST" and not form.validate_on_submit():
        abort(400)
    if request.method == "GET" or request.form.get("confirmed") != "1":
        try:
            waiting, done = reminders.manual_counts(plan)
        except DomainError as error:
            return _refused(plan, error)
        return render_template("invitations/reminder_confirm.html", plan=plan, form=form, waiting=waiting, done=done)
    try:
        job = reminders.send_now(plan, current_user)
    except DomainError as error:
        return _refused(plan, error)
    db.session.commit()
    return _started(plan, job, _("Every guest who accepted has been reminded today already, or nobody has "
                                 "accepted yet: there is nobody to remind."))


@bp.route("/events/plans/<int:plan_id>/sends/<int:job_id>")
@roles_required(*VIEWERS)
def send_job(plan_id, job_id):
    plan, job = _plan(plan_id), _job(plan_id, job_id)
    return render_template("invitations/send.html", plan=plan, job=job, progress=sending.progress(job),
                           failed=sending.failed_messages(job), form=ActionForm(), kind_label=kind_label(job.kind))


@bp.route("/events/plans/<int:plan_id>/sends/<int:job_id>/progress")
@roles_required(*VIEWERS)
def send_progress(plan_id, job_id):
    return jsonify(sending.progress(_job(plan_id, job_id)))


@bp.route("/events/plans/<int:plan_id>/sends/<int:job_id>/retry", methods=["POST"])
@roles_required(*EDITORS)
def retry_send(plan_id, job_id):
    job = _job(plan_id, job_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        count = sending.requeue_failed(job)
    except DomainError as error:
        flash(error.message, "warning")
    else:
        db.session.commit()
        sending.dispatch(job)
        flash(ngettext("%(num)s message is sent again.", "%(num)s messages are sent again.", count), "success")
    return redirect(url_for("invitations.send_job", plan_id=plan_id, job_id=job.id))


@bp.route("/events/plans/<int:plan_id>/sends/<int:job_id>/messages/<int:message_id>/<any(resend, sent):decision>",
          methods=["POST"])
@roles_required(*EDITORS)
def resolve_message(plan_id, job_id, message_id, decision):
    """The planner's decision on a message whose delivery is not known: send again, or count as sent."""
    job = _job(plan_id, job_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        sending.resolve_unknown(job, message_id, resend=decision == "resend")
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "warning")
    else:
        db.session.commit()
        if decision == "resend":
            sending.dispatch(job)
            flash(_("The message is sent again."), "success")
        else:
            flash(_("The message is counted as sent."), "success")
    return redirect(url_for("invitations.send_job", plan_id=plan_id, job_id=job.id))


@bp.route("/events/plans/<int:plan_id>/invitation-template", methods=["GET", "POST"])
@roles_required(*EDITORS)
def invitation_template(plan_id):
    plan = _plan(plan_id)
    settings = settings_for(plan)
    form = TemplateForm(obj=settings)
    if form.validate_on_submit():
        for field in TEMPLATE_FIELDS:
            setattr(settings, field, (form[field].data or "").strip())
        db.session.commit()
        flash(_("The invitation template is saved. Check the preview before sending."), "success")
        return redirect(url_for("invitations.invitation_preview", plan_id=plan.id))
    db.session.commit()  # the settings row, when this was its first use
    for locale in ("zh", "en"):  # each empty field shows the default text of its language
        with force_locale(locale):
            form[f"subject_{locale}"].render_kw = {"placeholder": str(messages.DEFAULT_SUBJECT)}
            form[f"body_{locale}"].render_kw = {"placeholder": str(messages.DEFAULT_BODY), "rows": 9}
    return render_template("invitations/template_form.html", plan=plan, form=form, placeholders=PLACEHOLDER_LIST)


def _preview_guest(plan, guest_id):
    """The chosen guest of the plan, or a sample guest (never saved) when there is none."""
    if guest_id:
        guest = db.session.get(Invitation, guest_id)
        if guest is not None and guest.plan_id == plan.id:
            return guest
    return Invitation(plan_id=plan.id, name=_("Sample Guest"), company=_("Sample Company Ltd."),
                      email="guest@example.com", locale="zh", rsvp_token="sample-rsvp-link",
                      checkin_token="sample-check-in-code", survey_token="sample-survey")


@bp.route("/events/plans/<int:plan_id>/invitation-template/preview")
@roles_required(*EDITORS)
def invitation_preview(plan_id):
    plan = _plan(plan_id)
    guest_id = request.args.get("guest", type=int)
    guest = _preview_guest(plan, guest_id)
    settings = settings_for(plan)
    previews = [messages.preview(guest, settings, locale, plan=plan) for locale in ("zh", "en")]
    guests = db.session.execute(
        select(Invitation.id, Invitation.name, Invitation.locale)
        .where(Invitation.plan_id == plan.id, Invitation.status == GuestStatus.GUEST)
        .order_by(Invitation.name, Invitation.id).limit(PREVIEW_GUESTS)
    ).all()
    db.session.commit()
    return render_template("invitations/preview.html", plan=plan, guest=guest, guests=guests, previews=previews,
                           guest_id=guest.id)


@bp.route("/events/plans/<int:plan_id>/invitation-template/preview/<any(zh, en):locale>.html")
@roles_required(*EDITORS)
def invitation_preview_html(plan_id, locale):
    """The e-mail's HTML alone, for the preview's sandboxed iframe."""
    plan = _plan(plan_id)
    guest = _preview_guest(plan, request.args.get("guest", type=int))
    html = messages.preview(guest, settings_for(plan), locale, plan=plan)["html"]
    db.session.commit()
    return Response(html, content_type="text/html; charset=utf-8",
                    headers={"Content-Security-Policy": PREVIEW_CSP, "X-Frame-Options": "SAMEORIGIN"})


def _download(body, content_type, plan, suffix):
    name = f"{plan.title}-{suffix}"
    disposition = f"attachment; filename=\"guests-{plan.id}-{suffix}\"; filename*=UTF-8''{quote(name, safe='')}"
    return Response(body, content_type=content_type, headers={"Content-Disposition": disposition})


@bp.route("/events/plans/<int:plan_id>/guests/export.csv")
@roles_required(*EDITORS)
def export_guests_csv(plan_id):
    plan = _plan(plan_id)
    return _download(exports.csv_text(plan), "text/csv; charset=utf-8", plan, "messages.csv")


@bp.route("/events/plans/<int:plan_id>/guests/export.xlsx")
@roles_required(*EDITORS)
def export_guests_xlsx(plan_id):
    plan = _plan(plan_id)
    return _download(exports.xlsx_bytes(plan), exports.XLSX_TYPE, plan, "messages.xlsx")


@bp.route("/events/plans/<int:plan_id>/guests/cards.pdf")
@roles_required(*EDITORS)
def guest_cards(plan_id):
    plan = _plan(plan_id)
    return _download(cards.render_cards(plan), "application/pdf", plan, "cards.pdf")

