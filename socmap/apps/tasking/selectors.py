"""Every read of the tasking app, through the viewer's visibility.

Bids are governed objects (owner: the bidding force; handling and compartment: its threat's), so the
one visibility rule applies, and tasking restricts it further: a force sees only its own bids and the
decisions about them; the ROCU, which runs regional tasking, sees the bids the rule lets it see.
Another force's threat is never named to a force: warnings and reasons speak of bids by reference.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from socmap.apps.core.exports import csv_lines
from socmap.apps.core.models import OrganisationKind, User
from socmap.apps.core.pagination import Page, paginate
from socmap.apps.core.refusal import refuse
from socmap.apps.core.services import export_audited
from socmap.apps.core.visibility import decide, filter_visible
from socmap.apps.tasking.models import (
    Allocation,
    AllocationRun,
    Bid,
    BidStatus,
    Meeting,
    MeetingDecision,
    Override,
    RunStatus,
    TaskingPeriod,
)
from socmap.apps.tasking.register import register_current, week_date
from socmap.errors import NotAllowed, NotVisible


def is_regional(viewer: User) -> bool:
    """The ROCU runs regional tasking: its users see the region's bids (as the rule allows)."""
    org = getattr(viewer, "organisation", None)
    return org is not None and org.kind == OrganisationKind.ROCU


def _bids(viewer: User) -> QuerySet[Bid]:
    qs = filter_visible(Bid.objects.select_related("owner", "period", "threat", "submitted_by"), viewer)
    if not is_regional(viewer):
        qs = qs.filter(owner_id=viewer.organisation_id)
    return qs


def period_list() -> QuerySet[TaskingPeriod]:
    return TaskingPeriod.objects.all()


def period_current() -> TaskingPeriod | None:
    """The period running today, else the next to start, else the latest."""
    today = timezone.localdate()
    periods = list(TaskingPeriod.objects.order_by("starts_on"))
    for p in periods:
        if p.starts_on <= today < p.starts_on + timedelta(weeks=p.weeks):
            return p
    upcoming = [p for p in periods if p.starts_on > today]
    return upcoming[0] if upcoming else (periods[-1] if periods else None)


def period_find(*, name: str = "", period_id: int | None = None) -> TaskingPeriod:
    found = (
        TaskingPeriod.objects.filter(pk=period_id).first()
        if period_id
        else TaskingPeriod.objects.filter(name=name).first()
        if name
        else period_current()
    )
    if found is None:
        names = ", ".join(TaskingPeriod.objects.values_list("name", flat=True)) or "none yet"
        raise NotVisible(f"No tasking period {name or period_id or ''} (periods: {names})".replace("  ", " "))
    return found


def bid_list(
    *, viewer: User, period: TaskingPeriod, own: bool = False, page: int = 1, per_page: int = 50,
    capability: str = "", status: str = BidStatus.SUBMITTED,
) -> Page[Bid]:  # fmt: skip
    qs = _bids(viewer).filter(period=period)
    if own:
        qs = qs.filter(owner_id=viewer.organisation_id)
    if capability:
        qs = qs.filter(capability=capability)
    if status:
        qs = qs.filter(status=status)
    return paginate(qs.order_by("-score", "reference"), page=page, per_page=per_page)


def bid_find(*, viewer: User, bid_id: int) -> Bid:
    """A bid the viewer may see. Asking for one that exists but is not theirs is a refusal, audited,
    and answered like a missing one (existence is not leaked)."""
    bid = _bids(viewer).filter(pk=bid_id).first()
    if bid is None:
        raise refuse(
            viewer,
            "No such bid",
            obj=Bid.objects.filter(pk=bid_id).first(),
            object_type="tasking.bid",
            object_id=str(bid_id),
            reason="a bid of another force, or not shared with the viewer",
        )
    return bid


def latest_run(*, viewer: User, period: TaskingPeriod) -> AllocationRun | None:
    """The ROCU's latest allocation; a force's latest published one (its outcome)."""
    qs = AllocationRun.objects.filter(period=period)
    if not is_regional(viewer):
        qs = qs.filter(published_at__isnull=False, status=RunStatus.DONE)
    return qs.order_by("-created_at", "-id").first()


def run_find(*, viewer: User, run_id: int) -> AllocationRun:
    if not is_regional(viewer):
        raise NotVisible("No such allocation")
    run = AllocationRun.objects.select_related("period", "created_by").filter(pk=run_id).first()
    if run is None:
        raise NotVisible("No such allocation")
    return run


@dataclass(frozen=True)
class BidView:
    bid: Bid
    threat_title: str  # empty when the viewer may not see the threat
    capability: str
    unit: str
    decision: Allocation | None
    run: AllocationRun | None
    overrides: list[Override]
    meeting_decisions: list[MeetingDecision]
    overlaps: list[dict[str, Any]]  # warnings made with it, and later bids that overlap it


def capability_labels() -> dict[str, str]:
    return {c.key: c.label for c in register_current().capabilities}


