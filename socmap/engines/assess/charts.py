"""Charts of the threat picture: one Vega-Lite spec for the page and, the same spec, SVG for reports.

Pure: counts in, a spec (a dict) out; the render engine's ``chart_svg`` draws it without a browser
(vl-convert), so a report shows exactly what the page shows.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"
# Band colours, highest tier first: red, orange, yellow, then greys for any further tiers.
TIER_COLOURS = ["#d4351c", "#f47738", "#ffdd00", "#b1b4b6", "#505a5f"]


def _band_scale(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    bands = sorted({(int(r["tier"] or 99), str(r["band"])) for r in rows})
    return {
        "domain": [b for _, b in bands],
        "range": [TIER_COLOURS[min(i, len(TIER_COLOURS) - 1)] for i in range(len(bands))],
    }


def by_theme_spec(
    rows: Sequence[dict[str, Any]], *, title: str = "Threats by theme and band"
) -> dict[str, Any]:
    """Horizontal stacked bars: one bar per theme, stacked by band (rows: theme, band, tier, threats)."""
    return {
        "$schema": SCHEMA,
        "title": title,
        "width": 300,
        "data": {"values": [dict(r) for r in rows]},
        "mark": {"type": "bar"},
        "encoding": {
            "y": {"field": "theme", "type": "nominal", "title": None, "sort": "-x"},
            "x": {
                "aggregate": "sum",
                "field": "threats",
                "type": "quantitative",
                "title": "Threats",
                "axis": {"tickMinStep": 1, "format": "d"},
            },
            "color": {
                "field": "band",
                "type": "nominal",
                "title": "Band",
                "scale": _band_scale(rows),
                "sort": _band_scale(rows)["domain"],
                "legend": {"orient": "bottom"},
            },
            "order": {"field": "tier", "type": "quantitative"},
        },
    }


def by_band_spec(rows: Sequence[dict[str, Any]], *, title: str = "Threats by band") -> dict[str, Any]:
    """One bar per band, highest tier first."""
    scale = _band_scale(rows)
    return {
        "$schema": SCHEMA,
        "title": title,
        "width": 200,
        "data": {"values": [dict(r) for r in rows]},
        "mark": {"type": "bar"},
        "encoding": {
            "x": {
                "field": "band",
                "type": "nominal",
                "title": "Band",
                "sort": scale["domain"],
                "axis": {"labelAngle": 0},
            },
            "y": {
                "aggregate": "sum",
                "field": "threats",
                "type": "quantitative",
                "title": "Threats",
                "axis": {"tickMinStep": 1, "format": "d"},
            },
            "color": {"field": "band", "type": "nominal", "scale": scale, "legend": None},
        },
    }

