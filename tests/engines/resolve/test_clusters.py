from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from socmap.engines.resolve import cluster, clusters, evaluate, resolve_objects


def test_positive_links_form_connected_components() -> None:
    result = cluster(["a", "b", "c", "d"], [("a", "b", 0.99), ("b", "c", 0.98)])
    assert result.clusters == (("a", "b", "c"), ("d",))
    assert result.conflicts == ()


def test_a_no_match_splits_a_cluster_joined_by_a_chain() -> None:
    result = cluster(["a", "b", "c"], [("a", "b", 0.999), ("b", "c", 0.95)], negative_pairs=[("a", "c")])
    assert result.cluster_of["a"] != result.cluster_of["c"]
    assert result.cluster_of["a"] == result.cluster_of["b"]  # the weakest link was cut
    (conflict,) = result.conflicts
    assert (conflict.record_id_a, conflict.record_id_b) == ("a", "c")
    assert conflict.cut_edges == (("b", "c", 0.95),)


def test_evaluation_counts_pairs_and_bcubed() -> None:
    truth = {"a": "1", "b": "1", "c": "1", "d": "2"}
    result = evaluate({"a": "x", "b": "x", "c": "y", "d": "y"}, truth)
    assert result.true_pairs == 3 and result.predicted_pairs == 2 and result.correct_pairs == 1
    assert result.pairwise_precision == 0.5
    assert round(result.pairwise_recall, 4) == round(1 / 3, 4)


def test_objects_group_by_normalised_identifier() -> None:
    result = resolve_objects(
        [
            ("r1", "vehicle", "ab12 cde"),
            ("r2", "vehicle", "AB12CDE"),
            ("r3", "phone", "07700 900123"),
            ("r4", "phone", "+447700900123"),
            ("r5", "phone", "123"),
        ]
    )
    assert {c.record_ids for c in result.clusters} == {("r1", "r2"), ("r3", "r4")}
    assert result.rejected[0][0] == "r5"


def test_a_weak_link_attaches_a_lone_record_to_its_only_cluster() -> None:
    result = cluster(["a", "b", "c"], [("a", "b", 0.999)], attach_pairs=[("c", "a", 0.9)])
    assert result.clusters == (("a", "b", "c"),)
    assert result.run.counts["attached"] == 1 and result.attached == {"c"}


def test_a_weak_link_to_two_clusters_attaches_nowhere() -> None:
    # "David Smith" with only a name matches two different David Smiths: it joins neither.
    result = cluster(
        ["a", "b", "c", "d", "e"],
        [("a", "b", 0.999), ("c", "d", 0.999)],
        attach_pairs=[("e", "a", 0.9), ("e", "c", 0.9)],
    )
    assert result.clusters == (("a", "b"), ("c", "d"), ("e",)) and result.attached == frozenset()


def test_a_weak_link_never_joins_two_clusters() -> None:
    result = cluster(
        ["a", "b", "c", "d"], [("a", "b", 0.999), ("c", "d", 0.999)], attach_pairs=[("b", "c", 0.9)]
    )
    assert result.clusters == (("a", "b"), ("c", "d"))


def test_a_weak_link_respects_a_no_match() -> None:
    result = cluster(["a", "b", "c"], [("a", "b", 0.999)], [("c", "b")], attach_pairs=[("c", "a", 0.9)])
    assert result.cluster_of["c"] == "c"


def test_cluster_scored_links_strong_pairs_and_attaches_name_only_ones() -> None:
    import pandas as pd

    from socmap.engines.resolve import ResolveConfig, cluster_scored

    pairs = pd.DataFrame(
        {
            "record_id_l": ["a", "c", "d"],
            "record_id_r": ["b", "a", "e"],
            "match_probability": [0.995, 0.85, 0.999],
            "name_only": [False, True, True],
        }
    )
    result = cluster_scored(["a", "b", "c", "d", "e"], pairs, ResolveConfig())
    # c attaches to a-b; d-e rest on the name alone and neither has a cluster to join.
    assert result.clusters == (("a", "b", "c"), ("d",), ("e",))


