"""The core API: health, who am I, organisations, documents, tokens, the audit log."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.db import connection
from django.http import HttpRequest
from ninja import Query, Router, Status

import socmap
from socmap.apps.core import selectors, services
from socmap.apps.core.auth import viewer
from socmap.apps.core.models import Document
from socmap.apps.core.schemas import (
    AuditListOut,
    DocumentListOut,
    DocumentOut,
    ErrorOut,
    HealthOut,
    MeOut,
    OrganisationOut,
    TokenCreatedOut,
    TokenIn,
    TokenOut,
)

router = Router(tags=["core"])
public = Router(tags=["core"])


@public.get("/health", response=HealthOut, auth=None, operation_id="core_health_get")
def health(request: HttpRequest) -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return {"status": "ok", "database": connection.vendor, "version": socmap.__version__}


def _org(org: object) -> dict[str, str] | None:
    if org is None:
        return None
    return {k: getattr(org, k) for k in ("slug", "name", "kind", "partner_type", "code")}


@router.get("/me", response=MeOut, operation_id="core_me_get")
def me(request: HttpRequest) -> dict[str, object]:
    user = viewer(request)
    return {
        "username": user.get_username(),
        "name": user.get_full_name(),
        "organisation": _org(user.organisation),
        "roles": sorted(user.role_set()),
    }


@router.get("/organisations", response=list[OrganisationOut], operation_id="core_organisation_list")
def organisation_list(request: HttpRequest) -> list[dict[str, str] | None]:
    return [_org(o) for o in selectors.organisation_list(viewer=viewer(request))[:500]]


def _document(doc: Document, conditions: Sequence[str]) -> dict[str, object]:
    return {
        "id": doc.pk,
        "title": doc.title,
        "description": doc.description,
        "owner": doc.owner.name,
        "handling": doc.handling,
        "compartment": doc.compartment.name if doc.compartment else None,
        "conditions": list(conditions),
        "original_name": doc.original_name,
        "content_type": doc.content_type,
        "size": doc.size,
        "sha256": doc.sha256,
        "created_at": doc.created_at,
    }


@router.get("/documents", response=DocumentListOut, operation_id="core_document_list")
def document_list(request: HttpRequest, q: str = "", page: int = 1, per_page: int = 25) -> dict[str, object]:
    result = selectors.document_list(viewer=viewer(request), query=q, page=page, per_page=per_page)
    return {
        "items": [_document(d, [d.conditions] if d.conditions else []) for d in result.items],
        "page": result.number,
        "pages": result.pages,
        "total": result.total,
    }


@router.get(
    "/documents/{document_id}",
    response={200: DocumentOut, 404: ErrorOut},
    operation_id="core_document_get",
)
def document_get(
    request: HttpRequest, document_id: int, justification: str = "API read"
) -> dict[str, object]:
    view = selectors.document_get(
        viewer=viewer(request), document_id=document_id, justification=justification
    )
    return _document(view.document, view.conditions)


@router.get("/tokens", response=list[TokenOut], operation_id="core_token_list")
def token_list(request: HttpRequest) -> list[object]:
    return list(selectors.token_list(viewer=viewer(request))[:200])


@router.post("/tokens", response={201: TokenCreatedOut, 400: ErrorOut}, operation_id="core_token_create")
def token_create(request: HttpRequest, payload: TokenIn) -> Status[dict[str, object]]:
    token, secret = services.token_create(actor=viewer(request), name=payload.name)
    out = TokenOut.from_orm(token).dict()
    return Status(201, {**out, "secret": secret})


@router.delete(
    "/tokens/{token_id}", response={200: TokenOut, 404: ErrorOut}, operation_id="core_token_revoke"
)
def token_revoke(request: HttpRequest, token_id: int) -> object:
    return services.token_revoke(actor=viewer(request), token_id=token_id)


@router.get("/audit", response={200: AuditListOut, 403: ErrorOut}, operation_id="core_audit_list")
def audit_list(
    request: HttpRequest,
    action: str = "",
    actor: str = "",
    object_type: str = "",
    object_id: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
    page: int = 1,
    per_page: int = Query(50, le=200),  # type: ignore[type-arg]
) -> dict[str, object]:
    filters = selectors.AuditFilter(
        action=action,
        actor=actor,
        object_type=object_type,
        object_id=object_id,
        date_from=date_from,
        date_to=date_to,
    )
    result = selectors.audit_list(viewer=viewer(request), filters=filters, page=page, per_page=per_page)
    return {
        "items": list(result.items),
        "page": result.number,
        "pages": result.pages,
        "total": result.total,
    }
