"""Every write of the intel app: sources, batches (ingest), quarantine, withdrawal and erasure.

A batch is ingested in chunks, each in its own transaction, with progress recorded on the batch. Ids
are deterministic, so a batch that failed half way is resumed by running it again: what was stored is
found, not duplicated.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from socmap.apps.core.audit import audit_record
from socmap.apps.core.bulk import IN_LIST, chunks, statistics_refresh
from socmap.apps.core.models import AuditAction, Compartment, Handling, Organisation, Role, User
from socmap.apps.core.services import require_role
from socmap.apps.intel import store
from socmap.apps.intel.models import (
    Batch,
    BatchStatus,
    QuarantinedRow,
    QuarantineStatus,
    Record,
    RecordEntity,
    RecordLink,
    Source,
    Statement,
)
from socmap.apps.intel.sources import FTM_MAPPING, mapping_load
from socmap.engines import ingest
from socmap.errors import Conflict, InvalidInput, NotVisible, SocmapError

log = logging.getLogger("socmap.ingest")
CHUNK = 2000
# Files at least this long are mapped in a child process while this one writes (store.pipeline).
PARALLEL_ROWS = 5_000
PARALLEL_BYTES = 2 << 20  # the same for a workbook, whose rows are not counted beforehand
Progress = Callable[[int, int | None], None]
INGESTERS = (Role.ANALYST, Role.INTELLIGENCE_OFFICER, Role.ADMINISTRATOR, Role.PARTNER)


def source_register(
    *,
    actor: User | None,
    owner: Organisation,
    name: str,
    title: str,
    kind: str,
    mapping_name: str,
    handling: str = Handling.P,
    conditions: str = "",
    compartment: Compartment | None = None,
    retention_days: int = 6 * 365,
) -> Source:
    """Register a source; its mapping is loaded and validated now, so a bad one is refused at once."""
    mapping_load(mapping_name or FTM_MAPPING)
    if actor is not None:
        require_role(actor, Role.ADMINISTRATOR, Role.ANALYST, action="register sources")
    with transaction.atomic():
        if Source.objects.filter(name=name).exists():
            raise Conflict(f"A source called {name!r} already exists", fields={"name": ["Already exists"]})
        source = Source.objects.create(
            owner=owner,
            name=name,
            title=title,
            kind=kind,
            mapping_name=mapping_name or FTM_MAPPING,
            handling=handling,
            conditions=conditions,
            compartment=compartment,
            retention_days=retention_days,
        )
        audit_record(AuditAction.COLLECTION, actor=actor, obj=source, detail={"mapping": mapping_name})
    return source


def upload_store(upload: Any) -> Path:
    """Write an uploaded file under MEDIA_ROOT/ingest, named by its hash, streaming chunk by chunk."""
    import tempfile

    folder = Path(settings.MEDIA_ROOT) / "ingest"
    folder.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    with tempfile.NamedTemporaryFile(dir=folder, suffix=".part", delete=False) as out:
        for chunk in upload.chunks():
            digest.update(chunk)
            out.write(chunk)
    final = folder / f"{digest.hexdigest()}{Path(upload.name or '').suffix.lower()[:8]}"
    Path(out.name).replace(final)
    return final


@dataclass(frozen=True)
class BatchStart:
    batch: Batch
    duplicate: bool  # the same file was ingested before: nothing new to do


def batch_create(*, actor: User, source: Source, path: Path, file_name: str) -> BatchStart:
    """Accept a file for a source. The same file twice is recognised by its hash and adds nothing."""
    require_role(actor, *INGESTERS, action="ingest intelligence")
    if source.owner_id != actor.organisation_id:
        raise NotVisible("No such source")
    size = path.stat().st_size
    if size == 0:
        raise InvalidInput(f"{file_name} is empty", fields={"file": [f"{file_name} is empty"]})
    allowed = min(
        source.max_upload_bytes or settings.SOCMAP_UPLOAD_MAX_BYTES, settings.SOCMAP_UPLOAD_MAX_BYTES
    )
    if size > allowed:
        limit = f"{allowed / (1 << 20):,.1f}".removesuffix(".0")
        raise InvalidInput(
            f"{file_name} is {size:,} bytes, larger than the {limit} MB {source.title} accepts",
            fields={"file": [f"{file_name} is over {limit} MB"]},
        )
    sha = ingest.file_sha256(path)
    previous = Batch.objects.filter(source=source, sha256=sha).exclude(status=BatchStatus.REFUSED).first()
    if previous is not None and previous.status == BatchStatus.DONE:
        return BatchStart(previous, duplicate=True)
    if previous is not None:  # a failed or interrupted run of the same file: resume it
        return BatchStart(previous, duplicate=False)
    with transaction.atomic():
        batch = Batch.objects.create(
            source=source,
            file_name=file_name[:255],
            stored_path=str(path),
            sha256=sha,
            size=size,
            created_by=actor,
        )
        audit_record(AuditAction.COLLECTION, actor=actor, obj=batch, detail={"sha256": sha, "size": size})
    return BatchStart(batch, duplicate=False)


def _stamp(now: datetime) -> Any:
    """The batch's time as the database takes it. On PostgreSQL as ISO text: copied in, a text
    timestamp costs psycopg less than half what a ``datetime`` does (1.9 against 4.3 µs a row)."""
    if connection.vendor == "postgresql":
        return now.isoformat()
    return connection.ops.adapt_datetimefield_value(now)


def _context(batch: Batch, source: Source, now: datetime) -> store.Context:
    return store.Context(
        source_name=source.name,
        owner_id=source.owner_id,
        handling=source.handling,
        conditions=source.conditions,
        compartment_id=source.compartment_id,
        batch_id=batch.pk,
        stamp=_stamp(now),
        text_dates=True,
    )


@dataclass
class Counts:
    rows: int = 0
    records_new: int = 0
    records_seen: int = 0
    statements_new: int = 0
    quarantined: int = 0


def _store_chunk(batch: Batch, source: Source, items: list[Any], now: datetime, counts: Counts) -> None:
    """Store one chunk of mapped and quarantined rows in bulk, in one transaction."""
    _store_prepared(batch, source, store.prepare(items, _context(batch, source, now)), now, counts)


def _store_prepared(
    batch: Batch,
    source: Source,
    chunk: store.Prepared,
    now: datetime,
    counts: Counts,
    *,
    relaxed: bool = False,
) -> None:
    """Store one prepared chunk in one transaction (see ``store`` for how and why).

    ``relaxed``: a chunk of a batch run, whose commit need not wait for the disk (the run's final,
    audited commit does). Anything else, like a resubmitted row with its audit event, commits as usual.
    """
    stamp = _stamp(now)
    with transaction.atomic():
        if relaxed:
            store.synchronous_commit_off()
        first: dict[str, tuple[Any, ...]] = {}
        for rec in chunk.records:
            first.setdefault(rec[0], rec)
        keys = list(first)
        held = store.records_held(source.pk, keys)
        pks: dict[str, int] = {key: pk for pk, key, _ in held}
        again = [pk for pk, _, last_batch in held if last_batch != batch.pk]
        fresh = [key for key in keys if key not in pks]
        tail = (source.pk, batch.pk, batch.pk, "[]", stamp, stamp, source.owner_id, source.compartment_id)
        rows = [first[key] + tail for key in fresh]
        ids = store.new_record_ids(len(rows))
        if ids is not None:
            numbered = [(pk, *row) for pk, row in zip(ids, rows, strict=True)]
            store.insert_new("intel_record", ["id", *store.RECORD_COLUMNS], numbered)
            pks.update(zip(fresh, ids, strict=True))
        elif rows:
            store.insert_missing("intel_record", store.RECORD_COLUMNS, rows)
            pks.update((key, pk) for pk, key, _ in store.records_held(source.pk, fresh))
        if again:
            _seen_again(again, first, batch, now)
        counts.records_new += len(fresh)
        counts.records_seen += len(chunk.records) - len(fresh)
        counts.statements_new += _store_entities(chunk, pks, set(fresh), batch, now)
        counts.quarantined += _store_quarantined(chunk, batch, source)
        counts.rows += chunk.rows
        Batch.objects.filter(pk=batch.pk).update(
            rows_done=counts.rows,
            records_new=counts.records_new,
            records_seen=counts.records_seen,
            statements_new=counts.statements_new,
            quarantined=counts.quarantined,
        )


def _store_quarantined(chunk: store.Prepared, batch: Batch, source: Source) -> int:
    """Keep the chunk's rows that failed mapping, with their reasons, once each; returns how many."""
    quarantined = [
        QuarantinedRow(
            batch=batch,
            source=source,
            owner_id=source.owner_id,
            handling=source.handling,
            conditions=source.conditions,
            compartment_id=source.compartment_id,
            **q,
        )
        for q in chunk.quarantined
    ]
    known_rows = set(
        QuarantinedRow.objects.filter(batch=batch, row__in=[q.row for q in quarantined]).values_list(
            "row", flat=True
        )
    )
    added = [q for q in quarantined if q.row not in known_rows]
    QuarantinedRow.objects.bulk_create(added, batch_size=500)
    return len(added)


