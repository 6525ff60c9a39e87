"""Of the pairs waiting for review, a run stores the strongest between each two people."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from socmap.apps.resolution.services.merges import merges_needed, strongest_between
from socmap.engines.resolve import ResolveConfig, cluster


def test_one_pair_is_kept_between_each_two_people_the_strongest_and_the_first_of_equals() -> None:
    # A lone record (person 9) scored against three records of person 1 and two of person 2, and
    # two pairs of people 1 and 2 between themselves, one of which is not a candidate at all.
    left = np.array([9, 9, 9, 9, 9, 1, 2, 1])
    right = np.array([1, 1, 1, 2, 2, 2, 1, 2])
    probability = [0.6, 0.8, 0.8, 0.7, 0.55, 0.9, 0.95, 0.99]
    rows = np.array([True] * 7 + [False])
    kept = pd.DataFrame({"match_probability": probability})
    new = np.zeros(8, dtype=bool)
    chosen = strongest_between(left, right, rows, kept, new)
    # 9-1: the first of the two at 0.8; 9-2: 0.7; 1-2 in either order: 0.95 (the 0.99 is no candidate).
    assert np.flatnonzero(chosen).tolist() == [1, 3, 6]
    assert not strongest_between(left, right, new, kept, new).any()
    # A pair of two people stored already is the one kept between them: a run again adds none.
    stored = np.array([True, False, False, False, False, False, False, False])
    assert np.flatnonzero(strongest_between(left, right, rows, kept, stored)).tolist() == [0, 3, 6]
    # A name-only pair is kept apart from the others: only it may attach the lone record.
    kinds = np.array([True, False, False, True, False, False, False, False])
    chosen = strongest_between(left, right, rows, kept, new, kinds=kinds)
    assert np.flatnonzero(chosen).tolist() == [0, 1, 3, 4, 6]


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(0, 4),
            st.integers(0, 4),
            st.sampled_from([0.5, 0.6, 0.7]),
            st.booleans(),
            st.booleans(),
        ),
        max_size=40,
    )
)
def test_each_two_peoples_stored_or_else_strongest_candidate_is_the_one_kept(
    rows: list[tuple[int, int, float, bool, bool]],
) -> None:
    left = np.array([r[0] for r in rows], dtype=np.int64)
    right = np.array([r[1] for r in rows], dtype=np.int64)
    wanted = np.array([r[3] for r in rows], dtype=bool)
    stored = np.array([r[3] and r[4] for r in rows], dtype=bool)
    kept = pd.DataFrame({"match_probability": [r[2] for r in rows]}, dtype=float)
    chosen = strongest_between(left, right, wanted, kept, stored)
    best: dict[tuple[int, int], tuple[bool, float, int]] = {}
    for i, (a, b, p, candidate, _) in enumerate(rows):
        key, rank = (min(a, b), max(a, b)), (bool(stored[i]), p, -i)
        if candidate and (key not in best or rank > best[key]):
            best[key] = rank
    expected = {-rank[2] for rank in best.values()}
    assert sorted(np.flatnonzero(chosen).tolist()) == sorted(expected)


@pytest.mark.django_db
def test_a_guarded_person_is_stored_as_a_forest_and_the_guard_still_holds() -> None:
    """Four records of one date of birth, every two of them sure, beside a fifth of another date
    of birth sure with one of them: the dates guard the component, and the engine's clustering
    keeps the fifth apart. Of the six sure pairs of the four, three (the strongest that join them)
    are stored as merges, not six; the pair the guard refused waits for review."""
    four = ["r1", "r2", "r3", "r4"]
    inside = [(a, b) for i, a in enumerate(four) for b in four[i + 1 :]]
    probability = [0.999, 0.998, 0.9995, 0.9991, 0.9992, 0.997]
    kept = pd.DataFrame(
        {
            "record_id_l": [a for a, _ in inside] + ["r4"],
            "record_id_r": [b for _, b in inside] + ["r5"],
            "match_probability": [*probability, 0.995],
        }
    )
    births = dict.fromkeys(four, "1980-01-01") | {"r5": "1991-07-23"}
    cfg = ResolveConfig(upper_threshold=0.99)
    stored, merged = merges_needed(kept, cfg, {}, set(), births, set(four) | {"r5"})
    pairs = list(zip(stored["record_id_l"], stored["record_id_r"], merged.tolist(), strict=True))
    merges = sorted((a, b) for a, b, m in pairs if m)
    # The heaviest forest: r1-r4 (0.9995), r2-r4 (0.9992), r2-r3 (0.9991); not r1-r2, r1-r3, r3-r4.
    assert merges == [("r1", "r4"), ("r2", "r3"), ("r2", "r4")]
    assert [(a, b) for a, b, m in pairs if not m] == [("r4", "r5")]
    # Clustering what is stored makes the people the engine made: the four, and the fifth alone.
    people = cluster([*four, "r5"], [(a, b, 1.0) for a, b in merges], [])
    assert sorted(map(sorted, people.clusters)) == [four, ["r5"]]
