"""The data of an operation's charts (the specs are drawn by ``engines.places``)."""

from __future__ import annotations

from typing import Any

from socmap.apps.places.models import Activity, AreaPart, Operation
from socmap.apps.places.selectors import Measures
from socmap.engines import places as charts


def measures_chart(op: Operation, result: Measures, activities: list[Activity]) -> dict[str, Any]:
    phases = [
        {"phase": p.get_kind_display(), "start": p.starts_on.isoformat(), "end": p.ends_on.isoformat()}
        for p in result.phases
    ]
    acts = [
        {"date": a.on.isoformat(), "activity": a.get_kind_display(), "organisation": a.organisation.name}
        for a in activities
    ]
    return charts.measures_spec(result.rows(), phases, acts, title=f"{op.name}: measures by month")


def area_chart(parts: list[AreaPart]) -> dict[str, Any]:
    return charts.area_spec(
        [{"code": p.code, "label": p.label, "latitude": p.latitude, "longitude": p.longitude} for p in parts]
    )
