"""Running the allocation of a period, the TCG's overrides, and publishing the outcome to the forces."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone

from socmap.apps.core.audit import audit_record
from socmap.apps.core.models import AuditAction, Organisation, Role, User
from socmap.apps.core.services import require_role
from socmap.apps.tasking.models import (
    Allocation,
    AllocationRun,
    Bid,
    BidStatus,
    Meeting,
    Override,
    RunStatus,
    TaskingPeriod,
)
from socmap.apps.tasking.register import register_current, week_date, week_index
from socmap.engines import allocate
from socmap.errors import Conflict, InvalidInput, NotAllowed


@dataclass(frozen=True)
class Prepared:
    problem: allocate.Problem
    bids: dict[str, Bid]  # engine key -> bid


def _duplicates(bids: list[Bid], keyed: dict[str, Bid], funded_by_tcg: set[str]) -> set[tuple[str, str]]:
    """Pairs of bids for the same capability against the same threat or people: at most one is funded."""
    pairs: set[tuple[str, str]] = set()
    for b in bids:
        for w in b.warnings or []:
            other = str(w.get("bid") or "")
            if (
                w.get("kind") in ("same_threat", "shared_people")
                and w.get("same_capability")
                and other in keyed
            ):
                a, c = sorted((str(b.pk), other))
                # The TCG funding both is a joint operation, not a duplication.
                if not (a in funded_by_tcg and c in funded_by_tcg):
                    pairs.add((a, c))
    return pairs


def problem_for(period: TaskingPeriod) -> Prepared:
    """The period's live bids, the register's capacity, the live overrides and the fairness rule."""
    register = register_current()
    forces = list(Organisation.objects.filter(kind__in=["force", "rocu"]).exclude(code="").order_by("name"))
    bids = list(Bid.objects.filter(period=period, status=BidStatus.SUBMITTED).select_related("owner"))
    codes = {o.pk: o.code for o in forces}
    caps = tuple(
        allocate.Capability(
            key=c.key,
            label=c.label,
            owner=c.owner,
            kind=c.kind,
            unit=c.unit,
            hours_per_unit=c.hours_per_unit,
            capacity=c.capacity(period.starts_on, period.weeks),
            min_weeks=c.min_weeks,
            travel_overhead=c.travel_overhead,
            home=c.home,
        )
        for c in register.capabilities
    )
    known = {c.key for c in caps}
    keyed: dict[str, Bid] = {}
    engine_bids = []
    for b in bids:
        if b.capability not in known:
            continue  # a capability taken out of the register: the bid is listed, not allocated
        key = str(b.pk)
        keyed[key] = b
        engine_bids.append(
            allocate.Bid(
                key=key,
                force=codes.get(b.owner_id, str(b.owner_id)),
                capability=b.capability,
                score=float(b.score),
                impact=register.impact(b.impact),
                earliest=week_index(period.starts_on, b.first_week),
                latest=week_index(period.starts_on, b.last_week),
                weeks=b.weeks,
                effort=float(b.effort),
                band=b.band,
                label=b.reference,
                threat=str(b.threat_id),
            )
        )
    overrides = tuple(
        allocate.Override(
            bid=str(o.bid_id),
            fund=o.fund,
            reason=o.reason,
            start=week_index(period.starts_on, o.start_week) if o.start_week else None,
        )
        for o in Override.objects.filter(period=period, withdrawn_at__isnull=True)
        if str(o.bid_id) in keyed
    )
    funded_by_tcg = {o.bid for o in overrides if o.fund}
    pairs = _duplicates(bids, keyed, funded_by_tcg)
    present = {codes.get(b.owner_id) for b in bids}
    forces_used = tuple(o.code for o in forces if o.kind == "force" or o.code in present)
    fairness = allocate.Fairness(
        mode=period.fairness,
        min_share={k: float(v) for k, v in (period.min_shares or {}).items() if k in forces_used},
        tolerance=float(period.tolerance),
    )
    problem = allocate.Problem(
        weeks=period.weeks,
        forces=forces_used,
        capabilities=caps,
        bids=tuple(engine_bids),
        fairness=fairness,
        overrides=overrides,
        exclusive=tuple(sorted(pairs)),
        force_labels={o.code: o.name for o in forces},
        week_labels=tuple(f"{week_date(period.starts_on, i):%-d %B %Y}" for i in range(period.weeks)),
    )
    return Prepared(problem, keyed)


def _shares(result: allocate.Result) -> list[dict[str, object]]:
    return [
        {
            "force": s.force,
            "label": s.label,
            "hours": round(s.hours, 1),
            "share": round(s.share, 4),
            "share_of_threat": round(s.share_of_threat, 4),
            "floor": s.floor,
            "floor_hours": round(s.floor_hours, 1),
            "high_met": None if s.high_met is None else round(s.high_met, 4),
            "within_bounds": s.within_bounds,
            "note": s.note,
        }
        for s in result.shares
    ]


def allocation_run(*, actor: User, period: TaskingPeriod, time_limit: float = 8.0) -> AllocationRun:
    """Allocate the period (optimiser beside the greedy baseline) and record every decision in words."""
    require_role(actor, Role.TASKING, action="run the allocation")
    prepared = problem_for(period)
    problem = prepared.problem
    config = allocate.SolveConfig(time_limit=time_limit)
    compared = allocate.allocate(problem, config)
    best, greedy = compared.optimiser, compared.greedy
    fairness = {
        "mode": period.fairness,
        "min_shares": period.min_shares,
        "tolerance": str(period.tolerance),
    }
    digest = hashlib.sha256(
        json.dumps(
            {"fairness": fairness, "register": register_current().file, "limit": time_limit}, sort_keys=True
        ).encode()
    ).hexdigest()
    usage: dict[str, dict[str, float]] = {}
    for (cap, week), used in best.usage.items():
        if used:
            usage.setdefault(cap, {})[str(week)] = round(used, 3)
    greedy_funded = {d.bid for d in greedy.decisions if d.funded}
    with transaction.atomic():
        run = AllocationRun.objects.create(
            period=period,
            status=RunStatus.INFEASIBLE if best.status == "infeasible" else RunStatus.DONE,
            solver_status=best.status,
            engine_version=allocate.ENGINE_VERSION,
            config_hash=digest,
            fairness=fairness,
            objective=best.objective,
            bound=best.bound,
            gap=best.gap,
            greedy_objective=greedy.objective,
            greedy_within=greedy.within_bounds,
            plain_objective=compared.plain.objective,
            seconds=best.seconds,
            bids=len(problem.bids),
            funded=len(best.funded),
            shares=_shares(best),
            greedy_shares=_shares(greedy),
            conflicts=[{"key": c.key, "words": c.words} for c in best.conflicts],
            usage=usage,
            explanation=best.explanation,
            created_by=actor,
        )
        Allocation.objects.bulk_create(
            [
                Allocation(
                    run=run,
                    bid=prepared.bids[d.bid],
                    funded=d.funded,
                    first_week=week_date(period.starts_on, d.start) if d.start is not None else None,
                    last_week=week_date(period.starts_on, d.end) if d.end is not None else None,
                    value=d.value,
                    hours=d.hours,
                    reason=d.reason,
                    binding=[{"key": c.key, "words": c.words} for c in d.binding],
                    change=d.change,
                    overridden=d.overridden,
                    greedy_funded=d.bid in greedy_funded,
                )
                for d in best.decisions
            ]
        )
        audit_record(
            AuditAction.COMBINATION,
            actor=actor,
            obj=run,
            detail={
                "bids": run.bids,
                "funded": run.funded,
                "status": best.status,
                "objective": round(best.objective, 2),
                "greedy_objective": round(greedy.objective, 2),
            },
        )
    return run


def override_set(
    *,
    actor: User,
    bid: Bid,
    fund: bool,
    reason: str,
    start_week: date | None = None,
    meeting: Meeting | None = None,
) -> Override:
    """The TCG's decision on a bid, kept by every later allocation until withdrawn."""
    require_role(actor, Role.TASKING, action="override an allocation")
    problems: dict[str, list[str]] = {}
    if not reason.strip():
        problems["reason"] = ["Say why the TCG overrides the allocation: the forces read it"]
    period = bid.period
    if start_week is not None:
        index = week_index(period.starts_on, start_week)
        if not fund:
            problems["start_week"] = ["A start week goes with a decision to fund"]
        elif not (
            week_index(period.starts_on, bid.first_week)
            <= index
            <= week_index(period.starts_on, bid.last_week) - bid.weeks + 1
        ):
            problems["start_week"] = ["The start week must leave the bid's weeks inside its window"]
    if bid.status != BidStatus.SUBMITTED:
        problems["bid"] = ["The bid was withdrawn"]
    if problems:
        raise InvalidInput("The override cannot be recorded: see fields", fields=problems)
    now = timezone.now()
    with transaction.atomic():
        for old in Override.objects.select_for_update().filter(bid=bid, withdrawn_at__isnull=True):
            old.withdrawn_at = now
            old.withdrawn_by = actor
            old.save(update_fields=["withdrawn_at", "withdrawn_by"])
        override = Override.objects.create(
            period=period,
            bid=bid,
            fund=fund,
            start_week=start_week,
            reason=reason.strip(),
            meeting=meeting,
            decided_by=actor,
            decided_at=now,
        )
        audit_record(
            AuditAction.ALTERATION,
            actor=actor,
            obj=bid,
            justification=reason.strip(),
            detail={"override": "fund" if fund else "do not fund", "start_week": str(start_week or "")},
        )
    return override


def override_withdraw(*, actor: User, override: Override) -> Override:
    require_role(actor, Role.TASKING, action="withdraw an override")
    if override.withdrawn_at is not None:
        raise Conflict("The override is already withdrawn")
    with transaction.atomic():
        override.withdrawn_at = timezone.now()
        override.withdrawn_by = actor
        override.save(update_fields=["withdrawn_at", "withdrawn_by"])
        audit_record(AuditAction.ALTERATION, actor=actor, obj=override.bid, detail={"override": "withdrawn"})
    return override


def run_publish(*, actor: User, run: AllocationRun) -> AllocationRun:
    """Publish an allocation: each force then sees the decisions about its own bids, with the reasons."""
    require_role(actor, Role.TASKING, action="publish the allocation")
    if run.status != RunStatus.DONE:
        raise NotAllowed("An allocation whose constraints conflict cannot be published")
    if run.published_at is not None:
        raise Conflict("This allocation is already published")
    with transaction.atomic():
        run.published_at = timezone.now()
        run.published_by = actor
        run.save(update_fields=["published_at", "published_by"])
        audit_record(AuditAction.DISCLOSURE, actor=actor, obj=run, detail={"decisions": run.bids})
    return run
