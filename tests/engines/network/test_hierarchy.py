"""Groups may be large: a family running crews is one group, its crews are its sub-groups."""

from __future__ import annotations

import collections
import dataclasses
import datetime as dt
import pathlib

import pytest

from socmap.engines.network import (
    Edge,
    NetworkConfig,
    NetworkGraph,
    build_graph,
    centrality,
    detect_communities,
    propose,
)
from socmap.engines.synth import SynthConfig, generate
from tests.engines.network.synthetic import region_inputs, region_people

FAMILY = "OCG0001"  # with --groups families the first group is always a family of 150 in 3 crews


@pytest.fixture(scope="module", params=[1, 7])
def family_region(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> pathlib.Path:
    out = tmp_path_factory.mktemp(f"families{request.param}")
    generate(SynthConfig(seed=request.param, size=20_000, group_sizes="families"), out_dir=out, force=True)
    return out


@pytest.fixture(scope="module")
def family_graph(family_region: pathlib.Path, config: NetworkConfig) -> NetworkGraph:
    nodes, edges = region_inputs(family_region)
    return build_graph(nodes, edges, config)


def _crews(region: pathlib.Path) -> tuple[set[str], dict[str, set[str]]]:
    people = region_people(region)
    family = set(people.loc[people["ocg_id"] == FAMILY, "person_id"])
    crews: dict[str, set[str]] = collections.defaultdict(set)
    for person, crew in zip(people["person_id"], people["crew_id"], strict=True):
        if crew.startswith(FAMILY):
            crews[crew].add(person)
    return family, crews


def test_a_family_of_150_in_three_crews_is_one_group_with_its_crews_as_subgroups(
    family_graph: NetworkGraph, family_region: pathlib.Path
) -> None:
    family, crews = _crews(family_region)
    assert len(family) == 150 and len(crews) == 3
    result = detect_communities(family_graph)
    (home,) = [c for c, members in result.communities.items() if family & set(members)]
    assert family <= set(result.communities[home])
    subgroups = [set(s) for s in result.subgroups[home]]
    assert len(subgroups) == 3
    for crew in crews.values():
        best = max(subgroups, key=lambda s: len(s & crew))
        assert len(best & crew) >= 0.9 * len(crew)  # the crew is (almost all) one sub-group
        assert len(best & crew) >= 0.85 * len(best)  # and that sub-group is (mostly) the crew


def test_the_family_is_proposed_whole_with_its_crews(
    family_graph: NetworkGraph, family_region: pathlib.Path
) -> None:
    family, _ = _crews(family_region)
    communities = detect_communities(family_graph)
    proposals = propose(family_graph, communities, centrality(family_graph, communities))
    (group,) = [g for g in proposals.groups if g.members & family]
    assert family <= group.members | group.associates
    assert len(group.subgroups) == 3
    assert all(s.members <= group.members for s in group.subgroups)
    assert all("found by the same method applied within the group" in s.explanation for s in group.subgroups)


def test_a_group_over_the_largest_size_is_replaced_by_its_subgroups(
    family_graph: NetworkGraph, family_region: pathlib.Path, config: NetworkConfig
) -> None:
    family, crews = _crews(family_region)
    capped = dataclasses.replace(config.communities, split_above=120)
    family_graph.config = dataclasses.replace(config, communities=capped)
    try:
        result = detect_communities(family_graph)
    finally:
        family_graph.config = config
    holding = [set(m) for m in result.communities.values() if set(m) & family]
    for crew in crews.values():
        assert any(len(part & crew) >= 0.9 * len(crew) for part in holding)
    assert max(len(part & family) for part in holding) <= 60
    assert "replaced by their sub-groups" in result.explanation


def _ring_of_groups(groups: int, size: int) -> list[Edge]:
    """``groups`` groups of ``size`` people, each a clique, each tied to the next by one call."""
    day = dt.date(2024, 6, 1)
    edges = [
        Edge(f"g{g}p{i}", f"g{g}p{j}", "co_offending", "2B", day, f"C{g}-{i}-{j}")
        for g in range(groups)
        for i in range(size)
        for j in range(i + 1, size)
    ]
    edges += [Edge(f"g{g}p0", f"g{(g + 1) % groups}p1", "call", "2B", day, f"K{g}") for g in range(groups)]
    return edges


def test_small_groups_tied_by_one_link_stay_apart_where_modularity_glues_them(config: NetworkConfig) -> None:
    graph = build_graph(None, _ring_of_groups(300, 6), config)
    ours = detect_communities(graph)
    assert len(ours.communities) == 300
    assert all(len({m.split("p")[0] for m in members}) == 1 for members in ours.communities.values())
    assert len(detect_communities(graph, objective="modularity").communities) < 300  # the resolution limit


def test_groups_smaller_than_the_subgroup_size_have_no_subgroups(config: NetworkConfig) -> None:
    graph = build_graph(None, _ring_of_groups(20, 8), config)
    assert detect_communities(graph).subgroups == {}
