"""SQL that SQLite and PostgreSQL spell differently: date arithmetic, long IN
lists, INSERT ... ON CONFLICT."""
from sqlalchemy import ARRAY, Date, Integer, any_, literal
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement

from app.extensions import db


class days_between(FunctionElement):
    """Whole days from `earlier` to `later` (both dates): later - earlier."""

    type = Integer()
    inherit_cache = True
    name = "days_between"


@compiles(days_between)
def _days_between_default(element, compiler, **kw):
    later, earlier = list(element.clauses)
    return f"({compiler.process(later, **kw)} - {compiler.process(earlier, **kw)})"


@compiles(days_between, "sqlite")
def _days_between_sqlite(element, compiler, **kw):
    later, earlier = list(element.clauses)
    return f"CAST(julianday({compiler.process(later, **kw)}) - julianday({compiler.process(earlier, **kw)}) AS INTEGER)"


class date_of(FunctionElement):
    """The date part of a timestamp."""

    type = Date()
    inherit_cache = True
    name = "date_of"


@compiles(date_of)
def _date_of_default(element, compiler, **kw):
    return f"CAST({compiler.process(list(element.clauses)[0], **kw)} AS DATE)"


@compiles(date_of, "sqlite")
def _date_of_sqlite(element, compiler, **kw):
    return f"date({compiler.process(list(element.clauses)[0], **kw)})"


class year_after(FunctionElement):
    """The same day a year later. From 29 February SQLite gives 1 March and
    PostgreSQL 28 February, a day early: fine for `valid_until`, where early only
    means recomputed once more."""

    type = Date()
    inherit_cache = True
    name = "year_after"


@compiles(year_after)
def _year_after_default(element, compiler, **kw):
    return f"CAST({compiler.process(list(element.clauses)[0], **kw)} + INTERVAL '1 year' AS DATE)"


@compiles(year_after, "sqlite")
def _year_after_sqlite(element, compiler, **kw):
    return f"date({compiler.process(list(element.clauses)[0], **kw)}, '+1 year')"


class earliest_of(FunctionElement):
    """The earliest of some dates, ignoring NULLs (NULL when all are). Each
    argument is evaluated once, unlike in a CASE."""

    type = Date()
    inherit_cache = True
    name = "earliest_of"


class latest_of(FunctionElement):
    """The latest of some dates, ignoring NULLs (NULL when all are)."""

    type = Date()
    inherit_cache = True
    name = "latest_of"


@compiles(earliest_of)
def _earliest_of_default(element, compiler, **kw):
    return f"LEAST({compiler.process(element.clauses, **kw)})"


@compiles(latest_of)
def _latest_of_default(element, compiler, **kw):
    return f"GREATEST({compiler.process(element.clauses, **kw)})"


def _sqlite_extreme(function, beyond, element, compiler, **kw):
    # SQLite's min() and max() of several values are NULL if one is: stand in a
    # date beyond every real one for NULL, and turn it back into NULL.
    values = ", ".join(f"COALESCE({compiler.process(clause, **kw)}, '{beyond}')" for clause in element.clauses)
    return f"NULLIF({function}({values}), '{beyond}')"


@compiles(earliest_of, "sqlite")
def _earliest_of_sqlite(element, compiler, **kw):
    return _sqlite_extreme("min", "9999-12-31", element, compiler, **kw)


@compiles(latest_of, "sqlite")
def _latest_of_sqlite(element, compiler, **kw):
    return _sqlite_extreme("max", "0000-01-01", element, compiler, **kw)


def in_values(column, values):
    """`column IN values`; on PostgreSQL `= ANY(array)`: one parameter rather
    than thousands, which it plans several times faster."""
    if db.session.get_bind().dialect.name == "postgresql":
        return column == any_(literal(list(values), ARRAY(column.type)))
    return column.in_(values)


def upsert(table):
    """INSERT for the session's database, with ON CONFLICT support."""
    return {"postgresql": postgresql.insert, "sqlite": sqlite.insert}[db.session.get_bind().dialect.name](table)
