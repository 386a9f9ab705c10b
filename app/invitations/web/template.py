"""The invitation template of a plan: editing it, and its preview in both languages for a chosen
or a sample guest, the e-mail itself shown in a sandboxed frame."""
from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from app.auth.access import roles_required
from app.extensions import db
from app.invitations import messages
from app.invitations.models import GuestStatus, Invitation
from app.invitations.services import settings_for
from app.invitations.web.blueprint import bp
from app.invitations.web.common import EDITORS, bare_plan_or_404
from app.invitations.web.sending_forms import PLACEHOLDER_LIST, TemplateForm

PREVIEW_GUESTS = 200
TEMPLATE_FIELDS = ("subject_zh", "body_zh", "subject_en", "body_en")
# The e-mail's own page inside the preview's iframe: its inline styles and data: images only,
# no script, no link out of the frame.
PREVIEW_CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; frame-ancestors 'self'; sandbox"


@bp.route("/events/plans/<int:plan_id>/invitation-template", methods=["GET", "POST"])
@roles_required(*EDITORS)
def invitation_template(plan_id):
    plan = bare_plan_or_404(plan_id)
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
    plan = bare_plan_or_404(plan_id)
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
    plan = bare_plan_or_404(plan_id)
    guest = _preview_guest(plan, request.args.get("guest", type=int))
    html = messages.preview(guest, settings_for(plan), locale, plan=plan)["html"]
    db.session.commit()
    return Response(html, content_type="text/html; charset=utf-8",
                    headers={"Content-Security-Policy": PREVIEW_CSP, "X-Frame-Options": "SAMEORIGIN"})
