"""Panels one app adds to another app's page (e.g. a threat's tasking history on the threat page).

The page's app does not know the apps that add to it: each registers its panel in AppConfig.ready
with a template and a function that reads what the panel shows, through that app's own selectors
and the viewer's visibility. A panel with nothing to show returns None and is left out.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Panel:
    page: str  # e.g. "threat"
    template: str
    context: Callable[..., dict[str, Any] | None]  # (viewer=, obj=) -> template context or None
    order: int = 100


_PANELS: list[Panel] = []


def register_panel(panel: Panel) -> None:
    if panel not in _PANELS:
        _PANELS.append(panel)
        _PANELS.sort(key=lambda p: (p.order, p.template))


def panels_for(page: str, *, viewer: Any, obj: Any) -> list[tuple[str, dict[str, Any]]]:
    """(template, context) of each panel registered for the page that has something to show."""
    out = []
    for panel in _PANELS:
        if panel.page != page:
            continue
        context = panel.context(viewer=viewer, obj=obj)
        if context is not None:
            out.append((panel.template, context))
    return out
