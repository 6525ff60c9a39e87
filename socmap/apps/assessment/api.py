"""Threat assessment over the API: the model, ranked threats, the assessment workflow, the CSV export."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Status

from socmap.apps.assessment import selectors, services
from socmap.apps.assessment.models import Assessment, Threat
from socmap.apps.assessment.schemas import (
    AssessmentIn,
    AssessmentOut,
    DecisionIn,
    ExportIn,
    ModelOut,
    ThreatIn,
    ThreatOut,
)
from socmap.apps.core.auth import viewer
from socmap.apps.core.schemas import ErrorOut
from socmap.apps.network import selectors as network

router = Router(tags=["assessment"])
ERRORS: dict[int, Any] = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


def _threat(t: Threat) -> dict[str, Any]:
    return {
        "id": t.pk,
        "title": t.title,
        "kind": t.kind,
        "theme": t.theme,
        "level": t.level,
        "owner": t.owner.name,
        "ocg_id": t.ocg_id,
        "score": selectors.plain_number(t.score) or None,
        "band": t.band,
        "tier": t.tier,
        "status": t.status,
        "due_on": t.due_on,
        "overdue": selectors.due_state(t) == "overdue",
    }


def _assessment(a: Assessment) -> dict[str, Any]:
    return {
        "threat_id": a.threat_id,
        "number": a.number,
        "status": a.status,
        "model": str(a.model),
        "values": a.values,
        "rationales": a.rationales,
        "suggestions": a.suggestions,
        "confidence": a.confidence,
        "sources": a.sources,
        "score": selectors.plain_number(a.score) or None,
        "band": a.band,
        "tier": a.tier,
        "explanation": a.explanation,
        "assessor": a.assessor.username,
        "supervisor": a.supervisor.username if a.supervisor else None,
        "submitted_at": a.submitted_at,
        "decided_at": a.decided_at,
        "decision_comment": a.decision_comment,
        "due_on": a.due_on,
    }


def _input(payload: AssessmentIn) -> services.AssessmentInput:
    return services.AssessmentInput(
        values=dict(payload.values),
        rationales=dict(payload.rationales),
        confidence=payload.confidence,
        summary=payload.summary,
        sources=tuple(payload.sources),
    )


@router.get("/assessment/model", response={200: ModelOut}, operation_id="assessment_model_get")
def model_get(request: HttpRequest) -> dict[str, Any]:
    """The scoring model new assessments use: every dimension with the descriptor of every point."""
    m = services.model_current()
    return {
        "name": m.name,
        "version": m.version,
        "title": m.title,
        "sha256": m.sha256,
        "dimensions": [
            {
                "key": d.key,
                "label": d.label,
                "group": d.group,
                "question": d.question,
                "weight": str(d.weight),
                "scale": [p.__dict__ for p in d.scale],
            }
            for d in m.dimensions.values()
        ],
        "bands": [{**b.__dict__, "lower": str(b.lower), "upper": str(b.upper)} for b in reversed(m.bands)],
    }


@router.get("/assessment/threats", response={200: list[ThreatOut]}, operation_id="assessment_threat_list")
def threat_list(
    request: HttpRequest,
    theme: str = "",
    band: str = "",
    force: str = "",
    status: str = "",
    kind: str = "",
    scope: str = "region",
    overdue: bool = False,
    page: int = 1,
) -> list[dict[str, Any]]:
    """Ranked threats (highest score first) the caller may see; ``scope=force`` for the caller's own."""
    filters = selectors.ThreatFilter(
        theme=theme, band=band, force=force, status=status, kind=kind, overdue=overdue, own=scope == "force"
    )
    return [
        _threat(t) for t in selectors.threat_list(viewer=viewer(request), filters=filters, page=page).items
    ]


@router.post(
    "/assessment/threats", response={201: ThreatOut, **ERRORS}, operation_id="assessment_threat_create"
)
def threat_create(request: HttpRequest, payload: ThreatIn) -> Status[dict[str, Any]]:
    """Record a threat and open its first assessment, with suggested values."""
    user = viewer(request)
    ocg = network.ocg_find(viewer=user, ocg_id=payload.ocg_id) if payload.ocg_id else None
    individual = (
        network.individual_find(viewer=user, individual_id=payload.individual_id)
        if payload.individual_id
        else None
    )
    threat = services.threat_create(
        actor=user,
        kind=payload.kind,
        title=payload.title,
        theme=payload.theme,
        level=payload.level,
        description=payload.description,
        ocg=ocg,
        individual=individual,
        handling=payload.handling,
        conditions=payload.conditions,
    )
    services.assessment_start(actor=user, threat=threat, justification="threat recorded over the API")
    return Status(201, _threat(selectors.threat_find(viewer=user, threat_id=threat.pk)))


