"""Dates of birth as UK users type them, and names scored as the people search scores them."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from socmap.apps.resolution.search_terms import (
    DateQuery,
    name_score,
    name_tokens,
    parse_birth_date,
    token_codes,
)

TODAY = date(2026, 12, 5)


def _ordinal(d: int) -> str:
    return {1: "st", 21: "st", 31: "st", 2: "nd", 22: "nd", 3: "rd", 23: "rd"}.get(d, "th")


def uk_forms(day: date) -> dict[str, str]:
    """Every form a UK user may type a date of birth in -> the prefix it must find."""
    d, m, y = day.day, day.month, day.year
    full = day.isoformat()
    month_short = day.strftime("%b")
    month_long = day.strftime("%B")
    sept = "Sept" if m == 9 else month_short
    forms = {
        f"{d:02d}/{m:02d}/{y}": full,
        f"{d:02d}-{m:02d}-{y}": full,
        f"{d:02d}.{m:02d}.{y}": full,
        f"{d}/{m}/{y}": full,
        f"{d} {month_short} {y}": full,
        f"{d} {month_long} {y}": full,
        f"{d} {month_long.upper()} {y}": full,
        f"{d}{_ordinal(d)} {month_long} {y}": full,
        f"{sept} {y}": f"{y:04d}-{m:02d}",
        f"{month_long} {y}": f"{y:04d}-{m:02d}",
        f"{m:02d}/{y}": f"{y:04d}-{m:02d}",
        f"{y}": f"{y:04d}",
        full: full,
        f"{y:04d}-{m:02d}": f"{y:04d}-{m:02d}",
    }
    if TODAY.year - 100 < y <= TODAY.year:  # a two-digit year is read as the last century's
        forms[f"{d}/{m}/{y % 100:02d}"] = full
        forms[f"{d} {month_short} {y % 100:02d}"] = full
    return forms


@given(st.dates(min_value=date(1900, 1, 1), max_value=TODAY))
def test_every_uk_form_of_a_date_of_birth_is_the_same_date(day: date) -> None:
    for typed, prefix in uk_forms(day).items():
        assert parse_birth_date(typed, today=TODAY).prefix == prefix, typed


@pytest.mark.parametrize(
    ("typed", "prefix"),
    [
        ("15/09/1957", "1957-09-15"),
        ("15-09-1957", "1957-09-15"),
        ("15.09.1957", "1957-09-15"),
        ("15/9/57", "1957-09-15"),
        ("15 Sep 1957", "1957-09-15"),
        ("15 September 1957", "1957-09-15"),
        ("Sept 1957", "1957-09"),
        ("09/1957", "1957-09"),
        ("1957", "1957"),
        ("1957-09-15", "1957-09-15"),
        ("3/4/05", "2005-04-03"),  # day first, always; 05 is this century's
        ("  15  sep  57 ", "1957-09-15"),
    ],
)
def test_the_forms_the_issue_names(typed: str, prefix: str) -> None:
    assert parse_birth_date(typed, today=TODAY).prefix == prefix


@pytest.mark.parametrize(
    "typed", ["31/02/1990", "15/13/1990", "yesterday", "1957-9-15x", "01/01/2030", "1801"]
)
def test_what_is_no_date_of_birth_is_refused_with_the_forms_to_use(typed: str) -> None:
    with pytest.raises(ValueError, match="like 15/09/1957"):
        parse_birth_date(typed, today=TODAY)


def test_a_date_is_said_in_words() -> None:
    assert DateQuery(1957, 9, 15).words == "15 September 1957"
    assert DateQuery(1957, 9).words == "September 1957"
    assert DateQuery(1957).words == "1957"


def _score(typed: str, stored: str) -> float:
    return name_score(name_tokens(typed), name_tokens(stored))


def test_two_slips_of_the_keys_find_the_name_before_its_neighbours() -> None:
    right = _score("Jonh Smiht", "John Smith")
    for other in ("Jon Smith", "Joan Smith", "John Smyth", "Jonah Smithson"):
        assert right > _score("Jonh Smiht", other), other


def test_nicknames_initials_and_either_order() -> None:
    assert _score("Bob Jones", "Robert Jones") > _score("Bob Jones", "Bob Jonas")
    assert _score("Smith John", "John Smith") > 0.95
    assert _score("Smith John", "John Smith") < _score("John Smith", "John Smith")
    assert _score("J Smith", "John Smith") > _score("J Smith", "Peter Smith")
    assert _score("Séan O'Neil", "Sean Oneil") == 1.0


def test_the_sound_codes_of_a_typed_name_reach_the_name_meant() -> None:
    assert "SM0" in token_codes("smiht")  # Smith: two letters swapped
    assert "JN" in token_codes("jonh")
    assert "RBRT" in token_codes("bob")  # Robert, through the nickname table
    assert token_codes("j") == frozenset()  # an initial is no key
