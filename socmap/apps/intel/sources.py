"""Sources and their mappings, managed in the service: a mapping may be uploaded from anywhere,
is validated when it comes (file, line and reason), and can be tried on the first rows of an
extract (the entities they map to and the reasons any would be quarantined) before it is saved.
A FollowTheMoney source needs no mapping: ``ftm.yaml`` ships with socmap (ADR 0014).
"""

from __future__ import annotations

import hashlib
import itertools
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from socmap.apps.core.audit import audit_record
from socmap.apps.core.models import AuditAction, Role, User
from socmap.apps.core.services import require_role
from socmap.apps.intel.models import MappingFile, Source
from socmap.engines import ingest
from socmap.errors import InvalidInput, InvalidMapping, NotVisible

MAPPINGS_DIR = Path(__file__).resolve().parents[2] / "mappings"
FTM_MAPPING = "ftm.yaml"
PREVIEW_ROWS = 10
MAPPING_MAX_BYTES = 1 << 20
MANAGERS = (Role.ADMINISTRATOR, Role.ANALYST)


def mapping_path(name: str) -> Path:
    """A mapping shipped with socmap, by file name."""
    path = (MAPPINGS_DIR / name).resolve()
    if path.parent != MAPPINGS_DIR.resolve() or path.suffix not in (".yaml", ".yml"):
        raise InvalidInput(f"No mapping called {name!r}", fields={"mapping_name": ["Unknown mapping"]})
    if not path.is_file():
        raise InvalidInput(
            f"No mapping called {name!r} (neither uploaded nor shipped in socmap/mappings)",
            fields={"mapping_name": ["Unknown mapping"]},
        )
    return path


def mapping_load(name: str) -> ingest.Mapping:
    """A source's mapping by name: an uploaded one first, else one shipped with socmap."""
    held = MappingFile.objects.filter(name=name).first()
    if held is not None:
        return ingest.load_mapping(Path(held.file_name), text=held.text)
    return ingest.load_mapping(mapping_path(name))


def mapping_names() -> list[str]:
    """Every mapping a source may name: uploaded, then shipped."""
    shipped = sorted(p.name for p in MAPPINGS_DIR.glob("*.yaml"))
    return [*MappingFile.objects.values_list("name", flat=True), *shipped]


def mapping_text(data: bytes, file_name: str) -> str:
    """An uploaded mapping's text; refused, naming the file, when it is not a small UTF-8 text."""
    if not data:
        raise InvalidMapping(f"{file_name}: the file is empty", fields={"mapping": [f"{file_name} is empty"]})
    if len(data) > MAPPING_MAX_BYTES:
        raise InvalidMapping(
            f"{file_name}: {len(data):,} bytes is too large for a mapping (1 MB at most)",
            fields={"mapping": ["Too large"]},
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidMapping(
            f"{file_name}: not UTF-8 text ({exc.reason} at byte {exc.start})",
            fields={"mapping": ["Not text"]},
        ) from exc


def mapping_check(text: str, file_name: str) -> ingest.Mapping:
    """The mapping, validated; ``InvalidMapping`` names the file, the line and the reason."""
    try:
        return ingest.load_mapping(Path(file_name or "mapping.yaml"), text=text)
    except InvalidMapping as exc:
        raise InvalidMapping(
            exc.message, fields={"mapping": exc.message.splitlines() or [exc.message]}
        ) from exc


@dataclass(frozen=True)
class PreviewEntity:
    key: str
    schema: str
    values: list[tuple[str, str]]  # (property, value as received)


@dataclass(frozen=True)
class PreviewRow:
    row: int
    line: int
    record_key: str
    entities: list[PreviewEntity] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)  # why it would be quarantined
    warnings: list[str] = field(default_factory=list)

    @property
    def quarantined(self) -> bool:
        return bool(self.reasons)


def mapping_preview(
    mapping: ingest.Mapping, sample: Path, file_name: str, rows: int = PREVIEW_ROWS
) -> list[PreviewRow]:
    """The first ``rows`` rows of ``sample`` as ``mapping`` maps them. Nothing is stored."""
    from socmap.apps.intel.services import ingest_limits

    results = ingest.read_source(sample, mapping, source_name=file_name, limits=ingest_limits())
    out: list[PreviewRow] = []
    for item in itertools.islice(results, rows):
        if isinstance(item, ingest.QuarantinedRow):
            reasons = [f"{e.field}: {e.message}" if e.field else e.message for e in item.errors]
            out.append(PreviewRow(item.row, item.line, item.record_key, reasons=reasons))
            continue
        entities = [
            PreviewEntity(
                e.key, e.schema, [(p, v.original or v.value) for p, vs in e.properties.items() for v in vs]
            )
            for e in item.entities
        ]
        links = [f"{link.schema}: {link.source} → {link.target}" for link in item.links]
        warnings = [f"{w.field}: {w.message}" for w in item.warnings]
        out.append(PreviewRow(item.row, item.line, item.record_key, entities, links, warnings=warnings))
    return out


def mapping_save(*, actor: User, name: str, text: str, file_name: str) -> MappingFile:
    """Save (or replace) an uploaded mapping after validating it; audited."""
    require_role(actor, *MANAGERS, action="upload mappings")
    name = name.strip()
    if not name or len(name) > 120 or "/" in name:
        raise InvalidInput(
            "A mapping needs a name (up to 120 characters, no /)", fields={"name": ["Bad name"]}
        )
    mapping_check(text, file_name)
    with transaction.atomic():
        held = MappingFile.objects.filter(name=name).first()
        if held is not None and held.owner_id != actor.organisation_id:
            raise InvalidInput(
                f"A mapping called {name!r} belongs to another organisation", fields={"name": ["Taken"]}
            )
        digest = hashlib.sha256(text.encode()).hexdigest()
        saved, _ = MappingFile.objects.update_or_create(
            name=name,
            defaults={
                "file_name": file_name[:255],
                "text": text,
                "sha256": digest,
                "owner_id": actor.organisation_id,
                "uploaded_by": actor,
            },
        )
        audit_record(
            AuditAction.COLLECTION, actor=actor, obj=saved, detail={"mapping": name, "sha256": digest}
        )
    return saved


def source_mapping_set(*, actor: User, source: Source, mapping_name: str) -> Source:
    """Point a source at another mapping (validated now); only its owner may."""
    require_role(actor, *MANAGERS, action="change a source's mapping")
    if source.owner_id != actor.organisation_id:
        raise NotVisible("No such source")
    mapping_load(mapping_name)
    with transaction.atomic():
        Source.objects.filter(pk=source.pk).update(mapping_name=mapping_name)
        source.mapping_name = mapping_name
        audit_record(AuditAction.COLLECTION, actor=actor, obj=source, detail={"mapping": mapping_name})
    return source
