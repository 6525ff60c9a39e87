"""The demo's assessed threats: every force, theme and band; some overdue, some awaiting approval."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.test import override_settings

from socmap.apps.assessment.demo import SPECS, build_demo_assessment, demo_summary
from socmap.apps.assessment.models import Status, Threat
from socmap.apps.core.demo import build_demo_organisations
from socmap.apps.network.models import Theme
from tests.conftest import committed


@pytest.fixture(scope="module")
def _demo_once(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """Built once for the module; flushed when the module is done."""
    fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=fast), committed():
        build_demo_organisations()
        build_demo_assessment()
        yield


@pytest.fixture
def demo(_demo_once: None, db: None) -> None:
    return None


def test_the_demo_covers_every_force_theme_and_band(demo: None) -> None:
    threats = Threat.objects.select_related("owner")
    assert {t.owner.code for t in threats} == {"AS", "DC", "DO", "GL", "WI", "SW"}
    assert {t.theme for t in threats} >= set(Theme.values) - {"other"}
    assert {t.band for t in threats if t.score is not None} == {"low", "medium", "high"}
    assert Threat.objects.filter(level="regional").count() == 3


def test_some_are_overdue_some_await_approval_and_one_is_a_draft(demo: None) -> None:
    summary = demo_summary()
    assert summary["threats"] == len(SPECS)
    assert summary["overdue"] == sum(s.state == "overdue" for s in SPECS)
    assert summary["awaiting approval"] == sum(s.state == "submitted" for s in SPECS)
    assert Threat.objects.filter(status=Status.DRAFT).count() == 1


def test_running_the_demo_again_changes_nothing(demo: None) -> None:
    before = list(Threat.objects.values_list("id", "score", "status"))
    build_demo_assessment()
    assert list(Threat.objects.values_list("id", "score", "status")) == before
