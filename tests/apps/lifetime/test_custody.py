"""Custody periods from the ingested prison records (and entered), and the coming-out list."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from socmap.apps.lifetime import selectors, services
from socmap.apps.lifetime.models import CustodyPeriod
from socmap.errors import InvalidInput
from tests.apps.lifetime.conftest import World, ingest_prison


def test_custody_periods_come_from_the_prison_records_and_a_second_sync_changes_nothing(world: World) -> None:
    first = services.custody_sync()
    assert (first.read, first.created, first.updated) == (3, 3, 0)
    jay = CustodyPeriod.objects.get(entity_id=world.people[0])
    assert (jay.received_on, jay.expected_release_on, jay.establishment) == (
        date(2023, 1, 10),
        date(2025, 6, 20),
        "HMP Bristol",
    )
    assert (jay.owner_id, jay.source, jay.prison_number) == (world.glos.pk, "prison", "A1001BC")
    again = services.custody_sync()
    assert (again.created, again.updated) == (0, 0)


def test_the_coming_out_list_holds_managed_people_due_out_within_90_days(
    world: World, tmp_path: Path
) -> None:
    stranger = ingest_prison(
        world.analyst, tmp_path, [("NOBODY", "ALEX", "01/01/90", "01/01/24", "01/07/2025")], start=10
    )
    services.custody_sync()
    managed = selectors.coming_out(viewer=world.lro)
    assert [(r.label, r.days) for r in managed] == [("Jay Smith", 18)]  # Lee Brennan is 91 days away
    assert managed[0].plans == [(world.plan.pk, world.plan.title)]
    everyone = selectors.coming_out(viewer=world.lro, everyone=True)
    assert {r.entity_id for r in everyone} == {world.people[0], stranger[0]}
    assert selectors.coming_out(viewer=world.avon_lro, everyone=True) == []  # not shared with Avon


def test_an_entered_custody_period_is_checked_and_listed(world: World) -> None:
    with pytest.raises(InvalidInput) as caught:
        services.custody_enter(
            actor=world.lro,
            plan=world.plan,
            data=services.CustodyInput(world.people[2], date(2025, 1, 1), received_on=date(2025, 3, 1)),
        )
    assert list(caught.value.fields) == ["expected_release_on"]
    services.custody_enter(
        actor=world.lro,
        plan=world.plan,
        data=services.CustodyInput(world.people[2], date(2025, 7, 1), establishment="HMP Leyhill"),
    )
    assert ("Lee Brennan", 29) in [(r.label, r.days) for r in selectors.coming_out(viewer=world.lro)]
