"""Small filters for assessment pages: dictionary look-ups and scale point labels."""

from __future__ import annotations

from typing import Any

from django import template

from socmap.engines.assess import Dimension

register = template.Library()


@register.filter
def dictget(mapping: Any, key: str) -> Any:
    return mapping.get(key) if isinstance(mapping, dict) else None


@register.filter
def point_label(dimension: Dimension, value: Any) -> str:
    try:
        point = dimension.point(int(value))
    except (TypeError, ValueError):
        return ""
    return point.label if point else ""
