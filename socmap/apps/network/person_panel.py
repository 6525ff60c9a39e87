"""The groups and roles of a person, on resolution's person page (a panel: resolution does not know
this app). Only groups and Priority Individual entries the viewer may see, through the records of
the person the viewer may see."""

from __future__ import annotations

from typing import Any

from socmap.apps.core.models import User
from socmap.apps.core.visibility import filter_visible
from socmap.apps.network.models import OCG, OCGMember, OCGStatus, PriorityIndividual


def person_groups_panel(*, viewer: User, obj: Any) -> dict[str, Any] | None:
    """``obj``: resolution's view of the person (its ``members`` are the visible records)."""
    ids = sorted({m.id for m in getattr(obj, "members", ())})
    if not ids or not getattr(viewer, "is_authenticated", False):
        return None
    # From the person's memberships (a few rows, by an index on the record) to their groups: the
    # join the other way round probed every group the viewer may see, 191 at a million rows.
    members = list(OCGMember.objects.filter(entity_id__among=ids))
    groups = (
        {
            g.pk: g
            for g in filter_visible(OCG.objects.filter(pk__among=sorted({m.ocg_id for m in members})), viewer)
        }
        if members
        else {}
    )
    rows = []
    seen: set[int] = set()
    # Current memberships first (a null "left on" sorts last on PostgreSQL, first on SQLite: say so).
    for member in sorted(members, key=lambda m: (m.left_on is not None, m.left_on or m.joined_on, m.pk)):
        group = groups.get(member.ocg_id)
        if group is None or group.pk in seen:
            continue  # a group the viewer may not see, or the person's other records in the same group
        seen.add(group.pk)
        rows.append(
            {
                "group": group,
                "role": member.get_role_display(),
                "status": group.get_status_display(),
                "managed": group.status == OCGStatus.ADOPTED,
                "left_on": member.left_on,
            }
        )
    individuals = list(filter_visible(PriorityIndividual.objects.filter(entity_id__among=ids), viewer))
    if not rows and not individuals:
        return None
    return {"groups": rows, "individuals": individuals}
