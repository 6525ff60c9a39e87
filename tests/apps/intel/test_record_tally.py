"""The records a viewer may see are counted from the tally the database keeps, and the tally stays
equal to the record table through ingest, changes of handling or compartment, erasure and deletion."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db.models import Count

from socmap.apps.core.visibility import filter_visible
from socmap.apps.intel import selectors, services
from socmap.apps.intel.models import Record, RecordTally
from tests.apps.read_world import SEES, World, world_once


@pytest.fixture(scope="module")
def _world_once(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    yield from world_once(django_db_blocker, tmp_path_factory)


@pytest.fixture
def world(_world_once: World, db: None) -> World:
    return _world_once


def _tally() -> dict[tuple[int, str, int | None], int]:
    return {
        (t.owner_id, t.handling, t.compartment_id): t.records
        for t in RecordTally.objects.all()
        if t.records
    }


def _recount() -> dict[tuple[int, str, int | None], int]:
    rows = Record.objects.values_list("owner_id", "handling", "compartment_id").annotate(n=Count("id"))
    return {(o, h, c): n for o, h, c, n in rows.order_by()}


def _counts(world: World) -> dict[str, int]:
    return {
        kind: selectors.record_counts(viewer=viewer, statements=False)["records"]
        for kind, viewer in world.viewers.items()
    }


def _direct(world: World) -> dict[str, int]:
    return {kind: filter_visible(Record.objects.all(), v).count() for kind, v in world.viewers.items()}


@pytest.mark.django_db
def test_each_viewer_counts_only_the_records_it_may_see(world: World) -> None:
    assert _tally() == _recount()
    assert _counts(world) == {kind: len(keys) for kind, keys in SEES.items()}


@pytest.mark.django_db
def test_a_change_of_handling_or_compartment_moves_the_record_between_viewers(world: World) -> None:
    # G2 handled P: the council's agreement (Gloucestershire's general items, P) now covers it.
    Record.objects.filter(record_key="G2").update(handling="P")
    # S1 out of its compartment: a general item, also shared with the council.
    record = Record.objects.get(record_key="S1")
    record.compartment = None
    record.save()
    assert _tally() == _recount()
    counts = _counts(world)
    assert counts["partner with agreement"] == len(SEES["partner with agreement"]) + 2
    assert counts == _direct(world)


@pytest.mark.django_db
def test_erasure_and_deletion_keep_the_tally_equal_to_the_records(world: World) -> None:
    erased = Record.objects.get(record_key="G1")
    services.record_erase(actor=world.analyst, record=erased, justification="Court order")
    Record.objects.filter(record_key="A1").delete()
    assert _tally() == _recount()
    counts = _counts(world)
    assert counts["another force"] == 0
    assert counts == _direct(world)


@pytest.mark.django_db
def test_a_record_deleted_after_its_tally_row_leaves_no_negative_count(world: World) -> None:
    # A test database flushed table by table may empty the tally before the records.
    RecordTally.objects.all().delete()
    Record.objects.filter(record_key="A1").delete()
    assert not RecordTally.objects.filter(records__lt=0).exists()
