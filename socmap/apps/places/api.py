"""Place-based operations over the API: operations with their measures, activities and partners'
measures. Each refusal names the field (an area with no postcodes, phases out of order or
overlapping, an activity outside the operation's dates)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status

from socmap.apps.core.auth import viewer
from socmap.apps.core.models import Organisation
from socmap.apps.core.schemas import ErrorOut
from socmap.apps.places import selectors, services
from socmap.apps.places.models import Operation

router = Router(tags=["places"])
ERRORS: dict[int, Any] = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut}


class PlacesAreaPartIn(Schema):
    code: str
    label: str = ""
    latitude: float | None = None
    longitude: float | None = None


class PlacesPhaseIO(Schema):
    kind: str
    starts_on: date | None = None
    ends_on: date | None = None


class PlacesOperationIn(Schema):
    name: str
    description: str = ""
    area: list[PlacesAreaPartIn]
    phases: list[PlacesPhaseIO]
    targets: list[int] = []


class PlacesActivityIn(Schema):
    kind: str
    on: date | None = None
    place: str
    phase: str = ""
    organisation: str = ""  # an organisation's slug; default the caller's own
    description: str = ""


class PlacesActivityOut(Schema):
    id: int
    kind: str
    kind_label: str
    phase: str
    organisation: str
    on: date
    place: str


class PlacesMeasureIn(Schema):
    name: str
    month: date | None = None
    value: Decimal | None = None


class PlacesSeriesOut(Schema):
    measure: str
    month: str
    value: float


class PlacesOperationOut(Schema):
    id: int
    name: str
    owner: str
    area: list[str]
    phases: list[PlacesPhaseIO]


class PlacesOperationDetailOut(PlacesOperationOut):
    measured_from: date
    measured_to: date
    measures: list[PlacesSeriesOut]
    activities: list[PlacesActivityOut]


def _operation(op: Operation) -> dict[str, Any]:
    return {
        "id": op.pk,
        "name": op.name,
        "owner": op.owner.name,
        "area": [a.code for a in op.area.all()],
        "phases": [{"kind": p.kind, "starts_on": p.starts_on, "ends_on": p.ends_on} for p in op.phases.all()],
    }


def _activity(a: Any) -> dict[str, Any]:
    return {
        "id": a.pk,
        "kind": a.kind,
        "kind_label": a.get_kind_display(),
        "phase": a.phase.kind,
        "organisation": a.organisation.name,
        "on": a.on,
        "place": a.place,
    }


@router.get(
    "/places/operations", response={200: list[PlacesOperationOut]}, operation_id="places_operation_list"
)
def operation_list(request: HttpRequest) -> list[dict[str, Any]]:
    """Operations the caller may see."""
    return [_operation(op) for op in selectors.operation_list(viewer=viewer(request))]


@router.post(
    "/places/operations", response={201: PlacesOperationOut, **ERRORS}, operation_id="places_operation_create"
)
def operation_create(request: HttpRequest, payload: PlacesOperationIn) -> Status[dict[str, Any]]:
    """Start an operation owned by the caller's organisation. 400 names each bad field."""
    user = viewer(request)
    if user.organisation is None:
        raise services.InvalidInput("You belong to no organisation", fields={"owner": ["No organisation"]})
    op = services.operation_create(
        actor=user,
        owner=user.organisation,
        name=payload.name,
        description=payload.description,
        area=[services.AreaIn(a.code, a.label, a.latitude, a.longitude) for a in payload.area],
        phases=[services.PhaseIn(p.kind, p.starts_on, p.ends_on) for p in payload.phases],
        targets=payload.targets,
    )
    return Status(201, _operation(op))


@router.get(
    "/places/operations/{operation_id}",
    response={200: PlacesOperationDetailOut, 404: ErrorOut},
    operation_id="places_operation_get",
)
def operation_get(request: HttpRequest, operation_id: int) -> dict[str, Any]:
    """One operation with every measure by month over its window and its activities."""
    user = viewer(request)
    op = selectors.operation_get(viewer=user, operation_id=operation_id)
    result = selectors.measures(viewer=user, op=op)
    return {
        **_operation(op),
        "measured_from": result.start,
        "measured_to": result.end,
        "measures": result.rows(),
        "activities": [_activity(a) for a in selectors.activities(op=op)],
    }


@router.post(
    "/places/operations/{operation_id}/activities",
    response={201: PlacesActivityOut, **ERRORS},
    operation_id="places_activity_create",
)
def activity_create(
    request: HttpRequest, operation_id: int, payload: PlacesActivityIn
) -> Status[dict[str, Any]]:
    """Record an activity in a phase of the operation (dates outside it are refused, by field)."""
    user = viewer(request)
    op = selectors.operation_find(viewer=user, operation_id=operation_id)
    org = None
    if payload.organisation:
        org = Organisation.objects.filter(slug=payload.organisation).first()
        if org is None:
            raise services.InvalidInput(
                "No such organisation", fields={"organisation": [f"No organisation {payload.organisation!r}"]}
            )
    activity = services.activity_add(
        actor=user, op=op, kind=payload.kind, on=payload.on, place=payload.place, phase=payload.phase,
        organisation=org, description=payload.description,
    )  # fmt: skip
    return Status(201, _activity(activity))


@router.post(
    "/places/operations/{operation_id}/measures",
    response={201: PlacesSeriesOut, **ERRORS},
    operation_id="places_measure_enter",
)
def measure_enter(
    request: HttpRequest, operation_id: int, payload: PlacesMeasureIn
) -> Status[dict[str, Any]]:
    """Enter the caller's organisation's own figure for a month."""
    user = viewer(request)
    op = selectors.operation_find(viewer=user, operation_id=operation_id)
    m = services.measure_enter(actor=user, op=op, name=payload.name, month=payload.month, value=payload.value)
    return Status(201, {"measure": m.name, "month": m.month.strftime("%Y-%m"), "value": float(m.value)})
