"""Every write of the intel app: sources, batches (ingest), quarantine, withdrawal and erasure.

A batch is ingested in chunks, each in its own transaction, with progress recorded on the batch. Ids
are deterministic, so a batch that failed half way is resumed by running it again: what was stored is
found, not duplicated.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import jellyfish
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from socmap.apps.core.audit import audit_record
from socmap.apps.core.models import AuditAction, Compartment, Handling, Organisation, Role, User
from socmap.apps.core.services import require_role
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
from socmap.engines import ingest
from socmap.errors import Conflict, InvalidInput, NotVisible, SocmapError

log = logging.getLogger("socmap.ingest")
MAPPINGS_DIR = Path(__file__).resolve().parents[2] / "mappings"
CHUNK = 2000
Progress = Callable[[int, int | None], None]
INGESTERS = (Role.ANALYST, Role.INTELLIGENCE_OFFICER, Role.ADMINISTRATOR, Role.PARTNER)


def mapping_path(name: str) -> Path:
    path = (MAPPINGS_DIR / name).resolve()
    if path.parent != MAPPINGS_DIR.resolve() or path.suffix not in (".yaml", ".yml"):
        raise InvalidInput(f"No mapping called {name!r}", fields={"mapping_name": ["Unknown mapping"]})
    if not path.is_file():
        raise InvalidInput(
            f"No mapping called {name!r} in socmap/mappings", fields={"mapping_name": ["Unknown"]}
        )
    return path


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
    ingest.load_mapping(mapping_path(mapping_name))
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
            mapping_name=mapping_name,
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
    if size > settings.SOCMAP_UPLOAD_MAX_BYTES:
        limit = settings.SOCMAP_UPLOAD_MAX_BYTES // (1 << 20)
        raise InvalidInput(
            f"{file_name} is larger than the {limit} MB limit", fields={"file": [f"Over {limit} MB"]}
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


def _statement_id(source: str, record_key: str, entity_key: str, prop: str, value: str) -> str:
    return hashlib.sha1(f"{source}|{record_key}|{entity_key}|{prop}|{value}".encode()).hexdigest()  # noqa: S324


def _search_keys(entity: Any, linked_postcode: str) -> dict[str, str]:
    props = {p: [v.value for v in values] for p, values in entity.properties.items()}

    def first(*names: str) -> str:
        for n in names:
            if props.get(n):
                return str(props[n][0])
        return ""

    keys = {
        "caption": "",
        "name_norm": "",
        "surname_code": "",
        "forename_code": "",
        "birth_date": "",
        "postcode": "",
        "identifier": "",
    }
    if entity.schema == "Person":
        fore, sur = first("first_name"), first("last_name")
        full = " ".join(p for p in (fore, first("middle_names"), sur) if p) or first("full_name", "name")
        keys.update(
            caption=full[:300],
            name_norm=" ".join(full.lower().split())[:300],
            surname_code=jellyfish.metaphone(sur)[:8] if sur else "",
            forename_code=jellyfish.metaphone(fore)[:8] if fore else "",
            birth_date=first("birth_date")[:10],
            postcode=linked_postcode[:10],
        )
    elif entity.schema == "Address":
        keys.update(caption=first("full", "line1", "postcode")[:300], postcode=first("postcode")[:10])
    else:
        ident = first("number", "registration", "account_number", "company_number", "name", "iban")
        keys.update(
            caption=(first("name") or ident)[:300],
            identifier=ident[:100],
            name_norm=first("name").lower()[:300],
        )
    return keys


def _visibility(source: Source, mapped: Any) -> dict[str, Any]:
    handling = mapped.grading.handling if mapped.grading.handling in Handling.values else source.handling
    conditions = mapped.grading.conditions or (source.conditions if handling == Handling.C else "")
    return {
        "owner_id": source.owner_id,
        "handling": handling,
        "conditions": conditions,
        "compartment_id": source.compartment_id,
    }


@dataclass
class Counts:
    rows: int = 0
    records_new: int = 0
    records_seen: int = 0
    statements_new: int = 0
    quarantined: int = 0


def _store_chunk(batch: Batch, source: Source, items: list[Any], now: datetime, counts: Counts) -> None:
    """Store one chunk of mapped and quarantined rows in bulk, in one transaction."""
    mapped_rows = [i for i in items if isinstance(i, ingest.MappedRecord)]
    bad = [i for i in items if isinstance(i, ingest.QuarantinedRow)]
    with transaction.atomic():
        existing = {
            r.record_key: r
            for r in Record.objects.filter(source=source, record_key__in=[m.record_key for m in mapped_rows])
        }
        fresh: list[Record] = []
        seen_again: list[Record] = []
        for mapped in mapped_rows:
            record = existing.get(mapped.record_key)
            if record is None:
                g = mapped.grading
                record = Record(
                    source=source,
                    batch=batch,
                    last_batch=batch,
                    record_key=mapped.record_key,
                    row=mapped.row,
                    raw=dict(mapped.raw),
                    source_evaluation=g.source,
                    intelligence_assessment=g.intelligence,
                    grading_scheme=g.scheme,
                    original_grading=g.original,
                    observed_on=mapped.observed_on,
                    first_seen=now,
                    last_seen=now,
                    **_visibility(source, mapped),
                )
                existing[mapped.record_key] = record
                fresh.append(record)
            elif record.last_batch_id != batch.pk and record not in seen_again:
                record.last_seen, record.last_batch = now, batch
                raw = dict(mapped.raw)
                if raw != record.raw and not any(v.get("raw") == raw for v in record.raw_versions):
                    record.raw_versions = [*record.raw_versions, {"batch": batch.pk, "raw": raw}]
                seen_again.append(record)
        Record.objects.bulk_create(fresh, batch_size=500)
        Record.objects.bulk_update(seen_again, ["last_seen", "last_batch", "raw_versions"], batch_size=500)
        counts.records_new += len(fresh)
        counts.records_seen += len(mapped_rows) - len(fresh)
        counts.statements_new += _store_entities(
            [(existing[m.record_key], m) for m in mapped_rows], source, batch, now
        )
        quarantined = [
            QuarantinedRow(
                batch=batch,
                source=source,
                row=row.row,
                raw_text=row.raw_text,
                raw=dict(row.raw) if row.raw else None,
                errors=[
                    {"file": e.file, "row": e.row, "field": e.field, "message": e.message} for e in row.errors
                ],
                owner_id=source.owner_id,
                handling=source.handling,
                conditions=source.conditions,
                compartment_id=source.compartment_id,
            )
            for row in bad
        ]
        known_rows = set(
            QuarantinedRow.objects.filter(batch=batch, row__in=[q.row for q in quarantined]).values_list(
                "row", flat=True
            )
        )
        QuarantinedRow.objects.bulk_create(
            [q for q in quarantined if q.row not in known_rows], batch_size=500
        )
        counts.quarantined += len([q for q in quarantined if q.row not in known_rows])
        counts.rows += len(items)
        Batch.objects.filter(pk=batch.pk).update(
            rows_done=counts.rows,
            records_new=counts.records_new,
            records_seen=counts.records_seen,
            statements_new=counts.statements_new,
            quarantined=counts.quarantined,
        )


def _insert(model: type[Any], columns: list[str], rows: list[tuple[Any, ...]]) -> None:
    """Insert rows in bulk with plain SQL, skipping ids already stored.

    Statements are the bulk of every ingest (about 18 per row); building a model instance for each costs
    more than the database does, so they go in as tuples. Ids are deterministic, so a conflict is a
    value already held, and is skipped.
    """
    if not rows:
        return
    table = connection.ops.quote_name(model._meta.db_table)
    cols = ", ".join(connection.ops.quote_name(c) for c in columns)
    if connection.vendor == "postgresql":
        _copy_insert(model._meta.db_table, table, cols, rows)
        return
    marks = ", ".join(["%s"] * len(columns))
    sql = f"INSERT INTO {table} ({cols}) VALUES ({marks}) ON CONFLICT DO NOTHING"  # noqa: S608 - names are ours
    with connection.cursor() as cursor:
        for i in range(0, len(rows), 1000):
            cursor.executemany(sql, rows[i : i + 1000])


def _copy_insert(name: str, table: str, cols: str, rows: list[tuple[Any, ...]]) -> None:
    """PostgreSQL: COPY into a temporary table, then insert what is not already held (ten times faster)."""
    staging = connection.ops.quote_name(f"staging_{name}")
    with connection.cursor() as wrapper:
        cursor = wrapper.cursor  # the psycopg cursor, for COPY
        cursor.execute(
            f"CREATE TEMP TABLE IF NOT EXISTS {staging} (LIKE {table} INCLUDING DEFAULTS) "
            "ON COMMIT DELETE ROWS"
        )
        with cursor.copy(f"COPY {staging} ({cols}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        cursor.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM {staging} ON CONFLICT DO NOTHING")  # noqa: S608
        cursor.execute(f"TRUNCATE {staging}")


GOVERNED = ["owner_id", "handling", "conditions", "compartment_id"]
ENTITY_COLUMNS = [
    "id",
    "record_id",
    "key",
    "schema",
    "caption",
    "name_norm",
    "surname_code",
    "forename_code",
    "birth_date",
    "postcode",
    "identifier",
    *GOVERNED,
]
STATEMENT_COLUMNS = [
    "id",
    "record_id",
    "entity_id",
    "schema",
    "prop",
    "value",
    "original",
    "grading",
    "batch_id",
    "first_seen",
    "last_seen",
    *GOVERNED,
]
LINK_COLUMNS = [
    "id",
    "record_id",
    "schema",
    "source_entity_id",
    "target_entity_id",
    "properties",
    "grading",
    "first_seen",
    "last_seen",
    *GOVERNED,
]


def _store_entities(pairs: list[tuple[Record, Any]], source: Source, batch: Batch, now: datetime) -> int:
    """Entities, statements and links of a chunk's records; returns how many statements are new."""
    stamp = connection.ops.adapt_datetimefield_value(now)
    entities: dict[str, tuple[Any, ...]] = {}
    statements: dict[str, tuple[Any, ...]] = {}
    links: dict[str, tuple[Any, ...]] = {}
    for record, mapped in pairs:
        vis = (record.owner_id, record.handling, record.conditions, record.compartment_id)
        ids = {e.key: _statement_id(source.name, record.record_key, e.key, "", "") for e in mapped.entities}
        postcodes: dict[str, str] = {}
        by_key = {e.key: e for e in mapped.entities}
        for link in mapped.links:
            target = by_key.get(link.target)
            if link.schema == "LivesAt" and target is not None and target.properties.get("postcode"):
                postcodes.setdefault(link.source, target.properties["postcode"][0].value)
        for draft in mapped.entities:
            keys = _search_keys(draft, postcodes.get(draft.key, ""))
            entities[ids[draft.key]] = (
                ids[draft.key],
                record.pk,
                draft.key,
                draft.schema,
                keys["caption"],
                keys["name_norm"],
                keys["surname_code"],
                keys["forename_code"],
                keys["birth_date"],
                keys["postcode"],
                keys["identifier"],
                *vis,
            )
            for prop, values in draft.properties.items():
                for value in values:
                    sid = _statement_id(source.name, record.record_key, draft.key, prop, value.value)
                    statements[sid] = (
                        sid,
                        record.pk,
                        ids[draft.key],
                        draft.schema,
                        prop,
                        value.value,
                        value.original,
                        record.grading,
                        batch.pk,
                        stamp,
                        stamp,
                        *vis,
                    )
        for link in mapped.links:
            if link.source not in ids or link.target not in ids:
                continue
            lid = _statement_id(
                source.name, record.record_key, f"{link.source}>{link.target}", link.schema, ""
            )
            props = json.dumps({p: [v.value for v in vs] for p, vs in link.properties.items()})
            links[lid] = (
                lid,
                record.pk,
                link.schema,
                ids[link.source],
                ids[link.target],
                props,
                record.grading,
                stamp,
                stamp,
                *vis,
            )
    have: set[str] = set()
    sids = list(statements)
    for i in range(0, len(sids), 900):
        have |= set(Statement.objects.filter(id__in=sids[i : i + 900]).values_list("id", flat=True))
    _insert(RecordEntity, ENTITY_COLUMNS, list(entities.values()))
    _insert(Statement, STATEMENT_COLUMNS, [row for sid, row in statements.items() if sid not in have])
    _insert(RecordLink, LINK_COLUMNS, list(links.values()))
    seen = list(have)
    for i in range(0, len(seen), 900):
        Statement.objects.filter(id__in=seen[i : i + 900]).exclude(batch=batch).update(last_seen=now)
    return len(statements) - len(have)


