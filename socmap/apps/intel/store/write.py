"""Writing a prepared chunk: rows copied or inserted in bulk, records placed first for their ids."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection

from socmap.apps.core.bulk import IN_LIST, chunks, executemany
from socmap.apps.intel.store.preparing import Prepared, entity_id, link_id

GOVERNED = ["owner_id", "handling", "conditions", "compartment_id"]
RECORD_COLUMNS = [
    "record_key",
    "row",
    "raw",
    "source_evaluation",
    "intelligence_assessment",
    "grading_scheme",
    "original_grading",
    "observed_on",
    "handling",
    "conditions",
    # then, added by write:
    "source_id",
    "batch_id",
    "last_batch_id",
    "raw_versions",
    "first_seen",
    "last_seen",
    "owner_id",
    "compartment_id",
]
ENTITY_COLUMNS = [
    "id",
    "record_id",
    "key",
    "schema",
    "caption",
    "name_norm",
    "surname_code",
    "forename_code",
    "birth_date",
    "postcode",
    "identifier",
    *GOVERNED,
]
STATEMENT_COLUMNS = [
    "key",  # the primary key is numbered by the database
    "record_id",
    "entity_id",
    "schema",
    "prop",
    "value",
    "original",
    "grading",
    "batch_id",
    "first_seen",
    "last_seen",
    *GOVERNED,
]
LINK_COLUMNS = [
    "id",
    "record_id",
    "schema",
    "source_entity_id",
    "target_entity_id",
    "properties",
    "grading",
    "first_seen",
    "last_seen",
    *GOVERNED,
]


def _q(name: str) -> str:
    return str(connection.ops.quote_name(name))


def _copy(table: str, columns: list[str], rows: Iterable[tuple[Any, ...]]) -> None:
    """PostgreSQL: COPY rows straight into a table (rows known to be new)."""
    cols = ", ".join(_q(c) for c in columns)
    with connection.cursor() as wrapper, wrapper.cursor.copy(f"COPY {_q(table)} ({cols}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def insert_new(table: str, columns: list[str], rows: list[tuple[Any, ...]]) -> None:
    """Insert rows that cannot be held yet (rows of records created in this transaction)."""
    if not rows:
        return
    if connection.vendor == "postgresql":
        _copy(table, columns, rows)
        return
    insert_missing(table, columns, rows)


def insert_missing(table: str, columns: list[str], rows: list[tuple[Any, ...]]) -> None:
    """Insert rows, skipping ids already stored (deterministic ids: a conflict is a value held)."""
    if not rows:
        return
    cols = ", ".join(_q(c) for c in columns)
    if connection.vendor == "postgresql":
        staging = _q(f"staging_{table}")
        with connection.cursor() as wrapper:
            cursor = wrapper.cursor
            cursor.execute(
                f"CREATE TEMP TABLE IF NOT EXISTS {staging} ON COMMIT DELETE ROWS "  # noqa: S608 - names are ours  # nosec B608
                f"AS SELECT {cols} FROM {_q(table)} WITH NO DATA"
            )
            with cursor.copy(f"COPY {staging} ({cols}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            cursor.execute(
                f"INSERT INTO {_q(table)} ({cols}) SELECT {cols} FROM {staging} ON CONFLICT DO NOTHING"  # noqa: S608  # nosec B608 # names are ours
            )
            cursor.execute(f"TRUNCATE {staging}")
        return
    marks = ", ".join(["%s"] * len(columns))
    sql = f"INSERT INTO {_q(table)} ({cols}) VALUES ({marks}) ON CONFLICT DO NOTHING"  # noqa: S608 - names are ours  # nosec B608
    with connection.cursor() as cursor:
        executemany(cursor, sql, rows, 1000)


def select_in(sql: str, head: list[Any], values: list[Any], step: int = IN_LIST) -> list[tuple[Any, ...]]:
    """Rows of ``sql`` (whose last condition is ``IN ({marks})``) for many values, a slice at a time."""
    out: list[tuple[Any, ...]] = []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(sql.replace("IN ({marks})", "= ANY(%s)"), [*head, list(values)])
            return list(cursor.fetchall())
        for part in chunks(values, step):
            cursor.execute(sql.format(marks=", ".join(["%s"] * len(part))), [*head, *part])
            out.extend(cursor.fetchall())
    return out


def records_held(source_pk: int, keys: list[str]) -> list[tuple[int, str, int | None]]:
    """``(id, record_key, last_batch_id)`` of the source's records with these keys.

    On PostgreSQL one probe of the (source, key) index per key: a LATERAL subquery with LIMIT 1,
    which the planner cannot fold into a join. With ``record_key = ANY(...)`` it read every record
    of the source stored so far and filtered them whenever the statistics predated the batch (the
    source then looks empty): a file's chunks grew slower as the file went on, 0.1 s and more a
    chunk against 5 ms at five million rows, and the largest file's ingest went quadratic.
    """
    if connection.vendor != "postgresql":
        sql = "SELECT id, record_key, last_batch_id FROM intel_record WHERE source_id = %s AND record_key "
        return select_in(sql + "IN ({marks})", [source_pk], keys)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT r.id, r.record_key, r.last_batch_id FROM unnest(%s::text[]) AS k(key) "
            "CROSS JOIN LATERAL (SELECT id, record_key, last_batch_id FROM intel_record "
            "WHERE source_id = %s AND record_key = k.key LIMIT 1) AS r",
            [list(keys), source_pk],
        )
        return list(cursor.fetchall())


def new_record_ids(count: int) -> list[int] | None:
    """PostgreSQL: ``count`` ids from the record table's sequence, so records can be copied in.

    SQLite has no sequence to draw from: ``None``, and records are inserted then looked up.
    """
    if connection.vendor != "postgresql" or not count:
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            ["intel_record", count],
        )
        return [r[0] for r in cursor.fetchall()]


def synchronous_commit_off() -> None:
    """PostgreSQL: this transaction's commit does not wait for its WAL to reach the disk (see above)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")


