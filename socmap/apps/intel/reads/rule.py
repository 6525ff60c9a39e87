"""The two kinds of reader of the statement store, and the one place the visibility rule is applied
to its queries (``_rule``): a viewer gets the rule as a filter, a named and audited system job every row."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeAlias

from django.db.models import Q, QuerySet

from socmap.apps.core.audit import audit_record
from socmap.apps.core.models import AuditAction, User
from socmap.apps.core.visibility import visible_filter
from socmap.errors import InvalidInput

STREAM = 20_000  # rows fetched from the database at a time by a streaming read


@dataclass(frozen=True)
class SystemJob:
    """An engine run that reads every organisation's records. Made only by ``system_job``."""

    name: str
    actor: User | None = None


Reader: TypeAlias = User | SystemJob


def system_job(name: str, *, actor: User | None = None) -> SystemJob:
    """Open a named system read of the whole statement store, and audit it (who, which job)."""
    if not name.strip():
        raise InvalidInput("A system job needs a name", fields={"name": ["Name the job"]})
    audit_record(
        AuditAction.CONSULTATION,
        actor=actor,
        username="" if actor else "system",
        object_type="intel.store",
        object_id="*",
        justification=f"System job: {name}",
        detail={"job": name},
    )
    return SystemJob(name=name, actor=actor)


def _rule(viewer: Reader) -> Q:
    """The one place this module applies the visibility rule: for a viewer, the rule as a filter
    (worked out once for a read that queries many slices); for a system job, every row."""
    return Q() if isinstance(viewer, SystemJob) else visible_filter(viewer)


def _scoped(queryset: QuerySet[Any], viewer: Reader) -> QuerySet[Any]:
    return queryset.filter(_rule(viewer))
