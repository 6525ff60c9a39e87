"""Threats: creating one on a group, a person or a theme (with its marking), and refreshing the
threat from its latest approved assessment."""

from __future__ import annotations

from django.db import transaction

from socmap.apps.assessment.models import (
    EventKind,
    Level,
    Status,
    Threat,
    ThreatKind,
)
from socmap.apps.assessment.services.common import ASSESSORS, MAX_TEXT, event_record
from socmap.apps.core.audit import audit_record
from socmap.apps.core.models import AuditAction, Compartment, Handling, User
from socmap.apps.core.services import require_role
from socmap.apps.core.visibility import decide
from socmap.apps.network.models import OCG, PriorityIndividual, Theme
from socmap.errors import Conflict, InvalidInput, NotAllowed, NotVisible
from socmap.model.ids import short_entity_id

# --------------------------------------------------------------------------- threats


AS_SUBJECT = "as-subject"  # a threat on a group or person takes its subject's compartment


def threat_create(
    *,
    actor: User,
    kind: str,
    title: str = "",
    theme: str = "",
    level: str = Level.FORCE,
    description: str = "",
    ocg: OCG | None = None,
    individual: PriorityIndividual | None = None,
    handling: str = "",
    conditions: str = "",
    compartment: Compartment | str | None = AS_SUBJECT,
) -> Threat:
    """Record a threat to assess, owned by the actor's organisation.

    A group's or a Priority Individual's threat is never seen more widely than its subject: left
    unset (``handling=""``, ``compartment=AS_SUBJECT``) it takes the subject's marking; a marking
    at least as strict (handling C for a P subject, a compartment for a subject in none) is kept;
    a wider one is refused, naming the field, never silently replaced.
    """
    require_role(actor, *ASSESSORS, action="record threats")
    if actor.organisation_id is None:
        raise NotAllowed("You belong to no organisation, so you cannot record threats")
    problems: dict[str, list[str]] = {}
    if kind not in ThreatKind.values:
        problems["kind"] = [f"Choose what is assessed: {', '.join(ThreatKind.values)}"]
    subject: OCG | PriorityIndividual | None = ocg if kind == ThreatKind.OCG else individual
    if kind == ThreatKind.OCG and ocg is None:
        problems["ocg"] = ["Choose the organised crime group"]
    if kind == ThreatKind.INDIVIDUAL and individual is None:
        problems["individual"] = ["Choose the Priority Individual"]
    if subject is not None and not decide(actor, subject).visible:
        raise NotVisible("No such group" if kind == ThreatKind.OCG else "No such Priority Individual")
    if isinstance(subject, OCG):
        title = title.strip() or subject.name
        theme = theme or subject.theme
    elif isinstance(subject, PriorityIndividual):
        title = title.strip() or f"Priority Individual {short_entity_id(subject.entity_id)}"
    if subject is not None:
        handling, conditions, chosen = _subject_marking(subject, handling, conditions, compartment, problems)
    else:
        handling = handling or Handling.P
        chosen = None if isinstance(compartment, str) else compartment
    _check_fields(problems, title=title, theme=theme, level=level, handling=handling, conditions=conditions)
    if problems:
        raise InvalidInput("The threat could not be recorded", fields=problems)
    with transaction.atomic():
        _refuse_second_threat(subject)
        threat = Threat.objects.create(
            owner_id=actor.organisation_id,
            handling=handling,
            conditions=conditions.strip(),
            compartment=chosen,
            kind=kind,
            ocg=ocg if kind == ThreatKind.OCG else None,
            individual=individual if kind == ThreatKind.INDIVIDUAL else None,
            title=title.strip(),
            description=description.strip()[:MAX_TEXT],
            theme=theme,
            level=level,
            created_by=actor,
        )
        event_record(threat, EventKind.CREATED, actor)
        audit_record(AuditAction.COLLECTION, actor=actor, obj=threat, detail={"kind": kind, "theme": theme})
    return threat


def _check_fields(
    problems: dict[str, list[str]], *, title: str, theme: str, level: str, handling: str, conditions: str
) -> None:
    """Add to ``problems`` what is wrong with the threat's own fields."""
    if not title.strip():
        problems["title"] = ["Give the threat a title"]
    elif len(title.strip()) > 200:
        problems["title"] = ["Use 200 characters or fewer"]
    if theme not in Theme.values:
        problems["theme"] = ["Choose the theme"]
    if level not in Level.values:
        problems["level"] = ["Choose force or regional level"]
    if handling not in Handling.values:
        problems["handling"] = [f"Choose handling code {' or '.join(Handling.values)}"]
    if handling == Handling.C and not conditions.strip():
        problems["conditions"] = ["Handling code C needs its conditions"]


def _refuse_second_threat(subject: OCG | PriorityIndividual | None) -> None:
    """A group or a Priority Individual has one threat record: a second is refused."""
    if isinstance(subject, OCG) and Threat.objects.filter(ocg=subject).exists():
        raise Conflict(
            "This group already has a threat record: re-assess it there",
            fields={"ocg": ["Already recorded"]},
        )
    if isinstance(subject, PriorityIndividual) and Threat.objects.filter(individual=subject).exists():
        raise Conflict(
            "This Priority Individual already has a threat record",
            fields={"individual": ["Already recorded"]},
        )


def _subject_marking(
    subject: OCG | PriorityIndividual,
    handling: str,
    conditions: str,
    compartment: Compartment | str | None,
    problems: dict[str, list[str]],
) -> tuple[str, str, Compartment | None]:
    """The marking of a threat on ``subject``: the subject's, or a stricter one chosen; a wider one
    is a problem for the field, in words."""
    what = "group" if isinstance(subject, OCG) else "Priority Individual"
    chosen = subject.compartment if isinstance(compartment, str) else compartment
    if chosen != subject.compartment and subject.compartment is not None:
        problems["compartment"] = [
            f"This {what} is in the {subject.compartment.name} compartment: its threat must be too"
        ]
    handling = handling or subject.handling
    if handling == Handling.P and subject.handling == Handling.C:
        problems["handling"] = [f"This {what} is handled C (with conditions): its threat cannot be handled P"]
    if handling == Handling.C:
        conditions = conditions.strip() or subject.conditions
    return handling, conditions, chosen


def threat_refresh(threat: Threat) -> None:
    """Keep the threat's copy of its standing score in step with its assessments (every service that
    changes an assessment calls it in the same transaction)."""
    versions = list(threat.assessments.order_by("-number"))
    latest = versions[0] if versions else None
    approved = next((a for a in versions if a.status == Status.APPROVED), None)
    scored = approved or next((a for a in versions if a.status == Status.SUBMITTED), None)
    threat.latest = latest
    threat.status = latest.status if latest else Status.DRAFT
    threat.scored = scored
    threat.score = scored.score if scored else None
    threat.band = scored.band if scored else ""
    threat.band_label = scored.band_label if scored else ""
    threat.tier = scored.tier if scored else None
    threat.approved_at = approved.decided_at if approved else None
    threat.due_on = approved.due_on if approved else None
    threat.save(
        update_fields=[
            "latest",
            "status",
            "scored",
            "score",
            "band",
            "band_label",
            "tier",
            "approved_at",
            "due_on",
        ]
    )
