"""The planner's statistics refreshed after bulk writes (PostgreSQL's ANALYZE, SQLite's optimize)."""

from __future__ import annotations

import gc
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pandas as pd
import pyarrow as pa
import pytest
from django.db import IntegrityError, connection, transaction
from django.test import override_settings

from socmap.apps.core import bulk
from socmap.apps.core.bulk import (
    BRIN_SUMMARISE,
    cycles_collected_after,
    foreign_keys_checked_once,
    indexes_built_after,
    insert_frame,
    insert_rows,
    memory_returned,
    statistics_refresh,
    update_rows,
)
from socmap.apps.core.demo import build_demo_organisations
from socmap.apps.core.models import Organisation


def _estimated_rows() -> float:
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [Organisation._meta.db_table])
        return float(cursor.fetchone()[0])


@pytest.mark.django_db
def test_small_writes_are_left_to_autovacuum_and_large_ones_refresh_the_statistics() -> None:
    build_demo_organisations()
    assert not statistics_refresh(Organisation, changed=999)
    with override_settings(SOCMAP_ANALYSE_AFTER_ROWS=10):
        assert statistics_refresh(Organisation, changed=10)
    if connection.vendor == "postgresql":  # the planner now knows the table's size
        assert _estimated_rows() == Organisation.objects.count()


def _pages_found(cursor: Any) -> int:
    """What the probe table's BRIN index gives back for one owner (its bitmap's rows)."""
    cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) SELECT * FROM brin_probe WHERE owner = 3")
    return int(cursor.fetchone()[0][0]["Plan"]["Plans"][0]["Actual Rows"])


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's BRIN indexes")
def test_a_large_write_summarises_the_new_ranges_of_its_brin_indexes() -> None:
    probe = SimpleNamespace(_meta=SimpleNamespace(db_table="brin_probe"))  # a table, as a model gives it
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE brin_probe (owner integer)")
        cursor.execute(
            "CREATE INDEX brin_probe_owner ON brin_probe USING brin (owner) WITH (pages_per_range = 1)"
        )
        cursor.execute("INSERT INTO brin_probe SELECT g / 1000 FROM generate_series(1, 20000) g")
        cursor.execute("SET LOCAL enable_seqscan = off")
        # A range without a summary matches every search: all of the table's pages come back.
        unsummarised = _pages_found(cursor)
        with override_settings(SOCMAP_ANALYSE_AFTER_ROWS=10):
            assert statistics_refresh(probe, changed=20000)
        cursor.execute(BRIN_SUMMARISE, [["brin_probe"]])
        assert cursor.fetchone()[0] == 0, "every range was summarised by the refresh"
        assert _pages_found(cursor) < unsummarised / 5


def _keys(cursor: object, table: str) -> list[tuple[str, bool, int]]:
    cursor.execute(  # type: ignore[attr-defined]
        "SELECT conname, convalidated, oid::bigint FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype = 'f'",
        [table],
    )
    return sorted(cursor.fetchall())  # type: ignore[attr-defined]


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's foreign keys")
def test_a_bulk_write_checks_its_foreign_keys_once_and_keeps_them() -> None:
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE bulk_parent (id integer PRIMARY KEY)")
        cursor.execute(
            "CREATE TABLE bulk_child (id serial PRIMARY KEY, parent_id integer "
            "CONSTRAINT bulk_child_parent REFERENCES bulk_parent (id) DEFERRABLE INITIALLY DEFERRED)"
        )
        insert_rows(cursor, "bulk_parent", ("id",), [(1,), (2,)])
        before = _keys(cursor, "bulk_child")
        with transaction.atomic(), foreign_keys_checked_once(cursor, "bulk_child", 1, at_least=2):
            insert_rows(cursor, "bulk_child", ("parent_id",), [(1,)])
        assert _keys(cursor, "bulk_child") == before  # a small write leaves the key alone
        with transaction.atomic(), foreign_keys_checked_once(cursor, "bulk_child", 3, at_least=2):
            insert_rows(cursor, "bulk_child", ("parent_id",), [(1,), (2,), (2,)])
        after = _keys(cursor, "bulk_child")
        assert [(name, valid) for name, valid, _ in after] == [("bulk_child_parent", True)]
        assert after != before  # added back, and validated
        # A row whose parent does not exist fails the write whole, and the key stands.
        with (
            pytest.raises(IntegrityError),
            transaction.atomic(),
            foreign_keys_checked_once(cursor, "bulk_child", 2, at_least=2),
        ):
            insert_rows(cursor, "bulk_child", ("parent_id",), [(1,), (9,)])
        assert _keys(cursor, "bulk_child") == after
        cursor.execute("SELECT count(*) FROM bulk_child")
        assert cursor.fetchone()[0] == 4


