"""The write phase of an import job, in steps that each hold the database's write lock
only briefly (SQLite has one writer: a guest's answer waits at most its busy timeout).

1. `claim`: a run of the job counts the job's attempt up and deletes what an earlier
   run staged (a worker that died; the task is delivered again).
2. `stage`: the checked rows are copied into the staging tables, a chunk of rows per
   committed transaction. Nothing is published yet.
3. `publish`: one short transaction that first closes the job for this attempt (a run
   that lost the job to a later attempt publishes nothing), then copies the staged rows
   into customers or orders with a few set-based statements (INSERT ... SELECT ...
   ON CONFLICT DO UPDATE), replaces the customers' tags and refreshes the RFM inputs
   of the customers written to.
4. `clear`: the staged rows go, a chunk per committed transaction.

All or nothing: a run that dies before `publish` commits leaves only staged rows,
which the job's next run deletes; staged rows of a closed job (a run that died
after publishing) go with the daily `clear_closed`.
"""
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from app.customers import rfm_inputs
from app.customers.imports.checking import ImportResult
from app.customers.models import Customer, CustomerTag, ImportJob, ImportStagedRow, ImportStagedTag, Order
from app.customers.sql import upsert
from app.extensions import db

STAGE_CHUNK = 2000  # rows per staging transaction: a few milliseconds of write lock
CLEAR_CHUNK = 5000

_staged = ImportStagedRow.__table__
_tags = ImportStagedTag.__table__


def claim(job_id, statuses):
    """Start a run of the job if its status is one of `statuses`: returns the run's
    attempt number (committed), or None."""
    with Session(db.engine) as session:
        claimed = session.execute(update(ImportJob).where(ImportJob.id == job_id, ImportJob.status.in_(statuses))
                                  .values(attempt=ImportJob.attempt + 1)).rowcount
        if not claimed:
            return None
        discard(job_id, session)
        attempt = session.scalar(select(ImportJob.attempt).where(ImportJob.id == job_id))
        session.commit()
    return attempt


def discard(job_id, session=None, attempt=None):
    """Delete what the runs of the job (or one run: `attempt`) staged; the caller commits."""
    session = session or db.session
    for table in (_staged, _tags):
        mine = table.c.job_id == job_id
        session.execute(delete(table).where(mine if attempt is None else mine & (table.c.attempt == attempt)))


def clear(job_ids):
    """Delete the staged rows of these jobs (a list or a SELECT of ids), CLEAR_CHUNK
    rows per committed transaction of its own session."""
    with Session(db.engine) as session:
        for table in (_staged, _tags):
            while True:
                chunk = select(table.c.id).where(table.c.job_id.in_(job_ids)).limit(CLEAR_CHUNK)
                if not session.execute(delete(table).where(table.c.id.in_(chunk))).rowcount:
                    break
                session.commit()
        session.commit()


def clear_closed():
    """Delete the staged rows of finished jobs (a run that died after publishing)."""
    clear(select(ImportJob.id).where(ImportJob.status.in_(("done", "failed"))))


def stage(job_id, attempt, checked):
    """Copy error-free CheckedRecords into the staging tables, STAGE_CHUNK rows per
    committed transaction of its own session; returns the fields the rows carry."""
    if checked.error_count:
        raise ValueError("records with errors are never written")
    columns = None
    with Session(db.engine) as session:
        for batch in checked.batches():
            for fields, rows in batch:
                if columns not in (None, fields):
                    raise ValueError("the rows of a file all carry the same fields")
                columns = fields
                for start in range(0, len(rows), STAGE_CHUNK):
                    stage_chunk(session, job_id, attempt, rows[start:start + STAGE_CHUNK])
    return columns or ()


def stage_chunk(session, job_id, attempt, rows):
    """Write one chunk of staged rows and commit."""
    key = {"job_id": job_id, "attempt": attempt}
    tags = [{**key, "external_id": row["external_id"], "tag": tag} for row in rows for tag in row.get("tags") or ()]
    session.execute(_staged.insert(), [{**key, **{name: value for name, value in row.items() if name != "tags"}}
                                       for row in rows])
    if tags:
        session.execute(_tags.insert(), tags)
    session.commit()


def publish(job_id, attempt, kind, columns):
    """Publish the staged rows of this attempt and close the job as done, in the
    session's transaction (the caller commits); returns an ImportResult, or None if
    the job was taken over by a later run (nothing is written then).

    The session must not have read since its last commit: its first statement takes
    the write lock (SQLite refuses to upgrade a read transaction that another
    connection has written since)."""
    closed = db.session.execute(update(ImportJob).where(
        ImportJob.id == job_id, ImportJob.attempt == attempt, ImportJob.status == "writing").values(status="done"))
    if not closed.rowcount:
        return None
    mine = (_staged.c.job_id == job_id) & (_staged.c.attempt == attempt)
    rows = db.session.scalar(select(func.count()).select_from(_staged).where(mine))
    if kind == "customers":
        updated, touched = _publish_customers(mine, job_id, attempt, columns)
    else:
        updated, touched = _publish_orders(mine, columns)
    rfm_inputs.refresh(touched)
    db.session.expire_all()  # ORM objects loaded before now show the published values
    return ImportResult(created=rows - updated, updated=updated, rows=rows)


def _upsert_staged(table, mine, names, extra_updates=None):
    """INSERT INTO table (names) SELECT names FROM the staged rows, in file order,
    updating the rows whose external id exists; returns how many existed before."""
    matching = _staged.join(table, table.c.external_id == _staged.c.external_id)
    existed = db.session.scalar(select(func.count()).select_from(matching).where(mine))
    statement = upsert(table).from_select(names, select(*(_staged.c[name] for name in names)).where(mine)
                                          .order_by(_staged.c.id))
    updates = {name: statement.excluded[name] for name in names if name != "external_id"}
    updates.update(extra_updates or {})
    db.session.execute(statement.on_conflict_do_update(index_elements=["external_id"], set_=updates))
    return existed


def _publish_customers(mine, job_id, attempt, columns):
    table = Customer.__table__
    updated = _upsert_staged(table, mine, [name for name in columns if name != "tags"], {"updated_at": func.now()})
    ids = select(table.c.id).join(_staged, table.c.external_id == _staged.c.external_id).where(mine)
    if "tags" in columns:  # the file's tags replace the customer's tags
        db.session.execute(delete(CustomerTag.__table__).where(CustomerTag.__table__.c.customer_id.in_(ids)))
        tagged = (select(table.c.id, _tags.c.tag).join(table, table.c.external_id == _tags.c.external_id)
                  .where(_tags.c.job_id == job_id, _tags.c.attempt == attempt).order_by(_tags.c.id))
        db.session.execute(CustomerTag.__table__.insert().from_select(["customer_id", "tag"], tagged))
    return updated, db.session.scalars(ids).all()


def _publish_orders(mine, columns):
    """The customers touched: the orders' customers now, and before for moved orders."""
    table = Order.__table__
    before = db.session.scalars(
        select(table.c.customer_id).join(_staged, table.c.external_id == _staged.c.external_id).where(mine)).all()
    updated = _upsert_staged(table, mine, list(columns))
    now = db.session.scalars(select(_staged.c.customer_id).where(mine).distinct()).all()
    return updated, set(before) | set(now)
