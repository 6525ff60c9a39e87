"""The review queue on the home page's work list (analysts and supervisors, who decide matches)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import formats, timezone


def review_item(viewer: Any) -> dict[str, Any]:
    from socmap.apps.core.worklist import work_item
    from socmap.apps.resolution import selectors
    from socmap.apps.resolution.selectors.review import assigned_to, review_items

    # The queue's own items (decisions about people, kept per process and caught up with every
    # judgement): counting the pending pairs behind them joined 380,000 pairs to their records on
    # every home page, 0.9 s on the medium demo.
    waiting = len(review_items(viewer=viewer))
    last = selectors.run_latest(viewer=viewer)
    note = ""
    if last is not None:
        when = formats.date_format(timezone.localtime(last.created_at), "j M Y, H:i")
        note = f"Last matching run {when}: {last.get_status_display().lower()}, {last.queued:,} pairs queued."
    return work_item(
        key="review",
        title="Possible matches to review",
        count=waiting,
        counted="decision about people waiting" if waiting == 1 else "decisions about people waiting",
        url=reverse("resolution:queue"),
        items=[
            (
                f"Assigned to you: {len(assigned_to(viewer=viewer)):,}",
                reverse("resolution:queue") + "?assigned=me",
            ),
            ("Matching runs", reverse("resolution:runs")),
        ],
        note=note,
    )


def register() -> None:
    from socmap.apps.core.models import Role
    from socmap.apps.core.worklist import for_roles, register_work

    register_work(for_roles((Role.ANALYST, Role.SUPERVISOR), review_item), order=20)
