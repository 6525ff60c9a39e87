from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest, StreamingHttpResponse
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile

from socmap.apps.core.auth import viewer
from socmap.apps.core.schemas import ErrorOut
from socmap.apps.intel import ftm, selectors, services
from socmap.apps.intel.models import Batch
from socmap.apps.intel.schemas import BatchOut, HitOut, RecordOut
from socmap.apps.intel.tasks import ingest_batch
from socmap.errors import InvalidInput

router = Router(tags=["intel"])


def _batch(b: Batch, duplicate: bool = False) -> dict[str, object]:
    return {
        "id": b.pk,
        "source": b.source.name,
        "file_name": b.file_name,
        "sha256": b.sha256,
        "status": b.status,
        "message": b.message,
        "rows_done": b.rows_done,
        "rows_total": b.rows_total,
        "records_new": b.records_new,
        "records_seen": b.records_seen,
        "statements_new": b.statements_new,
        "quarantined": b.quarantined,
        "duplicate": duplicate,
    }


@router.post(
    "/intel/ingest",
    response={202: BatchOut, 200: BatchOut, 400: ErrorOut, 404: ErrorOut},
    operation_id="intel_batch_create",
)
def batch_create(
    request: HttpRequest, source: Form[str], file: File[UploadedFile]
) -> Status[dict[str, object]]:
    user = viewer(request)
    src = selectors.source_get(viewer=user, name=source)
    if file.size is None or file.size == 0:
        raise InvalidInput(f"{file.name} is empty", fields={"file": ["The file is empty"]})
    path = services.upload_store(file)
    # The batch and its ingest job are committed together: a server killed between the two would
    # otherwise leave a batch queued with no job to run it.
    with transaction.atomic():
        start = services.batch_create(actor=user, source=src, path=path, file_name=file.name or "upload")
        if not start.duplicate:
            ingest_batch.enqueue(start.batch.pk)
    if start.duplicate:
        return Status(200, _batch(start.batch, duplicate=True))
    start.batch.refresh_from_db()
    return Status(202, _batch(start.batch))


@router.get(
    "/intel/batches/{batch_id}", response={200: BatchOut, 404: ErrorOut}, operation_id="intel_batch_get"
)
def batch_get(request: HttpRequest, batch_id: int) -> dict[str, object]:
    return _batch(selectors.batch_get(viewer=viewer(request), batch_id=batch_id))


@router.get("/intel/people", response={200: list[HitOut], 400: ErrorOut}, operation_id="intel_person_search")
def person_search(
    request: HttpRequest,
    name: str = "",
    birth_date: str = "",
    postcode: str = "",
    phone: str = "",
    vrm: str = "",
    justification: str = "API search",
) -> list[dict[str, object]]:

    user = viewer(request)
    query = selectors.PersonQuery(name=name, birth_date=birth_date, postcode=postcode, phone=phone, vrm=vrm)
    hits = selectors.person_search(viewer=user, query=query)
    selectors.search_audit(actor=user, query=query, justification=justification, results=len(hits))
    return [
        {
            "record_id": h.entity.record_id,
            "entity": h.entity.key,
            "name": h.entity.caption,
            "birth_date": h.entity.birth_date,
            "postcode": h.entity.postcode,
            "source": h.entity.record.source.name,
            "grading": h.entity.record.grading,
            "handling": h.entity.handling,
            "conditions": h.entity.conditions,
            "score": h.score,
        }
        for h in hits
    ]


@router.get(
    "/intel/records/{record_id}", response={200: RecordOut, 404: ErrorOut}, operation_id="intel_record_get"
)
def record_get(request: HttpRequest, record_id: int, justification: str = "API read") -> dict[str, object]:
    view = selectors.record_get(viewer=viewer(request), record_id=record_id, justification=justification)
    r = view.record
    return {
        "id": r.pk,
        "source": r.source.name,
        "record_key": r.record_key,
        "owner": r.owner.name,
        "grading": r.grading,
        "original_grading": r.original_grading,
        "grading_scheme": r.grading_scheme,
        "handling": r.handling,
        "conditions": list(view.conditions),
        "observed_on": r.observed_on,
        "statements": [
            {
                "entity": e.key,
                "schema_name": s.schema,
                "prop": s.prop,
                "value": s.value,
                "original": s.original,
                "grading": s.grading,
                "handling": s.handling,
                "first_seen": s.first_seen,
            }
            for e in view.entities
            for s in e.statements.all()
        ],
    }


@router.get(
    "/intel/sources/{source}/export.ftm",
    response={200: None, 400: ErrorOut, 404: ErrorOut},
    operation_id="intel_source_export_ftm",
)
def source_export_ftm(
    request: HttpRequest, source: str, justification: str, cleaned: bool = False
) -> StreamingHttpResponse:
    """The source's entities and links as FollowTheMoney JSON lines (a disclosure, audited): each
    with the FtM id it arrived with and its values as received (``cleaned``: socmap's cleaned forms)."""
    lines = ftm.source_export(
        viewer=viewer(request), source_name=source, justification=justification, cleaned=cleaned
    )
    response = StreamingHttpResponse(lines, content_type="application/x-ndjson")
    response["Content-Disposition"] = f'attachment; filename="{source}.ftm.json"'
    return response
