from __future__ import annotations

from django.http import HttpRequest
from ninja import Router

from socmap.apps.core.auth import viewer
from socmap.apps.core.schemas import ErrorOut
from socmap.apps.inspections import selectors, services
from socmap.apps.inspections.models import Finding, ImprovementAction, NationalFinding
from socmap.apps.inspections.schemas import (
    ActionOut,
    FindingDetailOut,
    FindingImportIn,
    FindingImportOut,
    FindingListOut,
    NationalFindingDetailOut,
    NationalFindingListOut,
    WithdrawIn,
)

router = Router(tags=["inspections"])


def _finding(f: Finding) -> dict[str, object]:
    return {
        "id": f.pk,
        "reference": f.reference,
        "subject": f.subject.name,
        "kind": f.kind,
        "parent": f.parent.reference if f.parent else None,
        "number": f.number,
        "title": f.title,
        "text": f.text,
        "status": f.status,
        "url": f.url,
        "diagnostics": f.diagnostics,
        "unplaced_text": f.unplaced_text,
        "national": f.national_id,
        "withdrawn_at": f.withdrawn_at,
        "withdrawn_reason": f.withdrawn_reason,
    }


def _detail(f: Finding) -> dict[str, object]:
    return {
        **_finding(f),
        "events": list(f.events.all()),
        "recommendations": [_finding(c) for c in f.children.all()],
    }


def _national(n: NationalFinding) -> dict[str, object]:
    return {
        "id": n.pk,
        "reference": n.reference,
        "kind": n.kind,
        "title": n.title,
        "text": n.text,
        "url": n.url,
        "status": n.status,
        "inspection": n.inspection.title if n.inspection else None,
        "diagnostics": n.diagnostics,
        "unplaced_text": n.unplaced_text,
        "withdrawn_at": n.withdrawn_at,
        "withdrawn_reason": n.withdrawn_reason,
    }


def _national_detail(request: HttpRequest, national_id: int) -> dict[str, object]:
    national, tracks = selectors.national_get(viewer=viewer(request), national_id=national_id)
    return {
        **_national(national),
        "events": list(national.events.all()),
        "tracks": [{"finding": t.pk, "subject": t.subject.name, "status": t.status} for t in tracks],
    }


@router.get("/inspections/findings", response=FindingListOut, operation_id="inspections_finding_list")
def finding_list(
    request: HttpRequest, subject: str = "", kind: str = "", status: str = "", q: str = "", page: int = 1
) -> dict[str, object]:
    filters = selectors.FindingFilter(subject=subject, kind=kind, status=status, text=q)
    result = selectors.finding_list(viewer=viewer(request), filters=filters, page=page)
    return {
        "items": [_finding(f) for f in result.items],
        "page": result.number,
        "pages": result.pages,
        "total": result.total,
    }


@router.get(
    "/inspections/findings/{finding_id}",
    response={200: FindingDetailOut, 404: ErrorOut},
    operation_id="inspections_finding_get",
)
def finding_get(request: HttpRequest, finding_id: int) -> dict[str, object]:
    return _detail(selectors.finding_get(viewer=viewer(request), finding_id=finding_id))


@router.post(
    "/inspections/findings/{finding_id}/withdraw",
    response={200: FindingDetailOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    operation_id="inspections_finding_withdraw",
)
def finding_withdraw(request: HttpRequest, finding_id: int, payload: WithdrawIn) -> dict[str, object]:
    """Withdraw a finding imported by mistake: it is kept, marked withdrawn with the reason (audited)."""
    user = viewer(request)
    finding = selectors.finding_get(viewer=user, finding_id=finding_id)
    services.finding_withdraw(actor=user, finding=finding, reason=payload.reason)
    return _detail(selectors.finding_get(viewer=user, finding_id=finding_id))


@router.post(
    "/inspections/import",
    response={200: FindingImportOut, 400: ErrorOut, 403: ErrorOut, 409: ErrorOut},
    operation_id="inspections_finding_import",
)
def finding_import(request: HttpRequest, payload: FindingImportIn) -> dict[str, object]:
    user = viewer(request)
    subject = selectors.subject_get(viewer=user, slug=payload.subject) if payload.subject else None
    result = services.finding_import(
        actor=user, data=payload.text, source=payload.source[:300], subject=subject
    )
    finding = selectors.finding_get(viewer=user, finding_id=result.finding.pk) if result.finding else None
    return {
        "finding": _detail(finding) if finding is not None else None,
        "national": _national_detail(request, result.national.pk) if result.national is not None else None,
        "outcome": result.outcome,
        "created": result.created,
        "events_added": result.events_added,
        "events_known": result.events_known,
        "recommendations_added": result.recommendations_added,
    }


@router.get(
    "/inspections/national", response=NationalFindingListOut, operation_id="inspections_national_list"
)
def national_list(request: HttpRequest, page: int = 1) -> dict[str, object]:
    """Findings made to every force, stored once; each force's own progress is its tracking finding."""
    result = selectors.national_list(viewer=viewer(request), page=page)
    return {
        "items": [_national(s.national) for s in result.items],
        "page": result.number,
        "pages": result.pages,
        "total": result.total,
    }


@router.get(
    "/inspections/national/{national_id}",
    response={200: NationalFindingDetailOut, 404: ErrorOut},
    operation_id="inspections_national_get",
)
def national_get(request: HttpRequest, national_id: int) -> dict[str, object]:
    return _national_detail(request, national_id)


@router.post(
    "/inspections/national/{national_id}/withdraw",
    response={200: NationalFindingDetailOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    operation_id="inspections_national_withdraw",
)
def national_withdraw(request: HttpRequest, national_id: int, payload: WithdrawIn) -> dict[str, object]:
    user = viewer(request)
    national, _ = selectors.national_get(viewer=user, national_id=national_id)
    services.national_withdraw(actor=user, national=national, reason=payload.reason)
    return _national_detail(request, national_id)


def _action(a: ImprovementAction) -> dict[str, object]:
    return {
        "id": a.pk,
        "reference": a.reference,
        "title": a.title,
        "owner": a.owner.get_full_name() or a.owner.username,
        "due_on": a.due_on,
        "status": a.status,
        "rag": a.rag,
        "findings": [f.reference for f in a.findings.all()],
    }


@router.get("/improvement/actions", response=list[ActionOut], operation_id="inspections_action_list")
def action_list(request: HttpRequest, plan: int | None = None) -> list[dict[str, object]]:
    board = selectors.action_board(viewer=viewer(request), plan_id=plan)
    return [_action(a) for _, _, col in board.columns for a in col]
