"""Map a corrected quarantined row through its source's mapping, as the engine maps any row."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.utils import timezone

from socmap.apps.intel.models import Batch, QuarantinedRow
from socmap.engines import ingest
from socmap.engines.ingest.mapper import RawRow, map_row
from socmap.model.loader import load_model


def map_fixed_row(
    mapping: ingest.Mapping, batch: Batch, row: QuarantinedRow, fixed: dict[str, str]
) -> Iterator[Any]:
    text = ",".join(fixed.values())
    raw = RawRow(row=row.row, line=0, text=text, values={k: str(v) for k, v in fixed.items()})
    yield map_row(mapping, load_model(), raw, file=batch.file_name, today=timezone.localdate())
