"""Disruptions, their validation, the return (the same figures as the page and the CSV) and alerts."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Status

from socmap.apps.core.auth import viewer
from socmap.apps.core.schemas import ErrorOut
from socmap.apps.lifetime import schemas as s
from socmap.apps.lifetime import selectors, services
from socmap.apps.lifetime.api.common import ERRORS, _name, router
from socmap.apps.lifetime.models import Disruption
from socmap.errors import InvalidInput


def _disruption_out(d: Disruption) -> dict[str, Any]:
    return {
        "id": d.pk,
        "plan_id": d.plan_id,
        "owner": d.owner.name,
        "on": d.on,
        "p": d.p,
        "activity": d.activity,
        "impact": d.impact,
        "status": d.status,
        "recorded_by": d.recorded_by.username,
        "validated_by": _name(d.validated_by),
    }


@router.post(
    "/lifetime/plans/{plan_id}/disruptions",
    response={201: s.DisruptionOut, **ERRORS},
    operation_id="lifetime_disruption_record",
)
def disruption_record(request: HttpRequest, plan_id: int, payload: s.DisruptionIn) -> Status[dict[str, Any]]:
    user = viewer(request)
    d = services.disruption_record(
        actor=user,
        plan=selectors.plan_find(viewer=user, plan_id=plan_id),
        data=services.DisruptionInput(**payload.model_dump()),
    )
    return Status(201, _disruption_out(d))


@router.get(
    "/lifetime/disruptions", response={200: list[s.DisruptionOut]}, operation_id="lifetime_disruption_list"
)
def disruption_list(
    request: HttpRequest, status: str = "", force: str = "", p: str = "", impact: str = "", page: int = 1
) -> list[dict[str, Any]]:
    filters = selectors.DisruptionFilter(status=status, force=force, p=p, impact=impact)
    return [
        _disruption_out(d)
        for d in selectors.disruption_list(viewer=viewer(request), filters=filters, page=page).items
    ]


@router.post(
    "/lifetime/disruptions/{disruption_id}/validation",
    response={200: s.DisruptionOut, **ERRORS},
    operation_id="lifetime_disruption_validate",
)
def disruption_validate(request: HttpRequest, disruption_id: int, payload: s.ValidationIn) -> dict[str, Any]:
    user = viewer(request)
    if payload.decision not in ("validate", "return"):
        raise InvalidInput("Validate or return it", fields={"decision": ["validate or return"]})
    found, _ = selectors.disruption_get(
        viewer=user, disruption_id=disruption_id, justification="validation over the API"
    )
    d = services.disruption_validate(
        actor=user, disruption=found, approve=payload.decision == "validate", note=payload.note
    )
    return _disruption_out(d)


@router.get("/lifetime/return", response={200: s.ReturnOut, **ERRORS}, operation_id="lifetime_return_get")
def return_get(
    request: HttpRequest, date_from: date, date_to: date, period: str = "whole", force: str = ""
) -> dict[str, Any]:
    """Validated disruptions the caller may see, by period, force, P and impact: the page's figures."""
    result = selectors.return_get(
        viewer=viewer(request), date_from=date_from, date_to=date_to, period=period, force=force
    )
    return {
        "date_from": result.date_from,
        "date_to": result.date_to,
        "period": result.period,
        "total": result.total,
        "explanation": result.explanation,
        "cells": [
            {
                "period_start": c.period_start,
                "period_end": c.period_end,
                "force": c.organisation,
                "p": c.p,
                "impact": c.impact,
                "count": c.count,
            }
            for c in result.cells
        ],
    }


@router.post(
    "/lifetime/return/export", response={200: None, 400: ErrorOut}, operation_id="lifetime_return_export"
)
def return_export(
    request: HttpRequest,
    payload: s.ExportIn,
    date_from: date,
    date_to: date,
    period: str = "whole",
    force: str = "",
) -> HttpResponse:
    """The return as CSV; the justification is audited with the export."""
    lines = selectors.return_export(
        viewer=viewer(request),
        date_from=date_from,
        date_to=date_to,
        period=period,
        force=force,
        justification=payload.justification,
    )
    return HttpResponse("".join(lines), content_type="text/csv; charset=utf-8")


@router.get(
    "/lifetime/notifications",
    response={200: list[s.NotificationOut]},
    operation_id="lifetime_notification_list",
)
def notification_list(request: HttpRequest, unread: bool = True) -> list[dict[str, Any]]:
    notes = selectors.notifications_for(viewer=viewer(request), unread_only=unread)[:200]
    return [
        {
            "id": n.pk,
            "kind": n.kind,
            "title": n.title,
            "plan_id": n.plan_id,
            "due_on": n.due_on,
            "created_at": n.created_at,
            "read": n.read_at is not None,
        }
        for n in notes
    ]


@router.post(
    "/lifetime/notifications/{notification_id}/read",
    response={204: None, 404: ErrorOut},
    operation_id="lifetime_notification_read",
)
def notification_read(request: HttpRequest, notification_id: int) -> Status[None]:
    services.notification_read(actor=viewer(request), notification_id=notification_id)
    return Status(204, None)
