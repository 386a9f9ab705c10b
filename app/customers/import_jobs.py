"""Imports uploaded through the web: stored files, ImportJob rows and their progress.

An upload is stored under the instance folder with a random name, its headers are
matched, and the user confirms the mapping; the `run_import` task then validates
the file (reporting progress), writes it in one transaction and records the result.
"""
import secrets
from datetime import UTC, datetime, timedelta
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.auth.models import User
from app.customers.import_parsing import (
    ImportFileError,
    check_extension,
    check_mapping,
    column_names,
    guess_mapping,
    open_table,
    preview,
    records_from,
)
from app.customers.importing import (
    KINDS,
    ImportResult,
    RowError,
    validate_records,
    write_records,
)
from app.customers.models import ImportJob
from app.extensions import db

RUNNING = ("queued", "validating", "writing")
DEFAULT_MAX_MB = 200
RECENT = 50

STATUS_LABELS = {
    "uploaded": _l("Waiting for the column check"),
    "queued": _l("Queued"),
    "validating": _l("Checking rows"),
    "writing": _l("Writing"),
    "done": _l("Imported"),
    "failed": _l("Failed"),
}


def upload_folder():
    return Path(current_app.instance_path) / "uploads"


def max_upload_bytes():
    return current_app.config.get("IMPORT_MAX_MB", DEFAULT_MAX_MB) * 1024 * 1024


def store_upload(kind, stream, filename, user=None):
    """Save an uploaded file under a random name, read its header and create the
    job with the automatic mapping. A file that cannot be imported raises
    ImportFileError and leaves nothing behind."""
    if kind not in KINDS:
        raise ValueError(f"unknown import kind {kind!r}")
    ext = check_extension(filename)
    folder = upload_folder()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{secrets.token_hex(16)}.{ext}"
    try:
        _save(stream, path, max_upload_bytes())
        headers, rows, _ = preview(path, limit=1)
        if not rows:
            raise ImportFileError("no_rows")
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    job = ImportJob(
        kind=kind,
        filename=Path(filename.replace("\\", "/")).name[:255] or ext,
        stored_path=str(path),
        mapping=guess_mapping(kind, headers),
        created_by_id=getattr(user, "id", None),
    )
    db.session.add(job)
    db.session.flush()
    return job


def _save(stream, path, limit):
    written = 0
    with path.open("wb") as out:
        while chunk := stream.read(1 << 20):
            written += len(chunk)
            if written > limit:
                raise ImportFileError(
                    "too_large", _l("The file is larger than %(mb)d MB.", mb=limit // (1024 * 1024))
                )
            out.write(chunk)


def job_preview(job, limit=10):
    """(headers, first rows, estimated rows) of the job's file."""
    return preview(job.stored_path, limit)


def confirm_mapping(job, mapping):
    """Keep the user's mapping ({header: field or ''}) and queue the job."""
    if job.status != "uploaded":
        raise ValueError("only an uploaded job takes a mapping")
    check_mapping(job.kind, mapping)
    job.mapping = {header: mapping.get(header, "") for header in job.mapping}
    job.status = "queued"
    db.session.flush()


class JobProgress:
    """Writes a job's progress in short transactions of its own session, so the
    page that polls sees it while the import runs.

    SQLite has one writer at a time, and a connection whose read snapshot is
    older than another connection's commit cannot start writing. So progress is
    committed while the file is validated (which only reads), the task then ends
    its read transaction, marks the job "writing", and writes every row in one
    transaction whose end the task's own commit reports. PostgreSQL could report
    during the write phase as well; one behaviour for both keeps it simple, and
    validation is the longer part."""

    def __init__(self, job_id):
        self.job_id = job_id

    def __call__(self, phase, done):
        if phase == "validating":
            self.set(processed_rows=done)

    def set(self, **values):
        with Session(db.engine) as session:
            session.execute(update(ImportJob).where(ImportJob.id == self.job_id).values(**values))
            session.commit()


def check(job, progress):
    """Validate the job's file: CheckedRecords (a context manager)."""
    with open_table(job.stored_path) as table:
        progress.set(status="validating", total_rows=table.estimated_rows, processed_rows=0)
        return validate_records(job.kind, records_from(table, job.mapping), progress=progress,
                                column_names=column_names(job.mapping))


def finish(job, checked):
    """Write the checked rows if they have no error; record the outcome on the job."""
    if checked.error_count:
        result = ImportResult(errors=checked.errors, error_count=checked.error_count, rows=checked.rows)
    else:
        result = write_records(checked)
    job.total_rows = job.processed_rows = result.rows
    job.created_count, job.updated_count = result.created, result.updated
    _close(job, "done" if result.ok else "failed", result.errors, result.error_count)
    return result


def fail(job, code):
    """Record a failure of the whole file (unreadable, vanished, crashed)."""
    _close(job, "failed", [RowError(None, None, code)], 1)


def _close(job, status, errors, error_count):
    job.status = status
    job.errors = [error.as_dict() for error in errors]
    job.error_count = error_count
    job.finished_at = datetime.now(UTC).replace(tzinfo=None)


OPEN_STATES = ("uploaded", "queued", "validating", "writing")


def expire_stale_jobs(older_than=timedelta(hours=24)):
    """Close jobs left open for a day (never confirmed, or their worker died) and
    delete their files; returns how many. Safe to run any number of times."""
    cutoff = datetime.now(UTC).replace(tzinfo=None) - older_than
    stale = db.session.scalars(
        select(ImportJob).where(ImportJob.status.in_(OPEN_STATES), ImportJob.created_at < cutoff)
    ).all()
    for job in stale:
        fail(job, "abandoned")
        discard_upload(job)
    db.session.flush()
    return len(stale)


def discard_upload(job):
    """The file is not kept once the job has run: it holds personal data."""
    path = Path(job.stored_path)
    if path.parent == upload_folder():
        path.unlink(missing_ok=True)


def job_errors(job):
    return [RowError.from_dict(error) for error in job.errors or []]


def percent(job):
    if job.status == "done":
        return 100
    if not job.total_rows:
        return 0
    return min(100, round(100 * job.processed_rows / job.total_rows))


def recent_jobs(limit=RECENT):
    """[(job, uploader name)], newest first, in one query."""
    rows = db.session.execute(
        select(ImportJob, User.name)
        .outerjoin(User, User.id == ImportJob.created_by_id)
        .order_by(ImportJob.id.desc())
        .limit(limit)
    )
    return rows.all()