def _indexes(cursor: object, table: str) -> list[tuple[str, str]]:
    cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s", [table])  # type: ignore[attr-defined]
    return sorted(cursor.fetchall())  # type: ignore[attr-defined]


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's indexes")
def test_a_bulk_write_into_a_small_table_builds_its_indexes_after_and_keeps_its_constraints() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE bulk_ix (id serial PRIMARY KEY, a text, b integer, "
            "CONSTRAINT bulk_ix_ab UNIQUE (a, b))"
        )
        cursor.execute("CREATE INDEX bulk_ix_b ON bulk_ix (b)")
        cursor.execute("CREATE INDEX bulk_ix_a_like ON bulk_ix (a varchar_pattern_ops) WHERE b > 0")
        before = _indexes(cursor, "bulk_ix")
        dropped: list[list[tuple[str, str]]] = []
        with transaction.atomic(), indexes_built_after(cursor, "bulk_ix", 3, at_least=2):
            dropped.append(_indexes(cursor, "bulk_ix"))
            insert_rows(cursor, "bulk_ix", ("a", "b"), [("x", 1), ("y", 2), ("z", 3)])
        # During the write only the primary key was left; after it, every index as it was.
        assert [name for name, _ in dropped[0]] == ["bulk_ix_pkey"]
        assert _indexes(cursor, "bulk_ix") == before
        # A duplicate is still refused (by the unique constraint's rebuild), and the write is
        # undone whole, constraint included.
        with (
            pytest.raises(IntegrityError, match="bulk_ix_ab"),
            transaction.atomic(),
            indexes_built_after(cursor, "bulk_ix", 3, at_least=2),  # as large as the table
        ):
            insert_rows(cursor, "bulk_ix", ("a", "b"), [("w", 4), ("v", 7), ("x", 1)])
        assert _indexes(cursor, "bulk_ix") == before
        cursor.execute("SELECT conname FROM pg_constraint WHERE conrelid = 'bulk_ix'::regclass ORDER BY 1")
        assert [name for (name,) in cursor.fetchall()] == ["bulk_ix_ab", "bulk_ix_pkey"]
        cursor.execute("ANALYZE bulk_ix")
        # Into a table larger than the write, the indexes are kept (rebuilding would read it all).
        with transaction.atomic(), indexes_built_after(cursor, "bulk_ix", 2, at_least=2):
            dropped.append(_indexes(cursor, "bulk_ix"))
            insert_rows(cursor, "bulk_ix", ("a", "b"), [("v", 5), ("u", 6)])
        assert dropped[1] == before
        cursor.execute("SELECT count(*) FROM bulk_ix")
        assert cursor.fetchone()[0] == 5


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's roles")
def test_the_application_role_writes_in_bulk_with_the_keys_and_indexes_as_they_are() -> None:
    """The application role of a two-role install owns no table (``dbroles``): a large write may not
    drop a key or an index, so it keeps them and is checked row by row rather than failing."""
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE bulk_role_parent (id integer PRIMARY KEY)")
        cursor.execute(
            "CREATE TABLE bulk_role (id serial PRIMARY KEY, parent_id integer CONSTRAINT bulk_role_parent "
            "REFERENCES bulk_role_parent (id) DEFERRABLE INITIALLY DEFERRED, b integer)"
        )
        cursor.execute("CREATE INDEX bulk_role_b ON bulk_role (b)")
        insert_rows(cursor, "bulk_role_parent", ("id",), [(1,), (2,)])
        cursor.execute("CREATE ROLE socmap_bulk_app NOLOGIN")  # undone with the test's transaction
        cursor.execute("GRANT SELECT, INSERT ON bulk_role, bulk_role_parent TO socmap_bulk_app")
        cursor.execute("GRANT USAGE ON SEQUENCE bulk_role_id_seq TO socmap_bulk_app")
        keys, indexes = _keys(cursor, "bulk_role"), _indexes(cursor, "bulk_role")
        cursor.execute("SET ROLE socmap_bulk_app")
        try:
            seen = []
            with (
                transaction.atomic(),
                foreign_keys_checked_once(cursor, "bulk_role", 3, at_least=2),
                indexes_built_after(cursor, "bulk_role", 3, at_least=2),
            ):
                seen.append((_keys(cursor, "bulk_role"), _indexes(cursor, "bulk_role")))
                insert_rows(cursor, "bulk_role", ("parent_id", "b"), [(1, 1), (2, 2), (2, 3)])
            # A row whose parent does not exist is still refused, by the key's own check.
            with (
                pytest.raises(IntegrityError),
                transaction.atomic(),
                foreign_keys_checked_once(cursor, "bulk_role", 2, at_least=2),
            ):
                insert_rows(cursor, "bulk_role", ("parent_id", "b"), [(1, 4), (9, 5)])
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the deferred check, now
        finally:
            cursor.execute("RESET ROLE")
        assert seen == [(keys, indexes)]  # nothing dropped during the write
        assert (_keys(cursor, "bulk_role"), _indexes(cursor, "bulk_role")) == (keys, indexes)
        cursor.execute("SELECT count(*) FROM bulk_role")
        assert cursor.fetchone()[0] == 3


