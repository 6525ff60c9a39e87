"""Address parts, sounds of names and approximate ages: prepared and compared."""

from __future__ import annotations

import pandas as pd

from socmap.engines.resolve import ResolverModel, candidate_pairs, explain, score_pairs
from socmap.engines.resolve.comparisons import BLOCKING_RULES, rules_that_can_pair
from socmap.engines.resolve.prepare import _address_parts, prepare_records
from socmap.engines.resolve.types import ResolveConfig


def test_a_free_text_address_is_split_into_house_street_and_locality() -> None:
    assert _address_parts("12 High St, Cheltenham, GL50 3PP") == ("12", "high street", "cheltenham")
    assert _address_parts("Flat 3, 14a Severn Gardens, Bristol") == ("14a", "severn gardens", "bristol")
    assert _address_parts("12 smith street kingsford") == ("12", "smith street kingsford", None)
    assert _address_parts(None) == (None, None, None)


def test_a_source_s_own_address_columns_win_over_the_text() -> None:
    frame = pd.DataFrame(
        [
            {
                "record_id": "a",
                "address": "1 Low Road, Stroud",
                "house_number": "7",
                "street": "Mill Ln",
                "locality": "Nailsworth",
            }
        ]
    )
    row = prepare_records(frame).iloc[0]
    assert (row["house_number"], row["street"], row["locality"]) == ("7", "mill lane", "nailsworth")


def test_an_age_on_a_date_becomes_an_approximate_birth_year_only_without_a_date_of_birth() -> None:
    frame = pd.DataFrame(
        [
            {"record_id": "a", "age": "about 30", "age_on": "2024-05-01"},
            {"record_id": "b", "age": "30-34", "age_on": "01/05/2024"},
            {"record_id": "c", "age": "30", "age_on": "2024-05-01", "birth_date": "1990-01-01"},
            {"record_id": "d", "age": "30"},
        ]
    )
    prepared = prepare_records(frame).set_index("record_id")
    assert prepared.loc["a", "approx_year"] == "1994"
    assert prepared.loc["b", "approx_year"] == "1992"
    assert prepared.loc["c", "approx_year"] is None
    assert prepared.loc["d", "approx_year"] is None


def _level(model: ResolverModel, pair: pd.Series, comparison: str) -> str:
    return next(s.level for s in explain(pair, model).steps if s.name == comparison)


def _one_pair(model: ResolverModel, a: dict[str, str], b: dict[str, str]) -> pd.Series:
    frame = pd.DataFrame([{"record_id": "A", **a}, {"record_id": "B", **b}])
    pairs = score_pairs(frame, model, ResolveConfig(keep_above=0.0, blocking=("1 = 1",))).pairs
    assert len(pairs) == 1
    return pairs.iloc[0]


def test_names_that_sound_alike_and_transposed_letters_have_levels_of_their_own(model) -> None:
    base = {"birth_date": "1980-02-02", "postcode": "GL50 3PP"}
    sounds = _one_pair(
        model,
        {"first_name": "Caitlin", "last_name": "Kaye", **base},
        {"first_name": "Kaitlyn", "last_name": "Kaye", **base},
    )
    assert _level(model, sounds, "first_name") == "Sounds alike (Metaphone)"
    swapped = _one_pair(
        model,
        {"first_name": "Mark", "last_name": "Jnoes", **base},
        {"first_name": "Mark", "last_name": "Jones", **base},
    )
    assert _level(model, swapped, "last_name") == "One letter wrong, missing, extra or transposed"


def test_an_approximate_age_agrees_with_a_date_of_birth_within_two_years(model) -> None:
    name = {"first_name": "Kyle", "last_name": "Rendell"}
    pair = _one_pair(
        model, {**name, "birth_date": "1993-06-01"}, {**name, "age": "about 30", "age_on": "2024-05-01"}
    )
    assert _level(model, pair, "birth_date") == "Approximate age agrees (within two years)"


def test_the_waterfall_still_adds_up_with_term_frequencies(people, model, config) -> None:
    records, _ = people
    pairs = score_pairs(records, model, config).pairs
    assert not [c for c in pairs.columns if c.startswith(("mw_tf_adj_", "bf_"))]
    for _, pair in pairs.head(50).iterrows():
        why = explain(pair, model)
        assert abs(why.prior_weight + sum(s.match_weight for s in why.steps) - why.match_weight) < 1e-6


def test_a_rule_comparing_a_column_no_record_has_is_left_out_and_a_test_for_missing_is_kept() -> None:
    rules = (
        "l.phone = r.phone",
        "l.postcode = r.postcode AND l.house_number = r.house_number",
        "substr(l.phone, 1, 3) = substr(r.phone, 1, 3) AND l.last_sx = r.last_sx",
        "l.first_sx = r.first_sx AND l.name_year IS NULL",
        "l.phone = r.phone OR l.postcode = r.postcode",
    )
    kept = rules_that_can_pair(rules, {"phone", "name_year"})
    # Any conjunct comparing a phone makes its rule pair no one; "IS NULL" of an empty column is
    # true, and a rule with OR is kept whole (each side might pair).
    assert kept == (rules[1], rules[3], rules[4])
    assert rules_that_can_pair(rules, set()) == rules


def test_scoring_without_the_empty_rules_compares_the_same_pairs_as_every_rule(
    people: tuple[pd.DataFrame, dict[str, str]], model: ResolverModel
) -> None:
    # No phone and no identifier anywhere (FEBRL4 without its identifier): their rules are left
    # out of Splink's, and blocking still yields exactly the pairs of every rule in plain SQL.
    records = people[0].assign(phone=None, pnc_id=None, custody_number=None, ni_number=None)
    scored = score_pairs(records, model, ResolveConfig(keep_above=0.0))
    assert scored.candidate_pairs == len(candidate_pairs(records)) > 0
    assert len(scored.pairs) == scored.candidate_pairs
    assert scored.blocking_rules == BLOCKING_RULES
