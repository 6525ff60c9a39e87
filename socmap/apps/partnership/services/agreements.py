"""Sharing agreements with a lifecycle: proposed by an information-sharing lead of either side, approved
by a different person in each of the two organisations, revoked with a reason at once, renewed before
the end date after a reminder. Every step is audited with its reason.

Core's ``SharingAgreement`` is what the visibility rule reads; it is in force only from the moment
core's ``agreement_approve`` runs, which is called here after the second side's approval.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction

from socmap.apps.core import clock
from socmap.apps.core import services as core
from socmap.apps.core.audit import audit_record
from socmap.apps.core.models import AuditAction, Compartment, Organisation, SharingAgreement, User
from socmap.apps.core.refusal import refuse
from socmap.apps.core.visibility import grants_forget
from socmap.apps.partnership.models import AgreementTerms, SharingLead
from socmap.apps.partnership.selectors.counts import handling_codes_used
from socmap.errors import Conflict, InvalidInput


def is_sharing_lead(person: User, organisation_id: int | None) -> bool:
    if organisation_id is None or person.organisation_id != organisation_id or not person.is_active:
        return False
    return SharingLead.objects.filter(
        person=person, organisation_id=organisation_id, ended_at__isnull=True
    ).exists()


def lead_authority(actor: User, agreement: SharingAgreement) -> bool:
    """Registered with core: an organisation's information-sharing lead decides its agreements."""
    return is_sharing_lead(actor, actor.organisation_id)


def lead_name(*, actor: User, person: User, reason: str) -> SharingLead:
    """An administrator names a person of an organisation they administer its information-sharing lead."""
    from socmap.apps.core.administration import administered_user

    if not reason.strip():
        raise InvalidInput("Say why this person leads on sharing", fields={"reason": ["Enter a reason"]})
    administered_user(viewer=actor, user_id=person.pk)
    if person.organisation_id is None:
        raise InvalidInput(
            "The person belongs to no organisation", fields={"person": ["Choose someone else"]}
        )
    with transaction.atomic():
        if is_sharing_lead(person, person.organisation_id):
            raise Conflict(f"{person.username} is already a lead", fields={"person": ["Already a lead"]})
        lead = SharingLead.objects.create(
            organisation_id=person.organisation_id, person=person, named_by=actor, named_at=clock.now()
        )
        audit_record(AuditAction.ALTERATION, actor=actor, obj=lead, justification=reason.strip())
    return lead


@dataclass
class Proposal:
    """What a lead proposes: the two organisations, the purpose and the terms."""

    provider: Organisation
    recipient: Organisation
    title: str
    purpose: str
    legal_basis: str
    valid_from: date | None
    valid_to: date | None
    review_on: date | None = None
    compartments: list[Compartment] = field(default_factory=list)
    includes_general: bool = False
    handling_codes: list[str] = field(default_factory=list)
    conditions: str = ""


def _problems(p: Proposal) -> dict[str, list[str]]:
    problems: dict[str, list[str]] = {}
    if not p.title.strip():
        problems["title"] = ["Enter a title"]
    if not p.purpose.strip():
        problems["purpose"] = ["State the purpose of the sharing"]
    if not p.legal_basis.strip():
        problems["legal_basis"] = [
            "State the legal basis, for example Crime and Disorder Act 1998 s115 or DPA 2018 Part 3"
        ]
    if p.provider.pk == p.recipient.pk:
        problems["recipient"] = ["An organisation does not need an agreement with itself"]
    if p.valid_from is None:
        problems["valid_from"] = ["Enter the date the agreement starts"]
    if p.valid_to is None:
        problems["valid_to"] = ["Enter the date the agreement ends"]
    elif p.valid_from is not None and p.valid_to < p.valid_from:
        problems["valid_to"] = ["The end date must be on or after the start date"]
    if p.review_on is not None and p.valid_from is not None and p.review_on < p.valid_from:
        problems["review_on"] = ["The review date must be on or after the start date"]
    if not p.compartments and not p.includes_general:
        problems["compartments"] = ["Name at least one compartment, or include general items"]
    codes = set(p.handling_codes)
    if not codes:
        problems["handling_codes"] = ["Choose at least one handling code"]
    else:
        used = handling_codes_used(p.provider.pk)
        unused = sorted(codes - used)
        if unused:
            problems["handling_codes"] = [
                f"{p.provider.name} holds no items with handling code {', '.join(unused)}: "
                f"it marks its items {', '.join(sorted(used)) or 'with no code yet'}"
            ]
    if "C" in codes and not p.conditions.strip():
        problems["conditions"] = ["Items with handling code C travel with conditions: state them"]
    return problems


