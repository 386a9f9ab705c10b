"""The customer list, its exports and the customer page."""
import tempfile

from flask import Response, render_template, request, send_file
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.access import roles_required
from app.core import clock
from app.core.http import this_url_with
from app.customers import exports, queries, tiering
from app.customers.labels import CHANNEL_LABELS, LIFECYCLE_LABELS, PRECEDENCE_LABELS, TIER_LABELS
from app.customers.models import Customer, Interaction, Order, TierAssignment, TierRun
from app.customers.web.blueprint import bp
from app.customers.web.common import VIEWERS
from app.customers.web.forms import CustomerFilterForm
from app.extensions import db

RECENT = 20
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _filter_form(choices=None):
    form = CustomerFilterForm(request.args)
    form.set_choices(*(choices or ((), ())))
    form.validate()
    return form, queries.CustomerFilters(**form.valid_data())


def _page_number():
    return request.args.get("page", 1, type=int)



@bp.route("/")
@roles_required(*VIEWERS)
def index():
    choices = queries.filter_choices()
    form, filters = _filter_form((choices["industries"], choices["cities"]))
    run = tiering.latest_run()
    page = queries.customer_page(filters, run, _page_number())
    export_args = {k: v for k, v in request.args.to_dict(flat=False).items() if k != "page"}
    return render_template(
        "customers/index.html", form=form, filters=filters, page=page, run=run, tags=choices["tags"],
        url_with=this_url_with, export_args=export_args,
        tier_labels=TIER_LABELS, lifecycle_labels=LIFECYCLE_LABELS,
        filtered=any(v for k, v in form.valid_data().items() if k not in ("sort", "descending")),
    )


def _export_statement():
    _form, filters = _filter_form()
    return queries.customer_select(filters, tiering.latest_run())


def _file_name(extension):
    return f"customers-{clock.today().isoformat()}.{extension}"


@bp.route("/export.csv")
@roles_required(*VIEWERS)
def export_csv():
    statement, words, bind = _export_statement(), exports.labels(), db.engine

    def stream():
        # Runs after the request has ended: the words are taken above, and the
        # rows come through a session of its own, closed when the stream ends.
        with Session(bind) as session:
            yield from exports.csv_chunks(session, statement, words)

    return Response(
        stream(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{_file_name("csv")}"'},
    )


@bp.route("/export.xlsx")
@roles_required(*VIEWERS)
def export_xlsx():
    # A temporary file keeps memory bounded; send_file closes (and so removes) it
    # when the response ends.
    workbook_file = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115
    exports.write_xlsx(db.session, _export_statement(), exports.labels(), workbook_file, _("Customers"))
    workbook_file.seek(0)
    return send_file(workbook_file, mimetype=XLSX_MIMETYPE, as_attachment=True, download_name=_file_name("xlsx"))


@bp.route("/<int:customer_id>")
@roles_required(*VIEWERS)
def detail(customer_id):
    customer = db.get_or_404(Customer, customer_id)
    run = tiering.latest_run()
    assignment = tiering.assignment_for(customer.id, run) if run else None
    orders = db.session.scalars(
        select(Order).where(Order.customer_id == customer.id).order_by(Order.ordered_on.desc(), Order.id.desc()).limit(RECENT)
    ).all()
    interactions = db.session.scalars(
        select(Interaction).where(Interaction.customer_id == customer.id)
        .order_by(Interaction.occurred_on.desc(), Interaction.id.desc()).limit(RECENT)
    ).all()
    history = db.session.execute(
        select(TierRun, TierAssignment.tier, TierAssignment.lifecycle)
        .join(TierAssignment, TierAssignment.run_id == TierRun.id)
        .where(TierAssignment.customer_id == customer.id, TierRun.status == "done")
        .order_by(TierRun.as_of.desc(), TierRun.id.desc())
    ).all()
    explanation = tiering.explain(assignment, run.rules) if assignment else None
    return render_template(
        "customers/detail.html", customer=customer, run=run, assignment=assignment, explanation=explanation,
        deciding=next((tier for tier, holds, _conditions in explanation or () if holds), None),
        orders=orders, interactions=interactions, history=history, channel_labels=CHANNEL_LABELS,
        tier_labels=TIER_LABELS, lifecycle_labels=LIFECYCLE_LABELS,
        precedence=PRECEDENCE_LABELS,
        last_purchase_on=tiering.last_purchase_on(assignment, run.as_of) if assignment else None,
    )
