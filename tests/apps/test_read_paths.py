"""What each kind of viewer gets from every read of the statement store that another app makes.

In the world of ``tests/apps/read_world.py`` (one man, Alan Smith, in six records of three
organisations, two of them in compartments and one handled C), every read that the network,
resolution and assessment apps make is asked by each kind of viewer:

- the owner force (Gloucestershire; Avon and Somerset and the council share their general items
  with it),
- another force (Avon and Somerset: nothing shared with it),
- a partner with an agreement (the council: Gloucestershire's general items and Operation
  Endeavour, handling P only),
- a partner without one (the NHS trust),

and what it gets is compared with what the visibility rule allows, record by record. The system
reads (an engine's whole view of the store) are checked to see everything.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from socmap.apps.intel.models import RecordEntity
from socmap.errors import NotVisible
from tests.apps.read_world import ASSOCIATES, EVERY, RECORDS, SEES, World, world_once


@pytest.fixture(scope="module")
def _world_once(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    yield from world_once(django_db_blocker, tmp_path_factory)


@pytest.fixture
def world(_world_once: World, db: None) -> World:
    return _world_once


VIEWERS = list(SEES)


def _first_visible(world: World, seen: frozenset[str]) -> str | None:
    """The id a viewer opens Alan Smith by: his entity in a record it sees (its own, if any)."""
    for key in ("G1", "A1", "C1"):
        if key in seen:
            return world.alan[key]
    return None


# ---------------------------------------------------------------------------------------- resolution


@pytest.mark.django_db
@pytest.mark.parametrize("kind", VIEWERS)
def test_the_person_page_shows_only_the_records_the_viewer_may_see(world: World, kind: str) -> None:
    from socmap.apps.resolution import selectors

    viewer, seen = world.viewers[kind], SEES[kind]
    opened = _first_visible(world, seen)
    if opened is None:
        with pytest.raises(NotVisible):
            selectors.entity_get(viewer=viewer, entity_id=world.alan["G1"], justification="Test")
        return
    for hidden in EVERY - seen:
        with pytest.raises(NotVisible):
            selectors.entity_get(viewer=viewer, entity_id=world.alan[hidden], justification="Test")
    view = selectors.entity_get(viewer=viewer, entity_id=opened, justification="Test")
    keys = world.record_key
    assert {keys[m.record_id] for m in view.members} == seen
    assert {keys[v.record_id] for _, values in view.values for v in values} == seen
    assert {keys[e.record_id] for e in view.events.items} == seen
    assert {r.entity.caption for r in view.related if r.entity.schema == "Person"} == {
        ASSOCIATES[k] for k in seen
    }
    assert {h.other_id for h in view.history.items} <= {world.alan[k] for k in seen}
    assert selectors.display_id_get(viewer=viewer, entity_id=world.alan["S1"]) == min(
        world.alan[k] for k in seen
    )


@pytest.mark.django_db
@pytest.mark.parametrize("kind", VIEWERS)
def test_a_pair_is_reviewed_only_by_a_viewer_who_sees_both_records(world: World, kind: str) -> None:
    from socmap.apps.resolution import selectors

    viewer, seen = world.viewers[kind], SEES[kind]
    both = {"G1", "A1"} <= seen
    assert selectors.pair_counts(viewer=viewer)["pending"] == (1 if both else 0)
    assert [p.pk for p in selectors.pair_queue(viewer=viewer)] == ([world.pair_id] if both else [])
    if both:
        view = selectors.pair_get(viewer=viewer, pair_id=world.pair_id, justification="Test")
        assert {world.record_key[v.record_id] for row in view.rows for v in row.left + row.right} == {
            "G1",
            "A1",
        }
    else:
        with pytest.raises(NotVisible):
            selectors.pair_get(viewer=viewer, pair_id=world.pair_id, justification="Test")


# ------------------------------------------------------------------------------------------- network


@pytest.mark.django_db
@pytest.mark.parametrize("kind", VIEWERS)
def test_the_network_around_a_person_shows_only_visible_records(world: World, kind: str) -> None:
    from socmap.apps.network import graph as netgraph
    from socmap.apps.network import selectors

    viewer, seen = world.viewers[kind], SEES[kind]
    opened = _first_visible(world, seen)
    if opened is None:
        with pytest.raises(NotVisible):
            selectors.neighbourhood(
                viewer=viewer, entity_id=world.alan["G1"], filters=netgraph.Filters(), justification="Test"
            )
        return
    graph = selectors.neighbourhood(
        viewer=viewer, entity_id=opened, filters=netgraph.Filters(), justification="Test"
    )
    assert {world.record_key[e.record_id] for e in graph.edges} == seen
    people = {n.label for n in graph.nodes if n.kind == "person"}
    assert people == {"Alan Smith"} | {ASSOCIATES[k] for k in seen}
    visible_ids = {
        eid for eid, key in RecordEntity.objects.values_list("id", "record__record_key") if key in seen
    }
    assert {n.id for n in graph.nodes} <= visible_ids


@pytest.mark.django_db
@pytest.mark.parametrize("kind", VIEWERS)
def test_a_group_shows_only_the_members_the_viewer_may_see(world: World, kind: str) -> None:
    from socmap.apps.network import selectors
    from socmap.apps.network.models import OCG

    viewer, seen = world.viewers[kind], SEES[kind]
    group_visible = kind in ("owner force", "partner with agreement")  # Gloucestershire's, general, P
    if not group_visible:
        with pytest.raises(NotVisible):
            selectors.ocg_get(viewer=viewer, ocg_id=world.ocg_id, justification="Test")
        return
    view = selectors.ocg_get(viewer=viewer, ocg_id=world.ocg_id, justification="Test")
    members = {"G1": "Bob Jones", "S1": "Carl Dee", "A1": "Bob Jones"}
    expected = {"Alan Smith"} | {name for key, name in members.items() if key in seen}
    assert {m.label for m in view.members} == expected
    assert view.complete == (seen == EVERY)
    assert {n.label for n in view.graph.nodes} <= {"Alan Smith", *(ASSOCIATES[k] for k in seen)} | {
        n.label for n in view.graph.nodes if n.kind != "person"
    }
    assert {world.record_key[e.record_id] for e in view.graph.edges} <= seen
    rows = selectors.return_rows(viewer=viewer, groups=[OCG.objects.get(pk=world.ocg_id)])
    # Bob Jones's two records are two people until someone merges them.
    assert rows[0]["members_visible"] == 1 + sum(1 for key in members if key in seen)
    assert rows[0]["principal"] == "Alan Smith"


@pytest.mark.django_db
@pytest.mark.parametrize("kind", VIEWERS)
def test_a_priority_individual_is_listed_only_with_a_visible_record(world: World, kind: str) -> None:
    from socmap.apps.network import selectors

    viewer, seen = world.viewers[kind], SEES[kind]
    listed = {v.label for v in selectors.individual_list(viewer=viewer).items}
    individual_visible = kind in ("owner force", "partner with agreement")
    assert listed == ({"Dan Eve"} if individual_visible and "E1" in seen else set())


# ---------------------------------------------------------------------------------------- assessment


@pytest.mark.django_db
@pytest.mark.parametrize("kind", VIEWERS)
def test_an_assessment_cites_only_the_sources_the_reader_may_see(world: World, kind: str) -> None:
    from socmap.apps.assessment.sources import visible_sources

    viewer, seen = world.viewers[kind], SEES[kind]
    ids = {key: pk for pk, key in world.record_key.items()}
    cited = [{"kind": "record", "ref": str(ids[k])} for k in sorted(RECORDS)] + [
        {"kind": "entity", "ref": world.alan[k]} for k in sorted(RECORDS)
    ]
    shown = visible_sources(viewer, cited)
    assert {world.record_key[int(s["ref"])] for s in shown if s["kind"] == "record"} == seen
    assert {s["ref"] for s in shown if s["kind"] == "entity"} == {world.alan[k] for k in seen}


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["owner force", "partner with agreement"])
def test_suggestions_count_only_what_the_assessor_may_see(world: World, kind: str) -> None:
    from socmap.apps.assessment.models import Threat
    from socmap.apps.assessment.suggestions import facts_for

    viewer, seen = world.viewers[kind], SEES[kind]
    facts = facts_for(viewer=viewer, threat=Threat.objects.get(pk=world.threat_id), justification="Test")
    owners = {spec[0] for key, spec in RECORDS.items() if key in seen}
    names = {
        "glos": "Gloucestershire Constabulary",
        "avon": "Avon and Somerset Constabulary",
        "council": "Cheltenham Borough Council",
    }
    members = {"G1", "S1", "A1"}
    assert set(facts.forces) <= {names[o] for o in owners}
    assert facts.complete == (members <= seen)
    assert {world.record_key[r] for r in facts.records} <= seen


# --------------------------------------------------------------------------------------- system jobs


@pytest.mark.django_db
def test_the_engines_read_every_record_whoever_owns_it(world: World) -> None:
    from socmap.apps.intel import reads
    from socmap.apps.network import graph as netgraph
    from socmap.apps.resolution import selectors

    job = reads.system_job("test")
    people = reads.person_rows(viewer=job)
    assert {row["record_id"] for row in people} >= set(world.alan.values()) | set(world.associate.values())
    inputs = netgraph.analysis_inputs(viewer=job)
    assert {world.record_key[r] for r in inputs.record_of.values()} == EVERY
    canonical = selectors.canonical_map(viewer=None)
    assert {canonical[world.alan[k]] for k in RECORDS} == {min(world.alan.values())}
