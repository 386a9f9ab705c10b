"""The other channels: each guest's short message with the RSVP link as CSV or XLSX (SMS,
WeChat), and the printed invitation cards as a PDF."""
from urllib.parse import quote

from flask import Response

from app.auth.access import roles_required
from app.invitations import cards, exports
from app.invitations.web.blueprint import bp
from app.invitations.web.common import EDITORS, bare_plan_or_404


def _download(body, content_type, plan, suffix):
    name = f"{plan.title}-{suffix}"
    disposition = f"attachment; filename=\"guests-{plan.id}-{suffix}\"; filename*=UTF-8''{quote(name, safe='')}"
    return Response(body, content_type=content_type, headers={"Content-Disposition": disposition})


@bp.route("/events/plans/<int:plan_id>/guests/export.csv")
@roles_required(*EDITORS)
def export_guests_csv(plan_id):
    plan = bare_plan_or_404(plan_id)
    return _download(exports.csv_text(plan), "text/csv; charset=utf-8", plan, "messages.csv")


@bp.route("/events/plans/<int:plan_id>/guests/export.xlsx")
@roles_required(*EDITORS)
def export_guests_xlsx(plan_id):
    plan = bare_plan_or_404(plan_id)
    return _download(exports.xlsx_bytes(plan), exports.XLSX_TYPE, plan, "messages.xlsx")


@bp.route("/events/plans/<int:plan_id>/guests/cards.pdf")
@roles_required(*EDITORS)
def guest_cards(plan_id):
    plan = bare_plan_or_404(plan_id)
    return _download(cards.render_cards(plan), "application/pdf", plan, "cards.pdf")
