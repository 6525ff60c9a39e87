"""Reads of plans, through the viewer's visibility: a plan is a governed object, and so is each of
its actions, orders, powers, custody periods and disruptions; the people it manages are shown only
through records the viewer may see (no count, no name, no id of the others)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Q, QuerySet

from socmap.apps.assessment import selectors as assessment
from socmap.apps.core import clock
from socmap.apps.core.models import User
from socmap.apps.core.pagination import Page, paginate
from socmap.apps.core.refusal import refuse
from socmap.apps.core.visibility import consult, decide, filter_visible, visible_filter
from socmap.apps.lifetime.models import (
    OPEN_STATUSES,
    Assignment,
    Consideration,
    CustodyPeriod,
    Disruption,
    Notification,
    OrderRecord,
    OrderStatus,
    P,
    Plan,
    PlanAction,
    PlanEvent,
    PlanReview,
    PowerUse,
)
from socmap.apps.lifetime.services import catalogue, may_manage
from socmap.apps.lifetime.services.common import person_entities
from socmap.apps.network import selectors as network
from socmap.apps.resolution import selectors as resolution
from socmap.engines import lifetime


def plans_visible(viewer: User) -> QuerySet[Plan]:
    return filter_visible(Plan.objects.select_related("owner", "lro", "deputy", "ocg", "individual"), viewer)


@dataclass(frozen=True)
class PlanFilter:
    force: str = ""  # owner organisation's slug
    officer: int | None = None  # LRO or deputy
    text: str = ""
    overdue: bool = False


def plan_list(*, viewer: User, filters: PlanFilter, page: int = 1, per_page: int = 50) -> Page[Plan]:
    qs = plans_visible(viewer)
    if filters.force:
        qs = qs.filter(owner__slug=filters.force)
    if filters.officer:
        qs = qs.filter(Q(lro_id=filters.officer) | Q(deputy_id=filters.officer))
    if filters.text.strip():
        qs = qs.filter(title__icontains=filters.text.strip())
    if filters.overdue:
        qs = qs.filter(next_review_on__lt=clock.today())
    return paginate(qs.order_by("next_review_on", "title", "id"), page=page, per_page=per_page)


def plan_find(*, viewer: User, plan_id: int) -> Plan:
    """A plan the viewer may see, for a change (the change is audited by the service)."""
    found: Plan = _find(
        viewer, Plan, plan_id, "plan", ("owner", "lro", "deputy", "ocg", "individual", "compartment")
    )
    return found


def _find(viewer: User, model: Any, pk: int, label: str, related: tuple[str, ...] = ("plan",)) -> Any:
    obj = model.objects.select_related(*related).filter(pk=pk).first()
    if obj is None:
        raise refuse(viewer, f"No such {label}", object_type=model._meta.label_lower, object_id=str(pk))
    decision = decide(viewer, obj)
    if not decision.visible:
        raise refuse(viewer, f"No such {label}", obj=obj, reason=decision.reason)
    return obj


def action_find(*, viewer: User, action_id: int) -> PlanAction:
    found: PlanAction = _find(
        viewer, PlanAction, action_id, "action", ("plan", "owner_person", "owner_organisation")
    )
    return found


def order_find(*, viewer: User, order_id: int) -> OrderRecord:
    found: OrderRecord = _find(viewer, OrderRecord, order_id, "order")
    return found


def power_find(*, viewer: User, power_id: int) -> PowerUse:
    found: PowerUse = _find(viewer, PowerUse, power_id, "partner power", ("plan", "partner"))
    return found


def custody_find(*, viewer: User, period_id: int) -> CustodyPeriod:
    found: CustodyPeriod = _find(viewer, CustodyPeriod, period_id, "custody period", ())
    return found


@dataclass(frozen=True)
class Person:
    entity_id: str  # the record the viewer uses for the person
    label: str
    role: str
    orders: list[OrderRecord]
    custody: list[CustodyPeriod]


@dataclass(frozen=True)
class ItemState:
    """One order or power of the catalogue, and what the plan did about it."""

    key: str
    kind: str  # "order" or "power"
    label: str
    law: str
    rule: str
    state: str  # "used", "not used" or "to consider"
    detail: str


@dataclass(frozen=True)
class PlanView:
    plan: Plan
    conditions: tuple[str, ...]
    subject_status: str
    band: assessment.SubjectBand | None
    people: list[Person]
    actions: dict[str, list[PlanAction]]
    orders: list[OrderRecord]
    powers: list[PowerUse]
    items: list[ItemState]
    reviews: list[PlanReview]
    disruptions: list[Disruption]
    events: list[PlanEvent]
    assignments: list[Assignment]
    notifications: list[Notification]
    scores: list[assessment.ScorePoint]
    can_manage: bool
    review_state: str  # "overdue", "due soon" or ""
    outstanding: list[str] = field(default_factory=list)


def _people(viewer: User, plan: Plan) -> tuple[list[tuple[str, str, str]], dict[str, str]]:
    """The people the plan manages that the viewer may see, as (record entity id the viewer uses,
    caption, role), most senior first and each person once however many of their records joined;
    and every record entity of those people -> the id shown for them (to place orders and custody)."""
    if plan.ocg_id:
        members = network.ocg_members(ocg_ids=[plan.ocg_id]).get(plan.ocg_id, [])
    else:
        members = [(e, "priority individual") for e in person_entities(plan)]
    clusters = resolution.person_cluster_map(viewer=viewer, entity_ids=[e for e, _ in members])
    labels = resolution.person_label_map(viewer=viewer, entity_ids=[e for e, _ in members], clusters=clusters)
    out, seen = [], set()
    records: dict[str, str] = {}
    for entity_id, role in members:
        if entity_id in labels and labels[entity_id][0] not in seen:
            seen.add(labels[entity_id][0])
            out.append((labels[entity_id][0], labels[entity_id][1], role))
        if entity_id in labels:
            for record in clusters.get(entity_id, [entity_id]):
                records.setdefault(record, labels[entity_id][0])
    return out, records


def people_of(viewer: User, plan: Plan) -> list[tuple[str, str, str]]:
    """(record entity id the viewer uses, caption, role) of the people the plan manages that the
    viewer may see, most senior first; each person once however many of their records joined."""
    return _people(viewer, plan)[0]


def _items(plan: Plan, orders: list[OrderRecord], powers: list[PowerUse]) -> list[ItemState]:
    cat = catalogue()
    considered = {c.item: c for c in Consideration.objects.filter(plan=plan).select_related("decided_by")}
    # "Used" counts every order and power of the plan, including ones this viewer may not see; the
    # detail names only what the viewer sees.
    used_orders = set(
        OrderRecord.objects.filter(plan=plan)
        .exclude(status=OrderStatus.CONSIDERED)
        .values_list("kind", flat=True)
    )
    used_powers = set(PowerUse.objects.filter(plan=plan).values_list("power", flat=True))
    out = []
    for key, rule in cat.orders.items():
        mine = [o for o in orders if o.kind == key and o.status != OrderStatus.CONSIDERED]
        if key in used_orders:
            detail = "; ".join(f"{o.person_label}: {o.get_status_display().lower()}" for o in mine) or "Used"
            out.append(ItemState(key, "order", rule.title, rule.law, rule.summary, "used", detail))
        elif key in considered:
            out.append(
                ItemState(
                    key, "order", rule.title, rule.law, rule.summary, "not used", considered[key].reason
                )
            )
        else:
            out.append(ItemState(key, "order", rule.title, rule.law, rule.summary, "to consider", ""))
    for key, power in cat.powers.items():
        mine_p = [p for p in powers if p.power == key]
        if key in used_powers:
            detail = (
                "; ".join(f"{p.partner.name}: {p.get_status_display().lower()}" for p in mine_p) or "Used"
            )
            out.append(ItemState(key, "power", power.name, power.law, power.owner_label, "used", detail))
        elif key in considered:
            out.append(
                ItemState(
                    key, "power", power.name, power.law, power.owner_label, "not used", considered[key].reason
                )
            )
        else:
            out.append(ItemState(key, "power", power.name, power.law, power.owner_label, "to consider", ""))
    return out


def review_state(plan: Plan, today: date | None = None) -> str:
    today = today or clock.today()
    if plan.next_review_on is None:
        return ""
    if plan.next_review_on < today:
        return "overdue"
    return "due soon" if (plan.next_review_on - today).days <= 14 else ""


def plan_get(*, viewer: User, plan_id: int, justification: str) -> PlanView:
    """A plan with everything the viewer may see of it: a logged consultation."""
    found = (
        Plan.objects.select_related("owner", "lro", "deputy", "ocg", "individual", "compartment")
        .filter(pk=plan_id)
        .first()
    )
    plan, conditions = consult(viewer, found, label="plan", justification=justification)
    visible = visible_filter(viewer)
    people, records = _people(viewer, plan)
    orders = list(OrderRecord.objects.filter(plan=plan).filter(visible).order_by("-created_at", "-id"))
    powers = list(PowerUse.objects.filter(plan=plan).filter(visible).select_related("partner"))
    custody = list(
        CustodyPeriod.objects.filter(visible)
        .filter(entity_id__in=sorted(records))
        .order_by("-expected_release_on")
    )
    person_orders: dict[str, list[OrderRecord]] = defaultdict(list)
    for o in orders:
        if o.entity_id in records:
            person_orders[records[o.entity_id]].append(o)
    # Every prison report restates the custody it was written in: one period per person and dates.
    person_custody: dict[str, list[CustodyPeriod]] = defaultdict(list)
    seen_periods: set[tuple[str, Any, Any, Any]] = set()
    for c in custody:
        person = records[c.entity_id]
        if (person, c.received_on, c.expected_release_on, c.released_on) not in seen_periods:
            seen_periods.add((person, c.received_on, c.expected_release_on, c.released_on))
            person_custody[person].append(c)
    actions: dict[str, list[PlanAction]] = {p: [] for p in P.values}
    for a in (
        PlanAction.objects.filter(plan=plan)
        .filter(visible)
        .select_related("owner_person", "owner_organisation")
    ):
        actions[a.p].append(a)
    bands = assessment.subject_bands(
        viewer=viewer,
        ocg_ids=[plan.ocg_id] if plan.ocg_id else [],
        individual_ids=[plan.individual_id] if plan.individual_id else [],
    )
    status = (
        network.subject_statuses(ocg_ids=[plan.ocg_id]).get(plan.ocg_id, "") if plan.ocg_id else "adopted"
    )
    items = _items(plan, orders, powers)
    return PlanView(
        plan=plan,
        conditions=conditions,
        subject_status=status,
        band=bands.get((plan.kind, plan.ocg_id or plan.individual_id or 0)),
        people=[
            Person(e, label, role, person_orders.get(e, []), person_custody.get(e, []))
            for e, label, role in people
        ],
        actions=actions,
        orders=orders,
        powers=powers,
        items=items,
        reviews=list(PlanReview.objects.filter(plan=plan).select_related("reviewer")[:20]),
        disruptions=list(
            Disruption.objects.filter(plan=plan)
            .filter(visible)
            .select_related("recorded_by", "validated_by")[:200]
        ),
        events=list(PlanEvent.objects.filter(plan=plan).select_related("actor")[:100]),
        assignments=list(
            Assignment.objects.filter(plan=plan).select_related("officer", "previous", "actor")[:50]
        ),
        notifications=list(
            Notification.objects.filter(plan=plan, recipient=viewer, read_at__isnull=True)[:20]
        ),
        scores=assessment.subject_score_history(
            viewer=viewer, ocg_id=plan.ocg_id, individual_id=plan.individual_id
        ),
        can_manage=may_manage(viewer, plan),
        review_state=review_state(plan),
        outstanding=[i.label for i in items if i.state == "to consider"],
    )


def open_action_counts(
    *, viewer: User, plan_ids: list[int], today: date | None = None
) -> dict[int, tuple[int, int]]:
    """Per plan: (open actions, of which overdue) among the actions the viewer may see."""
    today = today or clock.today()
    out: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for plan_id, due_on in (
        PlanAction.objects.filter(plan_id__in=plan_ids, status__in=OPEN_STATUSES)
        .filter(visible_filter(viewer))
        .values_list("plan_id", "due_on")
    ):
        out[plan_id][0] += 1
        out[plan_id][1] += int(due_on < today)
    return {k: (v[0], v[1]) for k, v in out.items()}


def timeline(
    *, viewer: User, view: PlanView
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], dict[str, Any]]:
    """The rows of the timeline chart (threat scores, disruptions) and its Vega-Lite spec."""
    scores = [
        {"date": s.on.isoformat(), "score": float(s.score), "band": s.band, "version": s.version}
        for s in view.scores
    ]
    disruptions = [
        {
            "date": d.on.isoformat(),
            "p": d.get_p_display(),
            "impact": d.get_impact_display(),
            "activity": d.get_activity_display(),
            "status": d.get_status_display(),
        }
        for d in sorted(view.disruptions, key=lambda d: d.on)
    ]
    days = [date.fromisoformat(str(r["date"])) for r in scores + disruptions]
    # A fortnight's margin each side, so that marks on the first and last days are drawn whole.
    start = (min([*days, view.plan.opened_at.date()]) - timedelta(days=14)).isoformat()
    end = (max([*days, clock.today()]) + timedelta(days=14)).isoformat()
    spec = lifetime.timeline_spec(
        scores,
        disruptions,
        title=f"{view.plan.title}: threat score and disruptions",
        date_from=start,
        date_to=end,
    )
    return scores, disruptions, spec


def documents_of(*, viewer: User, obj: Any) -> list[Any]:
    """The documents held as evidence for an order, action or disruption that the viewer may see."""
    return list(filter_visible(obj.documents.all(), viewer).order_by("-created_at")[:50])
