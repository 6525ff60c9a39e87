"""A threat on a group is never seen more widely than the group, and never silently re-marked."""

from __future__ import annotations

import pytest

from socmap.apps.assessment import services
from socmap.errors import InvalidInput
from tests import factories
from tests.apps.assessment.conftest import Region


@pytest.mark.django_db
def test_a_threat_left_unmarked_takes_its_groups_marking(region: Region) -> None:
    ocg = factories.ocg(region.glos, handling="C", compartment=region.cse)
    threat = services.threat_create(actor=region.analyst, kind="ocg", ocg=ocg)
    assert (threat.handling, threat.compartment, threat.conditions) == ("C", region.cse, ocg.conditions)


@pytest.mark.django_db
def test_a_wider_marking_than_the_groups_is_refused_naming_the_fields(region: Region) -> None:
    ocg = factories.ocg(region.glos, handling="C", compartment=region.cse)
    with pytest.raises(InvalidInput) as caught:
        services.threat_create(actor=region.analyst, kind="ocg", ocg=ocg, handling="P", compartment=None)
    assert caught.value.fields == {
        "compartment": ["This group is in the CSE safeguarding compartment: its threat must be too"],
        "handling": ["This group is handled C (with conditions): its threat cannot be handled P"],
    }


@pytest.mark.django_db
def test_a_stricter_marking_than_the_groups_is_kept(region: Region) -> None:
    ocg = factories.ocg(region.glos)  # handled P, in no compartment
    threat = services.threat_create(
        actor=region.analyst,
        kind="ocg",
        ocg=ocg,
        handling="C",
        conditions="Police only",
        compartment=region.cse,
    )
    assert (threat.handling, threat.compartment, threat.conditions) == ("C", region.cse, "Police only")
