"""Ground truth for evaluating resolution: who each stored person record really is.

Two file shapes are read:

- a plain CSV with ``entity_id,true_id`` (record entity ids as socmap stores them);
- a synthetic region's ``truth/records.csv`` (``file,record_id,field,entity_kind,true_id``), matched
  to stored records through the demo sources (file -> source) and each mapping's entity keys.
"""

from __future__ import annotations

import csv
from pathlib import Path

from socmap.apps.intel import reads
from socmap.apps.intel.demo import DEMO_SOURCES
from socmap.engines.synth.truth_keys import truth_field
from socmap.errors import InvalidInput

MAX_BYTES = 2 << 30


def truth_load(*, path: Path, job: reads.SystemJob) -> dict[str, str]:
    """Record entity id -> true identity, from either shape. Errors name the file and the line.

    Matching a region's truth to stored records reads every person record: a system ``job``."""
    if not path.is_file():
        raise InvalidInput(f"{path}: no such file")
    if path.stat().st_size > MAX_BYTES:
        raise InvalidInput(f"{path}: larger than {MAX_BYTES >> 30} GiB, refused")
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        columns = set(reader.fieldnames or ())
        if {"entity_id", "true_id"} <= columns:
            out = {}
            for line, row in enumerate(reader, start=2):
                if not row.get("entity_id") or not row.get("true_id"):
                    raise InvalidInput(f"{path}, line {line}: entity_id and true_id are both needed")
                out[row["entity_id"]] = row["true_id"]
            return out
        if {"file", "record_id", "field", "entity_kind", "true_id"} <= columns:
            wanted = {
                (row["file"], row["record_id"], row["field"]): row["true_id"]
                for row in reader
                if row["entity_kind"] == "person"
            }
            return _match_region(wanted, job)
    raise InvalidInput(
        f"{path}: expected columns entity_id,true_id or a synthetic region's truth/records.csv "
        f"(file,record_id,field,entity_kind,true_id); found {', '.join(sorted(columns)) or 'none'}"
    )


def _match_region(wanted: dict[tuple[str, str, str], str], job: reads.SystemJob) -> dict[str, str]:
    files = {name: file for file, name, *_ in DEMO_SOURCES}
    out: dict[str, str] = {}
    for entity_id, key, record_key, source in reads.entity_origins(viewer=job, schemas={"Person"}):
        file = files.get(source)
        if file is None:
            continue
        true_id = wanted.get((file, record_key, truth_field(file, key)))
        if true_id:
            out[entity_id] = true_id
    return out
