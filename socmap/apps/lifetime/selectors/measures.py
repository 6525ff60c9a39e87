"""Live measures of lifetime management for improvement plans (the inspections app's registry):
computed from the records themselves as of any moment, so their trend needs no snapshots."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db.models import Q

from socmap.apps.core.measures import Measure
from socmap.apps.lifetime.models import (
    Consideration,
    Disruption,
    DisruptionStatus,
    Impact,
    OrderRecord,
    OrderStatus,
    Plan,
    PlanReview,
    PowerUse,
)
from socmap.apps.lifetime.services import catalogue
from socmap.apps.workforce import selectors as workforce


def lros_training_lapsed(organisation_id: int, as_of: datetime) -> int:
    """The organisation's LROs without LRO training in date on the day."""
    return workforce.training_lapsed_count(organisation_id, as_of.date())[0]


def plans_overdue_review(organisation_id: int, as_of: datetime) -> int:
    """The organisation's plans whose review was overdue on the day: the due date then in force is
    the one set by the last review before it, else the first review's."""
    day = as_of.date()
    overdue = 0
    plans = Plan.objects.filter(owner_id=organisation_id, opened_at__lte=as_of).values_list(
        "pk", "first_review_on"
    )
    last: dict[int, tuple[datetime, date | None]] = {}
    for plan_id, at, due in PlanReview.objects.filter(
        plan__owner_id=organisation_id, at__lte=as_of
    ).values_list("plan_id", "at", "next_review_on"):
        if plan_id not in last or at > last[plan_id][0]:
            last[plan_id] = (at, due)
    for plan_id, first in plans:
        standing = last[plan_id][1] if plan_id in last else first
        if standing is not None and standing < day:
            overdue += 1
    return overdue


def orders_considered_per_group(organisation_id: int, as_of: datetime) -> float | None:
    """On average, how many of the catalogue's orders each adopted group's plan had considered by the
    day (used, or considered and not used with the reason)."""
    plans = list(
        Plan.objects.filter(owner_id=organisation_id, ocg__isnull=False, opened_at__lte=as_of).values_list(
            "pk", flat=True
        )
    )
    if not plans:
        return None
    orders = set(catalogue().orders)
    done: dict[int, set[str]] = {p: set() for p in plans}
    for plan_id, kind in (
        OrderRecord.objects.filter(plan_id__in=plans, created_at__lte=as_of)
        .exclude(status=OrderStatus.CONSIDERED)
        .values_list("plan_id", "kind")
    ):
        done[plan_id].add(kind)
    for plan_id, item in Consideration.objects.filter(plan_id__in=plans, decided_at__lte=as_of).values_list(
        "plan_id", "item"
    ):
        done[plan_id].add(item)
    return round(sum(len(d & orders) for d in done.values()) / len(plans), 1)


def powers_used(organisation_id: int, as_of: datetime) -> int:
    """Partners' powers used under the organisation's plans by ``as_of``."""
    return PowerUse.objects.filter(owner_id=organisation_id, created_at__lte=as_of).count()


def _validated(impact: str):  # type: ignore[no-untyped-def]
    def compute(organisation_id: int, as_of: datetime) -> int:
        return Disruption.objects.filter(
            Q(owner_id=organisation_id),
            status=DisruptionStatus.VALIDATED,
            impact=impact,
            validated_at__lte=as_of,
            on__gt=(as_of - timedelta(days=90)).date(),
            on__lte=as_of.date(),
        ).count()

    return compute


def measures() -> list[Measure]:
    out = [
        Measure(
            "lro-training-lapsed",
            "LROs with lapsed training",
            "Lead responsible officers of the organisation without LRO training in date",
            "count",
            lros_training_lapsed,
            higher_is_better=False,
        ),
        Measure(
            "lifetime-plans-overdue-review",
            "4P plans overdue for review",
            "The organisation's 4P plans whose review was overdue on the day",
            "count",
            plans_overdue_review,
            higher_is_better=False,
        ),
        Measure(
            "lifetime-orders-considered-per-group",
            "Orders considered per adopted group",
            "Average number of the catalogue's ancillary and preventative orders each adopted group's plan "
            "has considered (used, or not used with the reason)",
            "count",
            orders_considered_per_group,
        ),
        Measure(
            "lifetime-partner-powers-used",
            "Partners' powers used",
            "Enforcement powers of partner organisations used (or asked for) under the organisation's "
            "4P plans by the day",
            "count",
            powers_used,
        ),
    ]
    for impact, label in Impact.choices:
        out.append(
            Measure(
                f"disruptions-validated-{impact}-90-days",
                f"Validated disruptions of {label.lower()} impact, last 90 days",
                f"Disruptions of {label.lower()} impact against the organisation's groups and individuals, "
                "dated in the 90 days to the day and validated by then",
                "count",
                _validated(impact),
                higher_is_better=impact != Impact.NEGATIVE,
            )
        )
    return out