def _seen_again(pks: list[int], first: dict[str, tuple[Any, ...]], batch: Batch, now: datetime) -> None:
    """Records held before, in a newer extract: last seen now, and a changed row kept as a version."""
    records = list(Record.objects.filter(pk__in=pks).only("id", "record_key", "raw", "raw_versions"))
    for record in records:
        record.last_seen, record.last_batch = now, batch
        raw = json.loads(first[record.record_key][2])
        if raw != record.raw and not any(v.get("raw") == raw for v in record.raw_versions):
            record.raw_versions = [*record.raw_versions, {"batch": batch.pk, "raw": raw}]
    Record.objects.bulk_update(records, ["last_seen", "last_batch", "raw_versions"], batch_size=500)


def _store_entities(
    chunk: store.Prepared, pks: dict[str, int], fresh: set[str], batch: Batch, now: datetime
) -> int:
    """Entities, statements and links of a chunk's records; returns how many statements are new.

    Rows of records created by this chunk go straight in; rows of records held before are checked,
    and statements held already are only marked as seen again.
    """
    held_pks = sorted({pks[key] for key in pks if key not in fresh})
    held: dict[tuple[int, str], str] = {}
    if held_pks:
        held = {
            (record_id, key): eid
            for eid, record_id, key in store.select_in(
                "SELECT id, record_id, key FROM intel_recordentity WHERE record_id IN ({marks})", [], held_pks
            )
        }
    rows = store.place(chunk, pks, fresh, held)
    store.insert_new("intel_recordentity", store.ENTITY_COLUMNS, rows.entities)
    store.insert_new("intel_statement", store.STATEMENT_COLUMNS, rows.statements)
    store.insert_new("intel_recordlink", store.LINK_COLUMNS, rows.links)
    new = len(rows.statements)
    if rows.old_statements:
        stored = store.select_in(
            "SELECT id, entity_id, key, batch_id FROM intel_statement WHERE entity_id IN ({marks})",
            [],
            sorted({s[2] for s in rows.old_statements}),
        )
        have = {(entity_id, key): (pk, batch_id) for pk, entity_id, key, batch_id in stored}
        store.insert_missing("intel_recordentity", store.ENTITY_COLUMNS, rows.old_entities)
        missing = [s for s in rows.old_statements if (s[2], s[0]) not in have]
        store.insert_missing("intel_statement", store.STATEMENT_COLUMNS, missing)
        wanted = {(s[2], s[0]) for s in rows.old_statements}
        seen = [pk for found, (pk, batch_id) in have.items() if found in wanted and batch_id != batch.pk]
        for part in chunks(seen, IN_LIST):
            Statement.objects.filter(id__in=part).update(last_seen=now)
        new += len(missing)
    if rows.old_links:
        # By its ends, not its id: links stored before ids were numbered keep their hashed ids.
        linked = {
            tuple(r)
            for r in store.select_in(
                "SELECT record_id, schema, source_entity_id, target_entity_id FROM intel_recordlink "
                "WHERE record_id IN ({marks})",
                [],
                sorted({r[1] for r in rows.old_links}),
            )
        }
        store.insert_missing(
            "intel_recordlink", store.LINK_COLUMNS, [r for r in rows.old_links if r[1:5] not in linked]
        )
    return new


