"""The home page as a work list: each app adds an item (a count, a link, a few entries) for the roles
that do that work, through the home page's panel registry (``core.panels``).

An app builds its item with ``work_item`` and registers it with ``register_work``; the shared template
``core/_work_item.html`` draws it. A role the work is not for sees no item; a role it is for sees it
even at zero, so the list says "nothing waiting" rather than leaving a gap.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from socmap.apps.core.panels import Panel, register_panel


def work_item(
    *,
    key: str,
    title: str,
    count: int,
    counted: str,
    url: str,
    items: Iterable[tuple[str, str]] = (),
    note: str = "",
) -> dict[str, Any]:
    """One entry of the work list: ``count`` ``counted`` (e.g. 3 "pairs waiting"), linked to ``url``."""
    return {
        "key": key,
        "title": title,
        "count": f"{count:,}",
        "counted": counted,
        "url": url,
        "items": list(items),
        "note": note,
    }


def for_roles(roles: Iterable[str], build: Callable[[Any], dict[str, Any] | None]) -> Callable[..., Any]:
    """A panel function that builds the item only for a signed-in user with one of the roles."""
    wanted = tuple(roles)

    def panel(*, viewer: Any, obj: Any) -> dict[str, Any] | None:
        if not getattr(viewer, "is_authenticated", False) or not viewer.has_role(*wanted):
            return None
        return build(viewer)

    return panel


def register_work(build: Callable[..., Any], *, order: int) -> None:
    register_panel(Panel("home", "core/_work_item.html", build, order=order))
