"""Migration 0003: findings held before that were made to every force become tracks of one national
finding, keeping everything they hold."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = ("inspections", "0002_national_findings_and_withdrawal")
AFTER = ("inspections", "0003_national_tracks_for_held_findings")
NATIONAL_INTRO = "Within six months, all chief constables should review crime prevention and make sure that:"


def _migrate(target: tuple[str, str]) -> object:
    executor = MigrationExecutor(connection)
    executor.migrate([target])
    executor.loader.build_graph()
    return executor.loader.project_state([target]).apps


@pytest.mark.django_db(transaction=True)
def test_held_national_findings_become_tracks_of_one_national_finding() -> None:
    apps = _migrate(BEFORE)
    try:
        Organisation = apps.get_model("core", "Organisation")  # type: ignore[attr-defined]
        Finding = apps.get_model("inspections", "Finding")  # type: ignore[attr-defined]
        Event = apps.get_model("inspections", "FindingEvent")  # type: ignore[attr-defined]
        wilts = Organisation.objects.create(name="Wiltshire Police", slug="wiltshire", kind="force")
        dorset = Organisation.objects.create(name="Dorset Police", slug="dorset", kind="force")

        def held(org: object, reference: str, text: str, bullets: tuple[str, ...] = ()) -> object:
            parent = Finding.objects.create(
                owner=org, subject=org, kind="recommendation", reference=reference, title=text[:80],
                text=text, status="being-progressed",
            )  # fmt: skip
            for n, bullet in enumerate(bullets, start=1):
                Finding.objects.create(
                    owner=org, subject=org, kind="recommendation", reference=f"{reference}-{n}",
                    parent=parent, number=n, title=bullet, text=bullet, intro=NATIONAL_INTRO,
                )  # fmt: skip
            Event.objects.create(
                finding=parent, on=date(2015, 6, 3), kind="status", status="being-progressed", fingerprint="x"
            )
            return parent

        bullets = ("co-ordinate it with partners", "evaluate what works")
        w = held(wilts, "4822", "", bullets)
        d = held(dorset, "4822", "", bullets)
        local = held(dorset, "5150", "By March 2019, the force should train its lead responsible officers.")
        plain = held(wilts, "page-abc", "All forces should publish their disruption figures.")

        apps = _migrate(AFTER)
        Finding = apps.get_model("inspections", "Finding")  # type: ignore[attr-defined]
        National = apps.get_model("inspections", "NationalFinding")  # type: ignore[attr-defined]
        tracks = {f.pk: f.national_id for f in Finding.objects.filter(parent__isnull=True)}
        assert tracks[w.pk] == tracks[d.pk] is not None  # type: ignore[attr-defined]
        assert tracks[local.pk] is None  # type: ignore[attr-defined]
        shared = National.objects.get(pk=tracks[w.pk])  # type: ignore[attr-defined]
        assert (shared.reference, shared.kind) == ("4822", "recommendation")
        assert shared.text == f"{NATIONAL_INTRO}\n• co-ordinate it with partners\n• evaluate what works"
        other = National.objects.get(pk=tracks[plain.pk])  # type: ignore[attr-defined]
        assert other.reference.startswith("national-") and other.text.startswith("All forces should")
        # Everything the findings held is kept: status, recommendations, timeline.
        kept = Finding.objects.get(pk=d.pk)  # type: ignore[attr-defined]
        assert kept.status == "being-progressed" and kept.subject_id == dorset.pk
        assert Finding.objects.filter(parent_id=d.pk).count() == 2  # type: ignore[attr-defined]
        Event = apps.get_model("inspections", "FindingEvent")  # type: ignore[attr-defined]
        assert Event.objects.filter(finding_id=d.pk).count() == 1  # type: ignore[attr-defined]
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