def _estimate_rows(path: Path) -> int | None:
    """Rows to expect, for the progress bar: line count of a text file (quoted line breaks overcount)."""
    if path.suffix.lower() not in (".csv", ".jsonl", ".txt", ".json", ".tsv"):
        return None
    lines = 0
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            lines += chunk.count(b"\n")
    return max(lines - (0 if path.suffix.lower() in (".jsonl", ".json") else 1), 1)


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
        mapping = ingest.load_mapping(mapping_path(source.mapping_name))
        total = _estimate_rows(path)
        Batch.objects.filter(pk=batch.pk).update(rows_total=total)
        chunk: list[Any] = []
        for item in ingest.read_source(path, mapping, source_name=batch.file_name):
            chunk.append(item)
            if len(chunk) >= CHUNK:
                _store_chunk(batch, source, chunk, now, counts)
                chunk = []
                if progress:
                    progress(counts.rows, total)
        if chunk:
            _store_chunk(batch, source, chunk, now, counts)
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
    return batch


def record_withdraw(*, actor: User, record: Record, justification: str) -> Record:
    """Withdraw a record: it stays, marked, and no longer counts as current intelligence."""
    if record.owner_id != actor.organisation_id:
        raise NotVisible("No such record")
    if not justification.strip():
        raise InvalidInput("Say why the record is withdrawn", fields={"justification": ["Enter a reason"]})
    with transaction.atomic():
        record.withdrawn_at = timezone.now()
        record.save(update_fields=["withdrawn_at"])
        audit_record(
            AuditAction.ALTERATION,
            actor=actor,
            obj=record,
            justification=justification,
            detail={"withdrawn": True},
        )
    return record


def record_erase(*, actor: User, record: Record, justification: str) -> Record:
    """Erase a record's content (statements, entities, links, raw row). The erasure itself is logged."""
    require_role(actor, Role.ADMINISTRATOR, Role.SUPERVISOR, action="erase records")
    if record.owner_id != actor.organisation_id:
        raise NotVisible("No such record")
    if not justification.strip():
        raise InvalidInput("Say why the record is erased", fields={"justification": ["Enter a reason"]})
    with transaction.atomic():
        counts = {"statements": record.statements.count(), "entities": record.entities.count()}
        RecordLink.objects.filter(record=record).delete()
        Statement.objects.filter(record=record).delete()
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
    mapping = ingest.load_mapping(mapping_path(batch.source.mapping_name))
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
    out = []
    for spec in specs:
        found = Source.objects.filter(name=spec["name"]).first()
        out.append(found or source_register(actor=None, **spec))
    return out
