"""Working through many values a slice at a time: the one helper for every chunked loop.

Lists of ids become ``IN (...)`` lists, and databases bound how many values one statement takes
(SQLite's default was 999 host parameters before 3.32; a query with the visibility rule's filters
adds a few of its own). Writes of hundreds of thousands of rows go in batches so one statement never
holds them all in memory. Each caller names its size where the reason differs from the default's.
"""

from __future__ import annotations

import ctypes
import gc
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

from django.db.models import Field, ForeignObject, Lookup

T = TypeVar("T")

#: Values in one ``IN (...)`` list: under SQLite's old limit of 999, with room for the filters
#: the visibility rule adds to the same query.
IN_LIST = 900
#: Rows written by one ``executemany`` or ``bulk_create``: large enough to amortise the round
#: trip, small enough that a batch's parameters stay a few megabytes.
WRITE_BATCH = 5000


def chunks(items: Iterable[T], size: int = IN_LIST) -> Iterator[list[T]]:
    """``items`` in order, in lists of at most ``size`` (the last one shorter). Works on any iterable,
    so a generator of millions is never held whole."""
    if size < 1:
        raise ValueError("size must be at least 1")
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


@Field.register_lookup
class Among(Lookup):  # type: ignore[type-arg]
    """``field__among=values``: the same rows as ``field__in=values`` for a list of values (a slice
    of ``chunks``). PostgreSQL gets ``field = ANY(%s)`` with the values as one array parameter, which
    it plans as it plans ``IN``: a list of 900 ids as 900 parameters cost 4-6 ms of Django and the
    driver per query (each value resolved, each placeholder parsed), as one array 2 ms. Elsewhere
    it is ``IN``."""

    lookup_name = "among"
    prepare_rhs = False

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, params = self.process_lhs(compiler, connection)
        values = list(self.rhs)
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s)", [*params, values]
        if not values:
            return "1 = 0", list(params)
        return f"{lhs} IN ({', '.join(['%s'] * len(values))})", [*params, *values]


ForeignObject.register_lookup(Among)  # ids of the other end: ``entity_id__among``


def executemany(cursor: Any, sql: str, rows: Sequence[Sequence[Any]], size: int = WRITE_BATCH) -> None:
    """Run ``sql`` once per row, ``size`` rows to a database call."""
    for batch in chunks(rows, size):
        cursor.executemany(sql, batch)


