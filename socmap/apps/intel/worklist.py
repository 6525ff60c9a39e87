"""Records on the home page's work list: the latest ingests and rows held back for correction."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import formats, timezone


def records_item(viewer: Any) -> dict[str, Any]:
    from socmap.apps.core.worklist import work_item
    from socmap.apps.intel import selectors

    counts = selectors.record_counts(viewer=viewer, statements=False)
    batches = selectors.batch_list(viewer=viewer).items[:3]
    items = [
        (
            f"{b.file_name} into {b.source.title or b.source.name}, "
            f"{formats.date_format(timezone.localtime(b.created_at), 'j M Y')}: "
            f"{b.records_new:,} new records",
            reverse("intel:batch_detail", args=[b.pk]),
        )
        for b in batches
    ]
    if counts["quarantined"]:
        items.append(
            (f"{counts['quarantined']:,} rows held back for correction", reverse("intel:quarantine_list"))
        )
    return work_item(
        key="records",
        title="Records",
        count=counts["records"],
        counted="record you may see" if counts["records"] == 1 else "records you may see",
        url=reverse("intel:batch_list"),
        items=items,
    )


def register() -> None:
    from socmap.apps.core.models import Role
    from socmap.apps.core.worklist import for_roles, register_work

    register_work(
        for_roles((Role.ANALYST, Role.SUPERVISOR, Role.INTELLIGENCE_OFFICER), records_item), order=50
    )