@router.get(
    "/assessment/threats/{threat_id}/assessments",
    response={200: list[AssessmentOut], 404: ErrorOut},
    operation_id="assessment_version_list",
)
def version_list(request: HttpRequest, threat_id: int, purpose: str) -> list[dict[str, Any]]:
    """Every version of a threat's assessment, newest first: a logged consultation with ``purpose``."""
    view = selectors.threat_get(viewer=viewer(request), threat_id=threat_id, justification=purpose)
    return [_assessment(v.assessment) for v in view.versions]


@router.post(
    "/assessment/threats/{threat_id}/assessments",
    response={201: AssessmentOut, **ERRORS},
    operation_id="assessment_version_start",
)
def version_start(request: HttpRequest, threat_id: int) -> Status[dict[str, Any]]:
    """Open the next version (a re-assessment, or the revision of a returned one)."""
    user = viewer(request)
    threat = selectors.threat_find(viewer=user, threat_id=threat_id)
    return Status(201, _assessment(services.assessment_start(actor=user, threat=threat)))


def _version(request: HttpRequest, threat_id: int, number: int) -> Assessment:
    return selectors.assessment_find(viewer=viewer(request), threat_id=threat_id, number=number)


@router.put(
    "/assessment/threats/{threat_id}/assessments/{number}",
    response={200: AssessmentOut, **ERRORS},
    operation_id="assessment_version_save",
)
def version_save(request: HttpRequest, threat_id: int, number: int, payload: AssessmentIn) -> dict[str, Any]:
    """Save a draft. An approved or submitted version answers 409: start a new version instead."""
    a = services.assessment_save(
        actor=viewer(request), assessment=_version(request, threat_id, number), data=_input(payload)
    )
    return _assessment(a)


@router.post(
    "/assessment/threats/{threat_id}/assessments/{number}/submit",
    response={200: AssessmentOut, **ERRORS},
    operation_id="assessment_version_submit",
)
def version_submit(
    request: HttpRequest, threat_id: int, number: int, payload: AssessmentIn
) -> dict[str, Any]:
    """Save and submit: every factor needs a value on its scale and a rationale (400 names each field)."""
    a = services.assessment_submit(
        actor=viewer(request), assessment=_version(request, threat_id, number), data=_input(payload)
    )
    return _assessment(a)


@router.post(
    "/assessment/threats/{threat_id}/assessments/{number}/approve",
    response={200: AssessmentOut, **ERRORS},
    operation_id="assessment_version_approve",
)
def version_approve(request: HttpRequest, threat_id: int, number: int, payload: DecisionIn) -> dict[str, Any]:
    """Approve (supervisors of the owning organisation; never one's own: 403)."""
    a = services.assessment_approve(
        actor=viewer(request), assessment=_version(request, threat_id, number), comment=payload.comment
    )
    return _assessment(a)


@router.post(
    "/assessment/threats/{threat_id}/assessments/{number}/return",
    response={200: AssessmentOut, **ERRORS},
    operation_id="assessment_version_return",
)
def version_return(request: HttpRequest, threat_id: int, number: int, payload: DecisionIn) -> dict[str, Any]:
    a = services.assessment_return(
        actor=viewer(request), assessment=_version(request, threat_id, number), comment=payload.comment
    )
    return _assessment(a)


@router.post(
    "/assessment/threats/export",
    response={200: None, 400: ErrorOut},
    operation_id="assessment_threat_export",
)
def threat_export(
    request: HttpRequest,
    payload: ExportIn,
    theme: str = "",
    band: str = "",
    force: str = "",
    status: str = "",
) -> HttpResponse:
    """The ranked list as CSV; the justification is audited with the export."""
    filters = selectors.ThreatFilter(theme=theme, band=band, force=force, status=status)
    lines = selectors.threat_export(
        viewer=viewer(request), filters=filters, justification=payload.justification
    )
    return HttpResponse("".join(lines), content_type="text/csv; charset=utf-8")
