"""Unreadable files fail at once, naming the file; readable ones stream row by row."""

from __future__ import annotations

import shutil
import zipfile
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest

from socmap.engines.ingest import (
    MappedRecord,
    QuarantinedRow,
    file_sha256,
    load_mapping,
    read_source,
    readers,
)
from socmap.engines.ingest.readers import detect_encoding
from socmap.errors import InvalidInput
from tests.engines.ingest.conftest import mapping_path


def _refused(path: Path, name: str) -> InvalidInput:
    with pytest.raises(InvalidInput) as caught:
        read_source(path, load_mapping(mapping_path(name)))
    assert path.name in caught.value.message
    return caught.value


def test_an_empty_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "anpr.csv"
    path.write_bytes(b"")
    assert "is empty" in _refused(path, "anpr").message


def test_a_binary_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "anpr.csv"
    path.write_bytes(bytes(range(256)) * 40)
    assert "binary" in _refused(path, "anpr").message


def test_an_xlsx_given_to_a_csv_mapping_is_refused(region: Path, tmp_path: Path) -> None:
    path = tmp_path / "anpr.csv"
    shutil.copy(region / "custody.xlsx", path)
    assert "XLSX" in _refused(path, "anpr").message


def test_a_csv_given_to_an_xlsx_mapping_is_refused(region: Path, tmp_path: Path) -> None:
    path = tmp_path / "custody.xlsx"
    shutil.copy(region / "anpr.csv", path)
    assert "not an XLSX workbook" in _refused(path, "custody").message


