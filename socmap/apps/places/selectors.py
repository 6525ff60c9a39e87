"""Reads of place-based operations, through the one visibility rule, and their measures over time.

An operation's measures are computed when asked, from the data inside its area and its dates only:
records the viewer may see (intelligence reports; arrests for recorded offences from custody records)
that mention a postcode of the area, by the month they were observed; validated and unvalidated
disruptions of the targeted groups the viewer may see; new groups, other than the targets, first
identified since the operation began with a member whose address is in the area (displacement); and
the partners' own monthly figures. The
window runs from ``SOCMAP_PLACES_BEFORE_MONTHS`` before the first phase to as many after the last
(never past today), so each measure is seen before, during and after.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import QuerySet

from socmap.apps.core import clock
from socmap.apps.core.models import User
from socmap.apps.core.refusal import refuse
from socmap.apps.core.visibility import consult, decide, filter_visible
from socmap.apps.places.models import Activity, Operation, Phase

MEASURES = (
    ("intelligence", "Intelligence reports in the area"),
    ("offences", "Arrests for recorded offences in the area (custody records)"),
    ("disruptions", "Disruptions of the targeted groups"),
    ("new_groups", "New groups with a member living in the area"),
)


def _operations(viewer: User) -> QuerySet[Operation]:
    return filter_visible(Operation.objects.select_related("owner"), viewer)


def operation_list(*, viewer: User) -> list[Operation]:
    return list(_operations(viewer).prefetch_related("phases", "area").order_by("name", "id")[:200])


def operation_find(*, viewer: User, operation_id: int) -> Operation:
    """An operation the viewer may see (for a change; the change is audited by the service)."""
    op = Operation.objects.select_related("owner").filter(pk=operation_id).first()
    if op is None or op not in _operations(viewer):
        raise refuse(
            viewer, "No such operation", obj=op, object_type="places.operation", object_id=str(operation_id)
        )
    return op


def operation_get(*, viewer: User, operation_id: int) -> Operation:
    """An operation the viewer may see, its opening a logged consultation."""
    op = Operation.objects.select_related("owner").filter(pk=operation_id).first()
    found, _conditions = consult(viewer, op, label="No such operation", justification="")
    return found


def _month(day: date) -> date:
    return day.replace(day=1)


def _add_months(day: date, n: int) -> date:
    y, m = divmod(day.month - 1 + n, 12)
    return date(day.year + y, m + 1, 1)


def window(op: Operation, today: date | None = None) -> tuple[date, date]:
    """The first and last day measured: some months before the first phase to as many after the last."""
    phases = list(op.phases.all())
    months = int(getattr(settings, "SOCMAP_PLACES_BEFORE_MONTHS", 6))
    start = _add_months(_month(min(p.starts_on for p in phases)), -months)
    after = _add_months(_month(max(p.ends_on for p in phases)), months + 1)
    return start, min(after - timedelta(days=1), today or clock.today())


def months_of(start: date, end: date) -> list[str]:
    out, day = [], _month(start)
    while day <= end:
        out.append(day.strftime("%Y-%m"))
        day = _add_months(day, 1)
    return out


@dataclass
class Measures:
    start: date
    end: date
    months: list[str]
    series: dict[str, dict[str, float]] = field(default_factory=dict)  # label -> month -> value
    phases: list[Phase] = field(default_factory=list)

    def rows(self) -> list[dict[str, Any]]:
        """One row per measure and month (the chart's data and the table's)."""
        return [
            {"measure": label, "month": month, "value": values.get(month, 0)}
            for label, values in self.series.items()
            for month in self.months
        ]


def _records(viewer: User, op: Operation, kinds: set[str], start: date, end: date) -> dict[str, float]:
    from socmap.apps.intel import reads

    codes = [a.code for a in op.area.all()]
    districts = [c for c in codes if " " not in c]
    sectors = [c for c in codes if " " in c]
    rows = reads.record_counts(
        viewer=viewer,
        by=("month",),
        source_kinds=kinds,
        districts=districts or None,
        sectors=sectors or None,
        observed_from=start,
        observed_to=end,
    )
    return {row.group[0]: float(row.records) for row in rows}


def _disruptions(viewer: User, op: Operation, start: date, end: date) -> dict[str, float]:
    from socmap.apps.lifetime.selectors import disruptions as lifetime

    targets = set(op.targets.values_list("pk", flat=True))
    out: dict[str, float] = {}
    if not targets:
        return out
    filters = lifetime.DisruptionFilter(date_from=start, date_to=end)
    page, number = lifetime.disruption_list(viewer=viewer, filters=filters, page=1, per_page=200), 1
    while True:
        for d in page.items:
            if d.plan.ocg_id in targets:
                key = d.on.strftime("%Y-%m")
                out[key] = out.get(key, 0) + 1
        if number >= page.pages:
            break
        number += 1
        page = lifetime.disruption_list(viewer=viewer, filters=filters, page=number, per_page=200)
    return out


def _in_area(postcode: str, codes: set[str]) -> bool:
    text = "".join(postcode.split()).upper()
    if len(text) < 5:
        return False
    district, sector = text[:-3], f"{text[:-3]} {text[-3]}"
    return district in codes or sector in codes


def _new_groups(viewer: User, op: Operation, start: date, end: date) -> dict[str, float]:
    """Displacement: groups the viewer may see, other than the targets, first identified after the
    operation began and by the window's end, with a member whose address is in the area; counted in
    the month each was first identified."""
    from socmap.apps.intel import reads
    from socmap.apps.network import selectors as network

    began = min(p.starts_on for p in op.phases.all())
    targets = set(op.targets.values_list("pk", flat=True))
    found, number = [], 1
    while True:
        page = network.ocg_list(viewer=viewer, filters=network.OCGFilter(), page=number, per_page=200)
        found += [g for g in page.items if g.pk not in targets and began <= g.created_at.date() <= end]
        if number >= page.pages:
            break
        number += 1
    if not found:
        return {}
    members = network.ocg_members(ocg_ids=[g.pk for g in found])
    owner_of = {entity: gid for gid, rows in members.items() for entity, _role in rows}
    lives: dict[str, set[str]] = {}
    for link in reads.link_rows(viewer=viewer, from_entities=list(owner_of), target_schemas={"Address"}):
        lives.setdefault(link.target_entity_id, set()).add(link.source_entity_id)
    codes = {a.code for a in op.area.all()}
    inside: set[int] = set()
    for row in reads.entity_rows(viewer=viewer, ids=list(lives)):
        if row.postcode and _in_area(row.postcode, codes):
            inside |= {owner_of[e] for e in lives[row.id]}
    out: dict[str, float] = {}
    for g in found:
        if g.pk in inside:
            key = g.created_at.strftime("%Y-%m")
            out[key] = out.get(key, 0) + 1
    return out


def measures(*, viewer: User, op: Operation, today: date | None = None) -> Measures:
    """Every measure of an operation by month over its window (the viewer's visibility throughout)."""
    start, end = window(op, today)
    result = Measures(start=start, end=end, months=months_of(start, end), phases=list(op.phases.all()))
    labels = dict(MEASURES)
    result.series[labels["intelligence"]] = _records(viewer, op, {"intelligence"}, start, end)
    result.series[labels["offences"]] = _records(viewer, op, {"custody"}, start, end)
    result.series[labels["disruptions"]] = _disruptions(viewer, op, start, end)
    result.series[labels["new_groups"]] = _new_groups(viewer, op, start, end)
    for m in op.partner_measures.select_related("organisation"):
        if start <= m.month <= end:
            label = f"{m.name} ({m.organisation.name})"
            result.series.setdefault(label, {})[m.month.strftime("%Y-%m")] = float(m.value)
    return result


def targets(*, viewer: User, op: Operation) -> list[Any]:
    """The targeted groups the viewer may see (a partner sees the operation, not every group)."""
    return [g for g in op.targets.all() if decide(viewer, g).visible]


def activities(*, op: Operation) -> list[Activity]:
    """The operation's activities (the operation already read through the visibility rule)."""
    return list(op.activities.select_related("phase", "organisation").order_by("on", "id"))


def measure_active_operations(organisation_id: int, as_of: datetime) -> int:
    """Operations owned by the organisation in one of their phases on the date (a live measure)."""
    day = as_of.date()
    return (
        Operation.objects.filter(
            owner_id=organisation_id, phases__starts_on__lte=day, phases__ends_on__gte=day
        )
        .distinct()
        .count()
    )
