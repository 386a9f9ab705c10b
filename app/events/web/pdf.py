"""The printable plan (策划书) download."""
from urllib.parse import quote

from flask import Response, abort
from flask_babel import get_locale

from app.auth.access import roles_required
from app.events import plans as planning
from app.events.pdf import render_plan_pdf
from app.events.web.blueprint import bp
from app.events.web.common import VIEWERS


@bp.route("/plans/<int:plan_id>/plan.pdf")
@roles_required(*VIEWERS)
def plan_pdf(plan_id):
    plan = planning.get_plan(plan_id) or abort(404)
    body = render_plan_pdf(plan, str(get_locale()))
    disposition = f"attachment; filename=\"plan-{plan.id}.pdf\"; filename*=UTF-8''{quote(plan.title + '.pdf', safe='')}"
    return Response(body, content_type="application/pdf", headers={"Content-Disposition": disposition})
