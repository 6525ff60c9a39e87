"""u from seeded random pairs: how many pairs, and what they give."""

from __future__ import annotations

import itertools
import random

import duckdb
import pandas as pd

from socmap.engines.resolve import ResolveConfig, train
from socmap.engines.resolve.training import U_MIN_PAIRS, u_pairs, with_random_u


def test_u_pairs_grow_with_the_records_from_a_floor() -> None:
    assert u_pairs(10_000) == U_MIN_PAIRS
    assert u_pairs(417_776) == 417_776
    assert u_pairs(2_000_000) > u_pairs(417_776)
    assert u_pairs(417_776, 5e4) == 5e4  # a fixed number wins


def test_a_model_says_how_many_random_pairs_its_u_came_from(people, model) -> None:
    assert model.metadata["trained_on"]["u_pairs"] == U_MIN_PAIRS
    fixed = train(people[0].head(300), ResolveConfig(u_max_pairs=2_000))
    assert fixed.metadata["trained_on"]["u_pairs"] == 2_000


def _one_comparison() -> dict[str, object]:
    return {
        "comparisons": [
            {
                "output_column_name": "colour",
                "comparison_levels": [
                    {"sql_condition": '"colour_l" IS NULL OR "colour_r" IS NULL', "is_null_level": True},
                    {"sql_condition": '"colour_l" = "colour_r"'},
                    {"sql_condition": "ELSE"},
                ],
            }
        ]
    }


def test_u_is_the_share_of_random_pairs_at_each_level() -> None:
    rng = random.Random(5)
    colours = [rng.choice(["red", "blue", "green", None]) for _ in range(300)]
    frame = pd.DataFrame({"record_id": [f"r{i:03d}" for i in range(300)], "colour": colours})
    con = duckdb.connect()
    con.register("records", frame)
    # More pairs asked than there are: every pair is compared, so u is countable by hand.
    out = with_random_u(con, "records", _one_comparison(), max_pairs=1e6, seed=42)
    both = [(a, b) for a, b in itertools.combinations(colours, 2) if a is not None and b is not None]
    same = sum(a == b for a, b in both) / len(both)
    levels = out["comparisons"][0]["comparison_levels"]
    assert abs(levels[1]["u_probability"] - same) < 1e-12
    assert abs(levels[2]["u_probability"] - (1 - same)) < 1e-12
    assert "u_probability" not in levels[0]  # the null level has none


def test_fewer_pairs_asked_compares_a_sample() -> None:
    rng = random.Random(6)
    frame = pd.DataFrame(
        {
            "record_id": [f"r{i:04d}" for i in range(2_000)],
            "colour": [rng.choice(["red", "blue", "green", "grey", "gold"]) for _ in range(2_000)],
        }
    )
    con = duckdb.connect()
    con.register("records", frame)
    whole = with_random_u(con, "records", _one_comparison(), max_pairs=1e7, seed=42)
    sample = with_random_u(con, "records", _one_comparison(), max_pairs=2e4, seed=42)
    again = with_random_u(con, "records", _one_comparison(), max_pairs=2e4, seed=42)
    u = [d["comparisons"][0]["comparison_levels"][1]["u_probability"] for d in (whole, sample, again)]
    assert u[1] == u[2]  # seeded
    assert u[1] != u[0]  # a sample, not every pair
    assert abs(u[1] - u[0]) < 0.02  # of about 0.2
