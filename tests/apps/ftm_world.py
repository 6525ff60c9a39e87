"""A small world for the FollowTheMoney exports: a force's FtM stream and a council's safeguarding
referral about the same person, resolved into one.

- Gloucestershire Constabulary ingests an FtM stream: Jo Bloggs (id ``p-jo``) with an address
  entity, a company Jo owns (Ownership, 51 %) and directs (Directorship), Jo's brother (Family), a
  payment from the company to Jo (Payment), a sanction naming Jo, and someone unrelated.
- Cheltenham Borough Council ingests a safeguarding referral about Jo (a socmap-native record:
  person, address, phone, an associated person, the referral), and shares it with the force.
- The force's analyst judges the two Jo records the same person.

The council's partner user sees only the council's record; the force's analyst sees both.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from socmap.apps.core import clock
from socmap.apps.core import services as core_services
from socmap.apps.core.models import Organisation, User
from socmap.apps.intel import services
from socmap.apps.intel.models import Batch, RecordEntity, Source
from socmap.apps.resolution.services import person_merge
from tests import factories

POLICE_STREAM: list[dict[str, Any]] = [
    {
        "id": "p-jo",
        "schema": "Person",
        "properties": {
            "name": ["JO BLOGGS"],
            "birthDate": ["1976-08-01"],
            "nationality": ["gb"],
            "addressEntity": ["a-1"],
            "notes": ['Zoë\'s <b>friend</b>, =HYPERLINK("x")'],
        },
    },
    {
        "id": "a-1",
        "schema": "Address",
        "properties": {"full": ["5 Lane, Bath BA1 1AA"], "postalCode": ["BA1 1AA"]},
    },
    {"id": "c-1", "schema": "Company", "properties": {"name": ["E.ON AG"], "jurisdiction": ["de"]}},
    {
        "id": "o-1",
        "schema": "Ownership",
        "properties": {"owner": ["p-jo"], "asset": ["c-1"], "percentage": ["51"], "startDate": ["2019"]},
    },
    {
        "id": "d-1",
        "schema": "Directorship",
        "properties": {"director": ["p-jo"], "organization": ["c-1"], "role": ["Geschäftsführer"]},
    },
    {"id": "p-sam", "schema": "Person", "properties": {"name": ["Sam Bloggs"]}},
    {
        "id": "f-1",
        "schema": "Family",
        "properties": {"person": ["p-jo"], "relative": ["p-sam"], "relationship": ["brother"]},
    },
    {
        "id": "pay-1",
        "schema": "Payment",
        "properties": {
            "payer": ["c-1"],
            "beneficiary": ["p-jo"],
            "amountEur": ["1000.50"],
            "purpose": ["fees"],
        },
    },
    {"id": "san-1", "schema": "Sanction", "properties": {"entity": ["p-jo"], "program": ["EU 269/2014"]}},
    {"id": "p-other", "schema": "Person", "properties": {"name": ["Unrelated Person"]}},
]
COUNCIL_CSV = (
    "Referral ID,Council,Date Received,Referrer,Subject Type,Subject Forename,Subject Surname,"
    "Subject DOB,Address,Postcode,Contact Number,Concern,Associated Person,Associated Person Details,"
    "Outcome,Notes\n"
    'SR-1,Cheltenham,03/01/2024,GP,Adult,Jo,Bloggs,01/08/1976,"5 Lane, Bath",BA1 1AA,'
    "07911123456,Neglect,Marko Second,friend,None,Council notes\n"
)


@dataclass
class FtmWorld:
    force: Organisation
    council: Organisation
    analyst: User
    partner: User
    police: Source
    council_source: Source
    jo_police: RecordEntity  # the FtM-born Jo
    jo_council: RecordEntity  # the council's Jo (socmap-native)


def write_stream(path: Path, entities: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in entities), encoding="utf-8")
    return path


def ingest(actor: User, source: Source, path: Path) -> Batch:
    start = services.batch_create(actor=actor, source=source, path=path, file_name=path.name)
    return services.batch_run(batch_id=start.batch.pk)


def build(tmp_path: Path, stream: list[dict[str, Any]] | None = None) -> FtmWorld:
    force = factories.organisation("force", name="Gloucestershire Constabulary")
    council = factories.organisation("partner", "council", name="Cheltenham Borough Council")
    analyst = factories.user(force, "analyst", username="analyst")
    partner = factories.user(council, "partner", username="partner")
    core_services.agreement_create(  # the council shares its referrals with the force
        actor=None,
        provider=council,
        recipient=force,
        title="Safeguarding referrals to the police",
        valid_from=clock.today() - timedelta(days=30),
        includes_general=True,
        conditions="Consult the council before any action",
        approved_by=partner,
    )
    police = services.source_register(
        actor=None, owner=force, name="police-ftm", title="Police FtM", kind="other", mapping_name="ftm.yaml"
    )
    council_source = services.source_register(
        actor=None,
        owner=council,
        name="council-referrals",
        title="Council referrals",
        kind="safeguarding",
        mapping_name="safeguarding.yaml",
    )
    batch = ingest(analyst, police, write_stream(tmp_path / "police.ftm.json", stream or POLICE_STREAM))
    assert batch.quarantined == 0, batch.message
    (tmp_path / "council.csv").write_text(COUNCIL_CSV, encoding="utf-8")
    batch = ingest(partner, council_source, tmp_path / "council.csv")
    assert batch.quarantined == 0, batch.message
    jo_police = RecordEntity.objects.get(record__source=police, record__record_key="p-jo", key="$ftm")
    jo_council = RecordEntity.objects.get(record__source=council_source, key="subject")
    person_merge(
        actor=analyst, left_id=jo_police.id, right_id=jo_council.id, reason="Same name and birth date"
    )
    return FtmWorld(force, council, analyst, partner, police, council_source, jo_police, jo_council)
