"""Groups on the home page's work list: the proposals waiting for a decision and the latest groups."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import formats, timezone


def groups_item(viewer: Any) -> dict[str, Any]:
    from socmap.apps.core.worklist import work_item
    from socmap.apps.network import selectors
    from socmap.apps.network.models import OCGStatus

    proposed = selectors.ocg_list(
        viewer=viewer, filters=selectors.OCGFilter(status=OCGStatus.PROPOSED), per_page=1
    )
    recent = selectors._ocgs(viewer).order_by("-id")[:3]
    last = selectors.run_list().order_by("-id").first()
    note = ""
    if last is not None:
        when = formats.date_format(timezone.localtime(last.created_at), "j M Y, H:i")
        note = (
            f"Last network analysis {when}: {last.get_status_display().lower()}, "
            f"{last.groups_proposed:,} groups proposed."
        )
    return work_item(
        key="groups",
        title="Groups",
        count=proposed.total,
        counted="proposed group waiting for a decision"
        if proposed.total == 1
        else "proposed groups waiting for a decision",
        url=reverse("network:ocg_list") + f"?status={OCGStatus.PROPOSED}",
        items=[
            (f"{g.name} ({g.get_status_display().lower()})", reverse("network:ocg_detail", args=[g.pk]))
            for g in recent
        ],
        note=note,
    )


def register() -> None:
    from socmap.apps.core.models import Role
    from socmap.apps.core.worklist import for_roles, register_work

    roles = (Role.ANALYST, Role.SUPERVISOR, Role.TASKING, Role.INTELLIGENCE_OFFICER, Role.LRO)
    register_work(for_roles(roles, groups_item), order=40)
