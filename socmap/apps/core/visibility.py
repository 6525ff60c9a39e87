"""The one visibility rule of socmap.

Whether a user may see an object depends on four things only: the object's owner organisation, its
handling code, its compartment, and the sharing agreements from the owner to the user's organisation
in force on the date. ``decide`` answers it for one object; ``visible_filter`` expresses the very same
rule as a query filter for lists. Both are built from ``grants_for``, and the tests run every case
through both, so the two can never drift apart.

Nobody bypasses the rule: administrators and auditors see intelligence only as their organisation may.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol, TypeVar

from django.db.models import BooleanField, Expression, F, Q, QuerySet
from django.utils import timezone

from socmap.apps.core import clock
from socmap.apps.core.models import SharingAgreement

G = TypeVar("G", bound=Any)


class GovernedLike(Protocol):
    owner_id: int
    handling: str
    compartment_id: int | None


@dataclass(frozen=True)
class Grant:
    """What one agreement in force lets the recipient see of the provider's objects."""

    agreement_id: int
    provider_id: int
    includes_general: bool
    compartment_ids: frozenset[int]
    handling_codes: frozenset[str]
    conditions: str

    def allows(self, *, owner_id: int, compartment_id: int | None, handling: str) -> bool:
        if owner_id != self.provider_id or handling not in self.handling_codes:
            return False
        if compartment_id is None:
            return self.includes_general
        return compartment_id in self.compartment_ids

    def as_q(self, prefix: str = "") -> Q:
        place = Q(**{f"{prefix}compartment__isnull": True}) if self.includes_general else Q(pk__in=[])
        if self.compartment_ids:
            place |= Q(**{f"{prefix}compartment_id__in": sorted(self.compartment_ids)})
        return (
            Q(**{f"{prefix}owner_id": self.provider_id})
            & Q(**{f"{prefix}handling__in": sorted(self.handling_codes)})
            & place
        )


@dataclass(frozen=True)
class Decision:
    visible: bool
    reason: str
    conditions: tuple[str, ...] = ()


def today() -> date:
    """The date agreements are judged on: the one clock's, so tests can move it."""
    return clock.today()


def agreement_in_force(agreement: SharingAgreement, on: date) -> bool:
    """Approved, started, not ended and not revoked on ``on``."""
    if agreement.approved_at is None:
        return False
    if agreement.revoked_at is not None and timezone.localdate(agreement.revoked_at) <= on:
        return False
    if agreement.valid_from > on:
        return False
    return agreement.valid_to is None or agreement.valid_to >= on


# Within one web request the grants of an organisation do not change, but a page asks for them once
# per list it filters: a request-scoped memo (set by RequestIdMiddleware) reads them once. Outside a
# request (services, commands, tests) nothing is memoised; a change of agreement forgets the memo.
_grants_memo: contextvars.ContextVar[dict[tuple[int, date], tuple[Grant, ...]] | None] = (
    contextvars.ContextVar("socmap_grants", default=None)
)


@contextmanager
def grants_remembered() -> Iterator[None]:
    """Read each organisation's grants once for the duration of the block (one web request)."""
    token = _grants_memo.set({})
    try:
        yield
    finally:
        _grants_memo.reset(token)


def grants_forget() -> None:
    """An agreement changed: what was remembered in this request no longer holds."""
    memo = _grants_memo.get()
    if memo is not None:
        memo.clear()


def grants_for(organisation_id: int | None, on: date | None = None) -> tuple[Grant, ...]:
    """Every grant the organisation holds on the date, from agreements in force."""
    if organisation_id is None:
        return ()
    on = on or today()
    memo = _grants_memo.get()
    if memo is not None and (organisation_id, on) in memo:
        return memo[(organisation_id, on)]
    found = _grants(organisation_id, on)
    if memo is not None:
        memo[(organisation_id, on)] = found
    return found


