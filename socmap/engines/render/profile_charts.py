"""The profile's charts and map: bar-chart specs (drawn by ``charts.chart_svg``) and a district map.

Pure: no Django. The SVG goes into the HTML page and the PDF alike, with alt text the caller shows
beside it and a table alternative for screen readers.
"""

from __future__ import annotations

from html import escape
from typing import Any

BLUES = ("#deebf7", "#9ecae1", "#6baed6", "#3182bd", "#08519c")


def bar_spec(rows: list[dict[str, Any]], *, x: str, y: str, title: str, colour: str = "") -> dict[str, Any]:
    """A bar chart of ``rows`` (one dict a bar, or a bar part when ``colour`` stacks them)."""
    top = max((float(r.get(y) or 0) for r in rows), default=1.0)
    if colour:  # stacked: the tallest bar is the sum of its parts
        sums: dict[Any, float] = {}
        for r in rows:
            sums[r.get(x)] = sums.get(r.get(x), 0.0) + float(r.get(y) or 0)
        top = max(sums.values(), default=1.0)
    ticks = max(1, min(int(top), 5))
    # Short labels stand level (a slanted "2026 Q1" reads, and extracts from the PDF, in pieces).
    angle = 0 if all(len(str(r.get(x, ""))) <= 8 for r in rows) else -30
    spec: dict[str, Any] = {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "title": title,
        "width": 420,
        "height": 180,
        "data": {"values": rows},
        "mark": {"type": "bar", "tooltip": True},
        "encoding": {
            "x": {"field": x, "type": "nominal", "title": None, "sort": None, "axis": {"labelAngle": angle}},
            "y": {
                "field": y,
                "type": "quantitative",
                "title": y.capitalize(),
                "axis": {"tickMinStep": 1, "format": "d", "tickCount": ticks},
            },
        },
        "config": {"font": "Helvetica", "view": {"stroke": None}},
    }
    if colour:
        spec["encoding"]["color"] = {"field": colour, "type": "nominal", "title": colour.capitalize()}
    return spec


def _shade(value: int, top: int) -> str:
    if value <= 0 or top <= 0:
        return "#f3f2f1"
    return BLUES[min(len(BLUES) - 1, (value * len(BLUES) - 1) // top)]


def district_map_svg(values: dict[str, int], centroids: dict[str, tuple[float, float]], *, title: str) -> str:
    """Postcode districts shaded by value, each a tile placed at its centroid (latitude, longitude).

    No package installed here ships postcode district boundaries, so a district is drawn as a tile at
    its centre rather than as its real shape; districts without a known centre sit in a row beneath.
    """
    size, width = 44, 520
    placed = {d: centroids[d] for d in values if d in centroids}
    unplaced = sorted(d for d in values if d not in centroids)
    top = max(values.values(), default=0)
    parts: list[str] = []
    height = 40
    if placed:
        lats = [p[0] for p in placed.values()]
        lons = [p[1] for p in placed.values()]
        span_lat = max(max(lats) - min(lats), 0.01)
        span_lon = max(max(lons) - min(lons), 0.01)
        scale = min((width - 2 * size) / span_lon, 300 / span_lat)
        for district, (lat, lon) in sorted(placed.items()):
            x = size / 2 + (lon - min(lons)) * scale
            y = 40 + (max(lats) - lat) * scale
            parts.append(_tile(district, values[district], top, x, y, size))
            height = max(height, int(y + size + 10))
    for i, district in enumerate(unplaced):
        x = size / 2 + (i % 10) * (size + 4)
        y = height + (i // 10) * (size + 4)
        parts.append(_tile(district, values[district], top, x, y, size))
    if unplaced:
        height += (len(unplaced) // 10 + 1) * (size + 4)
    legend_y = height + 6
    for i, colour in enumerate(BLUES):
        low = (i * top) // len(BLUES) + 1 if top else 0
        parts.append(
            f'<rect x="{10 + i * 90}" y="{legend_y}" width="16" height="12" fill="{colour}" '
            'stroke="#505a5f"/>'
            f'<text x="{30 + i * 90}" y="{legend_y + 11}" font-size="11">from {low}</text>'
        )
    total = legend_y + 24
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{total}" '
        f'viewBox="0 0 {width} {total}" font-family="Helvetica, Arial, sans-serif">'
        f"<title>{escape(title)}</title>"
        f'<text x="4" y="18" font-size="14" font-weight="bold">{escape(title)}</text>'
        + "".join(parts)
        + "</svg>"
    )


def _tile(district: str, value: int, top: int, x: float, y: float, size: int) -> str:
    fill = _shade(value, top)
    ink = "#ffffff" if fill in BLUES[3:] else "#0b0c0c"
    return (
        f"<g><title>{escape(district)}: {value}</title>"
        f'<rect x="{x:.1f}" y="{y:.1f}" width="{size}" height="{size}" rx="4" fill="{fill}" '
        'stroke="#505a5f"/>'
        f'<text x="{x + size / 2:.1f}" y="{y + 18:.1f}" font-size="11" text-anchor="middle" fill="{ink}">'
        f"{escape(district)}</text>"
        f'<text x="{x + size / 2:.1f}" y="{y + 34:.1f}" font-size="11" text-anchor="middle" fill="{ink}">'
        f"{value}</text></g>"
    )


def map_alt(values: dict[str, int], *, what: str) -> str:
    """A sentence describing the map for those who cannot see it."""
    if not values:
        return f"No {what} recorded in any postcode district."
    ranked = sorted(values.items(), key=lambda kv: (-kv[1], kv[0]))
    top = ", ".join(f"{d} ({n})" for d, n in ranked[:3])
    return f"Map of {len(values)} postcode districts shaded by {what}; the most are in {top}."
