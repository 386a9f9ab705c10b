"""The importer's one door, `import_records(kind, records)`, for the CLI, the JSON API
and the tests, and `import_file` for a file: check every record, then write them all
only if none has an error. Records are (line, {field: raw value}) pairs. Nothing is
committed here: the caller commits, in one transaction. (Uploads through the web go
through a job instead, see jobs.)"""
from app.customers.imports.checking import ImportResult, validate_records
from app.customers.imports.fields import MAX_ERRORS
from app.customers.imports.reading import check_mapping, column_names, guess_mapping, open_table, records_from
from app.customers.imports.writing import write_records


def import_records(kind, records, *, progress=None, column_names=None, max_errors=MAX_ERRORS):
    """Validate every record, then write them all only if none has an error.

    `records`: iterable of (line_number, {canonical_field: raw_value}). Returns an
    ImportResult; the caller commits (or rolls back, though nothing is written
    when there are errors)."""
    with validate_records(kind, records, progress=progress, column_names=column_names, max_errors=max_errors) as checked:
        if checked.error_count:
            return ImportResult(errors=checked.errors, error_count=checked.error_count, rows=checked.rows)
        return write_records(checked, progress=progress)


def import_file(kind, path, mapping=None, *, progress=None, max_errors=MAX_ERRORS):
    """Import a CSV or XLSX file through import_records; the caller commits.

    `mapping` is {header: field or ''}, the automatic match by default;
    `progress(phase, rows_done, estimated_rows)` is called after each batch."""
    with open_table(path) as table:
        mapping = guess_mapping(kind, table.headers) if mapping is None else mapping
        check_mapping(kind, mapping)
        report = (lambda phase, done: progress(phase, done, table.estimated_rows)) if progress else None
        return import_records(kind, records_from(table, mapping), progress=report,
                              column_names=column_names(mapping), max_errors=max_errors)
