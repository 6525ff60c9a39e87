"""Link weights count only through their ratios: scaling every weight changes no group."""

from __future__ import annotations

import dataclasses
import pathlib

import pytest

from socmap.engines.network import (
    NetworkConfig,
    NetworkGraph,
    build_graph,
    centrality,
    detect_communities,
    propose,
)
from socmap.engines.synth import SynthConfig, generate
from tests.engines.network.synthetic import region_inputs


@pytest.fixture(scope="module")
def region(tmp_path_factory: pytest.TempPathFactory) -> pathlib.Path:
    out = tmp_path_factory.mktemp("scale")
    generate(SynthConfig(seed=3, size=20_000, group_sizes="families"), out_dir=out, force=True)
    return out


def _graph(region: pathlib.Path, config: NetworkConfig) -> NetworkGraph:
    nodes, edges = region_inputs(region)
    return build_graph(nodes, edges, config)


def _scaled(graph: NetworkGraph, factor: float) -> NetworkGraph:
    copy = dataclasses.replace(graph, graph=graph.graph.copy())
    copy.graph.es["weight"] = [w * factor for w in graph.graph.es["weight"]]
    return copy


@pytest.mark.parametrize("method", ["joined", "cpm", "modularity", "infomap"])
@pytest.mark.parametrize("factor", [10.0, 0.001, 1234.5])
def test_multiplying_every_weight_by_a_constant_changes_no_group(
    region: pathlib.Path, config: NetworkConfig, method: str, factor: float
) -> None:
    graph = _graph(region, config)
    before = detect_communities(graph, objective=method)
    after = detect_communities(_scaled(graph, factor), objective=method)
    assert len(before.communities) > 20
    assert list(after.membership) == list(before.membership)
    assert after.subgroups == before.subgroups


def test_link_type_weights_ten_times_larger_propose_the_same_groups(
    region: pathlib.Path, config: NetworkConfig
) -> None:
    tenfold = dataclasses.replace(
        config,
        link_types={k: dataclasses.replace(v, weight=v.weight * 10) for k, v in config.link_types.items()},
    )
    found = []
    for cfg in (config, tenfold):
        graph = _graph(region, cfg)
        communities = detect_communities(graph)
        proposals = propose(graph, communities, centrality(graph, communities, betweenness="none"))
        found.append({(g.members, tuple(s.members for s in g.subgroups)) for g in proposals.groups})
    assert found[0] and found[0] == found[1]
