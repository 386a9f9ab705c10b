"""Import pages: upload a file, check the column match, follow the progress."""
from flask import current_app, redirect, render_template, request, url_for
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge

from app.auth.access import roles_required
from app.core.errors import DomainError
from app.customers.imports import jobs as import_jobs
from app.customers.imports.fields import REQUIRED
from app.customers.imports.reading import ImportFileError
from app.customers.labels import FIELD_LABELS, IMPORT_STATUS_LABELS, KIND_LABELS
from app.customers.models import ImportJob
from app.customers.tasks import read_upload, run_import
from app.customers.web.blueprint import bp
from app.customers.web.common import IMPORTERS
from app.customers.web.import_forms import UploadForm, mapping_form
from app.extensions import csrf, db

MULTIPART_OVERHEAD = 64 * 1024  # the form's other fields and part headers


@bp.route("/imports")
@roles_required(*IMPORTERS)
def imports():
    return render_template("customers/import_list.html", jobs=import_jobs.recent_jobs(),
                           kind_labels=KIND_LABELS, status_labels=IMPORT_STATUS_LABELS)


@bp.route("/imports/new", methods=["GET", "POST"])
@roles_required(*IMPORTERS)
@csrf.exempt  # checked below, once the size limit is set
def new_import():
    limit = import_jobs.max_upload_bytes()
    # Refuse an oversized body while it streams in, not once it is on disk; the
    # global CSRF check would read the body before this view could set a limit.
    request.max_content_length = limit + MULTIPART_OVERHEAD
    user_id = current_user.id
    if request.method == "POST":
        # The access check read the user in a transaction that, for a POST, holds
        # SQLite's write lock from its start (app._request_may_write). End it before
        # the body streams in and the file is saved; the job's short write takes
        # the lock again.
        db.session.rollback()
    try:
        if request.method == "POST" and current_app.config.get("WTF_CSRF_ENABLED", True):
            csrf.protect()
        form = UploadForm()
    except RequestEntityTooLarge:
        form = UploadForm(formdata=None)
        form.file.errors = [_("The file is larger than %(mb)d MB.", mb=limit // (1024 * 1024))]
        return _upload_page(form, limit)
    if form.validate_on_submit():
        upload = form.file.data
        try:
            job = import_jobs.store_upload(form.kind.data, upload.stream, upload.filename or "", user_id)
        except ImportFileError as error:
            form.file.errors.append(error.message)
        else:
            db.session.commit()
            read_upload.delay(job.id)
            return redirect(url_for("customers.import_job", job_id=job.id))
    return _upload_page(form, limit)


def _upload_page(form, limit):
    return render_template(
        "customers/import_new.html", form=form, max_mb=limit // (1024 * 1024),
        kind_labels=KIND_LABELS, required=REQUIRED,
        field_lists=[(kind, list(labels.items())) for kind, labels in FIELD_LABELS.items()],
    )


@bp.route("/imports/<int:job_id>", methods=["GET", "POST"])
@roles_required(*IMPORTERS)
def import_job(job_id):
    job = db.get_or_404(ImportJob, job_id)
    if job.status != "uploaded":
        if request.method == "POST":
            return redirect(url_for("customers.import_job", job_id=job.id))
        return _progress_page(job)
    form = mapping_form(job.kind, job.mapping)
    if form.validate_on_submit():
        try:
            import_jobs.confirm_mapping(job, form.mapping())
        except DomainError as error:
            form.form_errors.append(error.message)
        else:
            db.session.commit()
            run_import.delay(job.id)
            return redirect(url_for("customers.import_job", job_id=job.id))
    headers, rows, estimated = import_jobs.job_preview(job)
    return render_template(
        "customers/import_mapping.html", job=job, form=form, headers=headers, rows=rows, estimated=estimated,
        examples=_examples(rows), kind_labels=KIND_LABELS,
        required=[FIELD_LABELS[job.kind][name] for name in REQUIRED[job.kind]],
    )


def _examples(rows, count=3):
    """The first few non-empty values of each column."""
    columns = zip(*rows) if rows else []
    return [[value for value in column if value not in (None, "")][:count] for column in columns]


def _progress_page(job):
    return render_template(
        "customers/import_progress.html", job=job, errors=import_jobs.job_errors(job),
        percent=import_jobs.percent(job), kind_labels=KIND_LABELS, status_labels=IMPORT_STATUS_LABELS,
        running=job.status in import_jobs.RUNNING, progress_text=_progress_text(job),
    )


@bp.route("/imports/<int:job_id>/progress")
@roles_required(*IMPORTERS)
def import_progress(job_id):
    job = db.get_or_404(ImportJob, job_id)
    return {
        "status": job.status,
        "status_label": str(IMPORT_STATUS_LABELS[job.status]),
        "finished": job.status in ("done", "failed"),
        "processed_rows": job.processed_rows,
        "total_rows": job.total_rows,
        "percent": import_jobs.percent(job),
        "text": _progress_text(job),
        "created": job.created_count,
        "updated": job.updated_count,
        "error_count": job.error_count,
    }


def _progress_text(job):
    if job.status == "reading":
        return _("Reading the column names and the first rows…")
    if job.status == "validating":
        if job.total_rows:
            return _("Checked %(done)s of about %(total)s rows…", done=format_decimal(job.processed_rows),
                     total=format_decimal(job.total_rows))
        return _("Checked %(done)s rows…", done=format_decimal(job.processed_rows))
    if job.status == "writing":
        return _("Every row is valid. Writing %(total)s rows…", total=format_decimal(job.processed_rows))
    if job.status == "queued":
        return _("Waiting for the worker to start…")
    return ""
