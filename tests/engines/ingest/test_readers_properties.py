"""Property tests of the source readers (CSV, XLSX, JSON lines) through the shipped mappings.

For any rows a source might hold, written in the mapping's format: nothing crashes, and every data
row comes back once, in order, either accepted (a record) or quarantined with its reason (no lost row,
no invented row). For any bytes at all: the file is refused with ``InvalidInput`` naming it, or read
row by row with nothing but records and quarantined rows. Reading streams: memory does not grow with
the number of rows.
"""

from __future__ import annotations

import csv
import json
import tempfile
import tracemalloc
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from socmap.engines.ingest import MAPPINGS_DIR, MappedRecord, QuarantinedRow, load_mapping, read_source
from socmap.engines.ingest.readers import CHUNK
from socmap.engines.ingest.types import SourceMapping
from socmap.errors import InvalidInput
from tests.engines.ingest.strategies import VALUE, XLSX_ILLEGAL, rows

MAPPINGS = {p.stem: load_mapping(p) for p in sorted(MAPPINGS_DIR.glob("*.yaml"))}
CSV_MAPPINGS = sorted(name for name, m in MAPPINGS.items() if m.format == "csv")
FILE_CASES = settings(max_examples=40, suppress_health_check=[HealthCheck.too_slow])


def _header(mapping: SourceMapping) -> list[str]:
    return sorted(mapping.columns)


def _results(path: Path, mapping: SourceMapping) -> list[MappedRecord | QuarantinedRow]:
    out = list(read_source(path, mapping, source_name=path.name))
    for result in out:
        assert isinstance(result, MappedRecord | QuarantinedRow), type(result)
        if isinstance(result, QuarantinedRow):
            assert result.errors and all(e.message for e in result.errors), result
    assert [r.row for r in out] == list(range(1, len(out) + 1)), "rows numbered 1.. in order, none twice"
    return out


def _write_csv(path: Path, header: list[str], data: Iterable[list[str]], delimiter: str) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(data)


@given(name=st.sampled_from(CSV_MAPPINGS), data=st.data())
@FILE_CASES
def test_every_csv_row_is_a_record_or_quarantined(name: str, data: st.DataObject) -> None:
    mapping = MAPPINGS[name]
    header = _header(mapping)
    body = data.draw(rows(len(header)))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{name}.csv"
        _write_csv(path, header, body, mapping.delimiter or ",")
        out = _results(path, mapping)
    assert len(out) == len(body)


def _nest(header: list[str], values: list[Any]) -> dict[str, Any]:
    obj: dict[str, Any] = {}
    for column, value in zip(header, values, strict=True):
        *parents, leaf = column.split(".")
        node = obj
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = value
    return obj


JSON_VALUE = st.one_of(
    VALUE, st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.lists(VALUE, max_size=3)
)


@given(
    body=st.lists(
        st.lists(
            JSON_VALUE,
            min_size=len(_header(MAPPINGS["financial"])),
            max_size=len(_header(MAPPINGS["financial"])),
        ),
        max_size=12,
    ),
    junk=st.lists(
        st.tuples(st.integers(0, 12), st.sampled_from(["{", "[1]", '"x"', "{]", "null", "{" * 40 + "}"])),
        max_size=3,
    ),
)
@FILE_CASES
def test_every_json_line_is_a_record_or_quarantined(
    body: list[list[Any]], junk: list[tuple[int, str]]
) -> None:
    mapping = MAPPINGS["financial"]
    header = _header(mapping)
    lines = [json.dumps(_nest(header, values), ensure_ascii=False) for values in body]
    for at, text in junk:
        lines.insert(min(at, len(lines)), text)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "financial.jsonl"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        try:
            out = _results(path, mapping)
        except InvalidInput as exc:
            assert not body, f"a file with JSON objects was refused: {exc}"  # only when no line is one
            return
    assert len(out) == len(lines)
    assert sum(isinstance(r, QuarantinedRow) for r in out) >= len(junk)


def _write_xlsx(path: Path, sheet: str, header: list[str], data: list[list[str]]) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    for r, values in enumerate([header, *data], start=1):
        for c, value in enumerate(values, start=1):
            cell = ws.cell(r, c, value)
            cell.data_type = "s"  # text as typed, never a formula
    wb.save(path)


@given(data=st.data())
@settings(max_examples=25, suppress_health_check=[HealthCheck.too_slow])
def test_every_workbook_row_is_a_record_or_quarantined(data: st.DataObject) -> None:
    mapping = MAPPINGS["custody"]
    header = _header(mapping)
    body = [[XLSX_ILLEGAL.sub("", v) for v in row] for row in data.draw(rows(len(header), max_rows=8))]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "custody.xlsx"
        _write_xlsx(path, mapping.sheet or "Sheet", header, body)
        out = _results(path, mapping)
    assert len(out) == sum(1 for row in body if any(v.strip() for v in row))  # blank rows are not rows


@given(name=st.sampled_from(sorted(MAPPINGS)), content=st.binary(max_size=600), text=st.booleans())
@example(name="financial", content=b"[" * 100_000, text=False)
@example(name="intel_dorset", content=b"\xef\xbb\xbf", text=False)
@example(name="custody", content=b"PK\x03\x04" + b"\x00" * 40, text=False)
@settings(max_examples=150)
def test_any_bytes_are_refused_by_name_or_read_row_by_row(name: str, content: bytes, text: bool) -> None:
    mapping = MAPPINGS[name]
    if text:  # bytes after a real header: a readable file with garbage rows
        sep = (mapping.delimiter or ",").encode()
        content = sep.join(c.encode() for c in _header(mapping)) + b"\n" + content
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"source.{mapping.format}"
        path.write_bytes(content)
        try:
            _results(path, mapping)
        except InvalidInput as exc:
            assert exc.message.startswith(path.name), exc.message


def _peak(path: Path, mapping: SourceMapping) -> int:
    tracemalloc.start()
    try:
        for _ in read_source(path, mapping):
            pass
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("name", ["intel_gloucestershire", "financial"])
@given(data=st.data())
@settings(
    max_examples=2, phases=(Phase.explicit, Phase.generate), suppress_health_check=[HealthCheck.too_slow]
)
def test_reading_streams_in_memory_that_does_not_grow_with_the_rows(name: str, data: st.DataObject) -> None:
    mapping = MAPPINGS[name]
    header = _header(mapping)
    row = data.draw(rows(len(header), min_rows=1, max_rows=1))[0]
    peaks = []
    with tempfile.TemporaryDirectory() as tmp:
        for count in (150, 1500):
            path = Path(tmp) / f"{count}.{mapping.format}"
            if mapping.format == "csv":
                _write_csv(path, header, [row] * count, mapping.delimiter or ",")
            else:
                path.write_text((json.dumps(_nest(header, row)) + "\n") * count, encoding="utf-8")
            peaks.append(_peak(path, mapping))
    # The readers hold at most a chunk of the file (1 MiB) besides the row they are on.
    small, large = peaks
    assert large < small + 2 * CHUNK and large < 4 * CHUNK, (
        f"peak {small:,} bytes (150 rows), {large:,} (1,500)"
    )
