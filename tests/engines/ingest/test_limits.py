"""Input bounds: a zip bomb or an oversized file is refused before any row; an oversized value, a row
with too many cells or JSON nested too deep is quarantined with the reason; nothing else is lost."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import openpyxl
import pytest

from socmap.engines.ingest import InputLimits, load_mapping, read_source
from socmap.engines.ingest.readers import read_csv, read_jsonl, read_xlsx
from socmap.engines.ingest.types import QuarantinedRow
from socmap.errors import InvalidInput

MAPPINGS = Path(__file__).resolve().parents[3] / "socmap" / "mappings"


def _workbook(path: Path, rows: list[list[str]]) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def _zip_bomb(path: Path, cell_bytes: int) -> Path:
    """A small XLSX whose one sheet unpacks to ``cell_bytes`` and more: one enormous cell."""
    plain = _workbook(path.with_name("plain.xlsx"), [["Name", "Notes"], ["Ann", "short"]])
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = data.decode()
                big = '<c r="B2" t="inlineStr"><is><t>' + "A" * cell_bytes + "</t></is></c>"
                start = text.index('<c r="B2"')
                end = text.index("</c>", start) + len("</c>")
                data = (text[:start] + big + text[end:]).encode()
            out.writestr(item, data)
    return path


def test_a_zip_bomb_workbook_is_refused_before_any_row(tmp_path: Path) -> None:
    bomb = _zip_bomb(tmp_path / "bomb.xlsx", 16 * 1024 * 1024)
    assert bomb.stat().st_size < 1024 * 1024  # small on disk, 16 MiB unpacked
    with pytest.raises(InvalidInput, match=r"bomb.xlsx: part xl/worksheets/sheet1.xml unpacks .* zip bomb"):
        read_xlsx(bomb, sheet=None, required=frozenset())


def test_a_workbook_that_unpacks_too_large_is_refused(tmp_path: Path) -> None:
    book = _workbook(tmp_path / "big.xlsx", [["Name"], ["Ann"]])
    with pytest.raises(InvalidInput, match=r"big.xlsx: the workbook unpacks to .* more than the 100 allowed"):
        read_xlsx(book, sheet=None, required=frozenset(), limits=InputLimits(max_unpacked_bytes=100))


def test_an_oversized_cell_quarantines_its_row_cut_short_and_keeps_the_others(tmp_path: Path) -> None:
    book = _workbook(tmp_path / "cells.xlsx", [["Name", "Notes"], ["Ann", "x" * 5000], ["Bob", "fine"]])
    _, rows = read_xlsx(book, sheet=None, required=frozenset(), limits=InputLimits(max_value_chars=1000))
    first, second = list(rows)
    assert first.errors == [
        ("Notes", "the value is 5,000 characters long, more than the 1,000 allowed; kept cut short")
    ]
    assert first.values is not None and first.values["Name"] == "Ann"
    assert first.values["Notes"].startswith("x" * 1000) and "cut: 5,000 characters" in first.values["Notes"]
    assert second.errors == [] and second.values == {"Name": "Bob", "Notes": "fine"}


def test_a_row_with_too_many_cells_is_quarantined(tmp_path: Path) -> None:
    book = _workbook(tmp_path / "wide.xlsx", [["Name"], ["Ann", *["x"] * 30]])
    _, rows = read_xlsx(book, sheet=None, required=frozenset(), limits=InputLimits(max_cells=10))
    (row,) = list(rows)
    assert any("31 cells, more than the 10 allowed" in message for _, message in row.errors)


def test_a_csv_value_over_the_bound_quarantines_only_its_row(tmp_path: Path) -> None:
    path = tmp_path / "long.csv"
    path.write_text(f"Name,Notes\nAnn,{'y' * 50_000}\nBob,fine\n")
    _, _, rows = read_csv(
        path, encoding=None, delimiter=",", required=frozenset(), limits=InputLimits(max_value_chars=2000)
    )
    first, second = list(rows)
    assert first.errors == [
        ("Notes", "the value is 50,000 characters long, more than the 2,000 allowed; kept cut short")
    ]
    assert len(first.text) < 1_100_000
    assert second.values == {"Name": "Bob", "Notes": "fine"} and not second.errors


def test_a_file_with_more_rows_than_allowed_is_refused_before_any_row(tmp_path: Path) -> None:
    path = tmp_path / "many.csv"
    path.write_text("Name\n" + "".join(f"P{i}\n" for i in range(12)))
    with pytest.raises(InvalidInput, match=r"many.csv: about 12 rows, more than the 10 one file may hold"):
        read_csv(path, encoding=None, delimiter=",", required=frozenset(), limits=InputLimits(max_rows=10))


@pytest.mark.parametrize("depth", [40, 100_000])
def test_json_nested_too_deep_is_quarantined_and_the_next_line_read(tmp_path: Path, depth: int) -> None:
    path = tmp_path / "deep.jsonl"
    nested = "[" * depth + "]" * depth
    path.write_text(json.dumps({"a": 1}) + "\n" + '{"x": ' + nested + "}\n" + json.dumps({"b": 2}) + "\n")
    rows = list(read_jsonl(path, encoding=None, limits=InputLimits(max_json_depth=32)))
    assert [r.values for r, _ in rows] == [{"a": "1"}, None, {"b": "2"}]
    assert "deep, more than the 32 allowed" in rows[1][0].errors[0][1]


def test_read_source_quarantines_the_oversized_row_with_file_row_and_field(tmp_path: Path) -> None:
    mapping = load_mapping(MAPPINGS / "safeguarding.yaml")
    header = (
        "Referral ID,Council,Date Received,Referrer,Subject Type,Subject Forename,Subject Surname,"
        "Subject DOB,Address,Postcode,Contact Number,Concern,Associated Person,Associated Person Details,"
        "Outcome,Notes"
    )
    row = (
        'SR-{n},Council,03/01/2024,GP,Adult,Ann,Smith,01/08/1976,"5 Hawthorn Drive, Bristol",BS3 3QD,,'
        "Neglect,,,None,{notes}"
    )
    path = tmp_path / "refs.csv"
    path.write_text(
        "\n".join([header, row.format(n=1, notes="z" * 40_000), row.format(n=2, notes="ok")]) + "\n"
    )
    results = list(read_source(path, mapping, limits=InputLimits(max_value_chars=32_768)))
    assert isinstance(results[0], QuarantinedRow) and not isinstance(results[1], QuarantinedRow)
    (error,) = results[0].errors
    assert (error.file, error.row, error.field) == ("refs.csv", 1, "Notes")
