"""Reads of sharing agreements: the register of the viewer's organisation, with each agreement's stage,
what it lets each side see (counts by kind) and its history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet

from socmap.apps.core import clock
from socmap.apps.core.models import AuditEvent, SharingAgreement, User
from socmap.apps.core.refusal import refuse
from socmap.apps.core.visibility import agreement_in_force
from socmap.apps.partnership.models import AgreementTerms, SharingLead
from socmap.apps.partnership.selectors.counts import shared_counts

STAGES = {
    "awaiting": "Awaiting approval",
    "in_force": "In force",
    "not_started": "Approved, not yet started",
    "ended": "Ended",
    "revoked": "Revoked",
}


def stage_of(agreement: SharingAgreement, on: date | None = None) -> str:
    on = on or clock.today()
    if agreement.revoked_at is not None:
        return "revoked"
    if agreement.approved_at is None:
        return "awaiting"
    if agreement_in_force(agreement, on):
        return "in_force"
    return "not_started" if agreement.valid_from > on else "ended"


def _mine(viewer: User) -> QuerySet[SharingAgreement]:
    """Agreements the viewer's organisation gives or receives: nobody else's, administrators included."""
    if not viewer.is_authenticated or viewer.organisation_id is None:
        return SharingAgreement.objects.none()
    return (
        SharingAgreement.objects.filter(
            Q(provider_id=viewer.organisation_id) | Q(recipient_id=viewer.organisation_id)
        )
        .select_related("provider", "recipient", "approved_by")
        .prefetch_related("compartments")
    )


@dataclass(frozen=True)
class AgreementRow:
    agreement: SharingAgreement
    terms: AgreementTerms | None
    stage: str

    @property
    def stage_label(self) -> str:
        return STAGES[self.stage]


def register(*, viewer: User, stage: str = "") -> list[AgreementRow]:
    """Every agreement of the viewer's organisation, in force first."""
    agreements = list(_mine(viewer).order_by("provider__name", "recipient__name", "-valid_from")[:500])
    terms = {
        t.agreement_id: t
        for t in AgreementTerms.objects.filter(agreement__in=agreements).select_related(
            "proposed_by", "provider_approved_by", "recipient_approved_by", "revoked_by"
        )
    }
    rows = [AgreementRow(a, terms.get(a.pk), stage_of(a)) for a in agreements]
    if stage:
        rows = [r for r in rows if r.stage == stage]
    order = list(STAGES)
    return sorted(rows, key=lambda r: order.index(r.stage))


@dataclass(frozen=True)
class AgreementView:
    row: AgreementRow
    counts: list[tuple[str, int]]
    history: list[AuditEvent]
    may_approve: bool
    may_revoke: bool


def agreement_find(*, viewer: User, agreement_id: int) -> SharingAgreement:
    found = _mine(viewer).filter(pk=agreement_id).first()
    if found is None:
        raise refuse(
            viewer, "No such agreement", object_type="core.sharingagreement", object_id=str(agreement_id)
        )
    return found


def agreement_get(*, viewer: User, agreement_id: int) -> AgreementView:
    agreement = agreement_find(viewer=viewer, agreement_id=agreement_id)
    terms = (
        AgreementTerms.objects.filter(agreement=agreement)
        .select_related(
            "proposed_by", "provider_approved_by", "recipient_approved_by", "revoked_by", "renews"
        )
        .first()
    )
    row = AgreementRow(agreement, terms, stage_of(agreement))
    history = list(
        AuditEvent.objects.filter(object_type="core.sharingagreement", object_id=str(agreement.pk)).order_by(
            "at"
        )[:200]
    )
    lead = SharingLead.objects.filter(
        person=viewer, organisation=viewer.organisation, ended_at__isnull=True
    ).exists()
    side = "provider" if viewer.organisation_id == agreement.provider_id else "recipient"
    may_approve = bool(
        lead
        and terms is not None
        and row.stage == "awaiting"
        and terms.proposed_by_id != viewer.pk
        and getattr(terms, f"{side}_approved_by_id") is None
    )
    may_revoke = row.stage in ("in_force", "not_started", "awaiting") and (
        lead or viewer.has_role("administrator", "supervisor")
    )
    counts = shared_counts(agreement) if row.stage in ("in_force", "awaiting", "not_started") else []
    return AgreementView(row, counts, history, may_approve, may_revoke)


def leads(*, viewer: User) -> QuerySet[SharingLead]:
    """Information-sharing leads of every organisation (names are reference data, like organisations)."""
    if not viewer.is_authenticated:
        return SharingLead.objects.none()
    return SharingLead.objects.filter(ended_at__isnull=True).select_related("person", "organisation")


def awaiting_me(*, viewer: User) -> list[AgreementRow]:
    """Agreements waiting for an approval the viewer may give (their side, not their proposal)."""
    if not SharingLead.objects.filter(person=viewer, ended_at__isnull=True).exists():
        return []
    out = []
    for row in register(viewer=viewer, stage="awaiting"):
        t = row.terms
        side = "provider" if viewer.organisation_id == row.agreement.provider_id else "recipient"
        if t is not None and t.proposed_by_id != viewer.pk and getattr(t, f"{side}_approved_by_id") is None:
            out.append(row)
    return out
