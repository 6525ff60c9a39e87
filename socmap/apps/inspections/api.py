from __future__ import annotations

from django.http import HttpRequest
from ninja import Router

from socmap.apps.core import selectors as core_selectors
from socmap.apps.core.auth import viewer
from socmap.apps.core.schemas import ErrorOut
from socmap.apps.inspections import selectors, services
from socmap.apps.inspections.models import Finding, ImprovementAction
from socmap.apps.inspections.schemas import (
    ActionOut,
    FindingDetailOut,
    FindingImportIn,
    FindingImportOut,
    FindingListOut,
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
    }


def _detail(f: Finding) -> dict[str, object]:
    return {
        **_finding(f),
        "events": list(f.events.all()),
        "recommendations": [_finding(c) for c in f.children.all()],
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
    "/inspections/import",
    response={200: FindingImportOut, 400: ErrorOut, 403: ErrorOut},
    operation_id="inspections_finding_import",
)
def finding_import(request: HttpRequest, payload: FindingImportIn) -> dict[str, object]:
    user = viewer(request)
    subject = core_selectors.organisation_get(viewer=user, slug=payload.subject) if payload.subject else None
    result = services.finding_import(
        actor=user, data=payload.text, source=payload.source[:300], subject=subject
    )
    finding = selectors.finding_get(viewer=user, finding_id=result.finding.pk)
    return {
        "finding": _detail(finding),
        "created": result.created,
        "events_added": result.events_added,
        "events_known": result.events_known,
        "recommendations_added": result.recommendations_added,
    }


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
