"""The budget as an XLSX workbook."""
from io import BytesIO

from flask import flash, send_file
from flask_babel import gettext as _

from app.auth.access import roles_required
from app.budget import services
from app.budget.web.blueprint import bp
from app.budget.web.common import PAGE, VIEWERS, plan_or_404, to_page
from app.budget.xlsx import budget_workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.route(PAGE + "/budget.xlsx")
@roles_required(*VIEWERS)
def export_xlsx(plan_id):
    plan = plan_or_404(plan_id)
    summary = services.overview(plan)
    if summary.revision is None:
        flash(_("The budget has not been started yet."), "warning")
        return to_page(plan)
    content = budget_workbook(plan, summary.revision, summary.check)
    return send_file(BytesIO(content), mimetype=XLSX, as_attachment=True,
                     download_name=f"budget-{plan.id}-r{summary.revision.number}.xlsx")
