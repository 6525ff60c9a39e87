"""The assessment workflow: start a draft, save it, submit it (scored and fixed), approve or return it.

A submitted or approved version never changes: re-assessing starts version n + 1 from its values."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from socmap.apps.assessment.models import (
    Assessment,
    EventKind,
    Status,
    Threat,
)
from socmap.apps.assessment.services.common import ASSESSORS, CONFIDENCE, MAX_TEXT, SOURCE_KINDS, event_record
from socmap.apps.assessment.services.scoring import model_current, model_register, stored_model
from socmap.apps.assessment.services.threats import threat_refresh
from socmap.apps.assessment.sources import visible_sources
from socmap.apps.core.audit import audit_record
from socmap.apps.core.models import AuditAction, Role, User
from socmap.apps.core.refusal import refuse
from socmap.apps.core.services import require_role
from socmap.apps.core.visibility import decide
from socmap.apps.network import services as network_services
from socmap.engines import assess
from socmap.errors import Conflict, InvalidInput, NotAllowed, NotVisible

# --------------------------------------------------------------------------- assessments


@dataclass(frozen=True)
class AssessmentInput:
    """What the assessor enters; values may be partial in a draft."""

    values: dict[str, Any]
    rationales: dict[str, str]
    confidence: str = ""
    summary: str = ""
    sources: tuple[str, ...] = ()


def assessment_start(*, actor: User, threat: Threat, justification: str = "") -> Assessment:
    """Open the next version of a threat's assessment, starting from its latest version's values,
    with values suggested from what the network holds about the subject (kept apart from them)."""
    from socmap.apps.assessment.suggestions import suggestions_for

    require_role(actor, *ASSESSORS, action="assess threats")
    _writable_threat(actor, threat)
    model = model_current()
    suggestions = suggestions_for(
        viewer=actor, threat=threat, model=model, justification=justification or "threat assessment"
    )
    with transaction.atomic():
        locked = Threat.objects.select_for_update().get(pk=threat.pk)
        open_one = locked.assessments.filter(status__in=[Status.DRAFT, Status.SUBMITTED]).first()
        if open_one is not None:
            raise Conflict(
                f"Version {open_one.number} of this assessment is still "
                f"{open_one.get_status_display().lower()}: finish it first",
                fields={"assessment": ["An assessment is already open"]},
            )
        previous = locked.assessments.order_by("-number").first()
        dims = set(model.dimensions)
        assessment = Assessment.objects.create(
            threat=locked,
            number=(previous.number + 1) if previous else 1,
            status=Status.DRAFT,
            model=model_register(model),
            values={k: v for k, v in (previous.values if previous else {}).items() if k in dims},
            rationales={k: v for k, v in (previous.rationales if previous else {}).items() if k in dims},
            confidence=previous.confidence if previous else "",
            summary=previous.summary if previous else "",
            sources=list(previous.sources) if previous else [],
            suggestions=suggestions,
            assessor=actor,
        )
        event_record(
            locked,
            EventKind.STARTED,
            actor,
            assessment=assessment,
            comment=f"Version {assessment.number}, with {model.label}"
            + (f", from version {previous.number}" if previous else ""),
        )
        audit_record(AuditAction.ALTERATION, actor=actor, obj=assessment, detail={"model": model.label})
        threat_refresh(locked)
    return assessment


def _writable_threat(actor: User, threat: Threat) -> None:
    if not decide(actor, threat).visible:
        raise NotVisible("No such threat")
    if actor.organisation_id != threat.owner_id:
        raise NotAllowed(f"Only {threat.owner.name} assesses this threat; you may read it as shared")


def _check_open(assessment: Assessment) -> None:
    if assessment.status == Status.RETURNED:
        raise Conflict(
            f"Version {assessment.number} was returned and is kept as submitted: revise it as version "
            f"{assessment.number + 1}",
            code="returned_is_final",
            fields={"assessment": ["Returned assessments are kept: revise them as a new version"]},
        )
    if assessment.status == Status.APPROVED:
        raise Conflict(
            f"Version {assessment.number} is approved and cannot be changed: re-assess the threat to "
            f"start version {assessment.number + 1} from it",
            code="approved_is_final",
            fields={"assessment": ["Approved assessments are final: start a new version"]},
        )
    if assessment.status == Status.SUBMITTED:
        raise Conflict(
            f"Version {assessment.number} is waiting for a supervisor's decision and cannot be changed",
            code="awaiting_approval",
            fields={"assessment": ["Submitted assessments cannot be changed"]},
        )


def _clean(
    model: assess.ScoringModel, data: AssessmentInput
) -> tuple[dict[str, int], dict[str, str], dict[str, list[str]]]:
    """Values as whole numbers and rationales as stripped text, with problems by form field."""
    problems: dict[str, list[str]] = {}
    values: dict[str, int] = {}
    for key, raw in data.values.items():
        if raw is None or raw == "":
            continue
        if key not in model.dimensions:
            problems[f"value_{key}"] = [f"{key!r} is not a dimension of {model.label}"]
            continue
        try:
            number = int(str(raw).strip())
        except ValueError:
            number = None
        if number is None or isinstance(raw, bool) or model.dimensions[key].point(number) is None:
            dim = model.dimensions[key]
            problems[f"value_{key}"] = [
                f"{dim.label}: {str(raw).strip()} is outside its scale; choose one of "
                f"{', '.join(map(str, dim.values))}"
            ]
            continue
        values[key] = number
    rationales = {}
    for key, text in data.rationales.items():
        if key not in model.dimensions:
            problems[f"rationale_{key}"] = [f"{key!r} is not a dimension of {model.label}"]
        elif len(str(text)) > MAX_TEXT:
            problems[f"rationale_{key}"] = [f"Use {MAX_TEXT} characters or fewer"]
        elif str(text).strip():
            rationales[key] = str(text).strip()
    if data.confidence and data.confidence not in CONFIDENCE:
        problems["confidence"] = [f"Choose {', '.join(CONFIDENCE.values()).lower()}"]
    return values, rationales, problems


def parse_sources(lines: tuple[str, ...] | list[str]) -> tuple[list[dict[str, str]], list[str]]:
    """Cited sources, one ``kind:id`` per line (``record:12``, ``entity:ab12…``, ``ocg:3``)."""
    out, problems = [], []
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        kind, _, ref = line.partition(":")
        kind, ref = kind.strip().lower(), ref.strip()
        if kind not in SOURCE_KINDS or not ref or len(ref) > 80:
            problems.append(
                f"{line!r} is not a source like record:123 or entity:<id> ({', '.join(SOURCE_KINDS)})"
            )
            continue
        if {"kind": kind, "ref": ref} not in out:
            out.append({"kind": kind, "ref": ref})
    return out, problems


def _diff(
    before: Assessment,
    values: dict[str, int],
    rationales: dict[str, str],
    data: AssessmentInput,
    sources: list[dict[str, str]],
) -> list[dict[str, Any]]:
    changes: list[dict[str, Any]] = []
    for key in sorted(set(before.values) | set(values)):
        if before.values.get(key) != values.get(key):
            changes.append(
                {"field": f"value:{key}", "before": before.values.get(key), "after": values.get(key)}
            )
    for key in sorted(set(before.rationales) | set(rationales)):
        if before.rationales.get(key, "") != rationales.get(key, ""):
            changes.append(
                {
                    "field": f"rationale:{key}",
                    "before": before.rationales.get(key, ""),
                    "after": rationales.get(key, ""),
                }
            )
    for name, old, new in (
        ("confidence", before.confidence, data.confidence),
        ("summary", before.summary, data.summary.strip()),
    ):
        if old != new:
            changes.append({"field": name, "before": old, "after": new})
    if before.sources != sources:
        changes.append({"field": "sources", "before": before.sources, "after": sources})
    return changes


def assessment_save(*, actor: User, assessment: Assessment, data: AssessmentInput) -> Assessment:
    """Save a draft. Values must be on their scales; gaps are allowed until submission."""
    require_role(actor, *ASSESSORS, action="assess threats")
    _writable_threat(actor, assessment.threat)
    _check_open(assessment)
    model = stored_model(assessment.model)
    values, rationales, problems = _clean(model, data)
    sources, source_problems = parse_sources(list(data.sources))
    shown = visible_sources(actor, sources)
    source_problems += [
        f"{s['kind']}:{s['ref']} is not a {s['kind']} you may see" for s in sources if s not in shown
    ]
    if source_problems:
        problems["sources"] = source_problems
    if len(data.summary) > MAX_TEXT:
        problems["summary"] = [f"Use {MAX_TEXT} characters or fewer"]
    if problems:
        raise InvalidInput("The assessment could not be saved", fields=problems)
    with transaction.atomic():
        locked = Assessment.objects.select_for_update().select_related("threat").get(pk=assessment.pk)
        _check_open(locked)
        changes = _diff(locked, values, rationales, data, sources)
        locked.values, locked.rationales, locked.sources = values, rationales, sources
        locked.confidence, locked.summary = data.confidence, data.summary.strip()
        locked.save(update_fields=["values", "rationales", "sources", "confidence", "summary", "updated_at"])
        if changes:
            event_record(locked.threat, EventKind.SAVED, actor, assessment=locked, changes=changes)
            audit_record(
                AuditAction.ALTERATION,
                actor=actor,
                obj=locked,
                detail={"changed": [c["field"] for c in changes]},
            )
    return locked


def assessment_submit(*, actor: User, assessment: Assessment, data: AssessmentInput) -> Assessment:
    """Save and submit for approval: every factor scored on its scale and explained, confidence stated.

    Every problem is reported at once. When the only problems are gaps, the draft is still saved, so
    nothing typed is lost."""
    model = stored_model(assessment.model)
    values, rationales, invalid = _clean(model, data)
    missing: dict[str, list[str]] = {}
    for key, dim in model.dimensions.items():
        if key not in values and f"value_{key}" not in invalid:
            missing[f"value_{key}"] = [f"Choose a value for {dim.label.lower()}"]
        if key not in rationales and f"rationale_{key}" not in invalid:
            missing[f"rationale_{key}"] = [f"Say why you chose this value for {dim.label.lower()}"]
    if not data.confidence and "confidence" not in invalid:
        missing["confidence"] = ["Choose how confident you are in this assessment"]
    message = "The assessment could not be submitted: every factor needs a value on its scale and a rationale"
    if invalid:
        raise InvalidInput(message, fields=invalid | missing)
    saved = assessment_save(actor=actor, assessment=assessment, data=data)
    if saved.assessor_id != actor.pk and not actor.has_role(Role.SUPERVISOR):
        raise NotAllowed("Only the assessor submits their assessment")
    if missing:
        raise InvalidInput(message, fields=missing)
    result = assess.score(model, saved.values)
    with transaction.atomic():
        locked = Assessment.objects.select_for_update().select_related("threat").get(pk=saved.pk)
        _check_open(locked)
        locked.status = Status.SUBMITTED
        locked.submitted_at = timezone.now()
        locked.score, locked.band, locked.band_label, locked.tier = (
            result.score,
            result.band.key,
            result.band.label,
            result.band.tier,
        )
        locked.explanation = result.as_dict()
        locked.save(
            update_fields=["status", "submitted_at", "score", "band", "band_label", "tier", "explanation"]
        )
        comment = f"Score {result.score} ({result.band.label}, tier {result.band.tier})"
        event_record(locked.threat, EventKind.SUBMITTED, actor, assessment=locked, comment=comment)
        audit_record(
            AuditAction.ALTERATION,
            actor=actor,
            obj=locked,
            justification="submitted for approval",
            detail={"score": str(result.score), "band": result.band.key, "model": model.label},
        )
        threat_refresh(locked.threat)
    return locked


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (the month's last day when it has fewer days)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _decidable(actor: User, assessment: Assessment, action: str) -> None:
    require_role(actor, Role.SUPERVISOR, action=f"{action} assessments")
    assessment.refresh_from_db(fields=["status"])  # the caller's copy may predate a submission
    if not decide(actor, assessment.threat).visible:
        raise NotVisible("No such threat")
    if actor.organisation_id != assessment.threat.owner_id:
        raise NotAllowed(f"Only a supervisor of {assessment.threat.owner.name} may {action} this assessment")
    if assessment.assessor_id == actor.pk:
        raise refuse(
            actor,
            f"You cannot {action} your own assessment: another supervisor must",
            hidden=False,
            obj=assessment,
            reason=f"own {action}",
            code="own_assessment",
            fields={"assessment": [f"You cannot {action} your own assessment"]},
        )
    if assessment.status != Status.SUBMITTED:
        raise Conflict(
            f"Only a submitted assessment can be decided; version {assessment.number} is "
            f"{assessment.get_status_display().lower()}",
            fields={"assessment": ["Not waiting for a decision"]},
        )


def assessment_approve(*, actor: User, assessment: Assessment, comment: str = "") -> Assessment:
    """Approve a submitted assessment; its band sets when the threat is due for re-assessment."""
    _decidable(actor, assessment, "approve")
    now = timezone.now()
    with transaction.atomic():
        locked = (
            Assessment.objects.select_for_update().select_related("threat", "model").get(pk=assessment.pk)
        )
        if locked.status != Status.SUBMITTED:
            raise Conflict(
                "Someone decided this assessment a moment ago", fields={"assessment": ["Already decided"]}
            )
        band = next(b for b in stored_model(locked.model).bands if b.key == locked.band)
        earlier = list(
            Assessment.objects.select_for_update()
            .filter(threat_id=locked.threat_id, status=Status.APPROVED, superseded_at__isnull=True)
            .exclude(pk=locked.pk)
        )
        locked.status, locked.supervisor, locked.decided_at = Status.APPROVED, actor, now
        locked.decision_comment = comment.strip()[:MAX_TEXT]
        locked.due_on = add_months(timezone.localdate(now), band.reassess_months)
        locked.save(update_fields=["status", "supervisor", "decided_at", "decision_comment", "due_on"])
        for old in earlier:
            old.superseded_at, old.superseded_by = now, locked
            old.save(update_fields=["superseded_at", "superseded_by"])
        note = (
            f"Re-assessment due {locked.due_on:%d %B %Y} ({band.label}: every {band.reassess_months} months)"
        )
        event_record(
            locked.threat,
            EventKind.APPROVED,
            actor,
            assessment=locked,
            comment="\n".join(p for p in (comment.strip(), note) if p),
        )
        audit_record(
            AuditAction.ALTERATION,
            actor=actor,
            obj=locked,
            justification=comment.strip() or "approved",
            detail={"score": str(locked.score), "band": locked.band, "due_on": locked.due_on.isoformat()},
        )
        threat_refresh(locked.threat)
        if locked.threat.ocg is not None:
            network_services.ocg_threat_approved(
                actor=actor,
                ocg=locked.threat.ocg,
                summary=f"score {_number(locked.score)}, {band.label} (version {locked.number})",
            )
    return locked


def _number(value: Decimal | None) -> str:
    """A stored score as people write it: 51, not 51.0000."""
    return "" if value is None else f"{value.normalize():f}"


def assessment_return(*, actor: User, assessment: Assessment, comment: str) -> Assessment:
    """Return a submitted assessment, saying what to change. The version stays as submitted (final);
    the assessor revises it as the next version."""
    if not comment.strip():
        raise InvalidInput("Say what needs to change", fields={"comment": ["Say what needs to change"]})
    _decidable(actor, assessment, "return")
    with transaction.atomic():
        locked = Assessment.objects.select_for_update().select_related("threat").get(pk=assessment.pk)
        if locked.status != Status.SUBMITTED:
            raise Conflict(
                "Someone decided this assessment a moment ago", fields={"assessment": ["Already decided"]}
            )
        locked.status, locked.supervisor, locked.decided_at = Status.RETURNED, actor, timezone.now()
        locked.decision_comment = comment.strip()[:MAX_TEXT]
        locked.save(update_fields=["status", "supervisor", "decided_at", "decision_comment"])
        event_record(locked.threat, EventKind.RETURNED, actor, assessment=locked, comment=comment.strip())
        audit_record(AuditAction.ALTERATION, actor=actor, obj=locked, justification=comment.strip())
        threat_refresh(locked.threat)
    return locked
