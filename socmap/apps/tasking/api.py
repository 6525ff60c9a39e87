"""Regional tasking over the API: capabilities, bids (with duplication warnings), the allocation with
every decision explained, the TCG's overrides and the fairness rule."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status

from socmap.apps.core.auth import viewer
from socmap.apps.core.schemas import ErrorOut
from socmap.apps.tasking import selectors, services
from socmap.apps.tasking.models import AllocationRun, Bid
from socmap.apps.tasking.schemas import (
    AllocateIn,
    BidIn,
    BidOut,
    CapabilityOut,
    FairnessIn,
    OverrideIn,
    RunOut,
)

router = Router(tags=["tasking"])
ERRORS: dict[int, Any] = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


def _bid(view: selectors.BidView) -> dict[str, Any]:
    b, d = view.bid, view.decision
    return {
        "id": b.pk,
        "reference": b.reference,
        "period": b.period.name,
        "force": b.owner.name,
        "threat_id": b.threat_id if view.threat_title else None,
        "threat": view.threat_title,
        "capability": b.capability,
        "first_week": b.first_week,
        "last_week": b.last_week,
        "weeks": b.weeks,
        "effort": f"{b.effort.normalize():f}",
        "outcome": b.outcome,
        "impact": b.impact,
        "status": b.status,
        "warnings": [w["words"] for w in view.overlaps],
        "decision": None
        if d is None
        else {
            "run_id": d.run_id,
            "funded": d.funded,
            "first_week": d.first_week,
            "last_week": d.last_week,
            "value": d.value,
            "reason": d.reason,
            "binding": d.binding,
            "change": d.change,
            "overridden": d.overridden,
        },
    }


def _run(run: AllocationRun) -> dict[str, Any]:
    return {
        "id": run.pk,
        "period": run.period.name,
        "status": run.status,
        "solver_status": run.solver_status,
        "objective": run.objective,
        "greedy_objective": run.greedy_objective,
        "greedy_within_bounds": run.greedy_within,
        "plain_greedy_objective": run.plain_objective,
        "gap": run.gap,
        "seconds": run.seconds,
        "bids": run.bids,
        "funded": run.funded,
        "shares": run.shares,
        "conflicts": run.conflicts,
        "explanation": run.explanation,
        "created_at": run.created_at,
        "published_at": run.published_at,
    }


@router.get(
    "/tasking/capabilities", response={200: list[CapabilityOut]}, operation_id="tasking_capability_list"
)
def capability_list(request: HttpRequest) -> list[dict[str, Any]]:
    """The capability register: owner, unit, weekly capacity and rules of use."""
    viewer(request)
    return [
        {**{k: getattr(c, k) for k in CapabilityOut.model_fields if k != "skills"}, "skills": list(c.skills)}
        for c in services.capabilities_list()
    ]


@router.get("/tasking/bids", response={200: list[BidOut], 404: ErrorOut}, operation_id="tasking_bid_list")
def bid_list(request: HttpRequest, period: str = "", page: int = 1) -> list[dict[str, Any]]:
    """Bids the caller may see (a force: its own; the ROCU: the region's), with the latest decision."""
    user = viewer(request)
    found = selectors.period_find(name=period)
    bids: list[Bid] = list(selectors.bid_list(viewer=user, period=found, page=page).items)
    return [_bid(selectors.bid_get(viewer=user, bid_id=b.pk)) for b in bids]


@router.post("/tasking/bids", response={201: BidOut, **ERRORS}, operation_id="tasking_bid_create")
def bid_create(request: HttpRequest, payload: BidIn) -> Status[dict[str, Any]]:
    """Make a bid. 409 with the duplication warnings unless ``confirm_duplication`` is true."""
    user = viewer(request)
    period = selectors.period_find(name=payload.period)
    bid = services.bid_submit(
        actor=user,
        period=period,
        data=services.BidInput(
            threat_id=payload.threat_id,
            capability=payload.capability,
            first_week=payload.first_week,
            last_week=payload.last_week,
            weeks=payload.weeks,
            effort=payload.effort,
            outcome=payload.outcome,
            impact=payload.impact,
            four_p=payload.four_p,
            aim=payload.aim,
        ),
        confirmed=payload.confirm_duplication,
    )
    return Status(201, _bid(selectors.bid_get(viewer=user, bid_id=bid.pk)))


@router.get("/tasking/bids/{bid_id}", response={200: BidOut, 404: ErrorOut}, operation_id="tasking_bid_get")
def bid_get(request: HttpRequest, bid_id: int) -> dict[str, Any]:
    return _bid(selectors.bid_get(viewer=viewer(request), bid_id=bid_id))


@router.post(
    "/tasking/bids/{bid_id}/override",
    response={201: BidOut, **ERRORS},
    operation_id="tasking_override_create",
)
def override_create(request: HttpRequest, bid_id: int, payload: OverrideIn) -> Status[dict[str, Any]]:
    """The TCG's decision on a bid, with its reason; the next allocation keeps it."""
    user = viewer(request)
    bid = selectors.bid_find(viewer=user, bid_id=bid_id)
    services.override_set(
        actor=user, bid=bid, fund=payload.fund, reason=payload.reason, start_week=payload.start_week
    )
    return Status(201, _bid(selectors.bid_get(viewer=user, bid_id=bid.pk)))


@router.post("/tasking/allocate", response={201: RunOut, **ERRORS}, operation_id="tasking_allocation_run")
def allocation_run(request: HttpRequest, payload: AllocateIn) -> Status[dict[str, Any]]:
    """Allocate the period: the optimiser beside the greedy baseline, every decision explained."""
    user = viewer(request)
    period = selectors.period_find(name=payload.period)
    run = services.allocation_run(
        actor=user, period=period, time_limit=min(max(payload.time_limit, 1.0), 60.0)
    )
    return Status(201, _run(run))


@router.get("/tasking/runs/{run_id}", response={200: RunOut, 404: ErrorOut}, operation_id="tasking_run_get")
def run_get(request: HttpRequest, run_id: int) -> dict[str, Any]:
    return _run(selectors.run_find(viewer=viewer(request), run_id=run_id))


@router.post(
    "/tasking/runs/{run_id}/publish", response={200: RunOut, **ERRORS}, operation_id="tasking_run_publish"
)
def run_publish(request: HttpRequest, run_id: int) -> dict[str, Any]:
    user = viewer(request)
    return _run(services.run_publish(actor=user, run=selectors.run_find(viewer=user, run_id=run_id)))


@router.put(
    "/tasking/fairness", response={200: dict[str, Any], **ERRORS}, operation_id="tasking_fairness_set"
)
def fairness_set(request: HttpRequest, payload: FairnessIn) -> dict[str, Any]:
    """The regional TCG's fairness rule for a period; minimum shares in per cent by force code."""
    user = viewer(request)
    period = services.fairness_set(
        actor=user,
        period=selectors.period_find(name=payload.period),
        mode=payload.mode,
        min_shares=payload.min_shares,
        tolerance=payload.tolerance,
    )
    return {
        "period": period.name,
        "mode": period.fairness,
        "min_shares": period.min_shares,
        "tolerance": float(period.tolerance),
    }


@router.get(
    "/tasking/fairness", response={200: dict[str, Any], 404: ErrorOut}, operation_id="tasking_fairness_get"
)
def fairness_get(request: HttpRequest, period: str = "") -> dict[str, Any]:
    """Each force's share of the capacity funded beside its share of the threat (the latest allocation
    the caller may see: the ROCU's latest, a force's latest published)."""
    user = viewer(request)
    found = selectors.period_find(name=period)
    view = selectors.fairness_get(viewer=user, period=found)
    return {
        "period": found.name,
        "mode": found.fairness,
        "min_shares": found.min_shares,
        "tolerance": float(found.tolerance),
        "run_id": view["run"].pk if view["run"] else None,
        "shares": view["shares"],
    }
