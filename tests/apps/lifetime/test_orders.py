"""Orders against managed people: every rule checked when recorded and at every step; an order outside
its rule is refused naming the rule and the Act, on the field at fault."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from socmap.apps.core.models import AuditEvent
from socmap.apps.lifetime import services
from socmap.apps.lifetime.models import OrderEvent, OrderRecord
from socmap.errors import InvalidInput, NotVisible
from tests.apps.lifetime.conftest import World


def _scpo(world: World, **kw: object) -> services.OrderInput:
    values: dict[str, object] = {
        "kind": "scpo",
        "entity_id": world.people[0],
        "status": "granted",
        "applicant": "Crown Prosecution Service",
        "court": "Crown Court",
        "decided_on": date(2025, 5, 1),
        "starts_on": date(2025, 5, 1),
        "ends_on": date(2030, 5, 1),
        "conditions_text": "Not to hold more than one phone.",
    }
    values.update(kw)
    return services.OrderInput(**values)  # type: ignore[arg-type]


def test_an_order_inside_its_rules_is_recorded_with_its_history(world: World) -> None:
    order = services.order_record(actor=world.lro, plan=world.plan, data=_scpo(world))
    assert order.person_label == "Jay Smith" and order.compartment_id == world.endeavour.pk
    assert list(OrderEvent.objects.filter(order=order).values_list("status", "on")) == [
        ("granted", date(2025, 5, 1))
    ]
    assert AuditEvent.objects.filter(object_type="lifetime.orderrecord", object_id=str(order.pk)).exists()
    assert "scpo" in services.used_items(world.plan)


def test_an_order_ending_before_it_starts_is_refused_naming_the_field(world: World) -> None:
    with pytest.raises(InvalidInput) as caught:
        services.order_record(actor=world.lro, plan=world.plan, data=_scpo(world, ends_on=date(2025, 4, 30)))
    assert list(caught.value.fields) == ["ends_on"]
    assert "before it starts" in caught.value.fields["ends_on"][0]
    assert not OrderRecord.objects.exists()


def test_an_order_shorter_than_its_legal_minimum_is_refused_naming_the_rule_and_the_act(world: World) -> None:
    data = _scpo(world, kind="stpo", applicant="Police", ends_on=date(2030, 4, 30))
    with pytest.raises(InvalidInput) as caught:
        services.order_record(actor=world.lro, plan=world.plan, data=data)
    message = caught.value.fields["ends_on"][0]
    assert "Slavery and Trafficking Prevention Order" in message and "Modern Slavery Act 2015" in message
    assert "lasts at least 5 years" in message and "1 May 2030" in message


def test_an_scpo_longer_than_five_years_is_refused(world: World) -> None:
    with pytest.raises(InvalidInput) as caught:
        services.order_record(actor=world.lro, plan=world.plan, data=_scpo(world, ends_on=date(2030, 5, 2)))
    assert "Serious Crime Act 2007" in caught.value.fields["ends_on"][0]


def test_a_travel_restriction_order_counts_from_the_release_in_the_prison_records(world: World) -> None:
    services.custody_sync()  # Jay Smith is due out on 20 June 2025
    tro = _scpo(world, kind="tro", starts_on=date(2025, 5, 1), ends_on=date(2027, 6, 19))
    with pytest.raises(InvalidInput) as caught:
        services.order_record(actor=world.lro, plan=world.plan, data=tro)
    assert "release on 20 June 2025" in caught.value.fields["ends_on"][0]
    order = services.order_record(
        actor=world.lro, plan=world.plan, data=_scpo(world, kind="tro", ends_on=date(2027, 6, 20))
    )
    assert order.kind == "tro"


def test_an_account_freezing_order_below_1000_pounds_is_refused(world: World) -> None:
    afo = _scpo(
        world,
        kind="afo",
        applicant="Police",
        court="Magistrates' court",
        ends_on=date(2026, 5, 1),
        amount=Decimal("999.99"),
    )
    with pytest.raises(InvalidInput) as caught:
        services.order_record(actor=world.lro, plan=world.plan, data=afo)
    assert "at least £1,000.00" in caught.value.fields["amount"][0]


def test_an_order_against_someone_the_plan_does_not_manage_is_refused(world: World) -> None:
    with pytest.raises(InvalidInput) as caught:
        services.order_record(actor=world.lro, plan=world.plan, data=_scpo(world, entity_id="nobody"))
    assert list(caught.value.fields) == ["entity_id"]


def test_an_order_moves_through_its_steps_and_each_is_rechecked(world: World) -> None:
    order = services.order_record(
        actor=world.lro,
        plan=world.plan,
        data=_scpo(
            world,
            status="applied",
            applied_on=date(2025, 4, 1),
            court="",
            decided_on=None,
            starts_on=None,
            ends_on=None,
        ),
    )
    with pytest.raises(InvalidInput) as caught:
        services.order_step(
            actor=world.lro, order=order, step=services.OrderStep("breached", date(2025, 5, 1), "Seen")
        )
    assert "can next be: granted, refused" in caught.value.fields["status"][0]
    with pytest.raises(InvalidInput) as caught:
        services.order_step(
            actor=world.lro,
            order=order,
            step=services.OrderStep(
                "granted", date(2025, 5, 1), court="Crown Court", ends_on=date(2031, 1, 1)
            ),
        )
    assert "up to 5 years" in caught.value.fields["ends_on"][0]
    granted = services.order_step(
        actor=world.lro,
        order=order,
        step=services.OrderStep("granted", date(2025, 5, 1), court="Crown Court", ends_on=date(2030, 5, 1)),
    )
    assert (granted.status, granted.starts_on, granted.decided_on) == (
        "granted",
        date(2025, 5, 1),
        date(2025, 5, 1),
    )
    breached = services.order_step(
        actor=world.lro,
        order=order,
        step=services.OrderStep("breached", date(2025, 6, 1), "Found with two phones"),
    )
    assert breached.status == "breached" and breached.ends_on == date(2030, 5, 1)
    statuses = list(
        OrderEvent.objects.filter(order=order).order_by("on", "id").values_list("status", flat=True)
    )
    assert statuses == ["applied", "granted", "breached"]


def test_a_breach_needs_what_happened_and_a_date_not_in_the_future(world: World) -> None:
    order = services.order_record(actor=world.lro, plan=world.plan, data=_scpo(world))
    with pytest.raises(InvalidInput) as caught:
        services.order_step(
            actor=world.lro, order=order, step=services.OrderStep("breached", date(2025, 7, 1), "")
        )
    assert set(caught.value.fields) == {"on", "note"}


def test_an_order_is_hidden_from_whoever_may_not_see_it(world: World) -> None:
    order = services.order_record(actor=world.lro, plan=world.plan, data=_scpo(world))
    with pytest.raises(NotVisible):
        services.order_step(
            actor=world.avon_lro, order=order, step=services.OrderStep("expired", date(2025, 6, 1))
        )
