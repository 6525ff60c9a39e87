"""Catalogue, workload, plans, actions, considerations and reviews over the API."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Status

from socmap.apps.core.auth import viewer
from socmap.apps.core.schemas import ErrorOut
from socmap.apps.lifetime import schemas as s
from socmap.apps.lifetime import selectors, services
from socmap.apps.lifetime.api.common import ERRORS, _figures, _name, _organisation, _plan_out, _user, router
from socmap.apps.lifetime.models import PlanAction
from socmap.apps.network import selectors as network
from socmap.errors import InvalidInput, NotVisible


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
