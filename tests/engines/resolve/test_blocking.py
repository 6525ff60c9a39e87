"""Blocking: which pairs are compared at all, and blocking recall measured on its own."""

from __future__ import annotations

import pandas as pd

from socmap.engines.resolve import blocking_recall, candidate_pairs

BASE = {"source": "intel", "address": None, "phone": None, "pnc_id": None, "postcode": None}


def _blocked(a: dict[str, str | None], b: dict[str, str | None]) -> bool:
    frame = pd.DataFrame([{**BASE, "record_id": "A", **a}, {**BASE, "record_id": "B", **b}])
    pairs = candidate_pairs(frame)
    return list(zip(pairs["record_id_l"], pairs["record_id_r"], strict=True)) == [("A", "B")]


def test_a_forename_surname_swap_without_other_fields_is_blocked() -> None:
    assert _blocked(
        {"first_name": "Hardcastle", "last_name": "Robert"},
        {"first_name": "Robert", "last_name": "Hardcastle"},
    )


def test_a_nickname_with_the_same_surname_and_nothing_else_is_blocked() -> None:
    assert _blocked(
        {"first_name": "Bob", "last_name": "Hardcastle"}, {"first_name": "Robert", "last_name": "Hardcastle"}
    )


def test_a_day_month_transposed_birth_date_is_blocked() -> None:
    assert _blocked(
        {"first_name": "Wayne", "last_name": "Hardcastle", "birth_date": "1984-03-07"},
        {"first_name": "Dwayne", "last_name": "Hardcastle", "birth_date": "1984-07-03"},
    )


def test_a_shared_phone_is_blocked_whatever_the_names() -> None:
    assert _blocked(
        {"first_name": "Smudger", "last_name": "Lee", "phone": "07700 900123"},
        {"first_name": "Darren", "last_name": "Leigh-Jones", "phone": "+447700900123"},
    )


def test_a_misspelt_name_at_the_same_postcode_is_blocked() -> None:
    assert _blocked(
        {"first_name": "Katherine", "last_name": "Wiliams", "postcode": "GL50 3PP"},
        {"first_name": "Kathrine", "last_name": "Jones-Williams", "postcode": "gl503pp"},
    )


def test_neighbours_with_unrelated_names_are_not_compared() -> None:
    # Postcode alone is no longer a block: 4,047 postcodes gave 31.7 million pairs at 1M records.
    assert not _blocked(
        {"first_name": "Gary", "last_name": "Burton", "postcode": "GL50 3PP"},
        {"first_name": "Amy", "last_name": "Shah", "postcode": "GL50 3PP"},
    )


def test_blocking_recall_counts_true_pairs_that_are_compared() -> None:
    frame = pd.DataFrame(
        [
            {**BASE, "record_id": "1", "first_name": "Robert", "last_name": "Hardcastle"},
            {**BASE, "record_id": "2", "first_name": "Bob", "last_name": "Hardcastle"},
            {**BASE, "record_id": "3", "first_name": "Amy", "last_name": "Shah"},
            {**BASE, "record_id": "4", "first_name": "Smudger", "last_name": "Jones"},
        ]
    )
    # Truth: 1, 2 and 4 are one person (3 true pairs); only 1-2 can be compared.
    truth = {"1": "P1", "2": "P1", "3": "P2", "4": "P1"}
    assert blocking_recall(frame, truth) == 1 / 3
