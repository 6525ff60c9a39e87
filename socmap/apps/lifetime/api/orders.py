"""Orders, partner powers, custody and the coming-out list over the API."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Status

from socmap.apps.core.auth import viewer
from socmap.apps.lifetime import schemas as s
from socmap.apps.lifetime import selectors, services
from socmap.apps.lifetime.api.common import ERRORS, _organisation, router
from socmap.apps.lifetime.models import OrderRecord, PowerUse


def _order_out(o: OrderRecord) -> dict[str, Any]:
    return {
        "id": o.pk,
        "plan_id": o.plan_id,
        "kind": o.kind,
        "name": services.catalogue().label(o.kind),
        "person": o.person_label,
        "status": o.status,
        "applicant": o.applicant,
        "court": o.court,
        "starts_on": o.starts_on,
        "ends_on": o.ends_on,
        "amount": o.amount,
    }


@router.post(
    "/lifetime/plans/{plan_id}/orders",
    response={201: s.OrderOut, **ERRORS},
    operation_id="lifetime_order_record",
)
def order_record(request: HttpRequest, plan_id: int, payload: s.OrderIn) -> Status[dict[str, Any]]:
    """Record an order; every rule of its kind is checked and an order outside one is refused (400)."""
    user = viewer(request)
    order = services.order_record(
        actor=user,
        plan=selectors.plan_find(viewer=user, plan_id=plan_id),
        data=services.OrderInput(**payload.model_dump()),
    )
    return Status(201, _order_out(order))


@router.post(
    "/lifetime/orders/{order_id}/steps",
    response={200: s.OrderOut, **ERRORS},
    operation_id="lifetime_order_step",
)
def order_step(request: HttpRequest, order_id: int, payload: s.OrderStepIn) -> dict[str, Any]:
    user = viewer(request)
    order = services.order_step(
        actor=user,
        order=selectors.order_find(viewer=user, order_id=order_id),
        step=services.OrderStep(**payload.model_dump()),
    )
    return _order_out(order)


def _power_out(u: PowerUse) -> dict[str, Any]:
    return {
        "id": u.pk,
        "plan_id": u.plan_id,
        "power": u.power,
        "name": services.catalogue().label(u.power),
        "partner": u.partner.name,
        "status": u.status,
        "requested_on": u.requested_on,
        "outcome": u.outcome,
    }


@router.post(
    "/lifetime/plans/{plan_id}/powers",
    response={201: s.PowerOut, **ERRORS},
    operation_id="lifetime_power_record",
)
def power_record(request: HttpRequest, plan_id: int, payload: s.PowerIn) -> Status[dict[str, Any]]:
    user = viewer(request)
    use = services.power_record(
        actor=user,
        plan=selectors.plan_find(viewer=user, plan_id=plan_id),
        power=payload.power,
        partner=_organisation(request, payload.partner, "partner"),
        requested_on=payload.requested_on,
        entity_id=payload.entity_id,
        outcome=payload.outcome,
    )
    return Status(201, _power_out(use))


@router.patch(
    "/lifetime/powers/{power_id}", response={200: s.PowerOut, **ERRORS}, operation_id="lifetime_power_update"
)
def power_update(request: HttpRequest, power_id: int, payload: s.PowerUpdateIn) -> dict[str, Any]:
    user = viewer(request)
    use = services.power_update(
        actor=user,
        use=selectors.power_find(viewer=user, power_id=power_id),
        status=payload.status,
        outcome=payload.outcome,
    )
    return _power_out(use)


@router.post(
    "/lifetime/plans/{plan_id}/custody", response={201: None, **ERRORS}, operation_id="lifetime_custody_enter"
)
def custody_enter(request: HttpRequest, plan_id: int, payload: s.CustodyIn) -> Status[None]:
    user = viewer(request)
    plan = selectors.plan_find(viewer=user, plan_id=plan_id)
    services.custody_enter(actor=user, plan=plan, data=services.CustodyInput(**payload.model_dump()))
    return Status(201, None)


@router.get("/lifetime/release", response={200: list[s.ReleaseOut]}, operation_id="lifetime_release_list")
def release_list(request: HttpRequest, force: str = "", everyone: bool = False) -> list[dict[str, Any]]:
    """People due out of custody in the catalogue's window (90 days), managed under a plan."""
    rows = selectors.coming_out(viewer=viewer(request), force=force, everyone=everyone)
    return [
        {
            "custody_id": r.period.pk,
            "entity_id": r.entity_id,
            "person": r.label,
            "expected_release_on": r.period.expected_release_on,
            "days": r.days,
            "establishment": r.period.establishment,
            "plans": [p for p, _ in r.plans],
            "orders_in_force": r.orders_in_force,
            "licence_conditions_recorded": r.licence,
        }
        for r in rows
    ]
