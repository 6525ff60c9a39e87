"""The fast ingest path: mapping in a child process, direct inserts for new records, resuming."""

from __future__ import annotations

import multiprocessing
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from socmap.apps.core.demo import build_demo_organisations
from socmap.apps.core.models import Organisation, User
from socmap.apps.intel import services, sources, store
from socmap.apps.intel.demo import build_demo_intel
from socmap.apps.intel.models import (
    Batch,
    BatchStatus,
    QuarantinedRow,
    Record,
    RecordEntity,
    RecordLink,
    Source,
    SourceKind,
    Statement,
)
from socmap.engines import ingest
from socmap.errors import InvalidInput

FILE = "cdr.csv"
SOURCE = "cdr"


@pytest.fixture(params=[1, 3], ids=["one-mapper", "three-mappers"])
def in_child(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Map every file in child processes (one, or three taking stripes), in small chunks."""
    monkeypatch.setattr(services, "PARALLEL_ROWS", 0)
    monkeypatch.setattr(services, "PARALLEL_BYTES", 0)
    monkeypatch.setattr(services, "CHUNK", 150)
    monkeypatch.setattr(store, "lanes", lambda: request.param)


def expected(batch: Batch, region: Path) -> store.Prepared:
    """What mapping and preparing the file in this process gives, in one chunk."""
    source = batch.source
    mapping = sources.mapping_load(source.mapping_name)
    results = ingest.read_source(region / FILE, mapping, source_name=batch.file_name)
    return store.prepare(list(results), services._context(batch, source, timezone.now()))


@pytest.mark.django_db
def test_mapping_in_a_child_process_stores_what_mapping_inline_would(in_child: None, region: Path) -> None:
    build_demo_organisations()
    (batch,) = build_demo_intel(folder=region, only={SOURCE})
    assert batch.status == BatchStatus.DONE
    want = expected(batch, region)
    assert batch.rows_done == want.rows and want.rows > 3 * services.CHUNK
    records = Record.objects.filter(batch=batch)
    assert set(records.values_list("record_key", flat=True)) == {r[0] for r in want.records}
    assert set(Statement.objects.filter(batch=batch).values_list("key", flat=True)) == {
        s[0] for s in want.statements
    }
    assert set(RecordEntity.objects.filter(record__batch=batch).values_list("record__record_key", "key")) == {
        (e[0], e[1]) for e in want.entities
    }
    stored_links = RecordLink.objects.filter(record__batch=batch).values_list(
        "record__record_key", "schema", "source_entity__key", "target_entity__key"
    )
    assert set(stored_links) == {(link[1], link[2], link[3], link[4]) for link in want.links}
    assert batch.statements_new == len(want.statements)
    assert batch.quarantined == QuarantinedRow.objects.filter(batch=batch).count() == len(want.quarantined)
    assert batch.records_new + batch.quarantined == batch.rows_done
    assert not multiprocessing.active_children()


@pytest.mark.django_db
def test_a_workbook_is_mapped_in_a_child_process_too(in_child: None, region: Path) -> None:
    build_demo_organisations()
    (batch,) = build_demo_intel(folder=region, only={"custody"})
    assert batch.status == BatchStatus.DONE and batch.rows_done > services.CHUNK
    assert batch.records_new + batch.quarantined == batch.rows_done
    assert Record.objects.filter(batch=batch).count() == batch.records_new
    assert not multiprocessing.active_children()


@pytest.mark.django_db
def test_a_write_that_fails_stops_the_mapper_and_running_again_resumes(
    in_child: None, region: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build_demo_organisations()
    real = services._store_prepared
    calls = {"n": 0}

    def failing(*args: Any, **kwargs: Any) -> None:
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("disk full")
        real(*args, **kwargs)

    monkeypatch.setattr(services, "_store_prepared", failing)
    with pytest.raises(RuntimeError, match="disk full"):
        build_demo_intel(folder=region, only={SOURCE})
    assert not multiprocessing.active_children()
    batch = Batch.objects.get(source__name=SOURCE)
    assert batch.status == BatchStatus.FAILED and "resume" in batch.message
    assert batch.rows_done == 2 * services.CHUNK
    stored = Record.objects.filter(batch=batch).count()
    assert 0 < stored < batch.rows_done + 1

    monkeypatch.setattr(services, "_store_prepared", real)
    done = services.batch_run(batch_id=batch.pk)
    want = expected(done, region)
    assert done.status == BatchStatus.DONE and done.rows_done == want.rows
    assert Record.objects.filter(source__name=SOURCE).count() == len({r[0] for r in want.records})
    assert Statement.objects.filter(record__source__name=SOURCE).count() == len(want.statements)
    assert QuarantinedRow.objects.filter(batch=batch).count() == len(want.quarantined)
    # The second run counts the first run's records as seen, not new: together they add up.
    assert done.records_new + done.records_seen == len(want.records)
    assert store.orphans() == {}


@pytest.mark.django_db
def test_an_error_while_mapping_refuses_the_batch_and_stores_nothing(
    in_child: None, region: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build_demo_organisations()

    def broken(items: Any, ctx: store.Context) -> store.Prepared:
        raise InvalidInput(f"{FILE}: the file changed while it was read")

    # Mapping fails wherever it runs: in this process, or in the child processes of the pipeline.
    monkeypatch.setattr(store, "prepare", broken)
    monkeypatch.setattr(store.preparing, "prepare", broken)
    with pytest.raises(InvalidInput, match="changed while"):
        build_demo_intel(folder=region, only={SOURCE})
    batch = Batch.objects.get(source__name=SOURCE)
    assert batch.status == BatchStatus.REFUSED and "changed while" in batch.message
    assert not Record.objects.filter(source__name=SOURCE).exists()
    assert not multiprocessing.active_children()


@pytest.mark.django_db
def test_a_record_repeated_in_a_file_is_stored_once_with_the_values_of_both(
    region: Path, tmp_path: Path
) -> None:
    build_demo_organisations()
    build_demo_intel(folder=region, only={SOURCE})
    source = Source.objects.get(name=SOURCE)
    held_before = Record.objects.filter(source=source).order_by("row").first()
    assert held_before is not None
    lines = (region / FILE).read_text(encoding="utf-8").splitlines()
    header, first = lines[0], lines[held_before.row]
    key = held_before.record_key
    assert first.startswith(key)
    extract = tmp_path / "cdr-again.csv"
    # The held record twice (one unchanged, one with a new time), and a new record twice.
    twice = first.replace(key, f"{key}-NEW", 1)
    extract.write_text("\n".join([header, first, first, twice, twice]) + "\n", encoding="utf-8")
    user = Batch.objects.filter(source=source).first().created_by  # type: ignore[union-attr]
    assert user is not None
    start = services.batch_create(actor=user, source=source, path=extract, file_name=extract.name)
    batch = services.batch_run(batch_id=start.batch.pk)
    assert batch.status == BatchStatus.DONE and batch.rows_done == 4
    assert batch.records_new == 1 and batch.records_seen == 3
    assert Record.objects.filter(source=source, record_key__in=[key, f"{key}-NEW"]).count() == 2
    held = Record.objects.get(source=source, record_key=key)
    assert held.last_batch_id == batch.pk and held.batch_id != batch.pk
    new = Record.objects.get(source=source, record_key=f"{key}-NEW")
    assert Statement.objects.filter(record=new).count() == batch.statements_new > 0


@pytest.mark.django_db
def test_a_file_the_mapping_processes_cannot_read_is_refused_with_its_reason(
    in_child: None, region: Path, tmp_path: Path
) -> None:
    """Each mapping process opens the file itself: one that cannot read it refuses the batch, naming
    the file and what is wrong, and nothing is stored."""
    build_demo_organisations()
    source = services.sources_ensure(
        [
            {
                "owner": Organisation.objects.get(name="Gloucestershire Constabulary"),
                "name": SOURCE,
                "title": "Call records",
                "kind": SourceKind.COMMUNICATIONS,
                "mapping_name": "cdr.yaml",
            }
        ]
    )[0]
    wrong = tmp_path / "cdr.csv"
    wrong.write_text("when,who\n" + "2024-01-01,someone\n" * 50, encoding="utf-8")
    user = User.objects.filter(organisation=source.owner).first()
    assert user is not None
    start = services.batch_create(actor=user, source=source, path=wrong, file_name="cdr.csv")
    with pytest.raises(InvalidInput, match=r"cdr\.csv: no header with the mapped columns"):
        services.batch_run(batch_id=start.batch.pk)
    batch = Batch.objects.get(pk=start.batch.pk)
    assert batch.status == BatchStatus.REFUSED and "missing" in batch.message
    assert not Record.objects.filter(source=source).exists()
    assert not multiprocessing.active_children()


@pytest.mark.django_db
def test_records_held_finds_a_sources_records_by_key_alone(region: Path) -> None:
    build_demo_organisations()
    (batch,) = build_demo_intel(folder=region, only={SOURCE})
    other = build_demo_intel(folder=region, only={"prison"})[0]
    mine = list(Record.objects.filter(batch=batch).order_by("id")[:3])
    theirs = Record.objects.filter(batch=other).first()
    assert theirs is not None
    keys = [r.record_key for r in mine] + ["no such record", theirs.record_key]
    held = store.records_held(batch.source_id, keys)
    assert sorted(held) == sorted((r.pk, r.record_key, batch.pk) for r in mine)
    assert store.records_held(batch.source_id, []) == []


@pytest.mark.django_db
def test_records_held_probes_the_index_once_a_key_whatever_the_statistics(region: Path) -> None:
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the planner's choice is PostgreSQL's")
    build_demo_organisations()
    (batch,) = build_demo_intel(folder=region, only={SOURCE})
    keys = list(Record.objects.filter(batch=batch).values_list("record_key", flat=True)[:50])
    seen: list[tuple[str, Any]] = []

    def keep(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        seen.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(keep):
        assert len(store.records_held(batch.source_id, keys)) == len(keys)
    ((sql, params),) = seen
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    # One probe of (source, key) a key: never the source's records read and filtered.
    assert "Nested Loop" in plan and "record_key" in plan.split("Index Cond")[-1]
    assert "Filter" not in plan
