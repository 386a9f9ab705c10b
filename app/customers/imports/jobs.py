"""Imports uploaded through the web: stored files, ImportJob rows and their progress.

The web request only stores an upload under the instance folder with a random
name and creates its job: nothing in a request parses the file. The `read_upload`
task reads its header and first rows (under the limits of reading) and
guesses the mapping; the user confirms it; the `run_import` task then validates
the file (reporting progress), writes it (see staging: all or nothing, the write
lock held only briefly) and records the result.
"""
import secrets
from datetime import UTC, datetime, timedelta
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.auth.models import User
from app.customers.imports import staging
from app.customers.imports.checking import ImportResult, RowError, validate_records
from app.customers.imports.fields import KINDS
from app.customers.imports.reading import (
    ImportFileError,
    check_extension,
    check_mapping,
    column_names,
    guess_mapping,
    open_table,
    preview,
    records_from,
)
from app.customers.models import ImportJob
from app.extensions import db

RUNNING = ("reading", "queued", "validating", "writing")
DEFAULT_MAX_MB = 200
RECENT = 50
PREVIEW_ROWS = 10
PREVIEW_CHARS = 100  # of each cell shown on the mapping page
ORPHAN_AGE = timedelta(hours=1)  # a file this old without a job is deleted


def upload_folder():
    return Path(current_app.instance_path) / "uploads"


def max_upload_bytes():
    return current_app.config.get("IMPORT_MAX_MB", DEFAULT_MAX_MB) * 1024 * 1024


def store_upload(kind, stream, filename, user_id=None):
    """Save an uploaded file and create its job, to be read by the `read_upload`
    task. The file is not parsed here; a refused or failed upload leaves nothing
    behind."""
    path = save_upload(stream, filename)
    try:
        return create_job(kind, filename, path, user_id)
    except BaseException:
        path.unlink(missing_ok=True)
        raise


def save_upload(stream, filename):
    """Write the stream to the upload folder under a random name; returns the path.
    Only the name's extension and the size are checked: no database, no parsing."""
    ext = check_extension(filename)
    folder = upload_folder()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{secrets.token_hex(16)}.{ext}"
    try:
        _save(stream, path, max_upload_bytes())
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return path


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


def create_job(kind, filename, path, user_id=None):
    """The job of a saved upload, waiting for the worker to read it."""
    if kind not in KINDS:
        raise ValueError(f"unknown import kind {kind!r}")
    job = ImportJob(
        kind=kind,
        filename=Path(filename.replace("\\", "/")).name[:255] or Path(path).suffix.lstrip("."),
        stored_path=str(path),
        status="reading",
        created_by_id=user_id,
    )
    db.session.add(job)
    db.session.flush()
    return job


def read_upload(job_id):
    """Read a stored upload's header and first rows and guess its mapping (the
    `read_upload` task); returns the job's new status, or None if it was not
    waiting to be read. A file that cannot be imported fails the job and is
    deleted.

    The slow part runs outside any transaction, and the outcome is written by a
    statement that starts its own: with SQLite, a transaction that has read
    cannot start writing once another connection has written since."""
    job = db.session.get(ImportJob, job_id)
    if job is None or job.status != "reading":
        return None
    kind, path = job.kind, job.stored_path
    db.session.commit()
    try:
        headers, rows, estimated = preview(path, PREVIEW_ROWS)
        if not rows:
            raise ImportFileError("no_rows")
    except ImportFileError as error:
        _discard(path)
        return _set_read(job_id, _closing("failed", [RowError(None, None, error.code)], 1))
    except BaseException:
        _discard(path)
        _set_read(job_id, _closing("failed", [RowError(None, None, "internal_error")], 1))
        db.session.commit()
        raise
    shown = [[None if cell is None else str(cell)[:PREVIEW_CHARS] for cell in row] for row in rows]
    return _set_read(job_id, {"status": "uploaded", "mapping": guess_mapping(kind, headers),
                              "preview": {"headers": headers, "rows": shown, "estimated": estimated}})


