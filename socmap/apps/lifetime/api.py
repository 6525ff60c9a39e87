"""Lifetime management over the API: the catalogue, workload, plans and their actions, orders, powers,
custody and releases, disruptions and the return (the same figures as the page and the CSV), alerts."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Status

from socmap.apps.core import selectors as core
from socmap.apps.core.auth import viewer
from socmap.apps.core.models import Organisation, User
from socmap.apps.core.schemas import ErrorOut
from socmap.apps.lifetime import schemas as s
from socmap.apps.lifetime import selectors, services
from socmap.apps.lifetime.models import Disruption, OrderRecord, Plan, PlanAction, PowerUse
from socmap.apps.network import selectors as network
from socmap.apps.workforce.selectors import TrainingState
from socmap.engines import lifetime
from socmap.errors import InvalidInput, NotVisible

router = Router(tags=["lifetime"])
ERRORS: dict[int, Any] = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


def _name(user: User | None) -> str | None:
    return user.username if user is not None else None


def _user(request: HttpRequest, username: str, field: str) -> User | None:
    if not username:
        return None
    me = viewer(request)
    ids = list(core.organisation_list(viewer=me).values_list("pk", flat=True))
    found = core.user_choices(viewer=me, organisation_ids=ids).filter(username=username).first()
    if found is None:
        raise InvalidInput(f"No user called {username!r}", fields={field: ["Unknown user"]})
    return found


def _organisation(request: HttpRequest, slug: str, field: str) -> Organisation | None:
    if not slug:
        return None
    found = core.organisation_list(viewer=viewer(request)).filter(slug=slug).first()
    if found is None:
        raise InvalidInput(f"No organisation {slug!r}", fields={field: ["Unknown organisation"]})
    return found


def _plan_out(p: Plan, counts: dict[int, tuple[int, int]], band: str = "") -> dict[str, Any]:
    open_, overdue = counts.get(p.pk, (0, 0))
    return {
        "id": p.pk,
        "title": p.title,
        "kind": p.kind,
        "owner": p.owner.name,
        "ocg_id": p.ocg_id,
        "individual_id": p.individual_id,
        "lro": _name(p.lro),
        "deputy": _name(p.deputy),
        "next_review_on": p.next_review_on,
        "review": selectors.review_state(p),
        "band": band,
        "open_actions": open_,
        "overdue_actions": overdue,
    }


def _figures(officer: User, row: lifetime.WorkloadRow, training: TrainingState | None) -> dict[str, Any]:
    return {
        "officer": officer.username,
        "groups": row.groups,
        "individuals": row.individuals,
        "deputy_for": row.deputy_for,
        "open_actions": row.open_actions,
        "overdue_actions": row.overdue_actions,
        "overdue_reviews": row.overdue_reviews,
        "weighted_subjects": row.weighted_subjects,
        "weighted_actions": row.weighted_actions,
        "weighted_overdue_reviews": row.weighted_overdue_reviews,
        "training": training.state if training else None,
        "training_expires_on": training.expires_on if training else None,
    }


@router.get("/lifetime/catalogue", response={200: s.CatalogueOut}, operation_id="lifetime_catalogue_get")
def catalogue_get(request: HttpRequest) -> dict[str, Any]:
    cat = services.catalogue()
    return {
        "orders": [
            {
                "key": r.key,
                "name": r.name,
                "short": r.short,
                "act": r.act,
                "section": r.section,
                "rule": r.summary,
                "applicants": list(r.applicants),
                "courts": list(r.courts),
            }
            for r in cat.orders.values()
        ],
        "powers": [
            {"key": p.key, "name": p.name, "owner_type": p.owner_type, "owner": p.owner_label, "law": p.law}
            for p in cat.powers.values()
        ],
        "review_months": dict(cat.review_months),
        "workload_weights": dict(cat.workload_weights),
    }


@router.get("/lifetime/workload", response={200: s.WorkloadOut}, operation_id="lifetime_workload_get")
def workload_get(request: HttpRequest) -> dict[str, Any]:
    """The caller's own groups and individuals and their figures."""
    user = viewer(request)
    mine = selectors.workload_mine(viewer=user)
    counts = {r.plan.pk: (r.open_actions, r.overdue_actions) for r in mine.rows}
    return {
        "figures": _figures(user, mine.figures, mine.training),
        "plans": [_plan_out(r.plan, counts, r.band.band if r.band else "") for r in mine.rows],
    }


@router.get(
    "/lifetime/workload/{force}",
    response={200: s.ForceWorkloadOut, 404: ErrorOut},
    operation_id="lifetime_force_workload_get",
)
def force_workload_get(request: HttpRequest, force: str) -> dict[str, Any]:
    """Every officer's figures for one force's plans (the ones the caller may see)."""
    organisation = next((o for o in selectors.forces() if o.slug == force), None)
    if organisation is None:
        raise NotVisible("No such force")
    view = selectors.workload_force(viewer=viewer(request), organisation=organisation)
    counts = {r.plan.pk: (r.open_actions, r.overdue_actions) for r in view.plans}
    return {
        "organisation": organisation.name,
        "officers": [_figures(o.officer, o.figures, o.training) for o in view.officers],
        "plans": [_plan_out(r.plan, counts, r.band.band if r.band else "") for r in view.plans],
        "unplanned": [u.title for u in view.unplanned],
    }


