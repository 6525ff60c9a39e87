"""Review items assigned to reviewers (issue 23): to oneself or to a colleague of one's organisation
who may decide matches; every assignment audited. Items are regrouped as people decide, so an
assignment names the item's records (``Assignment``); an item is assigned to whoever the latest
assignment of any of its records names."""

from __future__ import annotations

from django.db import transaction

from socmap.apps.core.audit import audit_record
from socmap.apps.core.models import AuditAction, User
from socmap.apps.core.services import require_role
from socmap.apps.resolution.models import Assignment
from socmap.apps.resolution.selectors.review_group import ReviewItem
from socmap.apps.resolution.services.common import JUDGES
from socmap.errors import InvalidInput


def colleagues(*, actor: User) -> list[User]:
    """The users of the actor's organisation an item may be assigned to: those who decide matches."""
    if actor.organisation_id is None:
        return [actor]
    found = (
        User.objects.filter(
            organisation_id=actor.organisation_id, is_active=True, role_grants__role__in=JUDGES
        )
        .distinct()
        .order_by("username")
    )
    return list(found)


def item_assign(*, actor: User, item: ReviewItem, assignee: User | None) -> int:
    """Assign ``item`` to ``assignee`` (None: back to the team). Returns the records named."""
    require_role(actor, *JUDGES, action="assign review items")
    if assignee is not None and assignee.pk not in {u.pk for u in colleagues(actor=actor)}:
        raise InvalidInput(
            "Assign to yourself or to a colleague of your organisation who reviews matches",
            fields={"assignee": ["Choose someone of your organisation who reviews matches"]},
        )
    records = sorted({r for r, _ in item.sides})
    with transaction.atomic():
        Assignment.objects.bulk_create(
            [Assignment(record_id=r, assignee=assignee, assigned_by=actor) for r in records]
        )
        who = assignee.get_full_name() or assignee.username if assignee else "the team"
        audit_record(
            AuditAction.ALTERATION,
            actor=actor,
            object_type="resolution.reviewitem",
            object_id=item.key,
            object_repr=f"Review item of {len(item.clusters)} people",
            justification=f"Assigned to {who}",
            detail={"records": records, "assignee": assignee.pk if assignee else None},
        )
    return len(records)