def _set_read(job_id, values):
    db.session.execute(update(ImportJob).where(ImportJob.id == job_id, ImportJob.status == "reading").values(**values))
    db.session.expire_all()
    return values["status"]


def job_preview(job):
    """(headers, first rows, estimated rows) of the job's file, as the worker read them."""
    stored = job.preview or {}
    return stored.get("headers") or list(job.mapping or {}), stored.get("rows") or [], stored.get("estimated")


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
    its read transaction, marks the job "writing", stages the rows and publishes
    them (see staging); the publishing transaction closes the job. PostgreSQL could
    report during the write phase as well; one behaviour for both keeps it simple,
    and validation is the longer part."""

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


def start(job_id):
    """Start a run of a queued job, or take over one whose worker died (the task is
    delivered again): returns the run's attempt number, or None if the job is not
    waiting or running. What an earlier run staged is deleted."""
    return staging.claim(job_id, RESUMABLE)


def finish(job, checked, attempt):
    """Write the checked rows if they have no error (staged in short transactions,
    then published in one short one, see staging); record the outcome on the job.
    Returns None if a later run of the job took it over meanwhile."""
    if checked.error_count:
        result = ImportResult(errors=checked.errors, error_count=checked.error_count, rows=checked.rows)
    else:
        job_id, kind = job.id, job.kind
        db.session.commit()  # no read transaction stays open while others write (see staging.publish)
        result = staging.publish(job_id, attempt, kind, staging.stage(job_id, attempt, checked))
        if result is None:
            db.session.rollback()
            staging.discard(job_id, attempt=attempt)
            return None
    job.total_rows = job.processed_rows = result.rows
    job.created_count, job.updated_count = result.created, result.updated
    _close(job, "done" if result.ok else "failed", result.errors, result.error_count)
    return result


def clear_staged(job_id=None):
    """Delete the staged rows of a finished job, or of every closed job (housekeeping)."""
    if job_id is None:
        staging.clear_closed()
    else:
        staging.clear([job_id])


def fail(job, code, attempt=None):
    """Record a failure of the whole file (unreadable, vanished, crashed) and delete
    what its runs staged; returns False, changing nothing but the staged rows of
    `attempt`, if a later run of the job (`attempt` given) took it over."""
    if attempt is not None and job.attempt != attempt:
        staging.discard(job.id, attempt=attempt)
        return False
    _close(job, "failed", [RowError(None, None, code)], 1)
    staging.discard(job.id)
    return True


def _close(job, status, errors, error_count):
    for name, value in _closing(status, errors, error_count).items():
        setattr(job, name, value)


def _closing(status, errors, error_count):
    return {"status": status, "errors": [error.as_dict() for error in errors], "error_count": error_count,
            "finished_at": datetime.now(UTC).replace(tzinfo=None)}


OPEN_STATES = ("reading", "uploaded", "queued", "validating", "writing")
# A job the task runs: queued, or left running by a worker that died.
RESUMABLE = ("queued", "validating", "writing")


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


def remove_orphaned_files(older_than=ORPHAN_AGE):
    """Delete the files of the upload folder that no open job holds (a request or
    worker that died between saving the file and recording the job, or a job
    that ended without its file being removed); returns how many. Files younger
    than `older_than` are left alone: their job may not be committed yet."""
    folder = upload_folder()
    if not folder.is_dir():
        return 0
    held = set(db.session.scalars(select(ImportJob.stored_path).where(ImportJob.status.in_(OPEN_STATES))))
    cutoff = datetime.now(UTC).timestamp() - older_than.total_seconds()
    removed = 0
    for path in folder.iterdir():
        if path.is_file() and str(path) not in held and path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def discard_upload(job):
    """The file is not kept once the job has run: it holds personal data."""
    _discard(job.stored_path)


def _discard(stored_path):
    path = Path(stored_path)
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

