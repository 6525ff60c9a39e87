"""The ingest engine: source files + YAML mappings -> graded records with entity and link drafts.

Pure Python (no Django). Public API:

- ``load_mapping(path)``: a validated ``Mapping`` (``SourceMapping``) or ``InvalidMapping``.
- ``read_source(path, mapping)``: every data row as a ``MappedRecord`` or a ``QuarantinedRow``,
  streamed; ``InvalidInput`` naming the file, before anything is yielded, if it cannot be read.
- ``file_sha256(path)``: the file's digest, for batches and re-ingest checks.
- ``export_ftm(entities)``: canonical entities with their statements as FollowTheMoney dicts.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from socmap.engines.ingest import ftm
from socmap.engines.ingest.mapper import RawRow, map_row
from socmap.engines.ingest.mapping import load_mapping
from socmap.engines.ingest.types import (
    CanonicalEntity,
    EntityDraft,
    FtmStatement,
    Grading,
    InputLimits,
    LinkDraft,
    MappedRecord,
    QuarantinedRow,
    SourceMapping,
    Value,
)
from socmap.errors import InvalidInput, RowError
from socmap.model.loader import Model, load_model

_T = TypeVar("_T")

Mapping = SourceMapping  # the name the app uses

__all__ = [
    "CanonicalEntity",
    "EntityDraft",
    "FtmStatement",
    "Grading",
    "InputLimits",
    "LinkDraft",
    "MappedRecord",
    "Mapping",
    "QuarantinedRow",
    "SourceMapping",
    "Value",
    "export_ftm",
    "file_sha256",
    "ftm",
    "load_mapping",
    "read_source",
]

MAPPINGS_DIR = Path(__file__).resolve().parents[2] / "mappings"


def file_sha256(path: Path) -> str:
    """SHA-256 of the file's bytes, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def read_source(
    path: Path,
    mapping: SourceMapping,
    *,
    encoding: str | None = None,
    source_name: str = "",
    model: Model | None = None,
    today: date | None = None,
    stripe: tuple[int, int, int] | None = None,
    limits: InputLimits | None = None,
) -> Iterator[MappedRecord | QuarantinedRow]:
    """Stream ``path`` through ``mapping``: one result per data row, nothing lost.

    The file is opened and checked now, so an unreadable file raises ``InvalidInput`` at the call,
    before anything is yielded. ``encoding`` overrides the mapping's, which overrides detection.
    ``source_name`` names the file in row errors (default: the file name).

    ``stripe`` = (index, count, size): map only the rows of every ``count``-th run of ``size`` rows,
    starting with run ``index``, so ``count`` processes can share a file; together they give every
    row once. The rows of other stripes are read but not mapped (mapping is most of the cost).
    """
    model = model or load_model()
    today = today or date.today()
    limits = limits or InputLimits()
    file = source_name or path.name
    if not path.is_file():
        raise InvalidInput(f"{file}: no such file")
    enc = encoding or mapping.encoding
    from socmap.engines.ingest import readers

    if mapping.format == "csv":
        _, _, rows = readers.read_csv(
            path, encoding=enc, delimiter=mapping.delimiter, required=mapping.columns, limits=limits
        )
        return (map_row(mapping, model, r, file=file, today=today) for r in _striped(rows, stripe))
    if mapping.format == "xlsx":
        _, rows = readers.read_xlsx(path, sheet=mapping.sheet, required=mapping.columns, limits=limits)
        return (map_row(mapping, model, r, file=file, today=today) for r in _striped(rows, stripe))
    if mapping.format == "jsonl":
        pairs = readers.read_jsonl(path, encoding=enc, limits=limits)
        return (map_row(mapping, model, r, file=file, today=today) for r, _ in _striped(pairs, stripe))
    if mapping.format == "ftm":
        pairs = readers.read_jsonl(path, encoding=enc, limits=limits)
        return (
            _map_ftm(mapping, model, r, obj, file=file, today=today) for r, obj in _striped(pairs, stripe)
        )
    raise InvalidInput(f"{file}: unsupported format {mapping.format!r}")


