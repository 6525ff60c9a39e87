"""Each source is written the way its system exports it, and every record is in the truth."""

from __future__ import annotations

import csv
import io
import json
import pathlib
import re
from collections.abc import Callable

import openpyxl
import pytest

from socmap.engines.synth import SIZES, SynthConfig, SynthResult, generate

Truth = Callable[[str], list[dict[str, str]]]
SOURCES = (
    "intel/avon_and_somerset.csv",
    "intel/devon_and_cornwall.csv",
    "intel/dorset.csv",
    "intel/gloucestershire.csv",
    "intel/wiltshire.csv",
    "custody.xlsx",
    "anpr.csv",
    "cdr.csv",
    "financial.jsonl",
    "prison.csv",
    "safeguarding.csv",
    "housing.csv",
    "legacy.csv",
)
# file: (record id column, a date column, the pattern its dates follow)
DATES = {
    "intel/avon_and_somerset.csv": ("URN", "Report Date", r"\d\d/\d\d/\d{4}"),
    "intel/devon_and_cornwall.csv": ("report_id", "created_at", r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d"),
    "intel/dorset.csv": ("Ref", "Date Recorded", r"\d{1,2} [A-Z][a-z]{2} \d\d"),
    "intel/gloucestershire.csv": ("IntelRef", "DateOfReport", r"\d\d-\d\d-\d{4}"),
    "intel/wiltshire.csv": ("ENTRY_NO", "ENTRY_DATE", r"\d\d-[A-Z]{3}-\d{4}"),
    "anpr.csv": ("read_id", "read_at", r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"),
    "cdr.csv": ("call_id", "call_start", r"\d\d/\d\d/\d{4} \d\d:\d\d:\d\d"),
    "prison.csv": ("IR_NUMBER", "REPORT_DATE", r"\d\d/\d\d/\d\d"),
    "safeguarding.csv": ("Referral ID", "Date Received", r"\d\d/\d\d/\d{4}"),
    "housing.csv": ("tenancy_ref", "tenancy_start", r"\d{4}-\d\d-\d\d"),
    "legacy.csv": ("LEGACY_ID", "ENTRY_DATE", r"\d{8}"),
}


def _manifest(small: SynthResult) -> dict[str, dict[str, object]]:
    manifest = json.loads(small.manifest_path.read_text(encoding="utf-8"))
    return {entry["path"]: entry for entry in manifest["files"]}


def _rows(small: SynthResult, rel: str) -> list[dict[str, str]]:
    entry = _manifest(small)[rel]
    encoding = "utf-8-sig" if entry["encoding"] == "utf-8" else str(entry["encoding"])
    text = (small.out_dir / rel).read_text(encoding=encoding)
    return list(csv.DictReader(io.StringIO(text, newline=""), delimiter=str(entry["delimiter"])))


def test_every_source_is_written(small: SynthResult) -> None:
    written = {path for path, _, _ in small.files}
    assert set(SOURCES) <= written
    assert {
        "truth/records.csv",
        "truth/people.csv",
        "truth/ocgs.csv",
        "truth/links.csv",
        "truth/priority_individuals.csv",
        "truth/malformed.csv",
        "README.md",
    } <= written
    assert abs(small.counts["source_records"] - SIZES["small"]) <= SIZES["small"] * 0.05
    assert max(SOURCES[:-1], key=lambda rel: {p: r for p, _, r in small.files}[rel]) == "anpr.csv"


@pytest.mark.parametrize("rel", sorted(DATES))
def test_csv_dates_follow_the_source_convention(small: SynthResult, truth: Truth, rel: str) -> None:
    id_column, date_column, pattern = DATES[rel]
    bad = {r["record_id"] for r in truth("malformed.csv") if r["file"] == rel}
    rows = [row for row in _rows(small, rel) if row[id_column] not in bad]
    assert rows
    assert all(re.fullmatch(pattern, row[date_column]) for row in rows)


@pytest.mark.parametrize("rel", [s for s in SOURCES if s.endswith(".csv")])
def test_every_record_is_in_the_truth(small: SynthResult, truth: Truth, rel: str) -> None:
    id_column = DATES[rel][0]
    in_truth = {row["record_id"] for row in truth("records.csv") if row["file"] == rel}
    bad = {r["record_id"] for r in truth("malformed.csv") if r["file"] == rel}
    in_file = {row[id_column] for row in _rows(small, rel)}
    assert in_truth - bad <= in_file
    assert len(in_truth) == {p: r for p, _, r in small.files}[rel]


def test_malformed_rows_break_where_the_truth_says(small: SynthResult, truth: Truth) -> None:
    for row in truth("malformed.csv"):
        rel, line, kind = row["file"], int(row["line"]), row["kind"]
        if rel.endswith(".xlsx"):
            sheet = openpyxl.load_workbook(small.out_dir / rel, read_only=True)["Custody"]
            cells = next(sheet.iter_rows(min_row=line, max_row=line, values_only=True))
            assert cells[0] == row["record_id"] and isinstance(cells[7], str)
            assert int(row["row"]) == line - 1
            continue
        entry = _manifest(small)[rel]
        raw = (small.out_dir / rel).read_bytes().decode(str(entry["encoding"]))
        physical = raw.splitlines()[line - 1]
        assert row["record_id"] in physical, row
        if kind == "invalid_json":
            with pytest.raises(json.JSONDecodeError):
                json.loads(physical)
        elif kind == "broken_quote":
            with pytest.raises(csv.Error):
                next(csv.reader([physical], delimiter=str(entry["delimiter"]), strict=True))
        elif kind == "wrong_column_count":
            header = next(
                csv.reader([raw.splitlines()[0].lstrip("\ufeff")], delimiter=str(entry["delimiter"]))
            )
            fields = next(csv.reader([physical], delimiter=str(entry["delimiter"])))
            assert len(fields) != len(header)


def test_windows_1252_files_really_use_cp1252_bytes(small: SynthResult) -> None:
    entries = _manifest(small)
    cp1252 = [rel for rel, entry in entries.items() if entry["encoding"] == "cp1252"]
    assert cp1252
    non_ascii = 0
    for rel in cp1252:
        data = (small.out_dir / rel).read_bytes()
        data.decode("cp1252")
        assert b"\r\n" in data
        non_ascii += sum(1 for byte in data if byte > 127)
    assert non_ascii > 0
    for rel, entry in entries.items():
        if entry["encoding"] == "utf-8":
            (small.out_dir / rel).read_bytes().decode("utf-8")


def test_custody_extract_opens_with_dates_as_dates(small: SynthResult) -> None:
    sheet = openpyxl.load_workbook(small.out_dir / "custody.xlsx", read_only=True)["Custody"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("Custody Number", "Force", "Custody Suite", "Arrest Date")
    assert len(rows) - 1 == {p: r for p, _, r in small.files}["custody.xlsx"]
    assert all(hasattr(row[3], "year") for row in rows[1:])


def test_gradings_carry_conditions_only_when_handling_is_c(small: SynthResult) -> None:
    rows = _rows(small, "intel/avon_and_somerset.csv")
    assert {row["Handling Code"] for row in rows} <= {"P", "C"}
    assert all(bool(row["Handling Conditions"]) == (row["Handling Code"] == "C") for row in rows)
    legacy = _rows(small, "legacy.csv")
    assert {row["SOURCE_EVAL"] for row in legacy} <= set("ABCDE")
    assert {row["HANDLING"] for row in legacy} <= set("12345")


def test_a_number_of_records_gives_that_many_within_five_percent(tmp_path: pathlib.Path) -> None:
    result = generate(SynthConfig(seed=3, size=2_000), tmp_path / "n")
    assert abs(result.counts["source_records"] - 2_000) <= 100


def test_progress_is_reported_by_stage(tmp_path: pathlib.Path) -> None:
    seen: list[tuple[str, int, int]] = []
    generate(SynthConfig(seed=3, size=1_000), tmp_path / "p", progress=lambda s, d, t: seen.append((s, d, t)))
    stages = [stage for stage, _, _ in seen]
    assert stages[0] == "world" and "sources" in stages and stages[-1] == "truth"
    assert len(seen) < 100
