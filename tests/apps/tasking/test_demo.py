"""The demo's regional tasking: a year of capacity, bids from all five forces (some duplicated on
purpose), an allocation with a TCG decision, and a regional meeting, published."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command
from django.test import override_settings

from socmap.apps.assessment.demo import build_demo_assessment
from socmap.apps.core.demo import build_demo_organisations
from socmap.apps.tasking.demo import build_demo_tasking
from socmap.apps.tasking.models import AllocationRun, Bid, Meeting, Override, TaskingPeriod


@pytest.fixture(scope="module")
def _demo_once(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=fast):
        build_demo_organisations()
        build_demo_assessment()
        build_demo_tasking()
        try:
            yield
        finally:
            call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def demo(_demo_once: None, db: None) -> None:
    return None


def test_the_demo_has_a_year_of_capacity_and_bids_from_all_five_forces(demo: None) -> None:
    period = TaskingPeriod.objects.get()
    assert period.weeks == 52 and period.fairness == "min_share" and len(period.min_shares) == 5
    assert {b.owner.code for b in Bid.objects.select_related("owner")} == {"AS", "DC", "DO", "GL", "WI"}
    duplicated = [b for b in Bid.objects.all() if b.warnings]
    assert len(duplicated) >= 2 and {w["kind"] for b in duplicated for w in b.warnings} >= {"same_threat"}


def test_the_demo_meeting_decides_and_the_published_allocation_keeps_it(demo: None) -> None:
    meeting = Meeting.objects.get(level="regional")
    assert meeting.decisions.count() == 2 and meeting.actions.count() == 1
    override = Override.objects.get(meeting=meeting)
    run = AllocationRun.objects.filter(published_at__isnull=False).get()
    decision = run.decisions.get(bid=override.bid)
    assert decision.funded and decision.overridden
    assert all(s["within_bounds"] for s in run.shares)


def test_building_it_twice_changes_nothing(demo: None) -> None:
    before = Bid.objects.count()
    assert build_demo_tasking() == before and AllocationRun.objects.count() == 2
