"""Each transform, with exact outputs, including the awkward cases the sources send."""

from __future__ import annotations

from datetime import date

import pytest

from socmap.engines.ingest import transforms as tf


@pytest.mark.parametrize(
    ("text", "formats", "iso"),
    [
        ("03/03/2024", ["dd/mm/yyyy"], "2024-03-03"),
        ("3/3/2024", ["dd/mm/yyyy"], "2024-03-03"),
        ("2024-03-03", ["iso"], "2024-03-03"),
        ("2024-03-03T14:22:05Z", ["iso"], "2024-03-03"),
        ("2019-08-04T16:25:00", ["iso"], "2019-08-04"),
        ("3 Mar 24", ["d MMM yy"], "2024-03-03"),
        ("28 Dec 85", ["d MMM yy"], "1985-12-28"),
        ("03-MAR-2024", ["DD-MON-YYYY"], "2024-03-03"),
        ("03-mar-2024", ["DD-MON-YYYY"], "2024-03-03"),
        ("20240303", ["yyyymmdd"], "2024-03-03"),
        ("24-01-2021", ["dd-mm-yyyy"], "2021-01-24"),
        ("11/02/2019 04:00:50", ["dd/mm/yyyy HH:MM:SS"], "2019-02-11"),
        ("45354", ["excel"], "2024-03-03"),
        ("2024-03-03", ["excel"], "2024-03-03"),
        ("2024-03-03", ["dd/mm/yyyy", "iso"], "2024-03-03"),
    ],
)
def test_dates_in_every_source_format(text: str, formats: list[str], iso: str) -> None:
    assert tf.to_date(text, formats) == iso


def test_two_digit_years_use_a_century_pivot() -> None:
    assert tf.to_date("04/05/77", ["dd/mm/yy"], pivot=10) == "1977-05-04"
    assert tf.to_date("29/05/00", ["dd/mm/yy"], pivot=10) == "2000-05-29"
    assert tf.to_date("01/01/15", ["dd/mm/yy"], pivot=10) == "1915-01-01"
    this_year = date.today().year % 100
    assert tf.to_date(f"01/01/{this_year:02d}", ["dd/mm/yy"]).startswith("20")
    assert tf.to_date(f"01/01/{this_year + 1:02d}", ["dd/mm/yy"]).startswith("19")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("31/02/1990", "not a real date"),
        ("30/02/1993", "not a real date"),
        ("1975-05-00", "not a real date"),
        ("19941312", "not a real date"),
        ("1990/02/01", "matches none"),
    ],
)
def test_impossible_or_foreign_dates_are_refused(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        tf.to_date(text, ["dd/mm/yyyy", "iso", "yyyymmdd"])


def test_times_come_from_the_same_formats() -> None:
    assert tf.to_time("2024-03-03T14:22:05Z", ["iso"]) == "14:22:05"
    assert tf.to_time("11/02/2019 04:00:50", ["dd/mm/yyyy HH:MM:SS"]) == "04:00:50"
    assert tf.to_time("03/03/2024", ["dd/mm/yyyy"]) == ""


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("SMITH, John Paul", ("John", "Paul", "SMITH")),
        ("SMITH/JOHN", ("JOHN", "", "SMITH")),
        ("O'BRIEN/SEAN PATRICK", ("SEAN", "PATRICK", "O'BRIEN")),
        ("John SMITH", ("John", "", "SMITH")),
        ("John Paul Smith", ("John", "Paul", "Smith")),
        ("SMITH John", ("John", "", "SMITH")),
        ("PATRICK GIBSON", ("PATRICK", "", "GIBSON")),
        ("MISS CHRISTINE  BLACKBURN", ("CHRISTINE", "", "BLACKBURN")),
        ("Mr Seán Allen", ("Seán", "", "Allen")),
        ("Cher", ("Cher", "", "")),
    ],
)
def test_names_split_in_every_police_form(text: str, parts: tuple[str, str, str]) -> None:
    assert tf.split_name(text) == parts


def test_name_parts_for_mappings() -> None:
    assert tf.name_part("SMITH, John Paul", "full") == ["John Paul SMITH"]
    assert tf.name_part("SMITH, John Paul", "forenames") == ["John Paul"]
    assert tf.name_part("Cher", "last") == []


def test_postcodes_normalise_and_extract() -> None:
    assert tf.apply("postcode", None, ["gl50 3pp"]) == ["GL50 3PP"]
    assert tf.apply("extract_postcode", None, ["4 Raleigh Drive, Plymouth PL3 9UX"]) == ["PL3 9UX"]
    assert tf.apply("extract_postcode", None, ["12 MARLBOROUGH RISE POOLE BH17 7AT"]) == ["BH17 7AT"]
    assert tf.apply("strip_postcode", None, ["1 Hester Lane, Plymouth, PL7 2BE"]) == [
        "1 Hester Lane, Plymouth"
    ]


@pytest.mark.parametrize("raw", ["07700 900123", "7700900123", "447700900123", "+447700900123"])
def test_phones_to_e164(raw: str) -> None:
    assert tf.apply("phone", None, [raw]) == ["+447700900123"]


def test_vrm_trim_case_and_split() -> None:
    assert tf.apply("vrm", None, ["wn03 xon"]) == ["WN03XON"]
    assert tf.apply("trim", None, ["  Yvonne   Marshall  "]) == ["Yvonne Marshall"]
    assert tf.apply("upper", None, ["abc"]) == ["ABC"]
    assert tf.apply("lower", None, ["ABC"]) == ["abc"]
    assert tf.apply("split", "; ", ["DC/000004/19; DC/000005/19"]) == ["DC/000004/19", "DC/000005/19"]
    assert tf.apply("split", "; ", [""]) == []


def test_map_regex_and_digits() -> None:
    assert tf.apply("map", {"CL": "County lines"}, ["CL"]) == ["County lines"]
    assert tf.apply("map", {"CL": "County lines"}, ["XX"]) == ["XX"]
    assert tf.apply("regex", r"^([^,]+)", ["10 Meadow Way, Bath"]) == ["10 Meadow Way"]
    assert tf.apply("digits", None, ["40-75-93"]) == ["407593"]
