"""Each value type cleans to one normal form and validates it; the original is never changed."""

from __future__ import annotations

from datetime import date

import pytest

from socmap.model.types import (
    VALUE_TYPES,
    clean_amount,
    clean_date,
    clean_name,
    clean_phone,
    clean_postcode,
    clean_vrm,
    validate_date,
    validate_due_date,
    validate_postcode,
    validate_vrm,
)


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("  O'BRIEN ", "O'Brien"),
        ("o’brien", "O’Brien"),
        ("SMITH-JONES", "Smith-Jones"),
        ("Jo  McDonald", "Jo McDonald"),
        ("noël", "Noël"),
    ],
)
def test_names_are_recased_only_when_typed_in_one_case(raw: str, clean: str) -> None:
    assert clean_name(raw) == clean


@pytest.mark.parametrize(
    ("raw", "clean"), [("1990", "1990"), ("1990-02", "1990-02"), ("1990-02-28", "1990-02-28")]
)
def test_dates_may_be_partial(raw: str, clean: str) -> None:
    assert clean_date(raw) == clean


def test_an_impossible_date_does_not_clean() -> None:
    with pytest.raises(ValueError, match="not a real date"):
        clean_date("1990-02-31")


def test_a_future_date_fails_validation_beyond_a_day() -> None:
    today = date(2024, 6, 1)
    assert validate_date("2024-06-02", today=today) is None
    assert validate_date("2024-06-03", today=today) == "'2024-06-03' is in the future"


@pytest.mark.parametrize(
    "raw", ["07700 900123", "+447700900123", "447700900123", "7700900123", "0044 7700 900123"]
)
def test_phones_become_e164_however_they_arrive(raw: str) -> None:
    assert clean_phone(raw) == "+447700900123"


@pytest.mark.parametrize(
    ("raw", "clean"), [("gl503pp", "GL50 3PP"), ("GL50  3PP", "GL50 3PP"), ("sw1a1aa", "SW1A 1AA")]
)
def test_postcodes_are_normalised(raw: str, clean: str) -> None:
    assert clean_postcode(raw) == clean
    assert validate_postcode(clean) is None


def test_a_postcode_of_the_wrong_shape_does_not_clean() -> None:
    with pytest.raises(ValueError, match="not a UK postcode"):
        clean_postcode("GL50 PP3")


@pytest.mark.parametrize("raw", ["ab12 cde", "A123 BCD", "ABC 123D", "ABC 1234", "1234 AB"])
def test_vrms_of_every_uk_era_validate(raw: str) -> None:
    assert validate_vrm(clean_vrm(raw)) is None


def test_a_misread_vrm_cleans_but_fails_validation() -> None:
    assert clean_vrm("hj67 es6") == "HJ67ES6"
    assert validate_vrm("HJ67ES6") is not None


def test_amounts_keep_their_pence() -> None:
    assert clean_amount("£1,234.50") == "1234.5"
    assert clean_amount("467.69") == "467.69"
    assert clean_amount("100.00") == "100"


def test_every_value_type_has_clean_and_validate() -> None:
    assert {"name", "date", "phone", "postcode", "vrm", "identifier", "text", "amount", "country"} <= set(
        VALUE_TYPES
    )


def test_a_due_date_may_lie_years_ahead_but_not_a_century() -> None:
    today = date(2024, 6, 2)
    assert validate_due_date("2031-01-15", today=today) is None
    assert validate_due_date("2124-01-01", today=today) is None
    assert validate_due_date("2125-01-01", today=today) == "'2125-01-01' is more than 100 years ahead"
    assert validate_due_date("2024-02-30", today=today) == "'2024-02-30' is not a real date"
    assert validate_due_date("1849-12-31", today=today) == "'1849-12-31' is before 1850"