def bid_get(*, viewer: User, bid_id: int) -> BidView:
    bid = bid_find(viewer=viewer, bid_id=bid_id)
    run = latest_run(viewer=viewer, period=bid.period)
    decision = Allocation.objects.filter(run=run, bid=bid).first() if run else None
    later = [
        {"kind": w["kind"], "reference": other.reference, "force": other.owner.name, "words": (
            f"{other.owner.name}'s later bid {other.reference} overlaps this one "
            f"({'same threat' if w['kind'] == 'same_threat' else 'shared people'})."
        )}
        for other in Bid.objects.filter(period=bid.period, status=BidStatus.SUBMITTED).select_related("owner")
        for w in (other.warnings or [])
        if w.get("bid") == bid.pk
    ]  # fmt: skip
    cap = register_current().get(bid.capability)
    return BidView(
        bid=bid,
        threat_title=bid.threat.title if decide(viewer, bid.threat).visible else "",
        capability=cap.label if cap else bid.capability,
        unit=cap.unit if cap else "",
        decision=decision,
        run=run,
        overrides=list(Override.objects.filter(bid=bid).select_related("decided_by", "meeting")),
        meeting_decisions=list(
            MeetingDecision.objects.filter(bid=bid).select_related("meeting").order_by("-recorded_at")
        ),
        overlaps=list(bid.warnings or []) + later,
    )


@dataclass(frozen=True)
class BoardRow:
    capability: str
    label: str
    unit: str
    cells: list[tuple[float, float, list[str]]]  # per week: (used, capacity, bid references)


@dataclass(frozen=True)
class Board:
    period: TaskingPeriod
    run: AllocationRun | None
    weeks: list[str]
    rows: list[BoardRow]
    decisions: list[Allocation]
    unallocated: int  # bids made since the run


def board_get(*, viewer: User, period: TaskingPeriod) -> Board:
    """The regional board: every capability's weeks, what is allocated to whom, and each decision."""
    if not is_regional(viewer):
        raise NotAllowed(
            "The regional board is for the ROCU's tasking team; your force's bids are under Tasking"
        )
    run = latest_run(viewer=viewer, period=period)
    visible = set(_bids(viewer).filter(period=period).values_list("pk", flat=True))
    decisions = (
        [
            d
            for d in run.decisions.select_related("bid", "bid__owner").order_by("-funded", "-value")
            if d.bid_id in visible
        ]
        if run
        else []
    )
    by_cell: dict[tuple[str, int], list[str]] = defaultdict(list)
    for d in decisions:
        if d.funded and d.first_week and d.last_week:
            first = (d.first_week - period.starts_on).days // 7
            last = (d.last_week - period.starts_on).days // 7
            for w in range(first, last + 1):
                by_cell[(d.bid.capability, w)].append(d.bid.reference)
    rows = []
    for cap in register_current().capabilities:
        capacity = cap.capacity(period.starts_on, period.weeks)
        used = (run.usage.get(cap.key, {}) if run else {}) or {}
        rows.append(
            BoardRow(
                cap.key,
                cap.label,
                cap.unit,
                [
                    (float(used.get(str(w), 0.0)), capacity[w], by_cell[(cap.key, w)])
                    for w in range(period.weeks)
                ],
            )
        )
    since = _bids(viewer).filter(period=period, status=BidStatus.SUBMITTED)
    if run:
        since = since.filter(submitted_at__gt=run.created_at)
    return Board(
        period=period,
        run=run,
        weeks=[f"{week_date(period.starts_on, w):%-d %b}" for w in range(period.weeks)],
        rows=rows,
        decisions=decisions,
        unallocated=since.count(),
    )


def fairness_get(*, viewer: User, period: TaskingPeriod) -> dict[str, Any]:
    """Each force's share of the funded capacity against its share of the threat (chart and table)."""
    run = latest_run(viewer=viewer, period=period)
    shares = run.shares if run else []
    if not is_regional(viewer):
        # A force sees every force's shares (they are published figures), never another's bids.
        shares = shares if run and run.published_at else []
    spec = {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "description": "Each force's share of the funded capacity beside its share of the threat bid for",
        "width": "container",
        "data": {
            "values": [
                {"force": s["label"], "measure": m, "share": s[k]}
                for s in shares
                for m, k in (
                    ("Share of capacity funded", "share"),
                    ("Share of the threat bid for", "share_of_threat"),
                )
            ]
        },
        "mark": "bar",
        "encoding": {
            "y": {"field": "force", "type": "nominal", "title": None},
            "yOffset": {"field": "measure"},
            "x": {"field": "share", "type": "quantitative", "axis": {"format": "%"}, "title": "Share"},
            "color": {"field": "measure", "type": "nominal", "title": None, "legend": {"orient": "bottom"}},
        },
    }
    return {"run": run, "shares": shares, "spec": spec}