def _estimate_rows(path: Path) -> int | None:
    """Rows to expect, for the progress bar: line count of a text file (quoted line breaks overcount)."""
    if path.suffix.lower() not in (".csv", ".jsonl", ".txt", ".json", ".tsv"):
        return None
    lines = 0
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            lines += chunk.count(b"\n")
    return max(lines - (0 if path.suffix.lower() in (".jsonl", ".json") else 1), 1)


def ingest_limits() -> ingest.InputLimits:
    """What one source file may hold (settings SOCMAP_INGEST_*; the engine's defaults otherwise)."""
    return ingest.InputLimits(**settings.SOCMAP_INGEST_LIMITS)


def batch_run(*, batch_id: int, progress: Progress | None = None) -> Batch:
    """Ingest a batch's file. Safe to run again after a failure: stored rows are found, not duplicated."""
    batch = Batch.objects.select_related("source", "created_by").get(pk=batch_id)
    if batch.status == BatchStatus.DONE:
        return batch
    source = batch.source
    path = Path(batch.stored_path)
    Batch.objects.filter(pk=batch.pk).update(
        status=BatchStatus.RUNNING, started_at=timezone.now(), message=""
    )
    now = timezone.now()
    counts = Counts()
    try:
        mapping = mapping_load(source.mapping_name)
        total = _estimate_rows(path)
        Batch.objects.filter(pk=batch.pk).update(rows_total=total)
        long_file = total >= PARALLEL_ROWS if total is not None else path.stat().st_size >= PARALLEL_BYTES
        lanes = store.lanes() if long_file else 0

        def open_results(stripe: store.Stripe | None) -> Iterator[Any]:
            return ingest.read_source(
                path, mapping, source_name=batch.file_name, stripe=stripe, limits=ingest_limits()
            )

        if lanes == 0:
            results = open_results(None)  # an unreadable file is refused here, before anything
            chunks = store.pipeline(lambda _: results, _context(batch, source, now), size=CHUNK, lanes=0)
        else:  # each mapping process opens the file; one that cannot read it says why
            chunks = store.pipeline(open_results, _context(batch, source, now), size=CHUNK, lanes=lanes)
        try:
            with store.fewer_collections():
                for chunk in chunks:
                    _store_prepared(batch, source, chunk, now, counts, relaxed=True)
                    if progress:
                        progress(counts.rows, total)
        finally:
            chunks.close()  # stops the mapping process if writing failed
        if progress:
            progress(counts.rows, counts.rows)
    except SocmapError as exc:
        # Refused whole: a file that cannot be read at all writes nothing before its first row.
        status = BatchStatus.REFUSED if counts.rows == 0 else BatchStatus.FAILED
        Batch.objects.filter(pk=batch.pk).update(status=status, message=str(exc), finished_at=timezone.now())
        raise
    except Exception as exc:
        log.exception("batch %s failed", batch.pk)
        Batch.objects.filter(pk=batch.pk).update(
            status=BatchStatus.FAILED,
            finished_at=timezone.now(),
            message=f"Stopped at row {counts.rows}: {exc}. Run it again to resume.",
        )
        raise
    with transaction.atomic():
        Batch.objects.filter(pk=batch.pk).update(
            status=BatchStatus.DONE, finished_at=timezone.now(), rows_total=counts.rows
        )
        batch.refresh_from_db()
        audit_record(
            AuditAction.COLLECTION,
            actor=batch.created_by,
            obj=batch,
            justification=f"ingest of {batch.file_name}",
            detail={
                "rows": counts.rows,
                "records_new": counts.records_new,
                "statements_new": counts.statements_new,
                "quarantined": counts.quarantined,
            },
        )
    statistics_refresh(Record, RecordEntity, Statement, RecordLink, changed=counts.statements_new)
    return batch