@pytest.mark.django_db
def test_among_finds_the_same_rows_as_in_for_numbers_text_and_foreign_keys() -> None:
    from socmap.apps.core.models import User

    build_demo_organisations()
    orgs = list(Organisation.objects.order_by("pk"))
    for o in orgs[:3]:
        User.objects.create(username=f"u{o.pk}", organisation=o)
    some = [o.pk for o in orgs[::2]] + [10**9]
    assert set(Organisation.objects.filter(pk__among=some)) == set(Organisation.objects.filter(pk__in=some))
    assert Organisation.objects.filter(pk__among=some).count() == len(orgs[::2])
    names = [orgs[1].name, "nobody of that name"]
    assert list(Organisation.objects.filter(name__among=names)) == [orgs[1]]
    wanted = [orgs[0].pk, orgs[2].pk]
    found = {u.username for u in User.objects.filter(organisation_id__among=wanted)}
    assert found == {u.username for u in User.objects.filter(organisation_id__in=wanted)}
    assert {f"u{orgs[0].pk}", f"u{orgs[2].pk}"} <= found
    assert not Organisation.objects.filter(pk__among=[]).exists()


def test_the_cycle_collector_pauses_for_a_bulk_job_and_comes_back_as_it_was() -> None:
    assert gc.isenabled()
    with cycles_collected_after():
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with cycles_collected_after():
            assert not gc.isenabled()
        assert not gc.isenabled()  # left off, as the caller had it
    finally:
        gc.enable()
    with pytest.raises(ValueError), cycles_collected_after():
        raise ValueError("a job that fails")
    assert gc.isenabled()