def _require_lead_of_either(
    actor: User, provider: Organisation, recipient: Organisation, action: str
) -> None:
    if actor.organisation_id not in (provider.pk, recipient.pk) or not is_sharing_lead(
        actor, actor.organisation_id
    ):
        raise refuse(
            actor,
            f"Only an information-sharing lead of one of the two organisations may {action}",
            hidden=False,
            object_type="action",
            object_id=f"agreement {action}",
        )


def agreement_propose(
    *, actor: User, proposal: Proposal, renews: SharingAgreement | None = None
) -> AgreementTerms:
    """Record a proposed agreement. It is not in force until each side has approved it."""
    problems = _problems(proposal)
    if problems:
        raise InvalidInput("The sharing agreement could not be proposed", fields=problems)
    assert proposal.valid_from is not None  # checked above
    _require_lead_of_either(actor, proposal.provider, proposal.recipient, "propose sharing agreements")
    with transaction.atomic():
        agreement = SharingAgreement.objects.create(
            provider=proposal.provider,
            recipient=proposal.recipient,
            title=proposal.title.strip(),
            valid_from=proposal.valid_from,
            valid_to=proposal.valid_to,
            includes_general=proposal.includes_general,
            handling_codes=sorted(set(proposal.handling_codes)),
            conditions=proposal.conditions.strip(),
        )
        agreement.compartments.set(proposal.compartments)
        terms = AgreementTerms.objects.create(
            agreement=agreement,
            purpose=proposal.purpose.strip(),
            legal_basis=proposal.legal_basis.strip(),
            review_on=proposal.review_on,
            proposed_by=actor,
            proposed_at=clock.now(),
            renews=renews,
        )
        audit_record(
            AuditAction.ALTERATION,
            actor=actor,
            obj=agreement,
            justification=proposal.purpose.strip(),
            detail={
                "step": "proposed",
                "legal_basis": terms.legal_basis,
                "compartments": [c.slug for c in proposal.compartments],
                "general": proposal.includes_general,
                "handling": agreement.handling_codes,
                "renews": renews.pk if renews else None,
            },
        )
    return terms


def _terms(agreement: SharingAgreement) -> AgreementTerms:
    terms = AgreementTerms.objects.select_for_update().filter(agreement=agreement).first()
    if terms is None:
        raise Conflict(
            "This agreement was recorded before agreements had a lifecycle: it has no approvals to give"
        )
    return terms


def agreement_approve(*, actor: User, agreement: SharingAgreement, note: str = "") -> AgreementTerms:
    """Approve for the actor's side. The second side's approval puts the agreement in force."""
    side = "provider" if actor.organisation_id == agreement.provider_id else "recipient"
    if actor.organisation_id not in (agreement.provider_id, agreement.recipient_id) or not is_sharing_lead(
        actor, actor.organisation_id
    ):
        raise refuse(
            actor,
            "Only an information-sharing lead of one of the two organisations approves an agreement",
            hidden=False,
            obj=agreement,
            reason="approval without authority",
        )
    proposer = (
        AgreementTerms.objects.filter(agreement=agreement).values_list("proposed_by_id", flat=True).first()
    )
    if proposer == actor.pk:
        raise refuse(
            actor,
            "Nobody approves their own proposal: another lead must approve it",
            hidden=False,
            obj=agreement,
            reason="approving one's own proposal",
        )
    with transaction.atomic():
        terms = _terms(agreement)
        if agreement.revoked_at is not None:
            raise Conflict("The agreement was revoked: propose a new one")
        if getattr(terms, f"{side}_approved_by_id") is not None:
            raise Conflict(f"The {side} has already approved this agreement")
        setattr(terms, f"{side}_approved_by", actor)
        setattr(terms, f"{side}_approved_at", clock.now())
        terms.save(update_fields=[f"{side}_approved_by", f"{side}_approved_at"])
        audit_record(
            AuditAction.ALTERATION,
            actor=actor,
            obj=agreement,
            justification=note.strip() or f"approved for the {side}",
            detail={"step": f"approved for the {side}"},
        )
        if terms.provider_approved_by_id and terms.recipient_approved_by_id:
            core.agreement_approve(
                actor=actor, agreement=agreement, justification="in force: approved by both organisations"
            )
    return terms