def outcome_list(*, viewer: User, period: TaskingPeriod) -> list[tuple[Bid, Allocation | None]]:
    """The viewer's force's bids with the published decision about each (the reason included)."""
    run = latest_run(viewer=viewer, period=period)
    bids = list(_bids(viewer).filter(period=period, owner_id=viewer.organisation_id).order_by("reference"))
    decisions = {d.bid_id: d for d in Allocation.objects.filter(run=run, bid__in=bids)} if run else {}
    return [(b, decisions.get(b.pk)) for b in bids]


def meeting_list(*, viewer: User) -> QuerySet[Meeting]:
    if viewer.organisation_id is None:
        return Meeting.objects.none()
    return Meeting.objects.filter(organisation_id=viewer.organisation_id).select_related("period")


def meeting_get(*, viewer: User, meeting_id: int) -> Meeting:
    meeting = meeting_list(viewer=viewer).filter(pk=meeting_id).first()
    if meeting is None:
        raise NotVisible("No such meeting")
    return meeting


def meeting_bids(*, viewer: User, meeting: Meeting) -> list[Bid]:
    """Bids a decision of the meeting may be about."""
    if meeting.period is None:
        return []
    return list(bid_list(viewer=viewer, period=meeting.period, per_page=200).items)


def threat_history_panel(*, viewer: Any, obj: Any) -> dict[str, Any] | None:
    """The threat page's tasking history: bids against it the viewer may see, the latest decision
    about each, and the tasking decisions of the viewer's own meetings about it."""
    if not isinstance(viewer, User) or obj is None:
        return None
    bids = list(_bids(viewer).filter(threat_id=obj.pk).order_by("-submitted_at"))
    rows = []
    for bid in bids:
        run = latest_run(viewer=viewer, period=bid.period)
        rows.append((bid, Allocation.objects.filter(run=run, bid=bid).first() if run else None))
    decisions = list(
        MeetingDecision.objects.filter(
            Q(threat_id=obj.pk) | Q(bid__in=bids), meeting__organisation_id=viewer.organisation_id or 0
        ).select_related("meeting")
    )
    if not rows and not decisions:
        return None
    return {"rows": rows, "decisions": decisions, "labels": capability_labels()}


RETURN_HEADER = ["force", "capability", "bids", "funded", "hours_funded", "overridden", "duplication_flagged"]


def national_return(*, viewer: User, period: TaskingPeriod) -> list[dict[str, Any]]:
    """The return to national tasking: counts by force and capability, no threat named."""
    if not is_regional(viewer) and getattr(viewer.organisation, "kind", "") != OrganisationKind.NATIONAL:
        raise NotAllowed("The national return is for the ROCU and national tasking")
    run = AllocationRun.objects.filter(period=period, status=RunStatus.DONE).order_by("-created_at").first()
    labels = capability_labels()
    bids = Bid.objects.filter(period=period, status=BidStatus.SUBMITTED).select_related("owner")
    decisions = {d.bid_id: d for d in Allocation.objects.filter(run=run)} if run else {}
    counts: dict[tuple[str, str], dict[str, Any]] = {}
    for b in bids:
        row = counts.setdefault(
            (b.owner.name, b.capability),
            {"force": b.owner.name, "capability": labels.get(b.capability, b.capability), "bids": 0,
             "funded": 0, "hours_funded": 0.0, "overridden": 0, "duplication_flagged": 0},
        )  # fmt: skip
        row["bids"] += 1
        row["duplication_flagged"] += 1 if b.warnings else 0
        d = decisions.get(b.pk)
        if d is not None:
            row["funded"] += int(d.funded)
            row["hours_funded"] += d.hours if d.funded else 0.0
            row["overridden"] += int(d.overridden)
    return [counts[k] for k in sorted(counts)]


EXPORT_HEADER = [
    "reference", "force", "capability", "threat", "first_week", "last_week", "weeks", "effort",
    "impact", "outcome", "status", "decision", "funded_from", "funded_to", "reason",
]  # fmt: skip


def bid_export(*, viewer: User, period: TaskingPeriod, justification: str) -> Iterator[str]:
    """The bids the viewer may see, with the decision about each, as CSV: a disclosure, audited."""
    qs = _bids(viewer).filter(period=period).order_by("reference")
    export_audited(
        actor=viewer, what="tasking bids", justification=justification, count=qs.count(),
        detail={"period": period.name},
    )  # fmt: skip
    run = latest_run(viewer=viewer, period=period)
    decisions = {d.bid_id: d for d in Allocation.objects.filter(run=run)} if run else {}
    labels = capability_labels()

    def rows() -> Iterator[list[Any]]:
        for b in qs.iterator(chunk_size=500):
            d = decisions.get(b.pk)
            yield [
                b.reference, b.owner.name, labels.get(b.capability, b.capability),
                b.threat.title if decide(viewer, b.threat).visible else "",
                b.first_week, b.last_week, b.weeks, b.effort, b.get_impact_display(), b.outcome,
                b.get_status_display(),
                "" if d is None else "Funded" if d.funded else "Not funded",
                d.first_week if d and d.first_week else "", d.last_week if d and d.last_week else "",
                d.reason if d else "",
            ]  # fmt: skip

    return csv_lines(EXPORT_HEADER, rows())
