"""The inspection demo: grades, the seed, made-up findings, two made to every force, and a plan."""

from __future__ import annotations

import pytest

from socmap.apps.core.demo import build_demo_organisations
from socmap.apps.inspections.demo import build_demo_inspections
from socmap.apps.inspections.models import Finding, FindingEvent, NationalFinding


@pytest.mark.django_db
def test_the_demo_holds_findings_made_to_every_force_and_building_it_again_changes_nothing() -> None:
    build_demo_organisations()
    build_demo_inspections()
    counts = (Finding.objects.count(), NationalFinding.objects.count(), FindingEvent.objects.count())
    tracked = NationalFinding.objects.get(reference="90010")
    assert [t.subject.name for t in tracked.tracks.all()] == ["Gloucestershire Constabulary"]
    assert tracked.tracks.get().status == "being-progressed"
    listed = NationalFinding.objects.get(reference="90011")
    assert listed.inspection is not None and listed.inspection.title.startswith("[Demo]")
    assert not listed.tracks.exists() and listed.status == "awaiting-review"
    build_demo_inspections()
    assert (Finding.objects.count(), NationalFinding.objects.count(), FindingEvent.objects.count()) == counts