@dataclass
class Placed:
    """A chunk's rows with their ids in place: rows of records created by the chunk, which go
    straight in, and rows of records held before, which are checked first."""

    entities: list[tuple[Any, ...]] = field(default_factory=list)
    statements: list[tuple[Any, ...]] = field(default_factory=list)
    links: list[tuple[Any, ...]] = field(default_factory=list)
    old_entities: list[tuple[Any, ...]] = field(default_factory=list)
    old_statements: list[tuple[Any, ...]] = field(default_factory=list)
    old_links: list[tuple[Any, ...]] = field(default_factory=list)


def place(chunk: Prepared, pks: dict[str, int], fresh: set[str], held: dict[tuple[int, str], str]) -> Placed:
    """Put record and entity ids into a prepared chunk's rows (in ``ENTITY_COLUMNS`` and the other
    column orders). ``held`` gives the ids of entities stored before, by (record id, entity key):
    an entity keeps the id it was stored with, whatever way ids were made then."""
    out = Placed()
    ids: dict[tuple[str, str], str] = {}
    for row in chunk.entities:
        record_key, key = row[0], row[1]
        pk = pks[record_key]
        eid = ids[(record_key, key)] = held.get((pk, key)) or entity_id(pk, key)
        (out.entities if record_key in fresh else out.old_entities).append((eid, pk, *row[1:]))
    for row in chunk.statements:
        record_key = row[1]
        target = out.statements if record_key in fresh else out.old_statements
        target.append((row[0], pks[record_key], ids[(record_key, row[2])], *row[3:]))
    for row in chunk.links:
        record_key = row[1]
        pk = pks[record_key]
        target = out.links if record_key in fresh else out.old_links
        target.append(
            (link_id(pk, row[0]), pk, row[2], ids[(record_key, row[3])], ids[(record_key, row[4])], *row[5:])
        )
    return out