def agreement_revoke(*, actor: User, agreement: SharingAgreement, reason: str) -> SharingAgreement:
    """Revoke at once, with the reason. Either side's lead (or administrator) may revoke."""
    if not reason.strip():
        raise InvalidInput("Say why the agreement is revoked", fields={"reason": ["Enter a reason"]})
    with transaction.atomic():
        core.agreement_revoke(actor=actor, agreement=agreement, justification=reason.strip())
        AgreementTerms.objects.filter(agreement=agreement).update(
            revoked_by=actor, revoke_reason=reason.strip()
        )
        grants_forget()
    return agreement


def agreement_renew(
    *, actor: User, agreement: SharingAgreement, valid_to: date | None, review_on: date | None = None
) -> AgreementTerms:
    """Propose the same terms again, from the day after the current end, to a new end date."""
    old = AgreementTerms.objects.filter(agreement=agreement).first()
    if agreement.valid_to is None:
        raise InvalidInput(
            "An agreement with no end date needs no renewal", fields={"valid_to": ["No end date"]}
        )
    if agreement.revoked_at is not None:
        raise Conflict("A revoked agreement cannot be renewed: propose a new one")
    proposal = Proposal(
        provider=agreement.provider,
        recipient=agreement.recipient,
        title=agreement.title,
        purpose=old.purpose if old else agreement.title,
        legal_basis=old.legal_basis if old else "As the agreement it renews",
        valid_from=agreement.valid_to + timedelta(days=1),
        valid_to=valid_to,
        review_on=review_on,
        compartments=list(agreement.compartments.all()),
        includes_general=agreement.includes_general,
        handling_codes=list(agreement.handling_codes or ()),
        conditions=agreement.conditions,
    )
    return agreement_propose(actor=actor, proposal=proposal, renews=agreement)


def due_for_renewal(on: date | None = None) -> list[SharingAgreement]:
    """Agreements in force whose end falls within the renewal notice and that no proposal renews."""
    on = on or clock.today()
    horizon = on + timedelta(days=int(settings.SOCMAP_AGREEMENT_RENEWAL_DAYS))
    return list(
        SharingAgreement.objects.filter(
            approved_at__isnull=False,
            revoked_at__isnull=True,
            valid_to__isnull=False,
            valid_to__gte=on,
            valid_to__lte=horizon,
        )
        .exclude(renewals__isnull=False)
        .select_related("provider", "recipient")
        .order_by("valid_to")
    )


def renewal_reminders(on: date | None = None) -> list[SharingAgreement]:
    """Remind once: each agreement due for renewal is marked and the reminder audited (a system job)."""
    reminded: list[SharingAgreement] = []
    for agreement in due_for_renewal(on):
        with transaction.atomic():
            updated = AgreementTerms.objects.filter(agreement=agreement, reminded_at__isnull=True).update(
                reminded_at=clock.now()
            )
            if not updated:
                continue
            audit_record(
                AuditAction.ALTERATION,
                obj=agreement,
                username="system",
                justification="renewal reminder",
                detail={"step": "renewal reminder", "ends": str(agreement.valid_to)},
            )
            reminded.append(agreement)
    return reminded


def compartments_named(slugs: Iterable[str]) -> list[Compartment]:
    wanted = [s for s in slugs if s]
    found = list(Compartment.objects.filter(slug__in=wanted))
    missing = sorted(set(wanted) - {c.slug for c in found})
    if missing:
        raise InvalidInput(
            "No such compartment", fields={"compartments": [f"No compartment called {m!r}" for m in missing]}
        )
    return found