def test_a_model_link_never_joins_dates_of_birth_that_conflict() -> None:
    # Two Tomasz Nowaks born years apart, each joined to a record with no date of birth: the
    # weaker link that would chain them is not applied.
    births = {"a": "1999-10-01", "b": "", "c": "1993-07-05"}
    result = cluster(["a", "b", "c"], [("a", "b", 0.999), ("b", "c", 0.995)], births=births)
    assert result.clusters == (("a", "b"), ("c",))
    # A slip (one character, day and month transposed) is no conflict.
    slips = {"a": "1999-10-01", "b": "", "c": "1999-01-10"}
    assert cluster(["a", "b", "c"], [("a", "b", 0.999), ("b", "c", 0.995)], births=slips).clusters == (
        ("a", "b", "c"),
    )


def test_a_persons_match_joins_whatever_the_dates() -> None:
    from socmap.engines.resolve.judgement import USER_MATCH_WEIGHT

    births = {"a": "1999-10-01", "b": "1993-07-05"}
    result = cluster(["a", "b"], [("a", "b", USER_MATCH_WEIGHT)], births=births)
    assert result.clusters == (("a", "b"),)


def test_births_conflict_only_between_full_dates_no_slip_explains() -> None:
    from socmap.engines.resolve.clusters import births_conflict

    assert births_conflict("1999-10-01", "1993-07-05")
    assert not births_conflict("1999-10-01", "1999-10-02")  # one character
    assert not births_conflict("1999-10-01", "1999-01-10")  # day and month transposed
    assert not births_conflict("1999", "1993-07-05")  # partial


def test_a_weak_link_attaches_to_the_cluster_most_records_of_the_name_belong_to() -> None:
    # Nine records of one "David Smith", two of another: the bare name joins the nine.
    nine = [(f"a{i}", f"a{i + 1}", 0.999) for i in range(8)]
    positives = [*nine, ("e", "f", 0.999)]
    ids = [f"a{i}" for i in range(9)] + ["e", "f", "g"]
    weak = [("g", "a0", 0.9), ("g", "e", 0.9)]
    assert cluster(ids, positives, attach_pairs=weak).cluster_of["g"] == "a0"
    # Not with seven against two (under four in five), nor against a date of birth.
    assert cluster(ids, [*nine[:6], ("e", "f", 0.999)], attach_pairs=weak).cluster_of["g"] == "g"
    guarded = cluster(ids, positives, attach_pairs=weak, births={"g": "1980-01-01", "a3": "1990-05-05"})
    assert guarded.cluster_of["g"] == "e"


ids = st.sampled_from([f"r{i:02d}" for i in range(12)])
dates = st.sampled_from(["1980-01-02", "1980-02-01", "1980-01-03", "1975-06-30", "1980", ""])


@settings(max_examples=200, deadline=None)
@given(
    positives=st.lists(st.tuples(ids, ids, st.sampled_from([0.95, 0.97, 0.99, 1.0, 2.0])), max_size=20),
    negatives=st.lists(st.tuples(ids, ids), max_size=3),
    attach=st.lists(st.tuples(ids, ids, st.just(0.9)), max_size=4),
    births=st.dictionaries(ids, dates, max_size=12),
)
def test_clusters_are_those_of_applying_every_link_one_by_one(
    positives: list[tuple[str, str, float]],
    negatives: list[tuple[str, str]],
    attach: list[tuple[str, str, float]],
    births: dict[str, str],
) -> None:
    """Components with nothing to cut are taken whole; the result is the one of applying every
    link strongest first (every component treated as one where a link may be cut)."""
    records = [f"r{i:02d}" for i in range(12)]
    fast = cluster(records, positives, negatives, attach_pairs=attach, births=births)
    split = clusters._hard_components
    clusters._hard_components = lambda position, component, *_: set(component.tolist())  # type: ignore[assignment]
    try:
        slow = cluster(records, positives, negatives, attach_pairs=attach, births=births)
    finally:
        clusters._hard_components = split  # type: ignore[assignment]
    assert fast.clusters == slow.clusters
    assert fast.conflicts == slow.conflicts
    assert fast.run.counts == slow.run.counts