def _grants(organisation_id: int, on: date) -> tuple[Grant, ...]:
    agreements = (
        SharingAgreement.objects.filter(recipient_id=organisation_id, valid_from__lte=on)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))
        .exclude(approved_at__isnull=True)
        .prefetch_related("compartments")
    )
    return tuple(
        Grant(
            agreement_id=a.pk,
            provider_id=a.provider_id,
            includes_general=a.includes_general,
            compartment_ids=frozenset(c.pk for c in a.compartments.all()),
            handling_codes=frozenset(a.handling_codes or ()),
            conditions=a.conditions,
        )
        for a in agreements
        if agreement_in_force(a, on)
    )


def _organisation_id(viewer: Any) -> int | None:
    if viewer is None or not getattr(viewer, "is_authenticated", False) or not viewer.is_active:
        return None
    org_id: int | None = getattr(viewer, "organisation_id", None)
    return org_id


def decide(viewer: Any, obj: GovernedLike, on: date | None = None) -> Decision:
    """May ``viewer`` see ``obj`` on the date? With the reason and the conditions that travel with it."""
    org_id = _organisation_id(viewer)
    if org_id is None:
        return Decision(False, "not signed in or belongs to no organisation")
    if obj.owner_id == org_id:
        return Decision(True, "owned by the viewer's organisation")
    allowing = [
        g
        for g in grants_for(org_id, on)
        if g.allows(owner_id=obj.owner_id, compartment_id=obj.compartment_id, handling=obj.handling)
    ]
    if not allowing:
        return Decision(False, "no sharing agreement in force covers it")
    conditions = tuple(sorted({g.conditions for g in allowing if g.conditions}))
    return Decision(True, f"shared under agreement {allowing[0].agreement_id}", conditions)


def organisation_sees(organisation_id: int, obj: GovernedLike, on: date | None = None) -> Decision:
    """Would the users of an organisation see ``obj`` on the date? The same rule as ``decide``, for
    checking before an object is handed to another organisation (a partner owning a plan action)."""
    if obj.owner_id == organisation_id:
        return Decision(True, "owned by the organisation")
    allowing = [
        g
        for g in grants_for(organisation_id, on)
        if g.allows(owner_id=obj.owner_id, compartment_id=obj.compartment_id, handling=obj.handling)
    ]
    if not allowing:
        return Decision(False, "no sharing agreement in force covers it")
    conditions = tuple(sorted({g.conditions for g in allowing if g.conditions}))
    return Decision(True, f"shared under agreement {allowing[0].agreement_id}", conditions)


def can_see(viewer: Any, obj: GovernedLike, on: date | None = None) -> bool:
    return decide(viewer, obj, on).visible


def visible_filter(viewer: Any, on: date | None = None, prefix: str = "") -> Q:
    """The same rule as ``decide``, as a filter on a governed model (``prefix`` for related lookups)."""
    org_id = _organisation_id(viewer)
    if org_id is None:
        return Q(pk__in=[])
    if not prefix:
        return Q(VisibleTo(org_id, grants_for(org_id, on)))
    rule = Q(**{f"{prefix}owner_id": org_id})
    for grant in grants_for(org_id, on):
        rule |= grant.as_q(prefix)
    return rule


