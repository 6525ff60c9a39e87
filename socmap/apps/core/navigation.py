"""Service navigation, by role. Each app registers its own entries when it loads."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: frozenset[str] = frozenset()  # empty: every signed-in user
    order: int = 100


_ITEMS: list[NavItem] = []


def register_nav(item: NavItem) -> None:
    if item not in _ITEMS:
        _ITEMS.append(item)
        _ITEMS.sort(key=lambda i: (i.order, i.label))


def nav_for(user: object, path: str) -> list[dict[str, object]]:
    has_role = getattr(user, "has_role", None)
    items = []
    for item in _ITEMS:
        if item.roles and not (has_role and has_role(*item.roles)):
            continue
        url = reverse(item.url_name)
        active = path == url if url == "/" else path.startswith(url)
        items.append({"label": item.label, "url": url, "active": active})
    return items


# Where a role lands after signing in (when no page was asked for): the first registered role wins.
_LANDINGS: list[tuple[str, str]] = []


def register_landing(role: str, url_name: str) -> None:
    if (role, url_name) not in _LANDINGS:
        _LANDINGS.append((role, url_name))


def landing_for(user: object) -> str | None:
    has_role = getattr(user, "has_role", None)
    for role, url_name in _LANDINGS:
        if has_role and has_role(role):
            return reverse(url_name)
    return None
