"""Checking the rows of an import, streaming: only the ids seen so far and one batch of
rows stay in memory; cleaned rows wait in a temporary spool file, errors are kept for
the report (the first MAX_ERRORS of them). Reads the database, never writes."""
import pickle
import tempfile
from dataclasses import dataclass, field

from sqlalchemy import select

from app.customers.imports.fields import BATCH_SIZE, FIELDS, KNOWN_CUSTOMERS_MAX, MAX_ERRORS, REQUIRED
from app.customers.imports.values import EMPTY, PARSERS, InvalidValue, shown
from app.customers.labels import ERROR_MESSAGES
from app.customers.models import Customer
from app.customers.sql import in_values
from app.extensions import db


@dataclass(frozen=True)
class RowError:
    line: int | None
    column: str | None
    code: str
    value: str = ""

    @property
    def message(self):
        return str(ERROR_MESSAGES.get(self.code, self.code))

    def as_dict(self):
        return {"line": self.line, "column": self.column, "code": self.code, "value": self.value}

    @classmethod
    def from_dict(cls, data):
        return cls(data.get("line"), data.get("column"), data["code"], data.get("value") or "")


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    errors: list = field(default_factory=list)  # the first MAX_ERRORS RowErrors, by line
    error_count: int = 0
    rows: int = 0

    @property
    def ok(self):
        return self.error_count == 0


class CheckedRecords:
    """The outcome of validation: errors, or the cleaned rows spooled to a
    temporary file for `write_records`. Use it as a context manager."""

    def __init__(self, kind):
        self.kind = kind
        self.errors = []
        self.error_count = 0
        self.rows = 0
        self._spool = tempfile.TemporaryFile()  # noqa: SIM115  (closed by close())

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        self._spool.close()

    def add_errors(self, errors, max_errors):
        errors = sorted(errors, key=lambda error: error.line or 0)
        self.error_count += len(errors)
        if max_errors is not None:
            errors = errors[: max(max_errors - len(self.errors), 0)]
        self.errors.extend(errors)

    def spool(self, rows):
        """Keep a batch of cleaned rows, grouped by the fields they carry (rows
        from the API may differ): [(fields, [row])]."""
        groups = {}
        for row in rows:
            groups.setdefault(tuple(row), []).append(row)
        pickle.dump(list(groups.items()), self._spool, protocol=pickle.HIGHEST_PROTOCOL)

    def batches(self):
        self._spool.seek(0)
        while True:
            try:
                yield pickle.load(self._spool)
            except EOFError:
                return


def _clean(kind, line, record, column_names):
    """(cleaned row, [RowError]) for one record."""
    parsers, required = PARSERS[kind], REQUIRED[kind]
    row, problems = {}, []  # problems: (field, code, value)
    for name in required:
        if name not in record:
            problems.append((name, "required", None))
    for name, value in record.items():
        parse = parsers.get(name)
        if value.__class__ is str:
            value = value.strip() or None
        if parse is None:
            problems.append((name, "unknown_field", value))
        elif value is None:
            if name in required:
                problems.append((name, "required", None))
            else:
                row[name] = EMPTY.get(name)
        else:
            try:
                row[name] = parse(value)
            except InvalidValue as invalid:
                problems.append((name, invalid.code, value))
    errors = [RowError(line, column_names.get(name, name), code, shown(value)) for name, code, value in problems]
    return row, errors


def known_customer_ids(external_ids):
    """{external_id: id} of the customers among `external_ids`, in one query."""
    if not external_ids:
        return {}
    rows = db.session.execute(select(Customer.external_id, Customer.id).where(in_values(Customer.external_id, external_ids)))
    return dict(rows.all())


def validate_records(kind, records, *, progress=None, column_names=None, max_errors=MAX_ERRORS):
    """Check every record; return CheckedRecords (a context manager) holding
    the errors or the cleaned rows. Reads the database, never writes.

    `column_names` maps a field to the name the report shows (the file's header);
    `progress(phase, rows_done)` is called after each batch."""
    if kind not in FIELDS:
        raise ValueError(f"unknown import kind {kind!r}")
    column_names = column_names or {}
    checked = CheckedRecords(kind)
    seen_ids = set()
    known = {}  # customer external id -> id, kept across batches (bounded)
    batch, batch_errors, lines = [], [], []

    def flush():
        if not lines and not batch_errors:
            return
        if kind == "orders":
            wanted = {row["customer_external_id"] for row in batch if "customer_external_id" in row}
            missing = wanted - known.keys()
            if len(known) + len(missing) > KNOWN_CUSTOMERS_MAX:
                known.clear()
                missing = wanted
            known.update(known_customer_ids(missing))
            for line, row in zip(lines, batch):
                customer = row.pop("customer_external_id", None)
                if customer is not None and customer not in known:
                    batch_errors.append(RowError(line, column_names.get("customer_external_id", "customer_external_id"),
                                                 "unknown_customer", customer))
                row["customer_id"] = known.get(customer)
        if batch_errors:
            checked.add_errors(batch_errors, max_errors)
        elif not checked.error_count:
            checked.spool(batch)
        batch.clear(), batch_errors.clear(), lines.clear()
        if progress:
            progress("validating", checked.rows)

    try:
        for line, record in records:
            checked.rows += 1
            row, errors = _clean(kind, line, record, column_names)
            external_id = row.get("external_id")
            if external_id is not None:
                if external_id in seen_ids:
                    errors.append(RowError(line, column_names.get("external_id", "external_id"), "duplicate_id", external_id))
                seen_ids.add(external_id)
            batch_errors.extend(errors)
            if not errors or kind == "orders":  # orders with errors still get their customer checked
                batch.append(row)
                lines.append(line)
            if checked.rows % BATCH_SIZE == 0:
                flush()
        flush()
    except BaseException:
        checked.close()
        raise
    return checked