@pytest.mark.django_db
@pytest.mark.parametrize("rows_at_a_time", [2, 100_000])
def test_a_frame_is_inserted_as_it_is_read_back(rows_at_a_time: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """Whole or a slice at a time (``COPY_SLICE``), every row as it was; Arrow strings too."""
    monkeypatch.setattr(bulk, "COPY_SLICE", rows_at_a_time)
    stamp = pd.Timestamp("2026-12-06 05:00:00.123456", tz="UTC")
    frame = pd.DataFrame(
        {
            "name": ["plain", None, 'a "quoted", comma\\nand newline\n', "", "=SUM(A1)"],
            "weight": [1.5, None, -3.25, 0.0, 1e-05],
            "flag": [True, False, True, False, True],
            "made": [stamp] * 5,
            "count": pd.array([1, None, 3, 0, -7], dtype="Int64"),
            "note": pd.arrays.ArrowExtensionArray(
                pa.array(['{"a":1}', None, "x,y", "", "=1+1"], pa.string())
            ),
        }
    )
    with connection.cursor() as cursor:
        kind = "timestamp with time zone" if connection.vendor == "postgresql" else "text"
        cursor.execute(
            f"CREATE TABLE bulk_frame (id integer PRIMARY KEY, name text, weight double precision, "
            f"flag boolean, made {kind}, count integer, note text)"
        )
        insert_frame(cursor, "bulk_frame", frame.assign(id=range(5)))
        cursor.execute("SELECT note FROM bulk_frame ORDER BY id")
        notes = [value for (value,) in cursor.fetchall()]
        cursor.execute("SELECT name, weight, flag, count FROM bulk_frame ORDER BY id")
        rows = cursor.fetchall()
        cursor.execute("SELECT made FROM bulk_frame")
        made = {pd.Timestamp(value) for (value,) in cursor.fetchall()}
    assert rows == [
        ("plain", 1.5, True, 1),
        (None, None, False, None),
        ('a "quoted", comma\\nand newline\n', -3.25, True, 3),
        ("", 0.0, False, 0),
        ("=SUM(A1)", 1e-05, True, -7),
    ]
    assert notes == ['{"a":1}', None, "x,y", "", "=1+1"]
    assert made == {stamp} or {m.tz_localize("UTC") for m in made if m.tzinfo is None} == {stamp}


@pytest.mark.django_db
def test_rows_are_updated_by_key_and_the_rest_left_as_they_were() -> None:
    """On PostgreSQL through a temporary table and one ``UPDATE ... FROM``; values as given, NULL
    and text that looks like markup or a formula included; rows not named keep their values."""
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE bulk_update (id integer PRIMARY KEY, weight float, note text)")
        given = [(i, float(i), f"n{i}") for i in range(5)]
        insert_rows(cursor, "bulk_update", ["id", "weight", "note"], given)
        update_rows(
            cursor,
            "bulk_update",
            "id",
            ["weight", "note"],
            [(-1.25, "=SUM(A1)", 1), (None, '<b>"x",\ny</b>', 3), (7.0, None, 4)],
        )
        update_rows(cursor, "bulk_update", "id", ["weight"], [])  # nothing to set
        cursor.execute("SELECT id, weight, note FROM bulk_update ORDER BY id")
        rows = cursor.fetchall()
        # The staging table is gone: a second call in the same session starts afresh.
        update_rows(cursor, "bulk_update", "id", ["note"], [("again", 0)])
        cursor.execute("SELECT note FROM bulk_update WHERE id = 0")
        again = cursor.fetchone()[0]
    assert rows == [
        (0, 0.0, "n0"),
        (1, -1.25, "=SUM(A1)"),
        (2, 2.0, "n2"),
        (3, None, '<b>"x",\ny</b>'),
        (4, 7.0, None),
    ]
    assert again == "again"


def _resident_mib() -> int:
    status = Path("/proc/self/status").read_text(encoding="ascii")
    return next(int(line.split()[1]) // 1024 for line in status.splitlines() if line.startswith("VmRSS:"))


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="Linux's /proc")
def test_memory_freed_between_steps_goes_back_to_the_system() -> None:
    """Objects freed with a few survivors among them leave glibc's pages resident; the trim hands
    them back, so a bulk job's next step does not stand on them."""
    objects = [bytes(1000) + i.to_bytes(4, "little") for i in range(200_000)]  # about 200 MB
    survivors = objects[::100]
    del objects
    before = _resident_mib()
    memory_returned()
    assert before - _resident_mib() > 100
    assert len(survivors) == 2000