class VisibleTo(Expression):
    """``visible_filter`` on a model's own columns, written as SQL at once: the viewer's
    organisation's rows, or those a grant allows (``Grant.allows``: the provider's, of a handling
    code it names, in no compartment if it includes general items, or in a compartment it names).

    The same condition as an OR of Django lookups (``Grant.as_q``) costs 1-2 ms of building and
    compiling in every query, and a page makes tens. This one is never NULL, so negating it is
    safe too. ``tests/apps/core/test_visibility.py`` runs every case through it and ``decide``.
    """

    conditional = True

    def __init__(self, organisation_id: int, grants: tuple[Grant, ...]) -> None:
        super().__init__(output_field=BooleanField())
        self.organisation_id = organisation_id
        self.grants = grants
        self.columns: tuple[Any, ...] = ()

    def __repr__(self) -> str:
        # Callers keep answers by the rule's text (``str`` of the filter): the same rule, the same text.
        grants = [
            (g.provider_id, sorted(g.handling_codes), g.includes_general, sorted(g.compartment_ids))
            for g in self.grants
        ]
        return f"VisibleTo({self.organisation_id}, {grants})"

    def get_source_expressions(self) -> list[Any]:
        return list(self.columns)

    def set_source_expressions(self, exprs: Sequence[Any]) -> None:
        self.columns = tuple(exprs)

    def resolve_expression(
        self,
        query: Any = None,
        allow_joins: bool = True,
        reuse: Any = None,
        summarize: bool = False,
        for_save: bool = False,
    ) -> VisibleTo:
        if self.columns:  # resolved already: a queryset of it is now a subquery of another
            resolved: VisibleTo = super().resolve_expression(query, allow_joins, reuse, summarize, for_save)
            return resolved
        resolved = self.copy()
        resolved.columns = tuple(
            F(name).resolve_expression(query, allow_joins, reuse, summarize)
            for name in ("owner_id", "handling", "compartment_id")
        )
        return resolved

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:
        owner, handling, compartment = (compiler.compile(c)[0] for c in self.columns)
        terms = [f"{owner} = %s"]
        params: list[Any] = [self.organisation_id]
        for grant in self.grants:
            codes = sorted(grant.handling_codes)
            ids = sorted(grant.compartment_ids)
            places = [f"{compartment} IS NULL"] if grant.includes_general else []
            if ids:
                places.append(f"({compartment} IS NOT NULL AND {compartment} IN ({_marks(ids)}))")
            if not codes or not places:
                continue  # allows nothing
            terms.append(f"({owner} = %s AND {handling} IN ({_marks(codes)}) AND ({' OR '.join(places)}))")
            params += [grant.provider_id, *codes, *ids]
        return f"({' OR '.join(terms)})", params


def _marks(values: list[Any]) -> str:
    return ", ".join(["%s"] * len(values))


AUDIT_COMPARTMENT = "audit-log"


def audit_visible_filter(viewer: Any, on: date | None = None) -> Q:
    """Which audit events the viewer's organisation may read: the same rule, applied to the log.

    An event belongs to the organisation of the user who acted and, when it concerns an object owned
    elsewhere, to that object's owner too. Another organisation's events are seen only under a
    sharing agreement in force that names the "Audit log" compartment (a regional or national audit
    role is such an agreement, like any other): never because of an agreement about intelligence.
    """
    org_id = _organisation_id(viewer)
    if org_id is None:
        return Q(pk__in=[])
    from socmap.apps.core.models import Compartment

    audit_ids = set(Compartment.objects.filter(slug=AUDIT_COMPARTMENT).values_list("pk", flat=True))
    orgs = {org_id} | {
        g.provider_id
        for g in grants_for(org_id, on)
        if g.compartment_ids & audit_ids and "P" in g.handling_codes
    }
    return Q(organisation_id__in=sorted(orgs)) | Q(object_owner_id__in=sorted(orgs))


def filter_visible(queryset: QuerySet[Any], viewer: Any, on: date | None = None) -> QuerySet[Any]:
    return queryset.filter(visible_filter(viewer, on))


def consult(viewer: Any, obj: G | None, *, label: str, justification: str) -> tuple[G, tuple[str, ...]]:
    """Open one governed object for reading: a logged consultation, or a logged refusal shown as absent.

    Returns the object and the handling conditions that travel with it (its own and the agreements').
    """
    from socmap.apps.core.audit import audit_record
    from socmap.apps.core.models import AuditAction
    from socmap.apps.core.refusal import refuse

    if obj is None:
        raise refuse(viewer, f"No such {label}", reason="does not exist")
    decision = decide(viewer, obj)
    if not decision.visible:
        raise refuse(viewer, f"No such {label}", obj=obj, reason=decision.reason)
    audit_record(AuditAction.CONSULTATION, actor=viewer, obj=obj, justification=justification)
    return obj, tuple(c for c in (obj.conditions, *decision.conditions) if c)
