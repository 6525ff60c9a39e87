"""What lifetime management adds to the rest of socmap when it loads: its navigation, the LRO's
landing page, the alerts panel on the home page, and its live measures."""

from __future__ import annotations

from typing import Any


def _alerts_panel(*, viewer: Any, obj: Any) -> dict[str, Any] | None:
    from socmap.apps.lifetime.selectors import notifications_for

    user = viewer
    if not getattr(user, "is_authenticated", False):
        return None
    unread = list(notifications_for(viewer=user)[:10])
    if not unread:
        return None
    return {"notifications": unread, "more": notifications_for(viewer=user).count() - len(unread)}


def register() -> None:
    from socmap.apps.core.measures import register_measure
    from socmap.apps.core.models import Role
    from socmap.apps.core.navigation import NavItem, register_landing, register_nav
    from socmap.apps.core.panels import Panel, register_panel
    from socmap.apps.lifetime.selectors.measures import measures

    police = frozenset(
        {Role.LRO, Role.SUPERVISOR, Role.ANALYST, Role.TASKING, Role.IMPROVEMENT_LEAD, Role.PARTNER}
    )
    register_nav(NavItem("Lifetime management", "lifetime:workload", police, order=45))
    register_landing(Role.LRO, "lifetime:workload")
    register_panel(Panel("home", "lifetime/_alerts_panel.html", _alerts_panel, order=10))
    for measure in measures():
        register_measure(measure)
