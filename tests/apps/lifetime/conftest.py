"""A small world for lifetime management: forces, a council and housing, officers, a prison extract
ingested for real (so people are records the visibility rule governs), an adopted group of those
people with its plan, and the one clock fixed on a known day."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from socmap.apps.core.clock import clock_set
from socmap.apps.core.models import Compartment, Organisation, User
from socmap.apps.intel import services as intel
from socmap.apps.intel.models import RecordEntity
from socmap.apps.lifetime import services
from socmap.apps.lifetime.models import Plan
from socmap.apps.network import services as network
from socmap.apps.network.models import OCG, OCGMember
from tests import factories

TODAY = date(2025, 6, 2)
HEADER = [
    "IR_NUMBER",
    "ESTABLISHMENT",
    "PRISON_NUMBER",
    "SURNAME",
    "FORENAMES",
    "DOB",
    "RECEPTION_DATE",
    "REPORT_DATE",
    "CATEGORY",
    "SOURCE_EVAL",
    "INTEL_EVAL",
    "HANDLING_CODE",
    "HANDLING_CONDITIONS",
    "ASSOCIATE_NAME",
    "ASSOCIATE_PHONE",
    "DETAIL",
    "EXPECTED_RELEASE",
]
# (surname, forenames, date of birth, reception, expected release)
PRISONERS = [
    ("SMITH", "JAY", "04/05/88", "10/01/23", "20/06/2025"),
    ("OKAFOR", "DANIEL", "17/11/91", "02/03/24", "15/12/2026"),
    ("BRENNAN", "LEE", "09/09/85", "15/08/22", "01/09/2025"),
]


def write_prison(folder: Path, rows: list[tuple[str, str, str, str, str]], start: int = 1) -> Path:
    path = folder / f"prison-{start}.csv"
    with path.open("w", newline="", encoding="cp1252") as fh:
        out = csv.writer(fh)
        out.writerow(HEADER)
        for i, (surname, forenames, dob, received, release) in enumerate(rows, start=start):
            out.writerow(
                [
                    f"PIR{i:07d}",
                    "HMP Bristol",
                    f"A{1000 + i}BC",
                    surname,
                    forenames,
                    dob,
                    received,
                    "01/05/25",
                    "Associations",
                    "1",
                    "A",
                    "P",
                    "",
                    "",
                    "",
                    "In contact with associates outside.",
                    release,
                ]
            )
    return path


@dataclass
class World:
    glos: Organisation
    avon: Organisation
    rocu: Organisation
    council: Organisation
    housing: Organisation
    endeavour: Compartment
    analyst: User
    lro: User
    lro2: User
    deputy: User
    supervisor: User
    supervisor2: User
    council_user: User
    avon_lro: User
    rocu_user: User
    people: list[str]  # record entity ids of the prisoners, in PRISONERS order
    group: OCG
    plan: Plan


@pytest.fixture
def today() -> Iterator[date]:
    clock_set(TODAY)
    try:
        yield TODAY
    finally:
        clock_set(None)


def ingest_prison(
    owner_user: User, folder: Path, rows: list[tuple[str, str, str, str, str]], start: int = 1
) -> list[str]:
    source = intel.sources_ensure(
        [
            {
                "owner": owner_user.organisation,
                "name": "prison",
                "title": "Prison intelligence",
                "kind": "prison",
                "mapping_name": "prison.yaml",
                "handling": "P",
                "conditions": "",
            }
        ]
    )[0]
    path = write_prison(folder, rows, start)
    batch = intel.batch_run(
        batch_id=intel.batch_create(actor=owner_user, source=source, path=path, file_name=path.name).batch.pk
    )
    assert batch.status == "done", batch.message
    keys = [f"PIR{i:07d}" for i in range(start, start + len(rows))]
    found = dict(
        RecordEntity.objects.filter(schema="Person", record__record_key__in=keys, key="prisoner").values_list(
            "record__record_key", "id"
        )
    )
    return [found[k] for k in keys]


@pytest.fixture
def world(db: None, today: date, tmp_path: Path) -> World:
    glos = factories.organisation("force", name="Gloucestershire Constabulary")
    avon = factories.organisation("force", name="Avon and Somerset Constabulary")
    rocu = factories.organisation("rocu", name="South West ROCU")
    council = factories.organisation("partner", "council", name="Cheltenham Borough Council")
    housing = factories.organisation("partner", "housing", name="Cheltenham Borough Homes")
    endeavour = factories.compartment("Operation Endeavour")
    factories.agreement(
        glos, council, compartments=(endeavour,), includes_general=False, handling_codes=("P",)
    )
    factories.agreement(glos, rocu, compartments=(endeavour,))
    analyst = factories.user(glos, "analyst", username="analyst")
    lro = factories.user(glos, "lro", username="lro")
    people = ingest_prison(analyst, tmp_path, PRISONERS)
    group = factories.ocg(glos, name="Brook Street crew", compartment=endeavour)
    for entity_id, role in zip(people, ("principal", "lieutenant", "member"), strict=True):
        OCGMember.objects.create(ocg=group, entity_id=entity_id, role=role, joined_on=date(2024, 1, 1))
    network.ocg_assess(actor=analyst, ocg=group, assessment="A continuing group supplying drugs")
    network.ocg_adopt(actor=analyst, ocg=group, lead_force=glos, lro=lro)
    group.refresh_from_db()
    plan = services.plan_open(actor=lro, ocg=group)
    return World(
        glos=glos,
        avon=avon,
        rocu=rocu,
        council=council,
        housing=housing,
        endeavour=endeavour,
        analyst=analyst,
        lro=lro,
        lro2=factories.user(glos, "lro", username="lro2"),
        deputy=factories.user(glos, "lro", username="deputy"),
        supervisor=factories.user(glos, "supervisor", username="supervisor"),
        supervisor2=factories.user(glos, "supervisor", username="supervisor2"),
        council_user=factories.user(council, "partner", username="council"),
        avon_lro=factories.user(avon, "lro", username="avon.lro"),
        rocu_user=factories.user(rocu, "tasking", username="rocu"),
        people=people,
        group=group,
        plan=plan,
    )
