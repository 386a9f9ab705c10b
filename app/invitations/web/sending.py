"""Sending to guests: the bulk send with its progress page, the panel of the latest sends on
the guest list, reminders by hand, and the planner's decisions on failed or unknown messages."""
from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from app.auth.access import roles_required
from app.core.errors import DomainError
from app.extensions import db
from app.invitations import reminders, sending, tasks
from app.invitations.labels import kind_label
from app.invitations.services import sending_refused
from app.invitations.web.blueprint import bp
from app.invitations.web.common import EDITORS, VIEWERS, bare_plan_or_404, job_or_404
from app.invitations.web.sending_forms import ActionForm


@bp.app_context_processor
def send_panel_context():
    """`send_panel(plan)` for templates/invitations/_send_panel.html, wherever it is included."""
    def send_panel(plan):
        return {"waiting": sending.waiting_count(plan.id), "jobs": sending.recent_jobs(plan.id),
                "form": ActionForm(), "kind_label": kind_label, "refused": sending_refused(plan)}

    return {"send_panel": send_panel}


def _refused(plan, error):
    db.session.rollback()
    flash(error.message, "warning")
    return redirect(url_for("invitations.guests", plan_id=plan.id))


def _started(plan, job, none_text):
    """After the commit: start the job and show its progress, or say there was nobody to send to."""
    if job is None:
        flash(none_text, "info")
        return redirect(url_for("invitations.guests", plan_id=plan.id))
    tasks.dispatch(job)
    flash(_("Sending %(kind)s: follow the progress below.", kind=kind_label(job.kind).lower()), "success")
    return redirect(url_for("invitations.send_job", plan_id=plan.id, job_id=job.id))


@bp.route("/events/plans/<int:plan_id>/guests/send", methods=["POST"])
@roles_required(*EDITORS)
def send_invitations(plan_id):
    plan = bare_plan_or_404(plan_id)
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
    plan = bare_plan_or_404(plan_id)
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
    plan, job = bare_plan_or_404(plan_id), job_or_404(plan_id, job_id)
    return render_template("invitations/send.html", plan=plan, job=job, progress=sending.progress(job),
                           failed=sending.failed_messages(job), form=ActionForm(), kind_label=kind_label(job.kind))


@bp.route("/events/plans/<int:plan_id>/sends/<int:job_id>/progress")
@roles_required(*VIEWERS)
def send_progress(plan_id, job_id):
    return jsonify(sending.progress(job_or_404(plan_id, job_id)))


@bp.route("/events/plans/<int:plan_id>/sends/<int:job_id>/retry", methods=["POST"])
@roles_required(*EDITORS)
def retry_send(plan_id, job_id):
    job = job_or_404(plan_id, job_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        count = sending.requeue_failed(job)
    except DomainError as error:
        flash(error.message, "warning")
    else:
        db.session.commit()
        tasks.dispatch(job)
        flash(ngettext("%(num)s message is sent again.", "%(num)s messages are sent again.", count), "success")
    return redirect(url_for("invitations.send_job", plan_id=plan_id, job_id=job.id))


@bp.route("/events/plans/<int:plan_id>/sends/<int:job_id>/messages/<int:message_id>/<any(resend, sent):decision>",
          methods=["POST"])
@roles_required(*EDITORS)
def resolve_message(plan_id, job_id, message_id, decision):
    """The planner's decision on a message whose delivery is not known: send again, or count as sent."""
    job = job_or_404(plan_id, job_id)
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
            tasks.dispatch(job)
            flash(_("The message is sent again."), "success")
        else:
            flash(_("The message is counted as sent."), "success")
    return redirect(url_for("invitations.send_job", plan_id=plan_id, job_id=job.id))
