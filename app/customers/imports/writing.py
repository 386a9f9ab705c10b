"""Writing checked rows: insert or update customers and orders by their external id.

Rows are written in batches with one INSERT ... ON CONFLICT DO UPDATE per batch (no
ORM object per row), then the RFM inputs of the customers written to are recomputed
(rfm_inputs.refresh). Nothing is committed here: the caller commits.
"""
from sqlalchemy import delete, func, select

from app.customers import rfm_inputs
from app.customers.imports.checking import ImportResult, known_customer_ids
from app.customers.imports.fields import KNOWN_CUSTOMERS_MAX
from app.customers.models import Customer, CustomerTag, Order
from app.customers.sql import in_values, upsert
from app.extensions import db


def _upsert(table, rows, columns, extra_updates=None, previous=()):
    """Insert or update `rows` by external id; returns the rows that existed
    before as {external_id: (their values of the `previous` columns)}.

    Rows that are new go through a plain INSERT, which SQLite runs about twice
    as fast as an upsert; rows that exist go through INSERT ... ON CONFLICT DO
    UPDATE. A row another transaction inserts meanwhile makes the INSERT fail,
    and with it the whole import, rather than be overwritten silently."""
    existing = {external_id: values for external_id, *values in db.session.execute(
        select(table.c.external_id, *previous).where(in_values(table.c.external_id, [row["external_id"] for row in rows]))
    )}
    new = [row for row in rows if row["external_id"] not in existing]
    if new:
        db.session.execute(table.insert(), new)
    if existing:
        statement = upsert(table)
        updates = {name: statement.excluded[name] for name in columns if name != "external_id"}
        updates.update(extra_updates or {})
        db.session.execute(
            statement.on_conflict_do_update(index_elements=["external_id"], set_=updates),
            [row for row in rows if row["external_id"] in existing],
        )
    return existing


def _write_customers(rows, columns):
    """Upsert customers; returns (how many existed, the ids of all of them)."""
    tags = [row.pop("tags") for row in rows] if "tags" in columns else None
    existing = _upsert(Customer.__table__, rows, [name for name in columns if name != "tags"], {"updated_at": func.now()})
    ids = known_customer_ids([row["external_id"] for row in rows])
    customer_ids = [ids[row["external_id"]] for row in rows]
    if tags is not None:  # the file's tags replace the customer's tags
        if existing:
            db.session.execute(delete(CustomerTag.__table__).where(in_values(CustomerTag.__table__.c.customer_id, customer_ids)))
        tag_rows = [{"customer_id": cid, "tag": tag} for cid, row_tags in zip(customer_ids, tags) for tag in row_tags]
        if tag_rows:
            db.session.execute(CustomerTag.__table__.insert(), tag_rows)
    return len(existing), customer_ids


def _write_orders(rows, columns):
    """Upsert orders; returns (how many existed, the ids of the customers whose
    orders changed: the orders' customers now, and before for moved orders)."""
    existing = _upsert(Order.__table__, rows, columns, previous=(Order.__table__.c.customer_id,))
    return len(existing), {row["customer_id"] for row in rows} | {customer_id for customer_id, in existing.values()}


def write_records(checked, *, progress=None):
    """Upsert the spooled rows of error-free CheckedRecords, batch by batch, then
    bring the RFM inputs of the customers written to up to date."""
    if checked.error_count:
        raise ValueError("records with errors are never written")
    write = _write_customers if checked.kind == "customers" else _write_orders
    result = ImportResult(rows=checked.rows)
    done = 0
    touched = set()  # customer ids whose inputs are to be recomputed
    db.session.flush()
    for batch in checked.batches():
        for columns, rows in batch:
            existing, customer_ids = write(rows, columns)
            touched.update(customer_ids)
            result.updated += existing
            result.created += len(rows) - existing
            done += len(rows)
        if len(touched) >= KNOWN_CUSTOMERS_MAX:  # bounded memory
            rfm_inputs.refresh(touched)
            touched.clear()
        if progress:
            progress("writing", done)
    rfm_inputs.refresh(touched)
    # ORM objects loaded before now show the imported values.
    db.session.expire_all()
    return result