def insert_rows(cursor: Any, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Insert ``rows`` of ``columns`` into ``table``: PostgreSQL's ``COPY`` where the database is
    PostgreSQL, batched ``executemany`` elsewhere.

    ``COPY`` writes a run's hundreds of thousands of pairs and judgements several times faster
    than ``executemany`` (one statement, no per-row parameter binding). ``table`` and ``columns``
    are the caller's own model names, never input; values go as data.
    """
    from django.db import connection

    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    target = connection.ops.quote_name(table)
    if connection.vendor == "postgresql":
        raw = getattr(cursor, "cursor", cursor)  # Django's wrapper holds psycopg's cursor
        with raw.copy(f"COPY {target} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    marks = ", ".join(["%s"] * len(columns))
    sql = f"INSERT INTO {target} ({names}) VALUES ({marks})"  # noqa: S608  # nosec B608 # model names, values are parameters
    for batch in chunks(rows, WRITE_BATCH):
        cursor.executemany(sql, batch)


def update_rows(
    cursor: Any, table: str, key: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """Set ``columns`` of the rows of ``table`` whose ``key`` is each row's last value (each row:
    the new values in the order of ``columns``, then the key).

    On PostgreSQL the rows are copied into a temporary table and set by one ``UPDATE ... FROM``:
    one statement a row, even pipelined, took 29.5 s of a million-row region's second full
    resolution run (811,299 rescored pairs), where its first run copies its pairs in. Elsewhere one
    statement a row, batched. ``table``, ``key`` and ``columns`` are the caller's own model names.
    """
    from django.db import connection

    if not rows:
        return
    q = connection.ops.quote_name
    target = q(table)
    if connection.vendor != "postgresql":
        sets = ", ".join(f"{q(c)} = %s" for c in columns)
        executemany(cursor, f"UPDATE {target} SET {sets} WHERE {q(key)} = %s", rows)  # noqa: S608  # nosec B608 # model names, values are parameters
        return
    staged_name = f"{table}_updates"
    staged = q(staged_name)
    names = ", ".join(q(c) for c in (*columns, key))
    cursor.execute(f"DROP TABLE IF EXISTS {staged}")
    # Typed as the table's own columns; no rows copied from it.
    cursor.execute(f"CREATE TEMPORARY TABLE {staged} AS SELECT {names} FROM {target} WITH NO DATA")  # noqa: S608  # nosec B608 # model names
    try:
        insert_rows(cursor, staged_name, [*columns, key], rows)
        sets = ", ".join(f"{q(c)} = s.{q(c)}" for c in columns)
        cursor.execute(f"UPDATE {target} AS t SET {sets} FROM {staged} AS s WHERE t.{q(key)} = s.{q(key)}")  # noqa: S608  # nosec B608 # model names
    finally:
        cursor.execute(f"DROP TABLE IF EXISTS {staged}")


#: Rows of a frame formatted for ``COPY`` at a time.
COPY_SLICE = 100_000


def insert_frame(cursor: Any, table: str, frame: Any) -> None:
    """Insert a pandas frame's rows into ``table`` (its columns named as the table's): on
    PostgreSQL written by Arrow as CSV into one ``COPY``, elsewhere as ``insert_rows`` does.

    ``COPY`` of Python tuples formats each row in Python (53 s for a million-row region's 1.9 million
    pairs under load); Arrow formats the columns in C++. Missing values become NULL; an empty string
    stays an empty string.
    """
    from django.db import connection

    columns = [str(c) for c in frame.columns]
    if connection.vendor != "postgresql":
        import pandas as pd

        plain = frame.astype(object).where(frame.notna(), None)
        for column in frame.columns:
            if str(frame[column].dtype).startswith("datetime64"):  # as Python's, which the driver binds
                values = [None if v is None else v.to_pydatetime() for v in plain[column]]
                plain[column] = pd.Series(values, index=plain.index, dtype=object)
        rows = plain.itertuples(index=False, name=None)
        insert_rows(cursor, table, columns, rows)
        return
    import pyarrow as pa
    import pyarrow.csv as arrow_csv

    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    raw = getattr(cursor, "cursor", cursor)
    with raw.copy(f"COPY {connection.ops.quote_name(table)} ({names}) FROM STDIN WITH (FORMAT csv)") as copy:
        # A slice at a time: the whole frame in Arrow at once doubled a million-row run's pairs
        # in memory (0.9 GB), at the run's peak.
        for start in range(0, len(frame), COPY_SLICE):
            batch = pa.Table.from_pandas(frame.iloc[start : start + COPY_SLICE], preserve_index=False)
            sink = pa.BufferOutputStream()
            arrow_csv.write_csv(batch, sink, arrow_csv.WriteOptions(include_header=False))
            copy.write(sink.getvalue().to_pybytes())


def memory_returned() -> None:
    """Hand the heap's free pages back to the system (glibc's ``malloc_trim``; elsewhere nothing).

    A bulk job frees millions of small objects between its steps; glibc keeps the pages they
    were on, so the next step's peak stood on top of them. Measured after a million-row run read
    its person records: 1.2 GB resident, 0.95 GB after the trim.
    """
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return
    libc.malloc_trim(0)


@contextmanager
def cycles_collected_after() -> Iterator[None]:
    """Python's cycle collector paused for a bulk job, and run once when it ends.

    The collector walks every live container each time enough new ones have survived: a
    million-row resolution run holds tens of millions (its pairs' tuples and strings), so each
    pass took seconds and the passes grew with the run. Measured: building 417,000 small sets beside
    6 million live tuples took 3.0 s with the collector and 0.65 s without. Reference counting
    still frees everything not in a cycle as it goes.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
        gc.collect()


#: Rows from which a bulk write checks its foreign keys once, as a whole, rather than row by row.
CHECK_ONCE_ROWS = 100_000


def _may_alter(cursor: Any, table: str) -> bool:
    """Whether the connection's role may drop and add the table's keys and indexes: its owner, or a
    member with the owner's privileges. The application role of a two-role install (``dbroles``)
    owns nothing, so its bulk writes keep the table as it is and are checked row by row."""
    cursor.execute(
        "SELECT pg_has_role(current_user, relowner, 'USAGE') FROM pg_class WHERE oid = %s::regclass", [table]
    )
    return bool(cursor.fetchone()[0])


@contextmanager
def foreign_keys_checked_once(
    cursor: Any, table: str, rows: int, *, at_least: int | None = None
) -> Iterator[None]:
    """Around a bulk write of ``rows`` rows into ``table``: on PostgreSQL, from ``at_least`` rows
    (default ``CHECK_ONCE_ROWS``), the table's foreign keys are dropped and added back (``NOT VALID``,
    then ``VALIDATE``), so that they are checked in one join rather than by a trigger per row and key.

    Measured at a million source rows: 1.9 million pairs with four keys each queued 7.6 million
    checks, each locking the row it found; the commit took over five minutes. Must run inside the
    caller's transaction: a row that breaks a key fails the validation and rolls the whole write
    back, keys included. The table is locked against readers until the transaction ends.
    """
    from django.db import connection

    if connection.vendor != "postgresql" or rows < (CHECK_ONCE_ROWS if at_least is None else at_least):
        yield
        return
    if not connection.in_atomic_block:
        raise RuntimeError("foreign_keys_checked_once must run inside a transaction")
    if not _may_alter(cursor, table):
        yield  # the application role of a two-role install (``dbroles``): the keys check each row
        return
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype = 'f' ORDER BY conname",
        [table],
    )
    keys = cursor.fetchall()
    target = connection.ops.quote_name(table)
    if keys:
        # Checks still pending from earlier writes of this transaction run now: a key with
        # pending checks cannot be dropped.
        names = ", ".join(connection.ops.quote_name(name) for name, _ in keys)
        cursor.execute(f"SET CONSTRAINTS {names} IMMEDIATE")
    for name, _definition in keys:
        cursor.execute(f"ALTER TABLE {target} DROP CONSTRAINT {connection.ops.quote_name(name)}")
    yield
    for name, definition in keys:
        quoted = connection.ops.quote_name(name)
        # The definition is PostgreSQL's own text of the key it held a moment ago.
        cursor.execute(f"ALTER TABLE {target} ADD CONSTRAINT {quoted} {definition} NOT VALID")
        cursor.execute(f"ALTER TABLE {target} VALIDATE CONSTRAINT {quoted}")