def record_erase(*, actor: User, record: Record, justification: str) -> Record:
    """Erase a record's content (statements, entities, links, raw row). The erasure itself is logged."""
    require_role(actor, Role.ADMINISTRATOR, Role.SUPERVISOR, action="erase records")
    if record.owner_id != actor.organisation_id:
        raise NotVisible("No such record")
    if not justification.strip():
        raise InvalidInput("Say why the record is erased", fields={"justification": ["Enter a reason"]})
    with transaction.atomic():
        counts = {
            "statements": Statement.objects.filter(entity__record=record).count(),
            "entities": record.entities.count(),
        }
        RecordLink.objects.filter(record=record).delete()
        Statement.objects.filter(entity__record=record).delete()
        RecordEntity.objects.filter(record=record).delete()
        record.raw = {}
        record.raw_versions = []
        record.erased_at = timezone.now()
        record.save(update_fields=["raw", "raw_versions", "erased_at"])
        audit_record(AuditAction.ERASURE, actor=actor, obj=record, justification=justification, detail=counts)
    return record


def quarantine_resubmit(*, actor: User, row: QuarantinedRow, fixed: dict[str, str]) -> QuarantinedRow:
    """Map a corrected row; on success it becomes a record and the quarantined row is closed."""
    from socmap.apps.intel import resubmit

    if row.owner_id != actor.organisation_id:
        raise NotVisible("No such row")
    if row.status != QuarantineStatus.OPEN:
        raise Conflict("This row was already dealt with")
    batch = row.batch
    mapping = mapping_load(batch.source.mapping_name)
    items = list(resubmit.map_fixed_row(mapping, batch, row, fixed))
    if not items or isinstance(items[0], ingest.QuarantinedRow):
        errors = items[0].errors if items else ()
        raise InvalidInput(
            "The row still has problems",
            fields={e.field or "row": [e.message] for e in errors} or {"row": ["Empty"]},
        )
    with transaction.atomic():
        counts = Counts()
        _store_chunk(batch, batch.source, items, timezone.now(), counts)
        record = Record.objects.get(source=batch.source, record_key=items[0].record_key)
        row.status = QuarantineStatus.RESUBMITTED
        row.resolved_record = record
        row.resolved_by = actor
        row.resolved_at = timezone.now()
        row.save(update_fields=["status", "resolved_record", "resolved_by", "resolved_at"])
        Batch.objects.filter(pk=batch.pk).update(quarantined=batch.quarantine.filter(status="open").count())
        audit_record(
            AuditAction.ALTERATION,
            actor=actor,
            obj=record,
            justification="quarantined row fixed",
            detail={"row": row.row, "batch": batch.pk},
        )
    return row


def sources_ensure(specs: Iterable[dict[str, Any]]) -> list[Source]:
    specs = list(specs)
    held = {s.name: s for s in Source.objects.filter(name__in=[spec["name"] for spec in specs])}
    return [held.get(spec["name"]) or source_register(actor=None, **spec) for spec in specs]
