"""Disruptions: recorded against a group or individual with their impact and evidence, and validated
by a supervisor who is not the recorder. Only validated disruptions count in the return."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import transaction

from socmap.apps.core import clock
from socmap.apps.core.audit import audit_record
from socmap.apps.core.models import AuditAction, Compartment, Document, Handling, Role, User
from socmap.apps.lifetime.models import Activity, Disruption, DisruptionStatus, Impact, P, Plan
from socmap.apps.lifetime.services.common import (
    event,
    refuse,
    require_input,
    require_manager,
    see_or_hide,
    text,
)
from socmap.apps.network import selectors as network
from socmap.engines.lifetime import long_date
from socmap.errors import Conflict


@dataclass(frozen=True)
class DisruptionInput:
    on: date | None
    p: str
    activity: str
    impact: str
    description: str
    evidence: str
    rationale: str
    drugs: str = ""
    drugs_grams: Decimal | None = None
    cash_pounds: Decimal | None = None
    firearms: int | None = None
    ammunition: int | None = None
    archived_reason: str = ""
    handling: str = ""
    compartment: Compartment | None = None
    documents: tuple[Document, ...] = field(default_factory=tuple)


def _quantities(data: DisruptionInput, problems: dict[str, list[str]]) -> None:
    for name, value in (
        ("drugs_grams", data.drugs_grams),
        ("cash_pounds", data.cash_pounds),
        ("firearms", data.firearms),
        ("ammunition", data.ammunition),
    ):
        if value is not None and value < 0:
            problems.setdefault(name, []).append("A quantity cannot be negative")
    if data.activity == Activity.SEIZURE_DRUGS:
        if not data.drugs.strip():
            problems.setdefault("drugs", []).append("Say what drugs were seized")
        if not data.drugs_grams:
            problems.setdefault("drugs_grams", []).append("Enter the weight of drugs seized, in grams")
    if data.activity == Activity.SEIZURE_CASH and not data.cash_pounds:
        problems.setdefault("cash_pounds", []).append("Enter the cash seized, in pounds")
    if data.activity == Activity.SEIZURE_FIREARMS and not data.firearms:
        problems.setdefault("firearms", []).append("Enter how many firearms were seized")


def disruption_record(*, actor: User, plan: Plan, data: DisruptionInput) -> Disruption:
    """Record a disruption against the plan's group or individual; it awaits a supervisor's validation."""
    require_manager(actor, plan, "record a disruption")
    problems: dict[str, list[str]] = {}
    if data.on is None:
        problems["on"] = ["Enter the date of the disruption"]
    elif data.on > clock.today():
        problems["on"] = ["A disruption cannot be dated in the future"]
    if data.p not in P.values:
        problems["p"] = ["Choose Pursue, Prevent, Protect or Prepare"]
    if data.activity not in Activity.values:
        problems["activity"] = [f"Choose an activity: {', '.join(Activity.labels)}"]
    if data.impact not in Impact.values:
        problems["impact"] = [f"{data.impact!r} is not an impact: choose {', '.join(Impact.labels)}"]
    description = text(data.description, "description", "what was done", problems)
    evidence = text(data.evidence, "evidence", "the evidence of the impact", problems)
    rationale = text(data.rationale, "rationale", "why the impact is rated so", problems)
    handling = data.handling or plan.handling
    if handling not in Handling.values:
        problems["handling"] = ["Choose handling code P or C"]
    _quantities(data, problems)
    archived = (
        plan.ocg_id is not None
        and network.subject_statuses(ocg_ids=[plan.ocg_id]).get(plan.ocg_id) == "archived"
    )
    archived_reason = text(
        data.archived_reason,
        "archived_reason",
        "why a disruption is recorded against an archived group",
        problems,
        required=archived,
    )
    require_input(problems, "The disruption could not be recorded")
    assert data.on is not None
    with transaction.atomic():
        disruption = Disruption.objects.create(
            plan=plan,
            owner_id=plan.owner_id,
            handling=handling,
            conditions=plan.conditions,
            compartment=data.compartment or plan.compartment,
            on=data.on,
            p=data.p,
            activity=data.activity,
            drugs=data.drugs.strip()[:120],
            drugs_grams=data.drugs_grams,
            cash_pounds=data.cash_pounds,
            firearms=data.firearms,
            ammunition=data.ammunition,
            description=description,
            impact=data.impact,
            evidence=evidence,
            rationale=rationale,
            archived_reason=archived_reason,
            recorded_by=actor,
            recorded_at=clock.now(),
        )
        disruption.documents.set(data.documents)
        event(
            plan,
            actor,
            "disruption",
            f"{disruption.get_activity_display()} on {long_date(data.on)} "
            f"({disruption.get_p_display()}, {disruption.get_impact_display().lower()} impact) "
            "awaits validation",
        )
        audit_record(
            AuditAction.COLLECTION,
            actor=actor,
            obj=disruption,
            detail={"plan": plan.pk, "impact": data.impact},
        )
    return disruption


def disruption_validate(*, actor: User, disruption: Disruption, approve: bool, note: str = "") -> Disruption:
    """A supervisor of the owning organisation, never the recorder, validates it (or returns it)."""
    see_or_hide(actor, disruption, "disruption")
    if disruption.recorded_by_id == actor.pk:
        raise refuse(
            actor,
            "validate a disruption you recorded",
            disruption,
            fields={
                "validated_by": ["The recorder cannot validate their own disruption: another supervisor must"]
            },
        )
    if not (actor.has_role(Role.SUPERVISOR) and actor.organisation_id == disruption.owner_id):
        raise refuse(
            actor,
            "validate this disruption",
            disruption,
            fields={"validated_by": [f"A supervisor of {disruption.owner.name} validates its disruptions"]},
        )
    if disruption.status != DisruptionStatus.AWAITING:
        raise Conflict(f"This disruption is already {disruption.get_status_display().lower()}")
    problems: dict[str, list[str]] = {}
    why = text(note, "validation_note", "why it is returned", problems, required=not approve)
    require_input(problems, "The disruption could not be decided")
    with transaction.atomic():
        disruption.status = DisruptionStatus.VALIDATED if approve else DisruptionStatus.RETURNED
        disruption.validated_by = actor if approve else None
        disruption.validated_at = clock.now() if approve else None
        disruption.validation_note = why
        disruption.save(update_fields=["status", "validated_by", "validated_at", "validation_note"])
        event(
            disruption.plan,
            actor,
            "disruption",
            f"{disruption.get_activity_display()} on "
            f"{long_date(disruption.on)} {disruption.get_status_display().lower()}"
            + (f": {why}" if why else ""),
        )
        audit_record(
            AuditAction.ALTERATION,
            actor=actor,
            obj=disruption,
            justification=why,
            detail={"status": disruption.status},
        )
    return disruption


def disruption_resubmit(*, actor: User, disruption: Disruption, data: DisruptionInput) -> Disruption:
    """The recorder corrects a returned disruption; it awaits validation again."""
    see_or_hide(actor, disruption, "disruption")
    if disruption.recorded_by_id != actor.pk:
        raise refuse(actor, "correct a disruption someone else recorded", disruption)
    if disruption.status != DisruptionStatus.RETURNED:
        raise Conflict("Only a disruption returned to its recorder is corrected")
    fresh = disruption_record(actor=actor, plan=disruption.plan, data=data)
    with transaction.atomic():
        Disruption.objects.filter(pk=disruption.pk).update(
            validation_note=f"{disruption.validation_note} (corrected as disruption {fresh.pk})".strip()
        )
    return fresh
