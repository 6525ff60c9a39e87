"""Vega-Lite specs of an operation: its measures over time with its phases, and its area."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"
PHASE_COLOURS = {"Clear": "#d4351c", "Hold": "#f47738", "Build": "#00703c"}


def measures_spec(
    rows: Sequence[dict[str, Any]],
    phases: Sequence[dict[str, Any]],
    activities: Sequence[dict[str, Any]] = (),
    *,
    title: str = "Measures by month, with the phases of the operation",
) -> dict[str, Any]:
    """One small chart per measure (``rows``: measure, month "YYYY-MM", value), each with the phases
    (``phases``: phase, start, end as ISO dates) shaded behind it, and a timeline of the activities
    (``activities``: date, activity, phase, organisation) below."""
    x = {"field": "date", "type": "temporal", "title": None, "axis": {"format": "%b %Y"}}
    shading = {
        "data": {"values": [dict(p) for p in phases]},
        "mark": {"type": "rect", "opacity": 0.15},
        "encoding": {
            "x": {"field": "start", "type": "temporal"},
            "x2": {"field": "end"},
            "color": {
                "field": "phase",
                "type": "nominal",
                "title": "Phase",
                "scale": {"domain": list(PHASE_COLOURS), "range": list(PHASE_COLOURS.values())},
            },
        },
    }
    measures = sorted({r["measure"] for r in rows}, key=lambda m: [r["measure"] for r in rows].index(m))
    panels: list[dict[str, Any]] = []
    for measure in measures:
        values = [{"date": f"{r['month']}-01", "value": r["value"]} for r in rows if r["measure"] == measure]
        panels.append(
            {
                "title": measure,
                "width": 520,
                "height": 110,
                "layer": [
                    shading,
                    {
                        "data": {"values": values},
                        "mark": {"type": "line", "point": True, "color": "#0b0c0c"},
                        "encoding": {"x": x, "y": {"field": "value", "type": "quantitative", "title": None}},
                    },
                ],
            }
        )
    if activities:
        panels.append(
            {
                "title": "Activities",
                "width": 520,
                "height": 90,
                "layer": [
                    shading,
                    {
                        "data": {"values": [dict(a) for a in activities]},
                        "mark": {"type": "tick", "thickness": 2, "color": "#1d70b8"},
                        "encoding": {
                            "x": {**x, "field": "date"},
                            "y": {"field": "activity", "type": "nominal", "title": None},
                        },
                    },
                ],
            }
        )
    return {"$schema": SCHEMA, "title": title, "vconcat": panels, "resolve": {"scale": {"color": "shared"}}}


def area_spec(parts: Sequence[dict[str, Any]], places: Sequence[dict[str, Any]] = ()) -> dict[str, Any]:
    """A map of the area: each postcode sector or district at its centre (``parts``: code, label,
    latitude, longitude), with the activities placed by their postcode (``places``: latitude,
    longitude, activity)."""
    layers: list[dict[str, Any]] = [
        {
            "data": {"values": [dict(p) for p in parts if p.get("latitude") is not None]},
            "mark": {"type": "circle", "size": 2400, "opacity": 0.25, "color": "#1d70b8"},
            "encoding": {
                "longitude": {"field": "longitude", "type": "quantitative"},
                "latitude": {"field": "latitude", "type": "quantitative"},
            },
        },
        {
            "data": {"values": [dict(p) for p in parts if p.get("latitude") is not None]},
            "mark": {"type": "text", "fontSize": 12, "fontWeight": "bold"},
            "encoding": {
                "longitude": {"field": "longitude", "type": "quantitative"},
                "latitude": {"field": "latitude", "type": "quantitative"},
                "text": {"field": "code", "type": "nominal"},
            },
        },
    ]
    if places:
        layers.append(
            {
                "data": {"values": [dict(p) for p in places]},
                "mark": {"type": "point", "shape": "triangle", "color": "#d4351c", "filled": True},
                "encoding": {
                    "longitude": {"field": "longitude", "type": "quantitative"},
                    "latitude": {"field": "latitude", "type": "quantitative"},
                },
            }
        )
    return {
        "$schema": SCHEMA,
        "title": "The operation's area",
        "width": 360,
        "height": 260,
        "projection": {"type": "mercator"},
        "layer": layers,
    }
