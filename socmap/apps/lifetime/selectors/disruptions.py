"""Reads of disruptions and the disruption return, through the viewer's visibility: a partner sees
only disruptions shared with it, in pages, the API and the CSV alike (one queryset feeds all three)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import QuerySet

from socmap.apps.core.exports import csv_lines
from socmap.apps.core.models import Organisation, Role, User
from socmap.apps.core.pagination import Page, paginate
from socmap.apps.core.services import export_audited
from socmap.apps.core.visibility import consult, filter_visible
from socmap.apps.lifetime.models import Disruption, DisruptionStatus, Impact, P
from socmap.apps.lifetime.selectors.workload import forces
from socmap.engines import lifetime


def _disruptions(viewer: User) -> QuerySet[Disruption]:
    return filter_visible(
        Disruption.objects.select_related("plan", "owner", "recorded_by", "validated_by"), viewer
    )


@dataclass(frozen=True)
class DisruptionFilter:
    status: str = ""
    force: str = ""
    p: str = ""
    impact: str = ""
    date_from: date | None = None
    date_to: date | None = None


def _filtered(viewer: User, filters: DisruptionFilter) -> QuerySet[Disruption]:
    qs = _disruptions(viewer)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.force:
        qs = qs.filter(owner__slug=filters.force)
    if filters.p:
        qs = qs.filter(p=filters.p)
    if filters.impact:
        qs = qs.filter(impact=filters.impact)
    if filters.date_from:
        qs = qs.filter(on__gte=filters.date_from)
    if filters.date_to:
        qs = qs.filter(on__lte=filters.date_to)
    return qs


def disruption_list(
    *, viewer: User, filters: DisruptionFilter, page: int = 1, per_page: int = 50
) -> Page[Disruption]:
    return paginate(_filtered(viewer, filters).order_by("-on", "-id"), page=page, per_page=per_page)


def awaiting_validation(*, viewer: User) -> QuerySet[Disruption]:
    """A supervisor's queue: the organisation's disruptions awaiting validation, not their own."""
    if not viewer.has_role(Role.SUPERVISOR):
        return Disruption.objects.none()
    return (
        _disruptions(viewer)
        .filter(owner_id=viewer.organisation_id, status=DisruptionStatus.AWAITING)
        .exclude(recorded_by=viewer)
        .order_by("recorded_at", "id")
    )


def disruption_get(
    *, viewer: User, disruption_id: int, justification: str
) -> tuple[Disruption, tuple[str, ...]]:
    found = (
        Disruption.objects.select_related("plan", "owner", "recorded_by", "validated_by")
        .filter(pk=disruption_id)
        .first()
    )
    return consult(viewer, found, label="disruption", justification=justification)


def return_organisations(viewer: User, force: str) -> list[Organisation]:
    """The forces and unit a return lists (even with no disruptions): one, or every one of them."""
    found = forces()
    return [o for o in found if o.slug == force] if force else found


def return_get(
    *, viewer: User, date_from: date, date_to: date, period: str = "whole", force: str = ""
) -> lifetime.DisruptionReturn:
    """Validated disruptions the viewer may see, dated in the period, by force, P and impact."""
    qs = _filtered(
        viewer,
        DisruptionFilter(
            status=DisruptionStatus.VALIDATED, force=force, date_from=date_from, date_to=date_to
        ),
    )
    facts = [
        lifetime.DisruptionFact(pk, name, on, p, impact)
        for pk, name, on, p, impact in qs.values_list("pk", "owner__name", "on", "p", "impact")
    ]
    return lifetime.disruption_return(
        facts,
        date_from=date_from,
        date_to=date_to,
        period=period,
        organisations=[o.name for o in return_organisations(viewer, force)],
    )


P_LABELS = dict(P.choices)
IMPACT_LABELS = dict(Impact.choices)
RETURN_HEADER = ["period_start", "period_end", "force", "p", "impact", "validated_disruptions"]


def return_rows(result: lifetime.DisruptionReturn) -> list[list[Any]]:
    return [
        [
            c.period_start,
            c.period_end,
            c.organisation or "Region (all forces)",
            P_LABELS[c.p],
            IMPACT_LABELS[c.impact],
            c.count,
        ]
        for c in result.cells
    ]


def return_export(
    *, viewer: User, date_from: date, date_to: date, period: str, force: str, justification: str
) -> Iterator[str]:
    """The return as CSV (formula-neutralised): a disclosure, audited with the justification."""
    result = return_get(viewer=viewer, date_from=date_from, date_to=date_to, period=period, force=force)
    with transaction.atomic():
        export_audited(
            actor=viewer,
            what="disruption return",
            justification=justification,
            count=result.total,
            detail={
                "from": date_from.isoformat(),
                "to": date_to.isoformat(),
                "period": period,
                "force": force,
            },
        )
    return csv_lines(RETURN_HEADER, return_rows(result))


def return_matrix(result: lifetime.DisruptionReturn, organisation: str = "") -> list[dict[str, Any]]:
    """One row per P with a count per impact and a total, over every period (for the page)."""
    counts: dict[tuple[str, str], int] = {}
    for c in result.cells:
        if c.organisation == organisation and c.count:
            counts[(c.p, c.impact)] = counts.get((c.p, c.impact), 0) + c.count
    out = []
    for p, p_label in lifetime.PS:
        row = [counts.get((p, impact), 0) for impact, _ in lifetime.IMPACTS]
        out.append({"p": p, "label": p_label, "counts": row, "total": sum(row)})
    return out
