"""The statement store's read API: what a viewer and a system job each get, its filters and counts."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import pandas as pd
import pytest
from django.db.models import CharField, Value

from socmap.apps.core.bulk import IN_LIST
from socmap.apps.core.models import AuditAction, AuditEvent
from socmap.apps.intel import reads
from socmap.apps.intel.models import Statement
from socmap.apps.intel.reads.frame import fetch_frame
from socmap.errors import InvalidInput, NotVisible
from tests.apps.read_world import EVERY, SEES, World, world_once


@pytest.fixture(scope="module")
def _world_once(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    yield from world_once(django_db_blocker, tmp_path_factory)


@pytest.fixture
def world(_world_once: World, db: None) -> World:
    return _world_once


def _keys(world: World, record_ids: Any) -> set[str]:
    return {world.record_key[int(r)] for r in record_ids}


def _entity_records(world: World) -> dict[str, int]:
    return {row.id: row.record_id for row in reads.entity_rows(viewer=reads.system_job("test"))}


# Each read, asked by a reader, answered as the record keys of what it returned.
READS: dict[str, Callable[[World, reads.Reader], set[str]]] = {
    "entity_rows": lambda w, v: _keys(w, (r.record_id for r in reads.entity_rows(viewer=v))),
    "entity_rows by id": lambda w, v: _keys(
        w, (r.record_id for r in reads.entity_rows(viewer=v, ids=sorted(w.alan.values())))
    ),
    "entity_ids": lambda w, v: _keys(w, (_entity_records(w)[i] for i in reads.entity_ids(viewer=v))),
    "entity_identifiers": lambda w, v: _keys(
        w, (_entity_records(w)[i] for i, _, _ in reads.entity_identifiers(viewer=v, schemas={"Phone"}))
    ),
    "entities_visible": lambda w, v: _keys(
        w, (_entity_records(w)[i] for i in reads.entities_visible(viewer=v, ids=w.alan.values()))
    ),
    "entity_captions": lambda w, v: _keys(
        w, (_entity_records(w)[i] for i in reads.entity_captions(viewer=v, ids=w.alan.values()))
    ),
    "entity_list": lambda w, v: _keys(
        w, (e.record_id for e in reads.entity_list(viewer=v, ids=w.alan.values()))
    ),
    "records_visible": lambda w, v: _keys(w, reads.records_visible(viewer=v, ids=w.record_key)),
    "record_sources": lambda w, v: _keys(w, reads.record_sources(viewer=v, ids=w.record_key)),
    "record_origins": lambda w, v: _keys(w, reads.record_origins(viewer=v, ids=w.record_key)),
    "statement_rows": lambda w, v: _keys(w, (s.record_id for s in reads.statement_rows(viewer=v))),
    "statement_rows by entity": lambda w, v: _keys(
        w, (s.record_id for s in reads.statement_rows(viewer=v, entity_ids=w.alan.values()))
    ),
    "statement_values": lambda w, v: _keys(
        w, (_entity_records(w)[s.entity_id] for s in reads.statement_values(viewer=v, prop="last_name"))
    ),
    "link_rows": lambda w, v: _keys(w, (r.record_id for r in reads.link_rows(viewer=v))),
    "record_ids": lambda w, v: _keys(
        w, (i for ids in reads.record_ids(viewer=v, by=("source",)).values() for i in ids)
    ),
    "link_table": lambda w, v: _keys(w, reads.link_table(viewer=v)["record_id"]),
    "link_rows touching": lambda w, v: _keys(
        w, (r.record_id for r in reads.link_rows(viewer=v, touching=w.alan.values()))
    ),
}

SOURCES = {"glos-general": "G1 G2", "glos-secret": "S1", "glos-endeavour": "E1", "avon-general": "A1"}
SOURCES |= {"council-general": "C1"}


@pytest.mark.django_db
@pytest.mark.parametrize("read", list(READS))
@pytest.mark.parametrize("kind", list(SEES))
def test_each_read_gives_a_viewer_only_the_records_it_may_see(world: World, kind: str, read: str) -> None:
    assert READS[read](world, world.viewers[kind]) == SEES[kind]


@pytest.mark.django_db
@pytest.mark.parametrize("read", list(READS))
def test_each_read_gives_a_system_job_every_record(world: World, read: str) -> None:
    assert READS[read](world, reads.system_job("test")) == EVERY


@pytest.mark.django_db
@pytest.mark.parametrize("kind", list(SEES))
def test_counts_count_only_the_records_a_viewer_may_see(world: World, kind: str) -> None:
    counted = {c.group: c.records for c in reads.record_counts(viewer=world.viewers[kind], by=("source",))}
    expected = {(source,): len(set(keys.split()) & SEES[kind]) for source, keys in SOURCES.items()}
    assert counted == {group: n for group, n in expected.items() if n}


@pytest.mark.django_db
def test_a_system_job_is_named_and_its_read_audited(world: World) -> None:
    job = reads.system_job("weekly group refresh", actor=world.analyst)
    assert job.name == "weekly group refresh" and job.actor == world.analyst
    event = AuditEvent.objects.filter(object_type="intel.store").latest("id")
    assert event.action == AuditAction.CONSULTATION and event.actor == world.analyst
    assert event.justification == "System job: weekly group refresh"
    with pytest.raises(InvalidInput, match="needs a name"):
        reads.system_job("  ")


@pytest.mark.django_db
def test_opening_an_entity_is_a_consultation_and_a_refusal_is_logged(world: World) -> None:
    partner = world.viewers["partner with agreement"]
    entity, conditions = reads.entity_open(viewer=partner, entity_id=world.alan["G1"], justification="Why")
    assert entity.pk == world.alan["G1"] and entity.record.source.name == "glos-general"
    assert conditions == ()
    assert AuditEvent.objects.filter(
        action=AuditAction.CONSULTATION, actor=partner, object_id=world.alan["G1"], justification="Why"
    ).exists()
    with pytest.raises(NotVisible):
        reads.entity_open(viewer=partner, entity_id=world.alan["S1"], justification="Why")
    assert AuditEvent.objects.filter(
        action=AuditAction.PERMISSION_DENIED, actor=partner, object_id=world.alan["S1"]
    ).exists()


@pytest.mark.django_db
def test_links_are_filtered_by_schema_ends_date_and_grading(world: World) -> None:
    job = reads.system_job("test")
    alan = list(world.alan.values())

    def keys(**filters: Any) -> set[str]:
        return _keys(world, (r.record_id for r in reads.link_rows(viewer=job, **filters)))

    associates = list(reads.link_rows(viewer=job, from_entities=alan, schemas={"AssociateOf"}))
    assert {(r.source_schema, r.target_schema) for r in associates} == {("Person", "Person")}
    assert {r.target_entity_id for r in associates} == set(world.associate.values())
    lived = list(reads.link_rows(viewer=job, touching=alan, target_schemas={"Address"}))
    assert {r.schema for r in lived} == {"LivesAt"} and len(lived) == len(EVERY)
    assert "Address" not in {
        r.target_schema for r in reads.link_rows(viewer=job, exclude_target_schemas={"Address"})
    }
    assert keys(observed_since=date(2025, 2, 1)) == {"S1", "E1", "A1", "C1"}
    assert keys(grading_at_least="2B") == EVERY and keys(grading_at_least="1A") == set()
    assert keys(ids=[associates[0].id]) == _keys(world, [associates[0].record_id])
    with pytest.raises(InvalidInput, match="by ids, by the entities they touch"):
        list(reads.link_rows(viewer=job, ids=[associates[0].id], touching=alan))


@pytest.mark.django_db
def test_the_link_table_holds_what_link_rows_give_field_by_field(world: World) -> None:
    for viewer in (world.analyst, reads.system_job("test")):
        rows = sorted(reads.link_rows(viewer=viewer, current=True))
        table = reads.link_table(viewer=viewer, current=True).sort_values("id")
        # A date on PostgreSQL (Arrow's), text on SQLite: the same day either way.
        table["observed_on"] = [None if pd.isna(d) else pd.Timestamp(d).date() for d in table["observed_on"]]
        assert list(table.columns) == reads.LINK_COLUMNS
        assert [reads.LinkRow(*values) for values in table.itertuples(index=False)] == rows
        assert len(rows) > 1
    assert len(reads.link_table(viewer=world.viewers["partner without agreement"])) == 0


@pytest.mark.django_db
def test_a_frame_read_keeps_text_as_written_and_tells_null_from_empty(world: World) -> None:
    """Read through PostgreSQL's CSV: a comma, a quote, a line break, a leading zero, an empty
    string and a missing value each come back as they were."""
    hostile = 'Smith, "Jo"\n=1+1'
    rows = (
        Statement.objects.filter(pk=Statement.objects.order_by("pk").values("pk")[:1])
        .annotate(
            text=Value(hostile, output_field=CharField()),
            zero=Value("007700", output_field=CharField()),
            empty=Value("", output_field=CharField()),
            missing=Value(None, output_field=CharField()),
        )
        .values_list("text", "zero", "empty", "missing")
    )
    frame = fetch_frame(rows, ["text", "zero", "empty", "missing"])
    assert frame.to_dict("records") == [{"text": hostile, "zero": "007700", "empty": "", "missing": None}]
    assert len(fetch_frame(rows.none(), ["text", "zero", "empty", "missing"])) == 0


@pytest.mark.django_db
def test_a_link_between_entities_asked_for_in_two_slices_is_given_once(world: World) -> None:
    far_apart = [world.alan["G1"], *(f"missing-{n:04d}" for n in range(IN_LIST)), world.associate["G1"]]
    found = [r.id for r in reads.link_rows(viewer=world.analyst, touching=far_apart, schemas={"AssociateOf"})]
    assert len(found) == len(set(found)) == 1


@pytest.mark.django_db
def test_records_are_counted_by_postcode_district_and_month_as_the_viewer_may_see(world: World) -> None:
    def counts(kind: str, **kwargs: Any) -> dict[tuple[str, ...], int]:
        viewer = world.viewers[kind]
        return {c.group: c.records for c in reads.record_counts(viewer=viewer, **kwargs)}

    by_place = ("postcode_district", "month")
    assert counts("owner force", by=by_place) == {
        ("BS1", "2025-03"): 1,
        ("GL50", "2025-01"): 1,
        ("GL51", "2025-01"): 1,
        ("GL51", "2025-02"): 2,
        ("GL52", "2025-03"): 1,
    }
    assert counts("partner with agreement", by=by_place) == {
        ("GL50", "2025-01"): 1,
        ("GL51", "2025-02"): 1,
        ("GL52", "2025-03"): 1,
    }
    assert counts("partner without agreement", by=by_place) == {}
    assert counts("owner force", by=("month",), districts={"gl51"}) == {("2025-01",): 1, ("2025-02",): 2}
    assert counts("owner force", by=("source",), observed_to=date(2025, 1, 31)) == {("glos-general",): 2}
    assert counts("owner force", by=("owner",), source_kinds={"custody"}) == {}
    with pytest.raises(InvalidInput, match="counted by month, source, owner, postcode_district"):
        reads.record_counts(viewer=world.analyst, by=("colour",))


@pytest.mark.django_db
def test_the_watermark_is_the_newest_record(world: World) -> None:
    assert reads.record_watermark(viewer=reads.system_job("test")) == max(world.record_key)


@pytest.mark.django_db
def test_a_records_origin_is_its_source_and_the_day_it_was_reported_in_one_read(world: World) -> None:
    job = reads.system_job("test")
    origins = reads.record_origins(viewer=job, ids=world.record_key)
    sources = reads.record_sources(viewer=job, ids=world.record_key)
    reported = reads.record_reported(viewer=job, ids=world.record_key)
    assert origins == {pk: (title, reported.get(pk)) for pk, title in sources.items()}


@pytest.mark.django_db
@pytest.mark.parametrize("kind", list(SEES))
@pytest.mark.parametrize(
    "args",
    [
        {"by": ("source",)},
        {"by": ("owner", "postcode_district")},
        {"by": ("postcode_district", "month")},
        {"by": ("month",), "districts": {"GL51"}},
        {"by": ("month",), "sectors": {"GL50 4"}},
    ],
)
def test_record_ids_are_exactly_the_records_counted(world: World, kind: str, args: dict[str, Any]) -> None:
    """A profile's lineage names the records behind each count: the same records, group by group."""
    viewer = world.viewers[kind]
    counted = {c.group: c.records for c in reads.record_counts(viewer=viewer, **args)}
    ids = reads.record_ids(viewer=viewer, **args)
    assert {group: len(found) for group, found in ids.items()} == counted
    assert all(found == sorted(set(found)) for found in ids.values())
    assert _keys(world, (i for found in ids.values() for i in found)) <= SEES[kind]
