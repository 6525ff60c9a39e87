"""End to end on the small synthetic region: nothing lost, planted faults quarantined, the rest mapped."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from socmap.engines.ingest import MappedRecord, QuarantinedRow, load_mapping, read_source
from tests.engines.ingest.conftest import SOURCES, mapping_path

Result = MappedRecord | QuarantinedRow


def _read(region: Path, name: str) -> list[Result]:
    return list(read_source(region / SOURCES[name], load_mapping(mapping_path(name))))


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_every_data_row_comes_out_once(region: Path, manifest_rows: dict[str, int], name: str) -> None:
    results = _read(region, name)
    assert len(results) == manifest_rows[SOURCES[name]]
    assert [r.row for r in results] == list(range(1, len(results) + 1))


@pytest.mark.parametrize("name", ["custody", "financial", "intel_dorset"])
def test_stripes_of_a_file_give_every_row_once_in_runs(region: Path, name: str) -> None:
    """Three processes mapping a stripe each, in runs of 7 rows, give what one process would."""
    mapping = load_mapping(mapping_path(name))
    whole = [r.row for r in read_source(region / SOURCES[name], mapping)]
    stripes = [
        [r.row for r in read_source(region / SOURCES[name], mapping, stripe=(i, 3, 7))] for i in range(3)
    ]
    assert sorted(row for stripe in stripes for row in stripe) == whole
    for index, rows in enumerate(stripes):
        assert rows and all(((row - 1) // 7) % 3 == index for row in rows)
    with pytest.raises(ValueError, match="stripe"):
        read_source(region / SOURCES[name], mapping, stripe=(3, 3, 7))


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_planted_malformed_rows_are_quarantined_with_a_reason(
    region: Path, malformed: dict[str, dict[int, dict[str, str]]], name: str
) -> None:
    planted = malformed.get(SOURCES[name], {})
    quarantined = {r.row: r for r in _read(region, name) if isinstance(r, QuarantinedRow)}
    for row, truth in planted.items():
        assert row in quarantined, f"{SOURCES[name]} row {row} ({truth['kind']}) was not quarantined"
        assert quarantined[row].errors and all(e.message for e in quarantined[row].errors)
        assert quarantined[row].raw_text
        if SOURCES[name].endswith(".csv"):
            assert quarantined[row].line == int(truth["line"])
            assert f"line {truth['line']}" in quarantined[row].errors[0].message


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_other_rows_are_mapped(
    region: Path, malformed: dict[str, dict[int, dict[str, str]]], name: str
) -> None:
    planted = malformed.get(SOURCES[name], {})
    results = _read(region, name)
    clean = [r for r in results if r.row not in planted]
    mapped = [r for r in clean if isinstance(r, MappedRecord)]
    assert len(mapped) / len(clean) >= 0.99
    assert all(r.entities and r.record_key and r.observed_on for r in mapped)


def test_legacy_grading_keeps_its_5x5x5_original(region: Path) -> None:
    results = [r for r in _read(region, "legacy") if isinstance(r, MappedRecord)]
    with (region / "legacy.csv").open(encoding="cp1252", newline="") as fh:
        source = {r["LEGACY_ID"]: r for r in csv.DictReader(fh)}
    for record in results:
        raw = source[record.record_key]
        assert record.grading.scheme == "5x5x5"
        assert record.grading.original == f"{raw['SOURCE_EVAL']} {raw['INTEL_EVAL']} {raw['HANDLING']}"
        assert record.grading.source in {"1", "2", "3"} and record.grading.intelligence in "ABCDE"
        assert record.grading.handling == ("P" if raw["HANDLING"] == "1" else "C")


@pytest.mark.parametrize(
    "name", ["intel_avon_and_somerset", "intel_devon_and_cornwall", "prison", "legacy", "cdr"]
)
def test_handling_c_rows_carry_conditions(region: Path, name: str) -> None:
    c_rows = [r for r in _read(region, name) if isinstance(r, MappedRecord) and r.grading.handling == "C"]
    assert c_rows
    assert all(r.grading.conditions.strip() for r in c_rows)


def test_devon_and_cornwall_grading_in_one_column(region: Path) -> None:
    first = _read(region, "intel_devon_and_cornwall")[0]
    assert isinstance(first, MappedRecord)
    assert (first.grading.code, first.grading.original) == ("2C P", "2/C/P")


def _names(results: list[Result]) -> set[str]:
    return {
        v.value
        for r in results
        if isinstance(r, MappedRecord)
        for e in r.entities
        if e.schema == "Person"
        for v in e.properties.get("full_name", ())
    }


def test_windows_1252_names_come_out_right(region: Path) -> None:
    prison = _names(_read(region, "prison"))
    housing = _read(region, "housing")
    assert "Noël Burrows" in prison
    raw_names = {r.raw.get("tenant_surname", "") for r in housing if isinstance(r, MappedRecord)}
    assert any("’" in n for n in raw_names | {r.raw.get("joint_tenant_name", "") for r in housing if r.raw})
    assert not any("\ufffd" in n or "Ã" in n for n in _names(housing) | prison)


def test_custody_dates_phones_and_co_accused(region: Path) -> None:
    results = [r for r in _read(region, "custody") if isinstance(r, MappedRecord)]
    first = results[0]
    assert first.record_key == "DO/000001/19" and str(first.observed_on) == "2019-01-01"
    phone = next(e for e in first.entities if e.schema == "Phone")
    assert phone.properties["number"][0].value == "+447467148351"
    assert phone.properties["number"][0].original == "7467148351"
    with_co = [r for r in results if any(e.key.startswith("coaccused") for e in r.entities)]
    assert with_co
    assert all(any(link.schema == "CoArrestedWith" for link in r.links) for r in with_co)


def test_financial_nested_parties(region: Path) -> None:
    first = _read(region, "financial")[0]
    assert isinstance(first, MappedRecord)
    schemas = {e.key: e.schema for e in first.entities}
    assert schemas["payer_company"] == "Company" and "payer_person" not in schemas
    payee = next(e for e in first.entities if e.key == "payee_person")
    assert payee.properties["full_name"][0].value == "Christine Blackburn"
    paid = next(link for link in first.links if link.schema == "Paid")
    assert (paid.source, paid.target, paid.properties["amount"][0].value) == (
        "payer_account",
        "payee_account",
        "467.69",
    )


def test_values_keep_their_original(region: Path) -> None:
    first = _read(region, "intel_avon_and_somerset")[0]
    assert isinstance(first, MappedRecord)
    subject = next(e for e in first.entities if e.key == "subject1")
    assert subject.properties["birth_date"][0].value == "1970-07-01"
    assert subject.properties["birth_date"][0].original == "01/07/1970"


def test_prison_reports_carry_the_expected_release_even_years_ahead(region: Path) -> None:
    results = [r for r in _read(region, "prison") if isinstance(r, MappedRecord)]
    with (region / "prison.csv").open(encoding="cp1252", newline="") as fh:
        source = {r["IR_NUMBER"]: r["EXPECTED_RELEASE"] for r in csv.DictReader(fh)}
    releases = {
        r.record_key: v.value
        for r in results
        for e in r.entities
        if e.schema == "PrisonReport"
        for v in e.properties.get("expected_release_date", ())
    }
    assert len(releases) == len(results)
    day, month, year = source[results[0].record_key].split("/")
    assert releases[results[0].record_key] == f"{year}-{month}-{day}"
    assert max(releases.values()) > "2026"  # later than any observed date: not refused as the future
    for r in results:
        reception = next(e for e in r.entities if e.schema == "PrisonReport").properties["reception_date"][0]
        assert releases[r.record_key] > reception.value
