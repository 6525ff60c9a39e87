from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    """A value of a dictionary by key (capability labels by key, in tables)."""
    return mapping.get(key, "") if hasattr(mapping, "get") else ""


@register.filter
def percent(value: Any) -> str:
    """0.253 -> 25 %."""
    try:
        return f"{float(value):.0%}".replace("%", " %")
    except (TypeError, ValueError):
        return ""