#: The table's own indexes that no constraint stands on (its primary key and unique pairs stay).
_SECONDARY_INDEXES = """
SELECT c.relname, pg_get_indexdef(i.indexrelid)
FROM pg_index i
JOIN pg_class c ON c.oid = i.indexrelid
WHERE i.indrelid = %s::regclass
  AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)
ORDER BY c.relname
"""
#: The table's unique constraints that no foreign key refers to (those cannot be dropped).
_UNIQUE_CONSTRAINTS = """
SELECT k.conname, pg_get_constraintdef(k.oid)
FROM pg_constraint k
WHERE k.conrelid = %s::regclass AND k.contype = 'u'
  AND NOT EXISTS (SELECT 1 FROM pg_constraint f WHERE f.contype = 'f' AND f.conindid = k.conindid)
ORDER BY k.conname
"""


@contextmanager
def indexes_built_after(cursor: Any, table: str, rows: int, *, at_least: int | None = None) -> Iterator[None]:
    """Around a bulk write of ``rows`` rows into ``table``: on PostgreSQL, from ``at_least`` rows
    (default ``CHECK_ONCE_ROWS``) and when the write at least doubles the table, the secondary
    indexes and the unique constraints are dropped and built again after it, each in one sorted
    pass instead of an insertion per row. The primary key stays, and so do unique constraints a
    foreign key refers to; a duplicate fails the unique constraint's rebuild instead of the write.
    A first full resolution run writes 1.9 million pairs into an empty table with four such
    indexes and a unique pair of record ids (kept up during the copy, that pair cost a quarter of
    its time).

    Must run inside the caller's transaction: a failed write rolls the indexes back with it. The
    table is locked against readers until the transaction ends, as ``foreign_keys_checked_once``
    locks it.
    """
    from django.db import connection

    if connection.vendor != "postgresql" or rows < (CHECK_ONCE_ROWS if at_least is None else at_least):
        yield
        return
    if not connection.in_atomic_block:
        raise RuntimeError("indexes_built_after must run inside a transaction")
    cursor.execute("SELECT greatest(reltuples, 0)::bigint FROM pg_class WHERE oid = %s::regclass", [table])
    if rows < int(cursor.fetchone()[0]) or not _may_alter(cursor, table):
        yield  # a write into a larger table (rebuilding would read all of it), or not the owner's
        return
    cursor.execute(_SECONDARY_INDEXES, [table])
    indexes = cursor.fetchall()
    cursor.execute(_UNIQUE_CONSTRAINTS, [table])
    uniques = cursor.fetchall()
    target = connection.ops.quote_name(table)
    for name, _definition in indexes:
        cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    for name, _definition in uniques:
        cursor.execute(f"ALTER TABLE {target} DROP CONSTRAINT {connection.ops.quote_name(name)}")
    yield
    # PostgreSQL's own text of the constraints and indexes it held a moment ago. A duplicate the
    # write brought fails the constraint's rebuild, which undoes the write whole.
    for name, definition in uniques:
        cursor.execute(f"ALTER TABLE {target} ADD CONSTRAINT {connection.ops.quote_name(name)} {definition}")
    for _name, definition in indexes:
        cursor.execute(definition)