def test_a_csv_without_its_header_is_refused(region: Path, tmp_path: Path) -> None:
    path = tmp_path / "anpr.csv"
    lines = (region / "anpr.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(lines[1:]), encoding="utf-8")
    assert "no header with the mapped columns" in _refused(path, "anpr").message


def test_a_non_json_file_given_to_a_jsonl_mapping_is_refused(region: Path, tmp_path: Path) -> None:
    path = tmp_path / "financial.jsonl"
    shutil.copy(region / "cdr.csv", path)
    assert "not a JSON lines file" in _refused(path, "financial").message


def test_encodings_are_detected(region: Path) -> None:
    assert detect_encoding(region / "intel" / "devon_and_cornwall.csv") == "utf-8-sig"
    assert detect_encoding(region / "intel" / "avon_and_somerset.csv") == "utf-8"
    assert detect_encoding(region / "prison.csv") == "cp1252"
    assert detect_encoding(region / "housing.csv") == "cp1252"


def test_rows_are_streamed_not_read_whole(region: Path) -> None:
    rows = read_source(region / "anpr.csv", load_mapping(mapping_path("anpr")))
    first = next(rows)
    assert isinstance(first, MappedRecord) and first.row == 1
    rows.close()  # type: ignore[attr-defined]


def test_a_row_with_several_problems_lists_them_all(tmp_path: Path) -> None:
    path = tmp_path / "safeguarding.csv"
    header = (
        "Referral ID,Council,Date Received,Referrer,Subject Type,Subject Forename,Subject Surname,"
        "Subject DOB,Address,Postcode,Contact Number,Concern,Associated Person,"
        "Associated Person Details,Outcome,Notes\n"
    )
    path.write_text(header + ",Bristol City Council,31/02/2020,Police,Adult,Jo,Bloggs,01/01/2999,,,,,,,,\n")
    (row,) = read_source(path, load_mapping(mapping_path("safeguarding")))
    assert isinstance(row, QuarantinedRow)
    assert {e.field for e in row.errors} == {"Referral ID", "Date Received", "Subject DOB"}
    assert any("in the future" in e.message for e in row.errors)


def test_a_bad_phone_is_kept_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "cdr.csv"
    path.write_text("call_id,a_number,b_number,call_start,duration_seconds,call_type,cell_id\n"
                    "C1,12,447700900123,11/02/2019 04:00:50,0,SMS,EX1-0339\n")  # fmt: skip
    (row,) = read_source(path, load_mapping(mapping_path("cdr")))
    assert isinstance(row, MappedRecord)
    a_party = next(e for e in row.entities if e.key == "a_party")
    assert a_party.properties["number"][0].original == "12"
    assert row.warnings and row.warnings[0].field == "a_number"


def test_file_sha256(tmp_path: Path) -> None:
    path = tmp_path / "x.txt"
    path.write_bytes(b"abc")
    assert file_sha256(path) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


def test_an_unparsable_grading_quarantines_the_row(tmp_path: Path) -> None:
    path = tmp_path / "legacy.csv"
    path.write_text(
        "LEGACY_ID,FORCE_CODE,ENTRY_DATE,SOURCE_EVAL,INTEL_EVAL,HANDLING,SUBJECT,DOB,ADDRESS,ASSOCIATE,VRM,TEXT\r\n"
        "L1,55,20190101,F,3,1,JENKINS/GEORGE,11/11/13,,,,TEXT\r\n"
        "L2,55,20190101,B,3,4,JENKINS/GEORGE,11/11/13,,,,TEXT\r\n",
        encoding="cp1252",
    )
    bad, good = read_source(path, load_mapping(mapping_path("legacy")))
    assert isinstance(bad, QuarantinedRow)
    assert bad.errors[0].message == "line 2: grading 'F 3 1': 5x5x5 source evaluation 'F' is not one of A-E"
    assert isinstance(good, MappedRecord)
    assert (good.grading.code, good.grading.original, good.grading.scheme) == ("1B C", "B 3 4", "5x5x5")
    assert good.grading.conditions.startswith("5x5x5 handling 4")


@pytest.fixture(params=["calamine", "openpyxl"])
def xlsx_reader(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Each XLSX test runs through both readers: calamine (whole sheet) and openpyxl (streamed)."""
    if request.param == "openpyxl":
        monkeypatch.setattr(readers, "XLSX_IN_MEMORY_BYTES", 0)
    return str(request.param)


_HEADER = ["text", "int", "float", "bool", "date", "datetime", "midnight", "time", "seconds", "duration"]


def _workbook(path: Path) -> Path:
    """A workbook made with openpyxl: a cell of each type, an empty row, a row with a surplus cell."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Data"
    ws.append([*_HEADER, "  "])  # a blank header cell at the end is dropped
    stamp, midnight = datetime(2024, 3, 1, 13, 45, 7), datetime(2024, 3, 1)
    cells = ["a b", 42, 3.25, True, date(2024, 2, 29), stamp, midnight, time(9, 30), time(9, 30, 15)]
    ws.append([*cells, timedelta(hours=26, minutes=3)])
    ws.append([])  # an empty row is skipped but keeps its sheet row number
    ws.append(["c", None, 7.0, False, None, None, None, None, None, None, None, "surplus"])
    ws.append(["  ", None, ""])  # blank cells only: skipped too
    ws.append(["last"])
    offset = wb.create_sheet("Offset")  # data from column B: read from column A all the same
    offset["B1"] = "name"
    offset["B3"] = "x"
    wb.create_sheet("Blank")
    wb.save(path)
    return path


def test_xlsx_cells_rows_and_numbers(xlsx_reader: str, tmp_path: Path) -> None:
    path = _workbook(tmp_path / "book.xlsx")
    header, rows = readers.read_xlsx(path, sheet=None, required=frozenset({"text", "date"}))
    assert header == _HEADER
    first, extra, last = list(rows)
    texts = ["a b", "42", "3.25", "True", "2024-02-29", "2024-03-01T13:45:07", "2024-03-01"]
    texts += ["09:30", "09:30:15", "1 day, 2:03:00"]
    assert (first.row, first.line, first.text, first.errors) == (1, 2, "\t".join(texts), [])
    assert first.values == dict(zip(_HEADER, texts, strict=True))
    blank = dict.fromkeys(_HEADER, "")
    assert (extra.row, extra.line, extra.text) == (2, 4, "c\t\t7\tFalse" + "\t" * 8 + "surplus")
    assert extra.values == {**blank, "text": "c", "float": "7", "bool": "False", "_extra": "surplus"}
    assert extra.errors == [("", "row has 11 filled cells, the header has 10")]
    assert (last.row, last.line, last.text, last.values) == (3, 6, "last", {**blank, "text": "last"})


def test_xlsx_sheet_read_from_column_a(xlsx_reader: str, tmp_path: Path) -> None:
    path = _workbook(tmp_path / "book.xlsx")
    header, rows = readers.read_xlsx(path, sheet="Offset", required=frozenset({"name"}))
    assert header == ["", "name"]
    (row,) = list(rows)
    assert (row.row, row.line, row.text, row.values) == (1, 3, "\tx", {"": "", "name": "x"})


def _xlsx_refusal(path: Path, sheet: str | None = None, required: frozenset[str] = frozenset()) -> str:
    with pytest.raises(InvalidInput) as caught:
        readers.read_xlsx(path, sheet=sheet, required=required)
    return caught.value.message


def test_xlsx_refusals(xlsx_reader: str, tmp_path: Path) -> None:
    path = _workbook(tmp_path / "book.xlsx")
    assert _xlsx_refusal(path, "Nope") == "book.xlsx: no sheet 'Nope' (sheets: Data, Offset, Blank)"
    assert _xlsx_refusal(path, "Blank") == "book.xlsx: sheet 'Blank' is empty"
    assert _xlsx_refusal(path, "Data", frozenset({"text", "nope"})).startswith(
        "book.xlsx: no header with the mapped columns (missing 'nope'); first line reads text, int"
    )
    empty = tmp_path / "empty.xlsx"
    empty.write_bytes(b"")
    assert _xlsx_refusal(empty) == "empty.xlsx: the file is empty"
    text = tmp_path / "text.xlsx"
    text.write_text("a,b\n1,2\n")
    assert _xlsx_refusal(text) == "text.xlsx: this is not an XLSX workbook, but its mapping expects XLSX"
    damaged = tmp_path / "damaged.xlsx"
    with zipfile.ZipFile(damaged, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    message = _xlsx_refusal(damaged)
    assert message.startswith("damaged.xlsx: this XLSX workbook cannot be opened: ")
    assert len(message) > len("damaged.xlsx: this XLSX workbook cannot be opened: ")  # with the reason
