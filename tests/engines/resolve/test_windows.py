"""Sorted windows over large blocks (``windows.block_windows``, engine 1.9)."""

from __future__ import annotations

import pandas as pd
import pytest

from socmap.engines.resolve import (
    ResolveConfig,
    ResolverModel,
    blocking_reach,
    blocking_recall,
    score_new,
)
from socmap.engines.resolve import windows as windows_module
from socmap.engines.resolve.prepare import prepare_records
from socmap.engines.resolve.windows import block_windows
from tests.engines.resolve.blocks import ALONE, compared, people


def _people(born: list[str], start: int = 0) -> pd.DataFrame:
    """John Smiths born on the given dates: only the name rule and the date rule can pair them."""
    return people(born, start=start, digits=2)


@pytest.fixture
def window_of_four(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(windows_module, "WINDOW", 4)


def test_a_small_block_has_an_empty_first_key_and_no_second() -> None:
    frame = pd.DataFrame({"record_id": ["a", "b", "c"], "k": ["x", "x", None], "o": ["1", "2", "3"]})
    first, second = block_windows(frame, ("k",), ("o",))
    assert first.tolist() == ["", "", ""]
    assert second.tolist() == [None, None, None]


def test_a_large_block_is_cut_twice_in_sorted_order(window_of_four: None) -> None:
    # Ten records of one block given out of order; sorted by "o" they are r0 ... r9.
    order = [3, 7, 0, 9, 1, 5, 8, 2, 6, 4]
    frame = pd.DataFrame({"record_id": [f"r{i}" for i in order], "k": "x", "o": [f"{i:02d}" for i in order]})
    first, second = block_windows(frame, ("k",), ("o",))
    by_rank = dict(zip(order, zip(first, second, strict=True), strict=True))
    # Windows of four from the first record (0-3, 4-7, 8-9) and from half a window on (0-1, 2-5, 6-9).
    assert [by_rank[i][0] for i in range(10)] == ["0"] * 4 + ["1"] * 4 + ["2"] * 2
    assert [by_rank[i][1] for i in range(10)] == ["0"] * 2 + ["1"] * 4 + ["2"] * 4


def test_blocks_are_counted_and_sorted_over_every_frame(window_of_four: None) -> None:
    existing = pd.DataFrame({"record_id": ["e1", "e2", "e3"], "k": "x", "o": ["1", "3", "5"]})
    new = pd.DataFrame({"record_id": ["n1", "n2"], "k": "x", "o": ["2", "4"]})
    # Alone, each frame's block is small; together they are five records, over the window.
    assert block_windows(new, ("k",), ("o",))[0].tolist() == ["", ""]
    new_first, _ = block_windows(new, ("k",), ("o",), existing)
    old_first, _ = block_windows(existing, ("k",), ("o",), new)
    # Sorted together: e1 n1 e2 n2 | e3.
    assert new_first.tolist() == ["0", "0"]
    assert old_first.tolist() == ["0", "0", "1"]


def test_a_large_block_compares_neighbours_only_and_still_chains_them(window_of_four: None) -> None:
    # Twelve John Smiths born on twelve days of one year: one block of the name rule, one record
    # a day. Sorted by date, each is compared with its neighbours within a window or across the
    # half-window cut, never with one twelve days away, and the pairs join all twelve in a chain.
    frame = _people([f"1980-01-{d:02d}" for d in range(1, 13)])
    pairs = compared(frame)
    assert len(pairs) < 12 * 11 // 2
    assert ("R00", "R11") not in pairs
    assert {(f"R{i:02d}", f"R{i + 1:02d}") for i in range(11)} <= pairs
    # Every record meets at least the window's other three.
    for i in range(12):
        assert sum(1 for pair in pairs if f"R{i:02d}" in pair) >= 3


def test_within_the_window_a_block_is_compared_whole() -> None:
    frame = _people([f"1980-01-{d:02d}" for d in range(1, 13)])
    assert len(compared(frame)) == 12 * 11 // 2


def test_a_new_batch_meets_the_existing_records_sorted_beside_it(
    window_of_four: None, model: ResolverModel
) -> None:
    existing = _people([f"1980-01-{d:02d}" for d in range(1, 11)])
    new = _people(["1980-01-10"], start=20)
    pairs = score_new(new, existing, model, ResolveConfig(keep_above=0.0)).pairs
    found = {
        pair for pairs_ in zip(pairs["record_id_l"], pairs["record_id_r"], strict=True) for pair in pairs_
    }
    # Born on the 10th, it sorts last, beside the 7th to the 10th, and never meets the 1st.
    assert "R09" in found and "R00" not in found


def test_prepared_records_carry_every_window_key() -> None:
    prepared = prepare_records(_people(["1980-01-01", None]))
    assert set(windows_module.WINDOW_COLUMNS) <= set(prepared.columns)
    assert prepared["name_win"].tolist() == ["", ""]
    assert prepared["name_win2"].isna().all()


def test_reach_counts_true_pairs_joined_through_the_records_between_them(window_of_four: None) -> None:
    frame = _people([f"1980-01-{d:02d}" for d in range(1, 13)])
    one_person = {f"R{i:02d}": "P1" for i in range(12)}
    # The windows leave out pairs of this one person's records, but chain all twelve together.
    assert blocking_recall(frame, one_person) < 1.0
    assert blocking_reach(frame, one_person) == 1.0
    # A thirteenth record of the person that no rule can pair: its twelve true pairs are out of reach.
    lost = pd.DataFrame(
        [{**ALONE, "record_id": "X", "first_name": "Zed", "last_name": "Quaife", "birth_date": None}]
    )
    with_lost = pd.concat([frame, lost], ignore_index=True)
    assert blocking_reach(with_lost, {**one_person, "X": "P1"}) == pytest.approx(66 / 78)


def test_records_alike_in_every_compared_column_share_a_profile_led_by_the_first() -> None:
    born = {**ALONE, "first_name": "John", "last_name": "Smith", "birth_date": "1980-01-02"}
    frame = pd.DataFrame(
        [
            {**born, "record_id": "R2"},
            {**born, "record_id": "R1", "source": "custody"},  # the source is no part of a profile
            {**born, "record_id": "R6"},
            {**born, "record_id": "R3", "birth_date": "1980-01-03"},
            # Names alone: never a twin, so each meets others by its own links.
            {**ALONE, "record_id": "R4", "first_name": "John", "last_name": "Smith", "birth_date": None},
            {**ALONE, "record_id": "R5", "first_name": "John", "last_name": "Smith", "birth_date": None},
        ]
    )
    prepared = prepare_records(frame).set_index("record_id")
    assert prepared.loc["R1", "profile"] == prepared.loc["R2", "profile"] == prepared.loc["R6", "profile"]
    assert prepared["profile"][["R3", "R4", "R5"]].isna().all()
    assert prepared["lead"].to_dict() == {"R2": None, "R1": "1", "R6": None, "R3": "1", "R4": "1", "R5": "1"}
    assert prepared["twin_of"].notna().to_dict() == {
        "R2": True,
        "R1": False,
        "R6": True,
        "R3": False,
        "R4": False,
        "R5": False,
    }
    # R2 and R6 meet their profile's lead only, not each other (a star); every other pair is
    # compared as before.
    assert compared(frame) == {
        ("R1", "R2"),
        ("R1", "R6"),
        ("R1", "R3"),
        ("R1", "R4"),
        ("R1", "R5"),
        ("R3", "R4"),
        ("R3", "R5"),
        ("R4", "R5"),
    }


def test_a_new_record_alike_an_existing_one_meets_its_profile(model: ResolverModel) -> None:
    existing = _people(["1980-01-01", "1990-05-05"])
    new = _people(["1980-01-01"], start=10)
    pairs = score_new(new, existing, model, ResolveConfig(keep_above=0.0)).pairs
    found = set(zip(pairs["record_id_l"], pairs["record_id_r"], strict=True))
    # R00 leads the profile of the two born on the first of January; the new R10 meets it alone.
    assert {frozenset(pair) for pair in found} == {frozenset({"R00", "R10"})}


def test_records_whose_names_keys_differ_are_not_one_profile() -> None:
    # One forename and surname, but a street name (a nickname) on one record: its forename keys differ, so it
    # is compared on its own (its keys can meet a record the other's cannot).
    born = {**ALONE, "first_name": "Robert", "last_name": "Smith", "birth_date": "1980-01-02"}
    frame = pd.DataFrame([{**born, "record_id": "R1"}, {**born, "record_id": "R2", "nickname": "Spider"}])
    prepared = prepare_records(frame)
    assert prepared["first_keys"].map(tuple).nunique() == 2
    assert prepared["profile"].isna().all()
    assert prepared["lead"].tolist() == ["1", "1"]
