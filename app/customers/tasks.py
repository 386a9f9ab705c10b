from datetime import date, datetime, timezone

from app.auth.models import User
from app.core import clock
from app.customers import rfm_inputs, tiering
from app.customers.imports import jobs as import_jobs
from app.customers.imports.reading import ImportFileError
from app.customers.models import ImportJob
from app.extensions import celery, db

# New data (an import, an API sync in many batches) asks for fresh tiers; waiting
# this long lets one run answer a burst of requests.
REFRESH_DELAY_SECONDS = 30


@celery.task
def recompute_tiers(as_of=None, user_id=None, requested_at=None):
    """Tier every customer (as of an ISO date, today by default). Safe to run
    twice: each run is its own dated snapshot, and a refresh that a later run
    already covers is skipped."""
    if requested_at:
        covering = tiering.run_started_since(datetime.fromisoformat(requested_at))
        if covering is not None:
            return covering.id
    user = db.session.get(User, user_id) if user_id else None
    run = tiering.recompute(date.fromisoformat(as_of) if as_of else None, triggered_by=user)
    db.session.commit()
    return run.id


@celery.task
def advance_rfm_inputs():
    """Each night, bring every customer's RFM inputs to the new day (only the customers
    whose figures change that day are recomputed), so that a tier run, scheduled or
    asked for, starts from inputs that are already current. Safe to run twice."""
    rfm_inputs.move_to(clock.today())
    db.session.commit()


def refresh_tiers_soon():
    """Queue a recomputation for today after new orders or customers (call after the commit)."""
    requested_at = datetime.now(timezone.utc).replace(tzinfo=None).isoformat()
    recompute_tiers.apply_async(kwargs={"requested_at": requested_at}, countdown=REFRESH_DELAY_SECONDS)


@celery.task
def read_upload(job_id):
    """Read an uploaded file's header and first rows for the mapping page, so no
    web request parses an upload. Safe to run twice: only a job being read is read."""
    status = import_jobs.read_upload(job_id)
    db.session.commit()
    return status


@celery.task
def run_import(job_id):
    """Validate and write an uploaded file of customers or orders, all or nothing.
    Safe to run twice: only a queued job runs, or one whose worker died (delivered
    again, it starts over); of two runs of one job, only the later publishes."""
    attempt = import_jobs.start(job_id)
    if attempt is None:
        return None
    job = db.session.get(ImportJob, job_id)
    progress = import_jobs.JobProgress(job.id)
    taken_over = False
    try:
        with import_jobs.check(job, progress) as checked:
            # Validation only read: end that read transaction before writing
            # (see JobProgress), then say that the write phase has begun.
            db.session.commit()
            if not checked.error_count:
                progress.set(status="writing")
            result = import_jobs.finish(job, checked, attempt)
        taken_over = result is None
        db.session.commit()
    except ImportFileError as error:
        db.session.rollback()
        taken_over = not import_jobs.fail(job, error.code, attempt)
        db.session.commit()
        result = None
    except Exception:
        db.session.rollback()
        taken_over = not import_jobs.fail(job, "internal_error", attempt)
        db.session.commit()
        raise
    finally:
        if not taken_over:  # the later run still reads the file
            import_jobs.discard_upload(job)
    if not taken_over:
        import_jobs.clear_staged(job_id)
    if result is not None and result.ok:
        refresh_tiers_soon()
    return job.status


@celery.task
def expire_stale_imports():
    """Daily housekeeping: close abandoned imports and delete their uploaded files,
    and any uploaded file that no job holds. Returns how many jobs were closed."""
    count = import_jobs.expire_stale_jobs()
    db.session.commit()
    import_jobs.clear_staged()
    import_jobs.remove_orphaned_files()
    db.session.commit()
    return count