#: Summarise the new block ranges of every BRIN index of the tables named (an array of names).
BRIN_SUMMARISE = """
SELECT brin_summarize_new_values(i.indexrelid::regclass)
FROM pg_index i
JOIN pg_class c ON c.oid = i.indexrelid
JOIN pg_am a ON a.oid = c.relam
WHERE a.amname = 'brin' AND i.indrelid = ANY(%s::regclass[])
"""


def statistics_refresh(*models: Any, changed: int) -> bool:
    """Refresh the planner's statistics of ``models``' tables after a bulk write of ``changed`` rows.

    Autovacuum analyses a table only after a fifth of it has changed, and a while later; until then
    the planner judges a freshly loaded table by stale or no statistics. Measured on the medium demo
    (PostgreSQL, autovacuum off as on the reference machine): the review count joined 380,000 pairs
    to entities with a nested loop estimated at 55 rows and ran for minutes; after ``ANALYZE``
    (2.3 s for the whole database) it is a hash join of 150 ms. Writes smaller than
    ``SOCMAP_ANALYSE_AFTER_ROWS`` are left to autovacuum. Returns whether it ran.

    On PostgreSQL the block ranges new to the tables' BRIN indexes (the owner of entities,
    statements and links) are summarised too: a range no summary covers matches every search, and
    only a vacuum summarises. Measured at a million rows with autovacuum off: the owner index gave
    back every page of the entity table for each organisation of the visibility rule, 10 ms of the
    people search's 22 ms query, where a summary keeps 49 of 515 ranges for one force.
    """
    from django.conf import settings
    from django.db import connection

    if changed < int(getattr(settings, "SOCMAP_ANALYSE_AFTER_ROWS", 1000)) or not models:
        return False
    tables = [connection.ops.quote_name(m._meta.db_table) for m in models]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"ANALYZE {', '.join(tables)}")  # nosec B608 # table names from the models
            cursor.execute(BRIN_SUMMARISE, [[m._meta.db_table for m in models]])
        else:
            cursor.execute("PRAGMA optimize")  # SQLite analyses what its planner found it needed
    return True
