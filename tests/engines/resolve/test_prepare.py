"""Large blocks split by a key (``prepare.block_years``, engine 1.5; ``prepare.date_initials``, 1.7)."""

from __future__ import annotations

import pandas as pd
import pytest

from socmap.engines.resolve import ResolveConfig, ResolverModel, candidate_pairs, score_new
from socmap.engines.resolve import prepare as prepare_module
from socmap.engines.resolve.prepare import NAME_BLOCK, block_years, date_initials, prepare_records
from tests.engines.resolve.blocks import compared, people


def _people(*born: str | None, start: int = 0, name: tuple[str, str] = ("John", "Smith")) -> pd.DataFrame:
    return people(born, start=start, name=name)


@pytest.fixture
def cap_of_three(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(prepare_module, "NAME_BLOCK_CAP", 3)


def test_a_block_of_common_names_is_keyed_by_year_and_a_small_block_is_not(cap_of_three: None) -> None:
    common = _people("1980-01-02", "1981-03-04", "1980-05-06", None)
    rare = _people("1980-01-02", "1990-03-04", start=10, name=("Ezekiel", "Quaife"))
    prepared = prepare_records(pd.concat([common, rare], ignore_index=True))
    by_id = dict(zip(prepared["record_id"], prepared["name_year"], strict=True))
    # Four records sound like John Smith (over the cap of three): each keyed by its year, the one
    # without a date of birth by nothing, so the name rule pairs it with no one.
    assert [by_id[f"R{i}"] for i in range(4)] == ["1980", "1981", "1980", None]
    assert by_id["R10"] == by_id["R11"] == ""
    keyed = dict(zip(prepared["record_id"], prepared["key_year"], strict=True))
    assert [keyed[f"R{i}"] for i in (0, 1, 3, 10)] == ["1980", "1981", None, ""]


def test_a_large_block_is_compared_within_each_year_and_without_a_year_with_all(cap_of_three: None) -> None:
    # R3 has no date of birth: nothing but the name can place it, so it meets the whole block.
    pairs = compared(_people("1980-01-02", "1981-03-04", "1980-05-06", None))
    assert pairs == {("R0", "R2"), ("R0", "R3"), ("R1", "R3"), ("R2", "R3")}


def test_the_name_rule_compares_every_pair_of_a_block_within_the_cap() -> None:
    # The cap of 200 is far above these four: every pair, whatever their years, is compared.
    assert len(compared(_people("1980-01-02", "1981-03-04", "1980-05-06", None))) == 6


def test_a_new_batch_is_keyed_by_the_blocks_of_the_whole_population(
    cap_of_three: None, model: ResolverModel
) -> None:
    existing = _people("1980-01-02", "1981-03-04", "1982-05-06")
    new = _people("1980-07-08", start=10)
    # Three existing and one new John Smith: four together, over the cap, so the new record is
    # compared with the one born the same year only (alone, neither frame is over the cap).
    assert block_years(prepare_records(new), NAME_BLOCK).tolist() == [""]
    pairs = score_new(new, existing, model, ResolveConfig(keep_above=0.0)).pairs
    assert set(zip(pairs["record_id_l"], pairs["record_id_r"], strict=True)) == {("R0", "R10")}


# One date of birth (engine 1.7): R0-R3 share one initial or another, R4 none.
SAME_DAY = (("John", "Smith"), ("Jane", "Brown"), ("Kevin", "Stone"), ("Sam", "Kirk"), ("Alan", "Ward"))


def _born_the_same_day(names: tuple[tuple[str, str], ...], start: int = 0) -> pd.DataFrame:
    return pd.concat(
        [_people("1980-01-02", start=start + i, name=name) for i, name in enumerate(names)], ignore_index=True
    )


@pytest.fixture
def date_cap_of_three(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(prepare_module, "DATE_BLOCK_CAP", 3)


def test_a_large_block_of_one_date_is_keyed_by_initials_and_a_small_one_is_not(
    date_cap_of_three: None,
) -> None:
    rare = _people("1990-03-04", "1990-03-04", start=10, name=("Ezekiel", "Quaife"))
    prepared = prepare_records(pd.concat([_born_the_same_day(SAME_DAY), rare], ignore_index=True))
    first, last = date_initials(prepared)
    assert first.tolist() == ["j", "j", "k", "s", "a", "", ""]
    assert last.tolist() == ["s", "b", "s", "k", "w", None, None]


def test_a_large_block_of_one_date_compares_pairs_that_share_an_initial_either_way(
    date_cap_of_three: None,
) -> None:
    # A forename shared (R0, R1), a surname's initial (R0, R2), and names given the other way
    # round (R0's surname is R3's forename; R2 and R3 swapped); R1 and R2, R1 and R3, and R4
    # share no initial and are not compared.
    assert compared(_born_the_same_day(SAME_DAY)) == {("R0", "R1"), ("R0", "R2"), ("R0", "R3"), ("R2", "R3")}


def test_a_block_of_one_date_within_the_cap_is_compared_whole() -> None:
    # Five records are far below the cap of 50: every pair, whatever its names, as "same date
    # of birth" always compared (the four rules of initials compare nothing more).
    pairs = candidate_pairs(_born_the_same_day(SAME_DAY))
    assert len(pairs) == 10
    assert not pairs.duplicated().any()


def test_a_new_batch_is_keyed_by_the_date_blocks_of_the_whole_population(
    date_cap_of_three: None, model: ResolverModel
) -> None:
    existing = _born_the_same_day(SAME_DAY[:3])
    new = _born_the_same_day(SAME_DAY[3:4], start=10)
    # Alone, the new record's block is one record; with the three existing ones it is four, over
    # the cap, so Sam Kirk meets only those that share an initial with him (R0 and R2).
    assert date_initials(prepare_records(new))[0].tolist() == [""]
    pairs = score_new(new, existing, model, ResolveConfig(keep_above=0.0)).pairs
    found = {frozenset(pair) for pair in zip(pairs["record_id_l"], pairs["record_id_r"], strict=True)}
    assert found == {frozenset({"R0", "R10"}), frozenset({"R2", "R10"})}


def test_a_record_without_a_surname_in_a_large_date_block_is_keyed_by_its_forename(
    date_cap_of_three: None, model: ResolverModel
) -> None:
    existing = _born_the_same_day(SAME_DAY[:3])
    new = _people("1980-01-02", start=10, name=("Sam", None))  # type: ignore[arg-type]
    # No surname, so no surname's initial; the forename's meets the surnames of R0 and R2.
    pairs = score_new(new, existing, model, ResolveConfig(keep_above=0.0)).pairs
    found = {frozenset(pair) for pair in zip(pairs["record_id_l"], pairs["record_id_r"], strict=True)}
    assert found == {frozenset({"R0", "R10"}), frozenset({"R2", "R10"})}
