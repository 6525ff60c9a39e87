"""One CSV writer for every export: formulas neutralised, phone numbers and signed numbers readable."""

from __future__ import annotations

import ast
import csv
import io
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from socmap.apps.core.exports import FORMULA_STARTS, csv_lines, csv_safe

ROOT = Path(__file__).resolve().parents[3] / "socmap"


@pytest.mark.parametrize(
    "dangerous",
    [
        '=HYPERLINK("http://evil.example","click")',
        "+cmd|' /C calc'!A0",
        "-2+3+cmd|' /C calc'!A0",
        "@SUM(A1:A9)",
        "\t=1+1",
        "\r=1+1",
        "=1+1",
        "-",
        "+",
    ],
)
def test_a_cell_that_a_spreadsheet_would_run_is_written_as_text(dangerous: str) -> None:
    assert csv_safe(dangerous) == "'" + dangerous


@pytest.mark.parametrize(
    "number", ["+44 7700 900123", "+44 (0)7700 900123", "-12.5", "+1", "-0.25", "07700 900123", "01/02/2024"]
)
def test_phone_numbers_and_signed_numbers_stay_readable(number: str) -> None:
    assert csv_safe(number) == number


def test_an_export_reads_back_exactly_what_was_written_apart_from_the_marks() -> None:
    rows = [["Smith, John", 'He said "no"', "+44 7700 900123", "=A1", None, 3]]
    text = "".join(csv_lines(["name", "note", "phone", "odd", "empty", "n"], rows))
    back = list(csv.reader(io.StringIO(text)))
    assert back == [
        ["name", "note", "phone", "odd", "empty", "n"],
        ["Smith, John", 'He said "no"', "+44 7700 900123", "'=A1", "", "3"],
    ]


@given(st.lists(st.lists(st.text(max_size=40), min_size=1, max_size=5), max_size=20))
def test_no_exported_cell_starts_a_formula_unless_it_is_a_number(rows: list[list[str]]) -> None:
    text = "".join(csv_lines(["c"] * 5, rows))
    for row in list(csv.reader(io.StringIO(text, newline="")))[1:]:
        for cell in row:
            if cell.startswith(FORMULA_STARTS):
                assert csv_safe(cell) == cell, cell  # only a phone number or signed number may


def _csv_writers(path: Path) -> list[int]:
    tree = ast.parse(path.read_text(), filename=str(path))
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id == "csv"
        and node.attr in {"writer", "DictWriter"}
    ]


def test_every_csv_the_service_writes_goes_through_the_one_writer() -> None:
    """The writer lives in core/exports.py; synth writes source-system extracts (input, not exports)."""
    allowed = {ROOT / "apps" / "core" / "exports.py"}
    allowed |= set((ROOT / "engines" / "synth").rglob("*.py"))
    # The places demo writes a synthetic source extract to ingest (an input, like synth's), not an export.
    allowed.add(ROOT / "apps" / "places" / "demo.py")
    offenders = [
        f"{path.relative_to(ROOT.parent)}:{line}"
        for path in sorted(ROOT.rglob("*.py"))
        if path not in allowed
        for line in _csv_writers(path)
    ]
    assert not offenders, f"CSV written outside socmap/apps/core/exports.py: {offenders}"
