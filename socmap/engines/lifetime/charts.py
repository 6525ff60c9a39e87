"""A group's disruption timeline beside its threat score over time: one Vega-Lite spec for the page,
and the same spec drawn to SVG on the server for reports (as the threat charts are)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from socmap.engines.lifetime.returns import IMPACTS, PS

SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"
IMPACT_COLOURS = {
    "Major": "#00703c",
    "Moderate": "#1d70b8",
    "Minor": "#5694ca",
    "None": "#b1b4b6",
    "Negative": "#d4351c",
}


def timeline_spec(
    scores: Sequence[dict[str, Any]],
    disruptions: Sequence[dict[str, Any]],
    *,
    title: str = "Threat score and disruptions over time",
    date_from: str = "",
    date_to: str = "",
) -> dict[str, Any]:
    """Two rows on one time axis: the threat score (a step line, one point per approved assessment)
    and the disruptions (one mark per disruption, by P, coloured by impact).

    ``scores`` rows: date (ISO), score, band. ``disruptions`` rows: date (ISO), p, impact, activity."""
    x_scale: dict[str, Any] = {}
    if date_from and date_to:
        x_scale = {"domain": [date_from, date_to]}
    x = {"field": "date", "type": "temporal", "title": None, "scale": x_scale, "axis": {"format": "%b %Y"}}
    impacts = [label for _, label in IMPACTS]
    return {
        "$schema": SCHEMA,
        "title": title,
        "vconcat": [
            {
                "width": 520,
                "height": 120,
                "data": {"values": [dict(r) for r in scores]},
                "mark": {"type": "line", "interpolate": "step-after", "point": True, "color": "#0b0c0c"},
                "encoding": {
                    "x": x,
                    "y": {
                        "field": "score",
                        "type": "quantitative",
                        "title": "Threat score",
                        "scale": {"zero": False},
                    },
                },
            },
            {
                "width": 520,
                "height": 110,
                "data": {"values": [dict(r) for r in disruptions]},
                "mark": {"type": "point", "filled": True, "size": 90},
                "encoding": {
                    "x": x,
                    "y": {
                        "field": "p",
                        "type": "nominal",
                        "title": "Disruptions",
                        "sort": [label for _, label in PS],
                        "scale": {"domain": [label for _, label in PS]},
                    },
                    "color": {
                        "field": "impact",
                        "type": "nominal",
                        "title": "Impact",
                        "scale": {"domain": impacts, "range": [IMPACT_COLOURS[i] for i in impacts]},
                        "legend": {"orient": "bottom"},
                    },
                    "shape": {
                        "field": "impact",
                        "type": "nominal",
                        "scale": {"domain": impacts},
                        "legend": None,
                    },
                },
            },
        ],
        "resolve": {"scale": {"x": "shared"}},
    }


def return_spec(
    rows: Sequence[dict[str, Any]], *, title: str = "Validated disruptions by P and impact"
) -> dict[str, Any]:
    """Stacked bars of the return: one bar per P, stacked by impact (rows: p, impact, count)."""
    impacts = [label for _, label in IMPACTS]
    return {
        "$schema": SCHEMA,
        "title": title,
        "width": 360,
        "data": {"values": [dict(r) for r in rows]},
        "mark": {"type": "bar"},
        "encoding": {
            "y": {"field": "p", "type": "nominal", "title": None, "sort": [label for _, label in PS]},
            "x": {
                "aggregate": "sum",
                "field": "count",
                "type": "quantitative",
                "title": "Disruptions",
                "axis": {"tickMinStep": 1, "format": "d"},
            },
            "color": {
                "field": "impact",
                "type": "nominal",
                "title": "Impact",
                "scale": {"domain": impacts, "range": [IMPACT_COLOURS[i] for i in impacts]},
                "sort": impacts,
                "legend": {"orient": "bottom"},
            },
            "order": {"field": "order", "type": "quantitative"},
        },
    }

