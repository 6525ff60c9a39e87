"""Vega-Lite specs of resolution's charts (pure data; the page draws them)."""

from __future__ import annotations

from typing import Any


def waterfall_spec(explanation: dict[str, Any]) -> dict[str, Any]:
    """A Vega-Lite waterfall: the prior, then each comparison's match weight, ending at the total."""
    rows = []
    running = float(explanation.get("prior_weight", 0.0))
    rows.append(
        {"label": "Prior (before comparing)", "start": 0.0, "end": running, "weight": running, "order": 0}
    )
    for index, step in enumerate(explanation.get("steps", []), start=1):
        start, running = running, running + float(step["weight"])
        rows.append(
            {
                "label": f"{step['name'].replace('_', ' ')}: {step['level']}",
                "start": start,
                "end": running,
                "weight": float(step["weight"]),
                "order": index,
            }
        )
    rows.append(
        {"label": "Match weight", "start": 0.0, "end": running, "weight": running, "order": len(rows)}
    )
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        "description": "Match weight of each comparison, from the prior to the final score",
        "width": "container",
        "height": {"step": 22},
        "data": {"values": rows},
        "mark": {"type": "bar"},
        "encoding": {
            "y": {"field": "label", "type": "nominal", "sort": {"field": "order"}, "title": None},
            "x": {"field": "start", "type": "quantitative", "title": "Match weight (log2 Bayes factor)"},
            "x2": {"field": "end"},
            "color": {
                "condition": {"test": "datum.weight >= 0", "value": "#00703c"},
                "value": "#d4351c",
            },
        },
    }
