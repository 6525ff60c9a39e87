"""A small world for the tests of the statement store's reads, ingested through the real path.

Gloucestershire holds one person (Alan Smith) in a general record (G1), a record handled C (G2), a
record in a compartment nobody is given (S1) and one in the Operation Endeavour compartment shared
with the council (E1); Avon and Somerset (A1) and the council (C1) each hold a record of him too, and
all six are merged into one person. Avon and Somerset and the council share their general items with
Gloucestershire; Gloucestershire shares its general items and Operation Endeavour, handling P only,
with the council; the NHS trust has no agreement.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.test import override_settings

from socmap.apps.core import services as core
from socmap.apps.core.models import Compartment, User
from socmap.apps.intel import services as intel
from socmap.apps.intel.models import Record, RecordEntity, SourceKind
from tests import factories
from tests.conftest import committed

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
# record key -> (postcode of Alan Smith's address in it, date of the report)
PLACES = {
    "G1": ("GL50 1AA", "03-01-2025"),
    "G2": ("GL51 2BB", "14-01-2025"),
    "S1": ("GL51 3CC", "02-02-2025"),
    "E1": ("GL51 4DD", "20-02-2025"),
    "A1": ("BS1 5EE", "01-03-2025"),
    "C1": ("GL52 6FF", "09-03-2025"),
}

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
                    PLACES[key][1],
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
                    PLACES[key][0],
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
        resolution.person_merge(actor=analyst, left_id=alan["G1"], right_id=alan[other], reason="Same man")
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


def world_once(django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """Build the world once for a test module (a module-scoped fixture yields from this); each test
    then runs in its own rolled-back transaction on top of it, and it is flushed at the end."""
    fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    folder = tmp_path_factory.mktemp("read-paths")
    with (
        django_db_blocker.unblock(),
        override_settings(VAR_DIR=folder / "var", MEDIA_ROOT=folder / "media", PASSWORD_HASHERS=fast),
        committed(),
    ):
        yield _build(folder)
