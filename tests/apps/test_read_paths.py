"""What each kind of viewer gets from every read of the statement store that another app makes.

One small world, ingested through the real path: Gloucestershire holds one person (Alan Smith) in a
general record, a record handled C, a record in a compartment nobody is given and one in the
Operation Endeavour compartment shared with the council; Avon and Somerset and the council each hold
a record of him too, and all six are merged into one person. Every read that the network,
resolution and assessment apps make of that world is asked by each kind of viewer:

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

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import override_settings

from socmap.apps.core import services as core
from socmap.apps.core.models import Compartment, User
from socmap.apps.intel import services as intel
from socmap.apps.intel.models import Record, RecordEntity, SourceKind
from socmap.errors import NotVisible
from tests import factories

HEADER = [
    "IntelRef",
    "DateOfReport",
    "SourceGrade",
    "IntelGrade",
    "HandlingCode",
    "HandlingConditions",
    "Details",
    "SubjectForename",
    "SubjectSurname",
    "SubjectNickname",
    "SubjectDOB",
    "SubjectAddressLine",
    "SubjectPostcode",
    "LinkedSubjectForename",
    "LinkedSubjectSurname",
    "LinkedSubjectDOB",
    "SubjectMobile",
    "LinkedVRM",
]

# record key -> (owner, compartment, handling, associate, details)
RECORDS = {
    "G1": ("glos", "", "P", "Bob Jones", "Drugs supply from a flat in Cheltenham"),
    "G2": ("glos", "", "C", "Gil Hart", "Cash couriering to Bristol"),
    "S1": ("glos", "secret", "P", "Carl Dee", "Firearm seen at a lock-up"),
    "E1": ("glos", "endeavour", "P", "Dan Eve", "Dealing near a school in Hesters Way"),
    "A1": ("avon", "", "P", "Bob Jones", "Seen with a known dealer in Bristol"),
    "C1": ("council", "", "P", "Fay Gee", "Tenancy complaint: visitors at all hours"),
}
EVERY = frozenset(RECORDS)

# What each kind of viewer may see, by the rule: the test's expectations are built from these.
SEES = {
    "owner force": frozenset({"G1", "G2", "S1", "E1", "A1", "C1"}),
    "another force": frozenset({"A1"}),
    "partner with agreement": frozenset({"G1", "E1", "C1"}),
    "partner without agreement": frozenset(),
}
ASSOCIATES = {key: spec[3] for key, spec in RECORDS.items()}


@dataclass
class World:
    viewers: dict[str, User]
    analyst: User
    alan: dict[str, str]  # record key -> Alan Smith's entity id in it
    associate: dict[str, str]  # record key -> the associate's entity id in it
    record_key: dict[int, str]  # record id -> record key
    pair_id: int
    ocg_id: int
    threat_id: int
    individual_id: int


def _write(folder: Path, name: str, keys: list[str]) -> Path:
    path = folder / f"{name}.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(HEADER)
        for n, key in enumerate(keys, start=1):
            _, _, handling, associate, details = RECORDS[key]
            first, last = associate.split()
            out.writerow(
                [
                    key,
                    f"0{n}-03-2025",
                    "2",
                    "B",
                    handling,
                    "Police use only" if handling == "C" else "",
                    details,
                    "Alan",
                    "Smith",
                    "",
                    "01-02-1980",
                    f"{n} High Street",
                    "GL50 1AA",
                    first,
                    last,
                    "03-04-1981",
                    f"0770090000{n}",
                    f"AB{n}2CDE",
                ]
            )
    return path


def _ingest(folder: Path, owner_user: User, name: str, keys: list[str], compartment: Any = None) -> None:
    source = intel.source_register(
        actor=None,
        owner=owner_user.organisation,  # type: ignore[arg-type]
        name=name,
        title=name,
        kind=SourceKind.INTELLIGENCE,
        mapping_name="intel_gloucestershire.yaml",
        compartment=compartment,
    )
    path = _write(folder, name, keys)
    start = intel.batch_create(actor=owner_user, source=source, path=path, file_name=path.name)
    intel.batch_run(batch_id=start.batch.pk)


def _build(folder: Path) -> World:
    from socmap.apps.assessment import services as assessment
    from socmap.apps.network.models import OCG, AnalysisRun, OCGMember, PriorityIndividual
    from socmap.apps.resolution import services as resolution
    from socmap.apps.resolution.models import Pair

    glos = factories.organisation("force", name="Gloucestershire Constabulary")
    avon = factories.organisation("force", name="Avon and Somerset Constabulary")
    council = factories.organisation("partner", "council", name="Cheltenham Borough Council")
    nhs = factories.organisation("partner", "nhs", name="Gloucestershire NHS Trust")
    secret = factories.compartment("Operation Nightjar")
    endeavour = factories.compartment("Operation Endeavour")
    factories.agreement(avon, glos, handling_codes=("P", "C"))
    council_user = factories.user(council, "partner")
    core.agreement_create(
        actor=None,
        provider=council,
        recipient=glos,
        title="Council to police",
        valid_from=date.today() - timedelta(days=30),
        includes_general=True,
        handling_codes=("P",),
        approved_by=council_user,
    )
    factories.agreement(glos, council, compartments=(endeavour,), handling_codes=("P",))
    users = {
        "glos": factories.user(glos, "analyst", "supervisor"),
        "avon": factories.user(avon, "analyst"),
        "council": council_user,
    }
    nhs_user = factories.user(nhs, "partner")
    places: dict[str, Compartment | None] = {"": None, "secret": secret, "endeavour": endeavour}
    for owner, place in (
        ("glos", ""),
        ("glos", "secret"),
        ("glos", "endeavour"),
        ("avon", ""),
        ("council", ""),
    ):
        keys = [k for k, spec in RECORDS.items() if spec[0] == owner and spec[1] == place]
        _ingest(folder, users[owner], f"{owner}-{place or 'general'}", keys, places[place])

    def entity(record_key: str, key: str) -> str:
        return str(RecordEntity.objects.get(record__record_key=record_key, key=key).pk)

    alan = {k: entity(k, "subject1") for k in RECORDS}
    associate = {k: entity(k, "linked") for k in RECORDS}
    analyst = users["glos"]
    for other in ("G2", "S1", "E1", "A1", "C1"):
        resolution.merge(actor=analyst, left_id=alan["G1"], right_id=alan[other], reason="Same man")
    # Avon's Bob Jones against Gloucestershire's, awaiting review as a run leaves a pair.
    left, right = sorted((associate["G1"], associate["A1"]))
    pair = Pair.objects.create(left_id=left, right_id=right, probability=0.8, uncertainty=0.3)
    run = AnalysisRun.objects.create(engine_version="test", config_hash="test", seed=1)
    ocg = OCG.objects.create(owner=glos, handling="P", name="Hesters Way group", theme="county_lines")
    canonical = min(alan.values())
    for member, role in (
        (canonical, "principal"),
        (associate["G1"], "member"),
        (associate["S1"], "member"),
        (associate["A1"], "member"),
    ):
        OCGMember.objects.create(ocg=ocg, entity_id=member, role=role, joined_on="2025-03-01")
    individual = PriorityIndividual.objects.create(
        owner=glos, handling="P", entity_id=associate["E1"], proposed_by=run, last_run=run, score=1.0
    )
    threat = assessment.threat_create(actor=analyst, kind="ocg", ocg=ocg, theme="county_lines")
    return World(
        viewers={
            "owner force": analyst,
            "another force": users["avon"],
            "partner with agreement": users["council"],
            "partner without agreement": nhs_user,
        },
        analyst=analyst,
        alan=alan,
        associate=associate,
        record_key=dict(Record.objects.values_list("id", "record_key")),
        pair_id=pair.pk,
        ocg_id=ocg.pk,
        threat_id=threat.pk,
        individual_id=individual.pk,
    )


@pytest.fixture(scope="module")
def _world_once(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    folder = tmp_path_factory.mktemp("read-paths")
    with (
        django_db_blocker.unblock(),
        override_settings(VAR_DIR=folder / "var", MEDIA_ROOT=folder / "media", PASSWORD_HASHERS=fast),
    ):
        try:
            yield _build(folder)
        finally:
            call_command("flush", interactive=False, verbosity=0)


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
            selectors.entity_get(viewer, world.alan["G1"], justification="Test")
        return
    for hidden in EVERY - seen:
        with pytest.raises(NotVisible):
            selectors.entity_get(viewer, world.alan[hidden], justification="Test")
    view = selectors.entity_get(viewer, opened, justification="Test")
    keys = world.record_key
    assert {keys[m.record_id] for m in view.members} == seen
    assert {keys[v.record_id] for _, values in view.values for v in values} == seen
    assert {keys[e.record_id] for e in view.events.items} == seen
    assert {r.entity.caption for r in view.related if r.entity.schema == "Person"} == {
        ASSOCIATES[k] for k in seen
    }
    assert {h.other_id for h in view.history.items} <= {world.alan[k] for k in seen}
    assert selectors.display_id(viewer, world.alan["S1"]) == min(world.alan[k] for k in seen)


@pytest.mark.django_db
@pytest.mark.parametrize("kind", VIEWERS)
def test_a_pair_is_reviewed_only_by_a_viewer_who_sees_both_records(world: World, kind: str) -> None:
    from socmap.apps.resolution import selectors

    viewer, seen = world.viewers[kind], SEES[kind]
    both = {"G1", "A1"} <= seen
    assert selectors.queue_counts(viewer)["pending"] == (1 if both else 0)
    assert [p.pk for p in selectors.queue(viewer)] == ([world.pair_id] if both else [])
    if both:
        view = selectors.pair_get(viewer, world.pair_id, justification="Test")
        assert {world.record_key[v.record_id] for row in view.rows for v in row.left + row.right} == {
            "G1",
            "A1",
        }
    else:
        with pytest.raises(NotVisible):
            selectors.pair_get(viewer, world.pair_id, justification="Test")


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
    from socmap.apps.intel.selectors import person_records
    from socmap.apps.network import graph as netgraph
    from socmap.apps.resolution import selectors

    people = person_records()
    assert {row["record_id"] for row in people} >= set(world.alan.values()) | set(world.associate.values())
    inputs = netgraph.analysis_inputs()
    assert {world.record_key[r] for r in inputs.record_of.values()} == EVERY
    canonical = selectors.canonical_ids()
    assert {canonical[world.alan[k]] for k in RECORDS} == {min(world.alan.values())}
