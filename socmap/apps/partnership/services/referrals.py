"""Safeguarding referrals through multi-agency arrangements (the MASH, the National Referral Mechanism).

An officer who finds a vulnerable person in intelligence refers them: to an organisation that is a
member of the arrangement, linked to the person, the threat and the group the referrer may see. The
referral is a disclosure to that organisation, audited as one; it records the outcome and its date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction

from socmap.apps.core import clock
from socmap.apps.core.audit import audit_record
from socmap.apps.core.models import AuditAction, Compartment, Handling, Organisation, Role, User
from socmap.apps.core.refusal import refuse
from socmap.apps.partnership.models import Arrangement, Concern, Outcome, Referral
from socmap.errors import InvalidInput, SocmapError

REFERRERS = (Role.ANALYST, Role.INTELLIGENCE_OFFICER, Role.LRO, Role.SUPERVISOR, Role.PARTNER)


@dataclass
class ReferralInput:
    arrangement: Arrangement | None
    to_organisation: Organisation | None
    concern: str
    subject: str
    summary: str
    referred_on: date | None = None
    entity_id: str = ""
    threat_id: int | None = None
    ocg_id: int | None = None
    handling: str = Handling.P
    conditions: str = ""
    compartment: Compartment | None = None


def _links(actor: User, data: ReferralInput, problems: dict[str, list[str]]) -> None:
    """The person, threat and group must be ones the referrer may see (refusals are logged)."""
    if data.entity_id:
        from socmap.apps.resolution.selectors import member_list

        if not member_list(viewer=actor, entity_id=data.entity_id):
            problems["entity_id"] = ["No such person in intelligence you may see"]
    if data.threat_id is not None:
        from socmap.apps.assessment.selectors import threat_find

        try:
            threat_find(viewer=actor, threat_id=data.threat_id)
        except SocmapError:
            problems["threat_id"] = ["No such threat you may see"]
    if data.ocg_id is not None:
        from socmap.apps.network.selectors import ocg_find

        try:
            ocg_find(viewer=actor, ocg_id=data.ocg_id)
        except SocmapError:
            problems["ocg_id"] = ["No such group you may see"]


def _problems(data: ReferralInput) -> dict[str, list[str]]:
    problems: dict[str, list[str]] = {}
    if data.arrangement is None:
        problems["arrangement"] = ["Choose the multi-agency arrangement"]
    if data.to_organisation is None:
        problems["to_organisation"] = ["Choose the organisation the referral goes to"]
    elif (
        data.arrangement is not None
        and not data.arrangement.members.filter(pk=data.to_organisation.pk).exists()
    ):
        problems["to_organisation"] = [
            f"{data.to_organisation.name} is not a member of {data.arrangement.name}"
        ]
    if data.concern not in Concern.values:
        problems["concern"] = [f"Choose the concern: {', '.join(Concern.labels)}"]
    if not data.subject.strip():
        problems["subject"] = ["Name the person referred"]
    if not data.summary.strip():
        problems["summary"] = ["Say what the concern is"]
    if data.referred_on is not None and data.referred_on > clock.today():
        problems["referred_on"] = ["The referral date cannot be in the future"]
    if data.handling not in Handling.values:
        problems["handling"] = ["Choose handling code P or C"]
    elif data.handling == Handling.C and not data.conditions.strip():
        problems["conditions"] = ["Handling code C needs its conditions"]
    return problems


def referral_make(*, actor: User, data: ReferralInput) -> Referral:
    problems = _problems(data)
    if actor.organisation is None or not actor.has_role(*REFERRERS):
        raise refuse(
            actor,
            "You cannot make safeguarding referrals",
            hidden=False,
            object_type="action",
            object_id="referral make",
        )
    _links(actor, data, problems)
    if problems:
        raise InvalidInput("The referral could not be made", fields=problems)
    assert data.arrangement is not None and data.to_organisation is not None
    with transaction.atomic():
        referral = Referral.objects.create(
            owner=actor.organisation,
            handling=data.handling,
            conditions=data.conditions.strip(),
            compartment=data.compartment,
            arrangement=data.arrangement,
            to_organisation=data.to_organisation,
            referred_by=actor,
            referred_on=data.referred_on or clock.today(),
            concern=data.concern,
            subject=data.subject.strip(),
            summary=data.summary.strip(),
            entity_id=data.entity_id,
            threat_id=data.threat_id,
            ocg_id=data.ocg_id,
        )
        audit_record(
            AuditAction.DISCLOSURE,
            actor=actor,
            obj=referral,
            justification=f"safeguarding referral to {data.to_organisation.name}",
            detail={
                "arrangement": data.arrangement.name,
                "to": data.to_organisation.name,
                "concern": data.concern,
                "entity": data.entity_id,
                "threat": data.threat_id,
                "group": data.ocg_id,
            },
        )
    return referral


def outcome_record(
    *, actor: User, referral: Referral, outcome: str, outcome_on: date | None, note: str = ""
) -> Referral:
    """The receiving organisation (or the referrer's) records what the arrangement decided."""
    problems: dict[str, list[str]] = {}
    if outcome not in Outcome.values:
        problems["outcome"] = [f"Choose the outcome: {', '.join(Outcome.labels)}"]
    if outcome_on is None:
        problems["outcome_on"] = ["Enter the date of the outcome"]
    elif outcome_on > clock.today():
        problems["outcome_on"] = ["The date of the outcome cannot be in the future"]
    elif outcome_on < referral.referred_on:
        problems["outcome_on"] = ["The outcome cannot come before the referral"]
    if problems:
        raise InvalidInput("The outcome could not be recorded", fields=problems)
    if actor.organisation_id not in (referral.to_organisation_id, referral.owner_id):
        raise refuse(
            actor, "No such referral", obj=referral, reason="outcome by an organisation not party to it"
        )
    with transaction.atomic():
        before = referral.outcome
        referral.outcome, referral.outcome_on = outcome, outcome_on
        referral.outcome_by, referral.outcome_note = actor, note.strip()
        referral.save(update_fields=["outcome", "outcome_on", "outcome_by", "outcome_note"])
        audit_record(
            AuditAction.ALTERATION,
            actor=actor,
            obj=referral,
            justification=note.strip() or "outcome recorded",
            detail={"step": "outcome", "outcome": outcome, "on": str(outcome_on), "before": before},
        )
    return referral
