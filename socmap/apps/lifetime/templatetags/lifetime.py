"""Words for the catalogue's keys: an order or power is always shown by its name, never its key."""

from __future__ import annotations

from django import template

from socmap.apps.lifetime.services import catalogue

register = template.Library()


@register.filter
def catalogue_name(key: str) -> str:
    """The full name of an order or power (``scpo`` -> "Serious Crime Prevention Order (SCPO)")."""
    return catalogue().label(str(key))


@register.filter
def catalogue_short(key: str) -> str:
    """The short name of an order (``scpo`` -> "SCPO"), or a power's name."""
    cat = catalogue()
    if key in cat.orders:
        return cat.orders[key].short
    return cat.label(str(key))
