"""Only the merges that join something are kept, and clustering them joins the same people."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from socmap.engines.resolve import cluster, merge_forest


def _series(values: list[str]) -> pd.Series:
    return pd.Series(values, dtype="string[pyarrow]")


def _people(ids: list[str], edges: list[tuple[str, str, float]], negative: list[tuple[str, str]]) -> set:
    return {frozenset(c) for c in cluster(ids, edges, negative).clusters}


pairs_st = st.lists(
    st.tuples(st.integers(0, 11), st.integers(0, 11), st.sampled_from([0.991, 0.995, 0.999, 0.9999])).filter(
        lambda t: t[0] != t[1]
    ),
    min_size=1,
    max_size=40,
    unique_by=lambda t: (min(t[0], t[1]), max(t[0], t[1])),
)


@settings(max_examples=150, deadline=None)
@given(pairs=pairs_st)
def test_the_forest_joins_exactly_what_every_pair_joins(pairs: list[tuple[int, int, float]]) -> None:
    ids = [f"r{i:02d}" for i in range(12)]
    edges = [(f"r{min(a, b):02d}", f"r{max(a, b):02d}", w) for a, b, w in pairs]
    mask = merge_forest(
        _series([a for a, _, _ in edges]), _series([b for _, b, _ in edges]), np.array([w for *_, w in edges])
    )
    kept = [e for e, m in zip(edges, mask, strict=True) if m]
    assert _people(ids, kept, []) == _people(ids, edges, [])
    # A forest: one pair fewer than the records it joins, in every person.
    assert len(kept) == sum(len(c) - 1 for c in _people(ids, edges, []))


def test_a_person_on_many_records_keeps_one_pair_per_record_joined() -> None:
    ids = [f"r{i:02d}" for i in range(40)]
    edges = [(a, b, 0.999) for i, a in enumerate(ids) for b in ids[i + 1 :]]
    mask = merge_forest(
        _series([a for a, _, _ in edges]), _series([b for _, b, _ in edges]), np.full(len(edges), 0.999)
    )
    assert len(edges) == 780 and int(mask.sum()) == 39


def test_a_component_with_a_no_match_keeps_every_pair() -> None:
    edges = [("a", "b", 0.999), ("b", "c", 0.998), ("a", "c", 0.997), ("d", "e", 0.999), ("e", "f", 0.999)]
    edges += [("d", "f", 0.995)]
    mask = merge_forest(
        _series([a for a, _, _ in edges]),
        _series([b for _, b, _ in edges]),
        np.array([w for *_, w in edges]),
        apart=[("a", "c")],
    )
    assert mask.tolist() == [True, True, True, True, True, False]
    kept = [e for e, m in zip(edges, mask, strict=True) if m]
    ids = list("abcdef")
    assert _people(ids, kept, [("a", "c")]) == _people(ids, edges, [("a", "c")])


def test_a_merge_already_standing_makes_a_new_pair_needless() -> None:
    mask = merge_forest(
        _series(["a", "b"]), _series(["b", "c"]), np.array([0.999, 0.999]), standing=[("a", "c")]
    )
    assert int(mask.sum()) == 1


def test_pairs_kept_whatever_stay_kept() -> None:
    mask = merge_forest(
        _series(["a", "a", "b"]),
        _series(["b", "c", "c"]),
        np.array([0.999, 0.999, 0.991]),
        keep=np.array([False, False, True]),
    )
    assert mask.tolist() == [True, True, True]


@settings(max_examples=100, deadline=None)
@given(pairs=pairs_st)
def test_the_forest_is_the_heaviest_one(pairs: list[tuple[int, int, float]]) -> None:
    # Kruskal by hand, heaviest first: any maximum forest has the same total weight.
    parent = list(range(12))

    def root(x: int) -> int:
        while parent[x] != x:
            x = parent[x]
        return x

    best = 0.0
    for a, b, w in sorted(pairs, key=lambda t: -t[2]):
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[ra] = rb
            best += w
    # Each pair given with its ends either way round, as a scored frame may hold them.
    left = [f"r{a:02d}" for a, _, _ in pairs]
    right = [f"r{b:02d}" for _, b, _ in pairs]
    weights = np.array([w for *_, w in pairs])
    mask = merge_forest(_series(left), _series(right), weights)
    assert abs(float(weights[mask].sum()) - best) < 1e-9


def test_of_a_cycle_the_weakest_link_goes() -> None:
    mask = merge_forest(_series(["a", "b", "c"]), _series(["b", "c", "a"]), np.array([0.999, 0.995, 0.998]))
    assert mask.tolist() == [True, False, True]
