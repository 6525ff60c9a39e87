"""API operations to register sources and upload their mappings (preview first, commit when asked)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.http import HttpRequest
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile

from socmap.apps.core.auth import viewer
from socmap.apps.core.schemas import ErrorOut
from socmap.apps.core.services import require_role
from socmap.apps.intel import selectors, services, sources
from socmap.apps.intel.models import Source
from socmap.apps.intel.schemas import MappingOut, SourceIn, SourceOut
from socmap.errors import InvalidInput

router = Router(tags=["intel"])


def source_out(s: Source) -> dict[str, object]:
    return {
        "name": s.name,
        "title": s.title,
        "kind": s.kind,
        "kind_label": s.get_kind_display(),
        "owner": s.owner.name,
        "handling": s.handling,
        "handling_label": s.get_handling_display(),
        "retention_days": s.retention_days,
        "mapping_name": s.mapping_name,
    }


@router.get("/intel/sources", response={200: list[SourceOut]}, operation_id="intel_source_list")
def source_list(request: HttpRequest) -> list[dict[str, object]]:
    return [source_out(s) for s in selectors.source_list(viewer=viewer(request))]


@router.get(
    "/intel/sources/{source}", response={200: SourceOut, 404: ErrorOut}, operation_id="intel_source_get"
)
def source_get(request: HttpRequest, source: str) -> dict[str, object]:
    return source_out(selectors.source_get(viewer=viewer(request), name=source))


@router.post(
    "/intel/sources",
    response={201: SourceOut, 400: ErrorOut, 403: ErrorOut, 409: ErrorOut},
    operation_id="intel_source_register",
)
def source_register(request: HttpRequest, payload: SourceIn) -> Status[dict[str, object]]:
    user = viewer(request)
    require_role(user, *sources.MANAGERS, action="register sources")
    assert user.organisation is not None
    source = services.source_register(actor=user, owner=user.organisation, **payload.dict())
    return Status(201, source_out(source))


@router.post(
    "/intel/sources/{source}/mapping",
    response={200: MappingOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    operation_id="intel_source_mapping_upload",
)
def mapping_upload(
    request: HttpRequest,
    source: str,
    mapping: File[UploadedFile],
    sample: UploadedFile | None = File(None),  # type: ignore[type-arg]  # noqa: B008 - ninja declares parameters so
    commit: Form[bool] = False,
) -> dict[str, object]:
    """Check a mapping (file, line and reason for each problem) and preview the first rows of a
    sample mapped by it; nothing is stored unless ``commit``, which saves it as the source's."""
    user = viewer(request)
    require_role(user, *sources.MANAGERS, action="upload mappings")
    src = selectors.source_get(viewer=user, name=source)
    file_name = Path(mapping.name or "mapping.yaml").name
    text = sources.mapping_text(mapping.read(), file_name)
    checked = sources.mapping_check(text, file_name)
    preview: list[sources.PreviewRow] = []
    if sample is not None:
        if not sample.size:
            raise InvalidInput("The sample is empty", fields={"sample": ["The sample is empty"]})
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / Path(sample.name or "sample").name
            path.write_bytes(sample.read())
            preview = sources.mapping_preview(checked, path, path.name)
    if commit:
        saved = sources.mapping_save(actor=user, name=f"{src.name}.yaml", text=text, file_name=file_name)
        src = sources.source_mapping_set(actor=user, source=src, mapping_name=saved.name)
    return {
        "source": src.name,
        "mapping_name": src.mapping_name,
        "saved": commit,
        "preview": [
            {
                "row": r.row,
                "line": r.line,
                "record_key": r.record_key,
                "quarantined": r.quarantined,
                "reasons": r.reasons,
                "warnings": r.warnings,
                "entities": [{"key": e.key, "schema_name": e.schema, "values": e.values} for e in r.entities],
                "links": r.links,
            }
            for r in preview
        ],
    }
