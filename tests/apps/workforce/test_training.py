"""Training records: one record of a person's training, read only within their own organisation."""

from __future__ import annotations

from datetime import date

import pytest

from socmap.apps.core.clock import clock_at
from socmap.apps.core.models import AuditEvent
from socmap.apps.workforce import selectors, services
from socmap.errors import InvalidInput, NotAllowed
from tests import factories


@pytest.fixture
def people(db: None) -> dict[str, object]:
    glos = factories.organisation("force", name="Gloucestershire")
    avon = factories.organisation("force", name="Avon")
    factories.agreement(glos, avon)
    return {
        "glos": glos,
        "lro": factories.user(glos, "lro", username="lro"),
        "manager": factories.user(glos, "supervisor", username="manager"),
        "avon_manager": factories.user(avon, "supervisor", username="avon.manager"),
    }


def test_a_manager_records_training_and_the_latest_pass_decides_its_standing(
    people: dict[str, object],
) -> None:
    lro, manager = people["lro"], people["manager"]
    with clock_at(date(2025, 6, 1)):
        services.training_record(
            actor=manager, person=lro, course="lro", passed_on=date(2021, 5, 1), expires_on=date(2024, 5, 1)
        )  # type: ignore[arg-type]
        assert selectors.training_states(viewer=manager, person_ids=[lro.pk])[lro.pk].state == "lapsed"  # type: ignore[attr-defined,arg-type]
        services.training_record(
            actor=manager, person=lro, course="lro", passed_on=date(2025, 5, 1), expires_on=date(2025, 6, 20)
        )  # type: ignore[arg-type]
        state = selectors.training_states(viewer=manager, person_ids=[lro.pk])[lro.pk]  # type: ignore[attr-defined,arg-type]
        assert (state.state, state.expires_on, state.label) == (
            "expiring",
            date(2025, 6, 20),
            "Expiring soon",
        )
    assert AuditEvent.objects.filter(object_type="workforce.trainingrecord", action="collection").count() == 2


def test_training_is_read_only_within_the_persons_own_organisation(people: dict[str, object]) -> None:
    lro, manager, avon = people["lro"], people["manager"], people["avon_manager"]
    services.training_record(
        actor=manager, person=lro, course="lro", passed_on=date(2024, 5, 1), expires_on=date(2027, 5, 1)
    )  # type: ignore[arg-type]
    assert selectors.training_states(viewer=avon, person_ids=[lro.pk])[lro.pk].state == "none"  # type: ignore[attr-defined,arg-type]
    assert selectors.training_list(viewer=avon, person_id=lro.pk) == []  # type: ignore[arg-type,attr-defined]
    with pytest.raises(NotAllowed):
        services.training_record(actor=avon, person=lro, course="lro", passed_on=date(2024, 5, 1))  # type: ignore[arg-type]


def test_bad_training_input_is_refused_naming_the_field(people: dict[str, object]) -> None:
    with pytest.raises(InvalidInput) as caught:
        services.training_record(
            actor=people["manager"],
            person=people["lro"],
            course="juggling",  # type: ignore[arg-type]
            passed_on=date(2024, 5, 1),
            expires_on=date(2024, 4, 1),
        )
    assert set(caught.value.fields) == {"course", "expires_on"}


def test_the_measure_counts_lros_without_training_in_date(people: dict[str, object]) -> None:
    glos, lro, manager = people["glos"], people["lro"], people["manager"]
    factories.user(glos, "lro", username="lro2")  # type: ignore[arg-type]
    services.training_record(
        actor=manager, person=lro, course="lro", passed_on=date(2024, 5, 1), expires_on=date(2025, 5, 1)
    )  # type: ignore[arg-type]
    assert selectors.training_lapsed_count(glos.pk, date(2025, 4, 1)) == (1, 2)  # type: ignore[attr-defined]
    assert selectors.training_lapsed_count(glos.pk, date(2025, 6, 1)) == (2, 2)  # type: ignore[attr-defined]