@router.get("/lifetime/plans", response={200: list[s.PlanOut]}, operation_id="lifetime_plan_list")
def plan_list(
    request: HttpRequest, force: str = "", overdue: bool = False, page: int = 1
) -> list[dict[str, Any]]:
    user = viewer(request)
    result = selectors.plan_list(
        viewer=user, filters=selectors.PlanFilter(force=force, overdue=overdue), page=page
    )
    counts = selectors.open_action_counts(viewer=user, plan_ids=[p.pk for p in result.items])
    return [_plan_out(p, counts) for p in result.items]


@router.post("/lifetime/plans", response={201: s.PlanOut, **ERRORS}, operation_id="lifetime_plan_open")
def plan_open(request: HttpRequest, payload: s.PlanOpenIn) -> Status[dict[str, Any]]:
    user = viewer(request)
    if payload.kind == "group":
        plan = services.plan_open(actor=user, ocg=network.ocg_find(viewer=user, ocg_id=payload.subject_id))
    elif payload.kind == "individual":
        found = network.individual_find(viewer=user, individual_id=payload.subject_id)
        plan = services.plan_open(actor=user, individual=found)
    else:
        raise InvalidInput(
            "Say whether it is a group or an individual", fields={"kind": ["group or individual"]}
        )
    return Status(201, _plan_out(plan, {}))


@router.get(
    "/lifetime/plans/{plan_id}", response={200: s.PlanOut, 404: ErrorOut}, operation_id="lifetime_plan_get"
)
def plan_get(request: HttpRequest, plan_id: int, purpose: str) -> dict[str, Any]:
    """One plan: a logged consultation with ``purpose``."""
    user = viewer(request)
    view = selectors.plan_get(viewer=user, plan_id=plan_id, justification=purpose)
    counts = selectors.open_action_counts(viewer=user, plan_ids=[plan_id])
    return _plan_out(view.plan, counts, view.band.band if view.band else "")


@router.post(
    "/lifetime/plans/{plan_id}/assign",
    response={200: s.PlanOut, **ERRORS},
    operation_id="lifetime_plan_assign",
)
def plan_assign(request: HttpRequest, plan_id: int, payload: s.AssignIn) -> dict[str, Any]:
    user = viewer(request)
    plan = services.plan_assign(
        actor=user,
        plan=selectors.plan_find(viewer=user, plan_id=plan_id),
        lro=_user(request, payload.lro, "lro"),
        deputy=_user(request, payload.deputy, "deputy"),
        reason=payload.reason,
    )
    return _plan_out(plan, {})


def _action_out(a: PlanAction) -> dict[str, Any]:
    owner = a.owner_organisation.name if a.owner_organisation else (_name(a.owner_person) or "")
    return {
        "id": a.pk,
        "plan_id": a.plan_id,
        "p": a.p,
        "title": a.title,
        "owner": owner,
        "due_on": a.due_on,
        "status": a.status,
        "outcome": a.outcome,
    }


@router.post(
    "/lifetime/plans/{plan_id}/actions",
    response={201: s.ActionOut, **ERRORS},
    operation_id="lifetime_action_create",
)
def action_create(request: HttpRequest, plan_id: int, payload: s.ActionIn) -> Status[dict[str, Any]]:
    user = viewer(request)
    action = services.action_create(
        actor=user,
        plan=selectors.plan_find(viewer=user, plan_id=plan_id),
        data=services.ActionInput(
            p=payload.p,
            title=payload.title,
            due_on=payload.due_on,
            description=payload.description,
            owner_person=_user(request, payload.owner_person, "owner_person"),
            owner_organisation=_organisation(request, payload.owner_organisation, "owner_organisation"),
        ),
    )
    return Status(201, _action_out(action))


@router.patch(
    "/lifetime/actions/{action_id}",
    response={200: s.ActionOut, **ERRORS},
    operation_id="lifetime_action_update",
)
def action_update(request: HttpRequest, action_id: int, payload: s.ActionUpdateIn) -> dict[str, Any]:
    user = viewer(request)
    action = services.action_update(
        actor=user,
        action=selectors.action_find(viewer=user, action_id=action_id),
        status=payload.status,
        outcome=payload.outcome,
        evidence=payload.evidence,
    )
    return _action_out(action)


@router.post(
    "/lifetime/plans/{plan_id}/considerations",
    response={201: None, **ERRORS},
    operation_id="lifetime_consideration_record",
)
def consideration_record(request: HttpRequest, plan_id: int, payload: s.ConsiderationIn) -> Status[None]:
    user = viewer(request)
    plan = selectors.plan_find(viewer=user, plan_id=plan_id)
    services.consideration_record(actor=user, plan=plan, item=payload.item, reason=payload.reason)
    return Status(201, None)


@router.post(
    "/lifetime/plans/{plan_id}/reviews",
    response={201: s.ReviewOut, **ERRORS},
    operation_id="lifetime_review_record",
)
def review_record(request: HttpRequest, plan_id: int, payload: s.ReviewIn) -> Status[dict[str, Any]]:
    user = viewer(request)
    review = services.plan_review(
        actor=user,
        plan=selectors.plan_find(viewer=user, plan_id=plan_id),
        summary=payload.summary,
        reviewed_on=payload.reviewed_on,
    )
    return Status(
        201,
        {
            "plan_id": plan_id,
            "reviewed_on": review.reviewed_on,
            "next_review_on": review.next_review_on,
            "band": review.band,
        },
    )


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
