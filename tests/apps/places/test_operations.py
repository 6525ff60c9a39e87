"""Clear, Hold, Build operations: measures from the data inside the area and the dates only, bad
input refused naming the field, activities on the timeline, partners seeing only what is shared."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from socmap.apps.core.clock import clock_at
from socmap.apps.intel import services as intel
from socmap.apps.intel.models import SourceKind
from socmap.apps.places import selectors, services
from socmap.apps.places.services import AreaIn, PhaseIn
from socmap.errors import InvalidInput, NotVisible
from tests import factories
from tests.apps.read_world import HEADER

TODAY = date(2026, 6, 1)
PHASES = [
    PhaseIn("clear", date(2025, 7, 1), date(2025, 9, 30)),
    PhaseIn("hold", date(2025, 10, 1), date(2025, 12, 31)),
    PhaseIn("build", date(2026, 1, 1), date(2026, 12, 31)),
]
# (postcode, date of the report): the window runs from 1 January 2025 to today (1 June 2026).
REPORTS = [
    ("GL50 4AA", "15-01-2025"),  # inside: the area's sector, the window's first month
    ("GL50 4BB", "20-08-2025"),  # inside
    ("GL51 7CC", "03-03-2026"),  # inside: the area's district GL51 7... is a sector; see AREA
    ("GL50 3DD", "20-08-2025"),  # outside: another sector of the same district
    ("GL52 1EE", "20-08-2025"),  # outside: another district
    ("GL50 4FF", "31-12-2024"),  # outside: the day before the window
    ("GL50 4GG", "02-06-2026"),  # outside: after today
]
AREA = [AreaIn("GL50 4", "St Paul's", 51.906, -2.078), AreaIn("gl51  7", "The Moors")]


def _ingest(tmp: Path, user: Any, rows: list[tuple[str, str]]) -> None:
    path = tmp / "reports.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(HEADER)
        for n, (postcode, day) in enumerate(rows, start=1):
            out.writerow(
                [f"R{n}", day, "2", "B", "P", "", "Seen dealing", "Ann", f"Person{n}", "", "01-02-1980",
                 f"{n} High Street", postcode, "", "", "", "", ""]
            )  # fmt: skip
    source = intel.source_register(
        actor=None, owner=user.organisation, name="glos-test", title="Glos", kind=SourceKind.INTELLIGENCE,
        mapping_name="intel_gloucestershire.yaml",
    )  # fmt: skip
    start = intel.batch_create(actor=user, source=source, path=path, file_name=path.name)
    intel.batch_run(batch_id=start.batch.pk)


@pytest.fixture
def world(db: None, tmp_path: Path) -> dict[str, Any]:
    glos = factories.organisation("force", name="Gloucestershire Constabulary")
    council = factories.organisation("partner", name="Cheltenham Borough Council")
    stranger = factories.organisation("partner", name="Another Council")
    endeavour = factories.compartment("Operation Endeavour")
    factories.agreement(
        glos, council, compartments=(endeavour,), includes_general=False, valid_from=date(2024, 1, 1)
    )
    inspector = factories.user(glos, "lro", "supervisor", "analyst", username="glos.inspector")
    _ingest(tmp_path, inspector, REPORTS)
    with clock_at(TODAY):
        op = services.operation_create(
            actor=inspector, owner=glos, name="Operation Endeavour", area=AREA, phases=PHASES,
            compartment=endeavour,
        )  # fmt: skip
    return {
        "glos": glos,
        "council": council,
        "op": op,
        "inspector": inspector,
        "partner": factories.user(council, "partner", username="council.officer"),
        "stranger": factories.user(stranger, "partner", username="stranger"),
    }


def test_measures_count_only_records_inside_the_area_and_the_dates(world: dict[str, Any]) -> None:
    with clock_at(TODAY):
        result = selectors.measures(viewer=world["inspector"], op=world["op"])
    assert (result.start, result.end) == (date(2025, 1, 1), TODAY)
    intelligence = result.series["Intelligence reports in the area"]
    assert intelligence == {"2025-01": 1, "2025-08": 1, "2026-03": 1}
    assert sum(intelligence.values()) == 3  # of seven records: four lie just outside
    assert result.months[0] == "2025-01" and result.months[-1] == "2026-06"


def test_a_partner_sees_the_shared_operation_but_not_the_forces_records(world: dict[str, Any]) -> None:
    with clock_at(TODAY):
        seen = selectors.measures(viewer=world["partner"], op=world["op"])
    assert sum(seen.series["Intelligence reports in the area"].values()) == 0
    with pytest.raises(NotVisible):
        selectors.operation_get(viewer=world["stranger"], operation_id=world["op"].pk)
    client = Client()
    client.force_login(world["stranger"])
    assert client.get(f"/places/{world['op'].pk}/").status_code == 404
    assert "Endeavour" not in client.get("/places/").content.decode()


@pytest.mark.parametrize(
    ("phases", "field", "message"),
    [
        ([PhaseIn("clear", date(2025, 9, 1), date(2025, 8, 1))], "phases.clear", "ends before it starts"),
        (
            [
                PhaseIn("clear", date(2025, 7, 1), date(2025, 9, 30)),
                PhaseIn("hold", date(2025, 9, 15), date(2025, 12, 1)),
            ],
            "phases.hold",
            "overlaps the clear phase",
        ),
        ([PhaseIn("siege", date(2025, 7, 1), date(2025, 9, 30))], "phases.siege", "not a phase"),
        ([], "phases", "at least one phase"),
    ],
)
def test_bad_phases_are_refused_naming_the_field(
    world: dict[str, Any], phases: list[PhaseIn], field: str, message: str
) -> None:
    with pytest.raises(InvalidInput) as err:
        services.operation_create(
            actor=world["inspector"], owner=world["glos"], name="X", area=AREA, phases=phases
        )
    assert message in " ".join(err.value.fields[field])


def test_an_area_with_no_postcodes_is_refused(world: dict[str, Any]) -> None:
    for area in ([], [AreaIn("  ")], [AreaIn("not a postcode")]):
        with pytest.raises(InvalidInput) as err:
            services.operation_create(
                actor=world["inspector"], owner=world["glos"], name="X", area=area, phases=PHASES
            )
        assert "area" in err.value.fields


def test_an_activity_outside_the_operations_dates_is_refused(world: dict[str, Any]) -> None:
    op, inspector = world["op"], world["inspector"]
    with pytest.raises(InvalidInput) as err:
        services.activity_add(actor=inspector, op=op, kind="patrol", on=date(2025, 6, 30), place="St Paul's")
    assert "outside the operation" in err.value.fields["on"][0]
    with pytest.raises(InvalidInput) as err:
        services.activity_add(
            actor=inspector, op=op, kind="school_talk", on=date(2025, 8, 1), place="School", phase="build"
        )
    assert "outside the build phase" in err.value.fields["on"][0]
    client = Client()
    client.force_login(inspector)
    answer = client.post(
        f"/api/v1/places/operations/{op.pk}/activities",
        {"kind": "patrol", "on": "2027-01-05", "place": "Moors"},
        content_type="application/json",
    )
    assert answer.status_code == 400 and "on" in answer.json()["fields"]


def test_an_activity_added_for_the_council_is_on_the_timeline_and_the_chart(world: dict[str, Any]) -> None:
    op, council = world["op"], world["council"]
    client = Client()
    client.force_login(world["inspector"])
    with clock_at(TODAY):
        page = client.post(
            f"/places/{op.pk}/activities/new/",
            {"kind": "school_talk", "phase": "build", "organisation": str(council.pk), "on": "12/03/2026",
             "place": "Pittville School"},
        )  # fmt: skip
        assert page.status_code == 302
        detail = client.get(f"/places/{op.pk}/").content.decode()
    assert "Pittville School" in detail and "School talk" in detail and "Cheltenham Borough Council" in detail
    assert "2026-03-12" in detail  # in the chart's data
    partner = Client()
    partner.force_login(world["partner"])
    answer = partner.post(
        f"/api/v1/places/operations/{op.pk}/measures",
        {"name": "Anti-social behaviour reports", "month": "2026-02-01", "value": 14},
        content_type="application/json",
    )
    assert answer.status_code == 201
    with clock_at(TODAY):
        got = partner.get(f"/api/v1/places/operations/{op.pk}").json()
    assert {
        "measure": "Anti-social behaviour reports (Cheltenham Borough Council)",
        "month": "2026-02",
        "value": 14.0,
    } in got["measures"]
    assert [a["place"] for a in got["activities"]] == ["Pittville School"]


def test_the_chart_is_drawn_as_svg_for_reports(world: dict[str, Any]) -> None:
    client = Client()
    client.force_login(world["inspector"])
    with clock_at(TODAY):
        svg = client.get(f"/places/{world['op'].pk}/chart.svg")
    assert svg.status_code == 200 and svg["Content-Type"] == "image/svg+xml"
    assert b"<svg" in svg.content and b"Intelligence reports in the area" in svg.content


def test_new_groups_with_a_member_living_in_the_area_are_counted_as_displacement(
    world: dict[str, Any],
) -> None:
    from datetime import datetime

    from django.utils import timezone

    from socmap.apps.intel.models import RecordEntity
    from socmap.apps.network.models import OCG, OCGMember

    def person(surname: str) -> str:
        return RecordEntity.objects.get(schema="Person", caption__contains=surname).pk

    def group(name: str, created: datetime, surname: str) -> Any:
        g = factories.ocg(world["glos"], name=name)
        OCG.objects.filter(pk=g.pk).update(created_at=timezone.make_aware(created))
        OCGMember.objects.create(ocg=g, entity_id=person(surname), role="member", joined_on=date(2025, 1, 1))
        return g

    group("Moved in", datetime(2025, 10, 5), "Person2")  # GL50 4BB, after the operation began: counted
    group("Already there", datetime(2025, 6, 1), "Person2")  # before the operation began
    group("Next door", datetime(2025, 10, 5), "Person4")  # GL50 3DD: outside the area
    targeted = group("The target", datetime(2025, 10, 5), "Person2")
    world["op"].targets.add(targeted)
    with clock_at(TODAY):
        result = selectors.measures(viewer=world["inspector"], op=world["op"])
        partner = selectors.measures(viewer=world["partner"], op=world["op"])
    assert result.series["New groups with a member living in the area"] == {"2025-10": 1}
    assert partner.series["New groups with a member living in the area"] == {}  # the groups are not shared
