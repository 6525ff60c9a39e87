"""Threats due for re-assessment on the home page's work list."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.urls import reverse
from django.utils import timezone


def due_item(viewer: Any) -> dict[str, Any]:
    from socmap.apps.assessment import selectors
    from socmap.apps.core.worklist import work_item

    overdue = selectors.threat_list(viewer=viewer, filters=selectors.ThreatFilter(overdue=True), per_page=3)
    soon = (
        selectors._threats(viewer)
        .filter(due_on__gte=timezone.localdate(), due_on__lte=timezone.localdate() + timedelta(days=30))
        .count()
    )
    return work_item(
        key="threats-due",
        title="Threats due for re-assessment",
        count=overdue.total,
        counted="overdue" if overdue.total else "overdue: none",
        url=reverse("assessment:overdue"),
        items=[
            (
                f"{t.title}, due {t.due_on:%-d %b %Y}",  # overdue: always has a date
                reverse("assessment:threat", args=[t.pk]),
            )
            for t in overdue.items
        ],
        note=f"{soon:,} more due in the next 30 days." if soon else "",
    )


def register() -> None:
    from socmap.apps.core.models import Role
    from socmap.apps.core.worklist import for_roles, register_work

    roles = (Role.ANALYST, Role.SUPERVISOR, Role.TASKING, Role.INTELLIGENCE_OFFICER, Role.LRO)
    register_work(for_roles(roles, due_item), order=30)
