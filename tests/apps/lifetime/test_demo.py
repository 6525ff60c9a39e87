"""The demo region's lifetime management: plans, orders (some expiring, one breached), people coming
out of prison, disruptions of every impact (some awaiting validation), one LRO with lapsed training,
and the LRO landing on their workload with alerts waiting."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse

from socmap.apps.assessment.demo import build_demo_assessment
from socmap.apps.core.demo import DEMO_PASSWORD, build_demo_organisations
from socmap.apps.core.models import User
from socmap.apps.intel.demo import build_demo_intel
from socmap.apps.lifetime import selectors
from socmap.apps.lifetime.demo import build_demo_lifetime, demo_summary
from socmap.apps.lifetime.models import Disruption, Notification, OrderRecord, Plan, PlanAction
from socmap.apps.network.demo import build_demo_network
from socmap.apps.resolution.demo import build_demo_resolution
from socmap.apps.workforce.selectors import training_states
from socmap.engines.synth import SynthConfig, generate

SOME = {
    "custody",
    "intel-gloucestershire",
    "intel-avon-and-somerset",
    "intel-devon-and-cornwall",
    "cdr",
    "prison",
}


@pytest.fixture(scope="module")
def _demo_once(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[int]:
    region = tmp_path_factory.mktemp("region") / "sw"
    generate(SynthConfig(seed=11, size="small"), out_dir=region)
    fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with (
        django_db_blocker.unblock(),
        override_settings(VAR_DIR=tmp_path_factory.mktemp("var"), PASSWORD_HASHERS=fast),
    ):
        build_demo_organisations()
        build_demo_intel(folder=region, only=SOME)
        build_demo_resolution()
        build_demo_network()
        build_demo_assessment()
        plans = build_demo_lifetime()
        try:
            yield plans
        finally:
            call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def demo(_demo_once: int, db: None) -> int:
    return _demo_once


def test_the_demo_has_plans_with_officers_actions_and_every_impact(demo: int) -> None:
    assert demo == Plan.objects.count() >= 3
    assert (
        not Plan.objects.filter(lro__isnull=True).exists()
        and not Plan.objects.filter(deputy__isnull=True).exists()
    )
    assert set(Disruption.objects.values_list("impact", flat=True)) == {
        "major",
        "moderate",
        "minor",
        "none",
        "negative",
    }
    assert (
        Disruption.objects.filter(status="awaiting").exists()
        and Disruption.objects.filter(status="validated").exists()
    )
    assert PlanAction.objects.filter(
        owner_organisation__name="Cheltenham Borough Council", p="prevent"
    ).exists()


def test_the_demo_has_expiring_and_breached_orders_and_people_coming_out(demo: int) -> None:
    assert OrderRecord.objects.filter(status="breached").count() == 1
    assert Notification.objects.filter(recipient__username="lro", kind="order_expiry").exists()
    assert Notification.objects.filter(recipient__username="lro", kind="breach").exists()
    supervisor = User.objects.get(username="supervisor")
    assert selectors.coming_out(viewer=supervisor)  # managed people due out within 90 days
    assert demo_summary()["coming out (90 days)"] > 0


def test_one_lro_has_lapsed_training(demo: int) -> None:
    supervisor = User.objects.get(username="supervisor")
    lros = User.objects.filter(organisation=supervisor.organisation, role_grants__role="lro")
    states = training_states(viewer=supervisor, person_ids=[u.pk for u in lros])
    assert sorted(s.state for s in states.values()) == ["current", "lapsed"]


def test_the_lro_lands_on_their_workload_with_alerts(demo: int) -> None:
    client = Client()
    response = client.post(reverse("core:login"), {"username": "lro", "password": DEMO_PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("lifetime:workload")
    body = response.content.decode()
    assert 'id="alerts"' in body and 'id="my-plans"' in body


def test_building_the_demo_twice_changes_nothing(demo: int) -> None:
    before = (
        Plan.objects.count(),
        Disruption.objects.count(),
        OrderRecord.objects.count(),
        Notification.objects.count(),
    )
    build_demo_lifetime()
    assert (
        Plan.objects.count(),
        Disruption.objects.count(),
        OrderRecord.objects.count(),
        Notification.objects.count(),
    ) == before
