"""Live measures for improvement plans, computed from the records as of any moment."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from socmap.apps.core import clock
from socmap.apps.core.clock import clock_set
from socmap.apps.core.measures import measure_get
from socmap.apps.lifetime import services
from socmap.apps.lifetime.models import Plan
from socmap.apps.workforce import services as workforce
from tests.apps.lifetime.conftest import World


def _at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(23, 0)))


def test_each_measure_counts_the_records_of_the_organisation_on_the_day(world: World) -> None:
    glos = world.glos.pk
    workforce.training_record(
        actor=world.supervisor,
        person=world.lro,
        course="lro",
        passed_on=date(2022, 1, 1),
        expires_on=date(2025, 5, 1),
    )
    workforce.training_record(
        actor=world.supervisor,
        person=world.lro2,
        course="lro",
        passed_on=date(2024, 1, 1),
        expires_on=date(2027, 1, 1),
    )
    # The deputy, an LRO too, has no record at all: never trained is not in date either.
    assert measure_get("lro-training-lapsed").compute(glos, _at(date(2025, 4, 1))) == 1
    assert measure_get("lro-training-lapsed").compute(glos, _at(date(2025, 6, 2))) == 2

    overdue = measure_get("lifetime-plans-overdue-review")
    assert overdue.compute(glos, _at(date(2025, 6, 2))) == 0
    assert overdue.compute(glos, _at(date(2025, 9, 3))) == 1  # the first review was due 2 September

    considered = measure_get("lifetime-orders-considered-per-group")
    assert considered.compute(glos, _at(date(2025, 6, 2))) == 0
    for key in ("scpo", "stpo", "uwo", "licensing_review"):
        services.consideration_record(actor=world.lro, plan=world.plan, item=key, reason="Not yet")
    assert considered.compute(glos, clock.now() + timedelta(days=1)) == 3.0  # powers are not orders

    made = services.disruption_record(
        actor=world.lro,
        plan=world.plan,
        data=services.DisruptionInput(
            on=date(2025, 5, 1),
            p="pursue",
            activity="arrest",
            impact="major",
            description="Arrest",
            evidence="Custody",
            rationale="Principal remanded",
        ),
    )
    major = measure_get("disruptions-validated-major-90-days")
    later = clock.now() + timedelta(days=1)
    assert major.compute(glos, later) == 0  # not validated yet
    services.disruption_validate(actor=world.supervisor, disruption=made, approve=True)
    assert major.compute(glos, later) == 1
    assert measure_get("disruptions-validated-minor-90-days").compute(glos, later) == 0
    clock_set(date(2025, 8, 15))
    assert (
        Plan.objects.count() == 1 and major.compute(glos, _at(date(2025, 8, 15))) == 0
    )  # dated over 90 days ago
