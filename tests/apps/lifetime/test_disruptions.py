"""Disruptions: recorded with evidence and an impact from the list, validated by a supervisor who is
not the recorder; the return counts exactly the validated ones; a partner sees only what is shared."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest

from socmap.apps.lifetime import selectors, services
from socmap.apps.lifetime.models import Disruption
from socmap.apps.network import services as network
from socmap.errors import InvalidInput, NotAllowed
from tests import factories
from tests.apps.lifetime.conftest import World


def _data(**kw: object) -> services.DisruptionInput:
    values: dict[str, object] = {
        "on": date(2025, 5, 20),
        "p": "pursue",
        "activity": "seizure_drugs",
        "impact": "moderate",
        "description": "Warrant at the Brook Street address",
        "evidence": "Exhibit list and custody record",
        "rationale": "The line stopped running for two weeks",
        "drugs": "Crack cocaine",
        "drugs_grams": 250,
    }
    values.update(kw)
    return services.DisruptionInput(**values)  # type: ignore[arg-type]


def test_a_disruption_awaits_validation_by_another_supervisor(world: World) -> None:
    d = services.disruption_record(actor=world.lro, plan=world.plan, data=_data())
    assert d.status == "awaiting" and d.owner_id == world.glos.pk and d.compartment_id == world.endeavour.pk
    assert list(selectors.awaiting_validation(viewer=world.supervisor)) == [d]
    done = services.disruption_validate(actor=world.supervisor, disruption=d, approve=True)
    assert (done.status, done.validated_by_id) == ("validated", world.supervisor.pk)


def test_an_impact_not_in_the_list_is_refused_naming_the_field(world: World) -> None:
    with pytest.raises(InvalidInput) as caught:
        services.disruption_record(actor=world.lro, plan=world.plan, data=_data(impact="huge"))
    assert list(caught.value.fields) == ["impact"]
    assert "'huge' is not an impact" in caught.value.fields["impact"][0]


def test_a_disruption_validated_by_its_recorder_is_refused_naming_the_field(world: World) -> None:
    d = services.disruption_record(actor=world.supervisor, plan=world.plan, data=_data())
    with pytest.raises(NotAllowed) as caught:
        services.disruption_validate(actor=world.supervisor, disruption=d, approve=True)
    assert "cannot validate their own" in caught.value.fields["validated_by"][0]
    d.refresh_from_db()
    assert d.status == "awaiting"


def test_only_a_supervisor_of_the_owning_force_validates(world: World) -> None:
    d = services.disruption_record(actor=world.lro, plan=world.plan, data=_data())
    with pytest.raises(NotAllowed):
        services.disruption_validate(actor=world.lro2, disruption=d, approve=True)


def test_a_disruption_against_an_archived_group_needs_a_reason(world: World) -> None:
    network.ocg_archive(actor=world.analyst, ocg=world.group, reason="Principal convicted; group dismantled")
    with pytest.raises(InvalidInput) as caught:
        services.disruption_record(actor=world.lro, plan=world.plan, data=_data())
    assert list(caught.value.fields) == ["archived_reason"]
    d = services.disruption_record(
        actor=world.lro,
        plan=world.plan,
        data=_data(archived_reason="Confiscation order against the principal"),
    )
    assert d.archived_reason.startswith("Confiscation")


def test_a_seizure_needs_its_quantities_and_a_date_not_in_the_future(world: World) -> None:
    with pytest.raises(InvalidInput) as caught:
        services.disruption_record(
            actor=world.lro, plan=world.plan, data=_data(drugs="", drugs_grams=None, on=date(2025, 6, 3))
        )
    assert set(caught.value.fields) == {"drugs", "drugs_grams", "on"}
    with pytest.raises(InvalidInput) as caught:
        services.disruption_record(actor=world.lro, plan=world.plan, data=_data(activity="seizure_cash"))
    assert list(caught.value.fields) == ["cash_pounds"]


def test_the_return_for_a_period_equals_the_sum_of_validated_disruptions(world: World) -> None:
    rng = random.Random(7)
    made = []
    for _ in range(40):
        d = services.disruption_record(
            actor=world.lro,
            plan=world.plan,
            data=_data(
                on=date(2025, 1, 1) + timedelta(days=rng.randrange(150)),
                p=rng.choice(["pursue", "prevent", "protect", "prepare"]),
                impact=rng.choice(["major", "moderate", "minor", "none", "negative"]),
                activity="arrest",
            ),
        )
        if rng.random() < 0.7:
            services.disruption_validate(actor=world.supervisor, disruption=d, approve=True)
        made.append(d.pk)
    lo, hi = date(2025, 2, 1), date(2025, 4, 30)
    result = selectors.return_get(viewer=world.supervisor, date_from=lo, date_to=hi, period="month")
    validated = Disruption.objects.filter(pk__in=made, status="validated", on__range=(lo, hi))
    assert result.total == validated.count() > 0
    region = [c for c in result.cells if c.organisation == ""]
    assert sum(c.count for c in region) == validated.count()
    for impact in ("major", "moderate", "minor", "none", "negative"):
        for p in ("pursue", "prevent", "protect", "prepare"):
            expected = validated.filter(impact=impact, p=p).count()
            assert sum(c.count for c in region if c.impact == impact and c.p == p) == expected
    glos = [c for c in result.cells if c.organisation == world.glos.name]
    assert sum(c.count for c in glos) == validated.count()


def test_a_partner_sees_only_the_disruptions_shared_with_it(world: World) -> None:
    shared = services.disruption_record(actor=world.lro, plan=world.plan, data=_data())
    police_only = services.disruption_record(
        actor=world.lro,
        plan=world.plan,
        data=_data(compartment=factories.compartment("Covert"), impact="major"),
    )
    c_coded = services.disruption_record(
        actor=world.lro, plan=world.plan, data=_data(handling="C", impact="minor")
    )
    for d in (shared, police_only, c_coded):
        services.disruption_validate(actor=world.supervisor, disruption=d, approve=True)
    seen = selectors.disruption_list(viewer=world.council_user, filters=selectors.DisruptionFilter())
    assert [d.pk for d in seen.items] == [shared.pk]
    result = selectors.return_get(
        viewer=world.council_user, date_from=date(2025, 1, 1), date_to=date(2025, 6, 1)
    )
    assert result.total == 1
    lines = "".join(
        selectors.return_export(
            viewer=world.council_user,
            date_from=date(2025, 1, 1),
            date_to=date(2025, 6, 1),
            period="whole",
            force="",
            justification="Partnership board pack",
        )
    )
    region = [row for row in lines.splitlines() if row.startswith("2025-01-01,2025-06-01,Region")]
    assert sum(int(row.rsplit(",", 1)[1]) for row in region) == 1
    police = selectors.return_get(
        viewer=world.supervisor, date_from=date(2025, 1, 1), date_to=date(2025, 6, 1)
    )
    assert police.total == 3
