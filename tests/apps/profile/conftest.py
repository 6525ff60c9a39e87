"""A small world for the local profile: Gloucestershire with threats and groups in general and in a
CSE compartment, a council it shares its general P items with (not CSE), and an NHS trust with no
agreement. Markers in names let tests find anything hidden that leaks."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from socmap.apps.assessment.models import Threat
from socmap.apps.core import clock
from socmap.apps.core.models import Compartment, Organisation, User
from tests import factories

HIDDEN = "HIDDENCSE"


@dataclass
class World:
    force: Organisation
    council: Organisation
    nhs: Organisation
    cse: Compartment
    analyst: User
    council_user: User
    nhs_user: User
    threats: dict[str, Any]
    groups: dict[str, Any]


def threat(
    owner: Organisation,
    by: User,
    title: str,
    *,
    theme: str = "county_lines",
    kind: str = "thematic",
    ocg: Any = None,
    compartment: Compartment | None = None,
    band: str = "high",
    tier: int = 1,
    score: str = "80",
) -> Threat:
    return Threat.objects.create(
        owner=owner,
        compartment=compartment,
        kind=kind,
        ocg=ocg,
        title=title,
        theme=theme,
        created_by=by,
        score=Decimal(score),
        band=band,
        band_label=band.capitalize(),
        tier=tier,
        status="approved",
        due_on=clock.today() + timedelta(days=90),
    )


def adopted(owner: Organisation, lro: User, name: str, **kwargs: Any) -> Any:
    group = factories.ocg(owner, name=name, **kwargs)
    group.status = "adopted"
    group.reference = f"GL-{group.pk:04d}"
    group.lead_force = owner
    group.lro = lro
    group.save(update_fields=["status", "reference", "lead_force", "lro"])
    return group


@pytest.fixture
def world(db: Any) -> World:
    force = factories.organisation(name="Gloucestershire Constabulary")
    council = factories.organisation("partner", "council", name="Cheltenham Borough Council")
    nhs = factories.organisation("partner", "nhs", name="Gloucestershire NHS Trust")
    cse = factories.compartment("CSE safeguarding")
    factories.agreement(force, council, handling_codes=("P",))
    analyst = factories.user(force, "analyst", "supervisor", username="gl.analyst")
    council_user = factories.user(council, "partner", username="cbc.officer")
    nhs_user = factories.user(nhs, "partner", username="nhs.officer")
    lro = factories.user(force, "lro", username="gl.lro")
    g1 = adopted(force, lro, "Eastgate Crew")
    g2 = adopted(force, lro, "Kingsholm Line", theme="firearms")
    g3 = adopted(force, lro, f"{HIDDEN} Group", theme="cse", compartment=cse)
    threats = {
        "g1": threat(force, analyst, "Eastgate Crew", kind="ocg", ocg=g1),
        "g2": threat(
            force,
            analyst,
            "Kingsholm Line",
            kind="ocg",
            ocg=g2,
            theme="firearms",
            band="medium",
            tier=2,
            score="50",
        ),
        "g3": threat(force, analyst, f"{HIDDEN} Group", kind="ocg", ocg=g3, theme="cse", compartment=cse),
        "vuln": threat(
            force, analyst, "Bitcoin ATMs in Gloucester", kind="vulnerability", theme="money_laundering"
        ),
        "hidden_vuln": threat(
            force, analyst, f"{HIDDEN} vulnerability", kind="vulnerability", theme="cse", compartment=cse
        ),
    }
    return World(
        force, council, nhs, cse, analyst, council_user, nhs_user, threats, {"g1": g1, "g2": g2, "g3": g3}
    )


def as_of() -> date:
    return clock.today()


# ------------------------------------------------------------------ partnership, places and records


@dataclass
class Partners:
    """What the partnership, places and intel apps hold for the profile: for each, an item the council
    may see and one it may not (in the CSE compartment, or between the force and the NHS trust)."""

    referral_seen: Any
    referral_hidden: Any
    operation_seen: Any
    operation_hidden: Any
    agreement_hidden: Any
    action_seen: Any
    action_hidden: Any
    records_seen: list[int]
    records_hidden: list[int]


def _ingest(world: World, tmp: Path, name: str, rows: list[tuple[str, str]], compartment: Any) -> list[int]:
    """Intelligence reports through the real ingest path: (postcode, details) each, dated last month."""
    from socmap.apps.intel import reads
    from socmap.apps.intel import services as intel
    from tests.apps.read_world import HEADER

    source = intel.source_register(
        actor=None, owner=world.force, name=name, title=name, kind="intelligence",
        mapping_name="intel_gloucestershire.yaml", compartment=compartment,
    )  # fmt: skip
    path = tmp / f"{name}.csv"
    day = (clock.today() - timedelta(days=30)).strftime("%d-%m-%Y")
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(HEADER)
        for n, (postcode, details) in enumerate(rows, start=1):
            subject = ["Alan", f"Smith{n}", "", "01-02-1980", f"{n} High Street", postcode]
            out.writerow([f"{name}-{n}", day, "2", "B", "P", "", details, *subject,
                          "Bob", "Jones", "03-04-1981", "", ""])  # fmt: skip
    start = intel.batch_create(actor=world.analyst, source=source, path=path, file_name=path.name)
    intel.batch_run(batch_id=start.batch.pk)
    found = reads.record_ids(viewer=reads.system_job("test"), by=("source",), sources={name})
    return [i for ids in found.values() for i in ids]


def _referral(world: World, arrangement: Any, to: Organisation, concern: str, compartment: Any = None) -> Any:
    from socmap.apps.partnership import services as partnership

    data = partnership.ReferralInput(
        arrangement=arrangement, to_organisation=to, concern=concern,
        subject=f"{HIDDEN} child" if compartment else "Child A",
        summary="Seen running drugs", referred_on=clock.today() - timedelta(days=20), compartment=compartment,
    )  # fmt: skip
    return partnership.referral_make(actor=world.analyst, data=data)


def _operation(world: World, name: str, code: str, compartment: Any) -> Any:
    from socmap.apps.places import services as places

    today = clock.today()
    op = places.operation_create(
        actor=None, owner=world.force, name=name, area=[places.AreaIn(code, "Estate")],
        compartment=compartment,
        phases=[places.PhaseIn("clear", today - timedelta(days=60), today - timedelta(days=10)),
                places.PhaseIn("hold", today - timedelta(days=9), today + timedelta(days=60))],
    )  # fmt: skip
    return op


def _board(world: World, name: str, members: list[Organisation], owner: Organisation, what: str) -> Any:
    from socmap.apps.partnership import services as partnership

    since = clock.today() - timedelta(days=100)
    board = partnership.board_create(actor=None, name=name, chair=world.force, since=since)
    for org in members:
        partnership.member_add(actor=None, board=board, organisation=org, since=since)
    meeting = partnership.meeting_record(actor=None, board=board, held_on=clock.today() - timedelta(days=5),
                                         title="Quarterly board")  # fmt: skip
    return partnership.action_record(
        actor=None, meeting=meeting,
        data=partnership.ActionInput(what, owner, clock.today() + timedelta(days=30)),
    )  # fmt: skip


@pytest.fixture
def partners(world: World, tmp_path: Path) -> Partners:
    from socmap.apps.partnership.models import Arrangement, ArrangementKind
    from socmap.apps.places import services as places

    mash = Arrangement.objects.create(name="MASH (children)", kind=ArrangementKind.MASH_CHILDREN)
    mash.members.add(world.force, world.council, world.nhs)
    seen = _referral(world, mash, world.council, "cce")
    hidden = _referral(world, mash, world.nhs, "cse", compartment=world.cse)
    op_seen = _operation(world, "Operation Endeavour", "GL50 4", None)
    op_hidden = _operation(world, f"{HIDDEN} operation", "GL51 0", world.cse)
    places.activity_add(actor=None, op=op_seen, kind="licensing", on=clock.today() - timedelta(days=30),
                        place="Late-night shop", organisation=world.council)  # fmt: skip
    places.activity_add(actor=None, op=op_hidden, kind="enforcement", on=clock.today() - timedelta(days=30),
                        place=f"{HIDDEN} flat", organisation=world.force)  # fmt: skip
    agreement_hidden = factories.agreement(world.force, world.nhs, handling_codes=("P",))
    action_seen = _board(world, "Partnership board", [world.council], world.council, "Share licensing data")
    action_hidden = _board(world, "Health board", [world.nhs], world.nhs, f"{HIDDEN} clinic visits")
    records_seen = _ingest(
        world, tmp_path, "glos-general", [("GL50 4AB", "Dealing by the shops"), ("GL52 1AA", "Cash")], None
    )
    records_hidden = _ingest(world, tmp_path, "glos-cse", [("GL50 4CD", f"{HIDDEN} record")], world.cse)
    return Partners(seen, hidden, op_seen, op_hidden, agreement_hidden, action_seen, action_hidden,
                    records_seen, records_hidden)  # fmt: skip