def _striped(items: Iterator[_T], stripe: tuple[int, int, int] | None) -> Iterator[_T]:
    if stripe is None:
        return items
    index, count, size = stripe
    if not 0 <= index < count or size < 1:
        raise ValueError(f"stripe {stripe} is not (index < count, count, size >= 1)")
    return (item for n, item in enumerate(items) if (n // size) % count == index)


def _map_ftm(
    mapping: SourceMapping, model: Model, row: RawRow, obj: dict[str, Any] | None, *, file: str, today: date
) -> MappedRecord | QuarantinedRow:
    """One FollowTheMoney entity -> one record holding it whole (see ``ftm``): nothing is dropped,
    and only a line that is not an FtM entity at all is quarantined."""
    from followthemoney import model as ftm_model

    from socmap.engines.ingest import ftm
    from socmap.engines.ingest.mapper import _Problems

    problems = _Problems(file, row.row, row.line)
    for fld, msg in row.errors:
        problems.error(fld, msg)
    named = obj is not None and isinstance(obj.get("schema"), str)  # FtM would keep a number as it is
    if obj is not None and not named:
        problems.error("schema", f"the schema is a FollowTheMoney schema name, not {obj.get('schema')!r}")
    if obj is None or not named:
        return QuarantinedRow(row.row, row.text, row.values, tuple(problems.errors), row.line)
    key = str(obj.get("id") or "")
    schema = ftm_model.get(str(obj.get("schema") or "")) if isinstance(obj.get("schema"), str) else None
    if schema is None:
        problems.error("schema", f"{obj.get('schema')!r} is not a FollowTheMoney schema")
    elif not isinstance(obj.get("properties") or {}, dict):
        problems.error("properties", "properties must be an object of property names to values")
    else:
        try:
            ftm_model.get_proxy(obj, cleaned=False)
        except Exception as exc:  # followthemoney raises InvalidData and others for a bad entity
            problems.error("properties", f"not a FollowTheMoney entity: {exc}")
    if not key:
        problems.error("id", "missing record id")
    if problems.errors or schema is None:
        return QuarantinedRow(row.row, row.text, row.values, tuple(problems.errors), row.line, key)
    entities, links, warnings = ftm.map_entity(model, schema, obj)
    for fld, msg in warnings:
        problems.warn(fld, msg)
    return MappedRecord(
        row=row.row,
        record_key=key,
        raw=ftm.canonical_raw(obj),
        grading=mapping.grading.default or ftm.DEFAULT_GRADING,
        entities=entities,
        links=links,
        observed_on=None,
        warnings=tuple(problems.warnings),
        line=row.line,
        exact=True,
    )


def export_ftm(
    entities: Iterable[CanonicalEntity], *, model: Model | None = None
) -> Iterator[dict[str, Any]]:
    """Canonical entities and links as FollowTheMoney entity dicts.

    Each statement's value goes to the property's FtM name; values FtM rejects are skipped (FtM
    cleans them itself). Links whose schema has no closer FtM equivalent export as ``UnknownLink``
    (subject/object, with the socmap schema as the role). Schemata with no FtM equivalent at all
    (``Phone``) are not exported; their numbers travel as ``phone`` on the people that use them
    only if the caller adds them.
    """
    from followthemoney import model as ftm_model

    model = model or load_model()
    for entity in entities:
        schema = model.schemata.get(entity.schema)
        if schema is None or not schema.ftm:
            continue
        proxy = ftm_model.make_entity(schema.ftm)
        proxy.id = entity.id
        for st in entity.statements:
            prop = schema.properties.get(st.prop)
            if prop is None:
                continue
            name = prop.ftm
            if schema.edge is not None and schema.ftm == "UnknownLink":
                name = {schema.edge.source: "subject", schema.edge.target: "object"}.get(st.prop, name)
            if not name or name not in proxy.schema.properties:
                continue
            proxy.add(name, st.value, quiet=True)
        if schema.ftm == "UnknownLink":
            proxy.add("role", schema.name, quiet=True)
        yield proxy.to_dict()


__all__ += ["RowError"]
