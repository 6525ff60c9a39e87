"""The "coming out" list: people managed under a plan whose release from custody is due soon, so that
licence conditions and orders are ready before they walk out."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from socmap.apps.core import clock
from socmap.apps.core.models import User
from socmap.apps.core.visibility import filter_visible, visible_filter
from socmap.apps.lifetime.models import CustodyPeriod, OrderRecord, OrderStatus
from socmap.apps.lifetime.selectors.plans import plans_visible
from socmap.apps.lifetime.services import catalogue
from socmap.apps.lifetime.services.common import person_entities
from socmap.apps.resolution import selectors as resolution

IN_FORCE = (OrderStatus.GRANTED, OrderStatus.VARIED, OrderStatus.BREACHED)


@dataclass(frozen=True)
class Release:
    period: CustodyPeriod
    entity_id: str  # the record the viewer uses for the person
    label: str
    plans: list[tuple[int, str]]  # (plan id, title) the person is managed under, that the viewer sees
    days: int
    orders_in_force: list[str]  # order names in force for the person
    licence: bool


def coming_out(
    *, viewer: User, force: str = "", days: int | None = None, everyone: bool = False
) -> list[Release]:
    """Custody periods the viewer may see ending in the next ``days`` (the catalogue's window), of
    people managed under the force's plans (or of everyone, with ``everyone``), soonest first."""
    today = clock.today()
    days = days or catalogue().release_window_days
    periods = list(
        filter_visible(CustodyPeriod.objects.all(), viewer)
        .filter(released_on__isnull=True, expected_release_on__range=(today, today + timedelta(days=days)))
        .order_by("expected_release_on", "id")[:2000]
    )
    plans = plans_visible(viewer)
    if force:
        plans = plans.filter(owner__slug=force)
    members = {p.pk: (p.title, person_entities(p)) for p in plans.select_related("individual")[:2000]}
    everyone_ids = [p.entity_id for p in periods] + [e for _, ids in members.values() for e in ids]
    canon = resolution.canonical_map(viewer=viewer, entity_ids=everyone_ids)
    managed: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for plan_id, (title, ids) in members.items():
        for key in {canon.get(e, e) for e in ids}:
            managed[key].append((plan_id, title))
    chosen = [p for p in periods if everyone or canon.get(p.entity_id, p.entity_id) in managed]
    labels = resolution.person_label_map(viewer=viewer, entity_ids=[p.entity_id for p in chosen])
    in_force = list(
        OrderRecord.objects.filter(status__in=IN_FORCE)
        .filter(visible_filter(viewer))
        .values_list("entity_id", "kind")
    )
    canon.update(resolution.canonical_map(viewer=viewer, entity_ids=[e for e, _ in in_force]))
    orders: dict[str, list[str]] = defaultdict(list)
    cat = catalogue()
    for entity_id, kind in in_force:
        orders[canon.get(entity_id, entity_id)].append(cat.label(kind))
    out = []
    told: set[tuple[str, date | None]] = set()
    for period in chosen:
        if period.entity_id not in labels:
            continue
        key = canon.get(period.entity_id, period.entity_id)
        # Every prison report restates its prisoner's custody: one line per person and release.
        if (key, period.expected_release_on) in told:
            continue
        told.add((key, period.expected_release_on))
        shown, caption = labels[period.entity_id]
        assert period.expected_release_on is not None
        out.append(
            Release(
                period=period,
                entity_id=shown,
                label=caption or period.person_label,
                plans=sorted(managed.get(key, [])),
                days=(period.expected_release_on - today).days,
                orders_in_force=sorted(set(orders.get(key, []))),
                licence=bool(period.licence_conditions.strip()),
            )
        )
    return out


def release_window(today: date | None = None) -> tuple[date, date]:
    today = today or clock.today()
    return today, today + timedelta(days=catalogue().release_window_days)
