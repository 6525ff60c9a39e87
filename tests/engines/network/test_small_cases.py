from __future__ import annotations

import dataclasses
import datetime as dt
import pathlib

import pandas as pd
import pytest

from socmap.engines.network import (
    Edge,
    NetworkConfig,
    Node,
    ProposalResult,
    build_graph,
    centrality,
    detect_communities,
    load_config,
    match_groups,
    neighbourhood,
    propose,
    shortest_path,
)
from socmap.errors import InvalidInput, InvalidModel


def test_two_triangles_joined_by_a_bridge_are_two_communities(
    config: NetworkConfig, bridge_edges: list[Edge]
) -> None:
    graph = build_graph(None, bridge_edges, config)
    result = detect_communities(graph, objective="cpm", resolution=0.5, seed=1)
    assert sorted(result.communities.values()) == [["a", "b", "c"], ["x", "y", "z"]]


def test_bridge_ends_are_the_brokers(config: NetworkConfig, bridge_edges: list[Edge]) -> None:
    graph = build_graph(None, bridge_edges, config)
    communities = detect_communities(graph, objective="cpm", resolution=0.5, seed=1)
    scores = centrality(graph, communities)
    assert scores.brokers == ["c", "x"]
    assert scores.of("c")["participation"] > 0.3
    assert scores.of("a")["participation"] == 0.0


def test_k_core_values(config: NetworkConfig, bridge_edges: list[Edge]) -> None:
    edges = [*bridge_edges, Edge("z", "leaf", "associate", "1A", dt.date(2024, 6, 1), "E8")]
    scores = centrality(build_graph(None, edges, config))
    core = {node: scores.of(node)["coreness"] for node in scores.node_ids}
    assert core == {"a": 2, "b": 2, "c": 2, "x": 2, "y": 2, "z": 2, "leaf": 1}


def test_betweenness_is_highest_on_the_bridge(config: NetworkConfig, bridge_edges: list[Edge]) -> None:
    scores = centrality(build_graph(None, bridge_edges, config), betweenness="exact")
    assert scores.of("c")["betweenness"] == scores.of("x")["betweenness"] == 6.0
    assert scores.of("a")["betweenness"] == 0.0


def test_shortest_path_returns_the_evidence_of_each_hop(
    config: NetworkConfig, bridge_edges: list[Edge]
) -> None:
    graph = build_graph(None, bridge_edges, config)
    path = shortest_path(graph, "a", "z")
    assert path.nodes == ["a", "c", "x", "z"]
    assert [[ev.evidence_ids for ev in hop.evidence] for hop in path.hops] == [
        [("E3",)],
        [("E7",)],
        [("E6",)],
    ]
    assert "E7" in path.explanation


def test_shortest_path_through_a_shared_phone_names_the_phone(config: NetworkConfig) -> None:
    nodes = [Node("p1"), Node("p2"), Node("PH1", kind="phone")]
    edges = [
        Edge("p1", "PH1", "uses_phone", "2B", dt.date(2024, 1, 1), "CDR-1"),
        Edge("p2", "PH1", "uses_phone", "2B", dt.date(2024, 1, 1), "CDR-2"),
    ]
    path = shortest_path(build_graph(nodes, edges, config), "p1", "p2")
    (evidence,) = path.hops[0].evidence
    assert evidence.via == "PH1"
    assert evidence.evidence_ids == ("CDR-1", "CDR-2")


def test_weights_follow_grading(config: NetworkConfig) -> None:
    day = dt.date(2024, 1, 1)
    edges = [Edge("a", "b", "associate", "1A", day, "E1"), Edge("c", "d", "associate", "3D", day, "E2")]
    weights = build_graph(None, edges, config).edges.set_index("evidence_id")["weight"]
    lt = config.link_types["associate"].weight
    assert weights["E1"] == pytest.approx(lt * 1.0 * 1.0)
    assert weights["E2"] == pytest.approx(lt * config.source_factors["3"] * config.assessment_factors["D"])


def test_weights_halve_every_half_life(config: NetworkConfig) -> None:
    ref = dt.date(2024, 1, 1)
    old = ref - dt.timedelta(days=int(config.half_life_days))
    edges = [Edge("a", "b", "associate", "1A", ref, "NEW"), Edge("c", "d", "associate", "1A", old, "OLD")]
    weights = build_graph(None, edges, config).edges.set_index("evidence_id")["weight"]
    assert weights["OLD"] == pytest.approx(weights["NEW"] / 2)


def test_links_between_a_pair_are_summed_and_keep_every_evidence_id(config: NetworkConfig) -> None:
    day = dt.date(2024, 1, 1)
    edges = [Edge("a", "b", "associate", "1A", day, "E1"), Edge("b", "a", "co_arrest", "1A", day, "E2")]
    graph = build_graph(None, edges, config)
    assert graph.graph.ecount() == 1
    assert graph.graph.es[0]["weight"] == pytest.approx(
        config.link_types["associate"].weight + config.link_types["co_arrested"].weight
    )
    assert sorted(ev.evidence_ids[0] for ev in graph.evidence(0)) == ["E1", "E2"]


def test_edges_may_be_a_dataframe(config: NetworkConfig, bridge_edges: list[Edge]) -> None:
    frame = pd.DataFrame([dataclasses.asdict(e) for e in bridge_edges])
    assert build_graph(None, frame, config).graph.ecount() == 7


def test_community_detection_is_repeatable_for_a_seed(config: NetworkConfig) -> None:
    day = dt.date(2024, 1, 1)
    edges = [Edge(f"p{i}", f"p{(i * 7 + 3) % 40}", "associate", "2B", day, f"E{i}") for i in range(40)]
    edges += [Edge(f"p{i}", f"p{(i * 11 + 5) % 40}", "call", "2C", day, f"F{i}") for i in range(40)]
    graph = build_graph(None, edges, config)
    first = detect_communities(graph, resolution=0.1, seed=5).membership
    assert all(detect_communities(graph, resolution=0.1, seed=5).membership == first for _ in range(3))


def test_unknown_link_type_in_the_data_is_named(config: NetworkConfig) -> None:
    with pytest.raises(InvalidInput) as caught:
        build_graph(None, [Edge("a", "b", "telepathy", "2B", None, "E1")], config)
    assert "telepathy" in caught.value.message
    assert caught.value.rows[0].row == 1


def test_unknown_key_in_a_link_type_of_the_configuration_is_named(tmp_path: object) -> None:
    import pathlib

    assert isinstance(tmp_path, pathlib.Path)
    path = tmp_path / "network.yaml"
    path.write_text(
        "link_types:\n  associate: {weight: 1.0}\n  telepathy: {wieght: 2.0}\n"
        "grading:\n  source: {'1': 1, '2': 1, '3': 1}\n  assessment: {A: 1, B: 1, C: 1, D: 1, E: 1}\n"
    )
    with pytest.raises(InvalidModel) as caught:
        load_config(path)
    assert "link_types.telepathy.wieght" in caught.value.fields


def test_neighbourhood_over_the_limit_says_so(config: NetworkConfig, bridge_edges: list[Edge]) -> None:
    graph = build_graph(None, bridge_edges, config)
    with pytest.raises(InvalidInput) as caught:
        neighbourhood(graph, "a", hops=3, max_nodes=4)
    assert "limit of 4" in caught.value.message


def test_neighbourhood_filters_by_link_type(config: NetworkConfig, bridge_edges: list[Edge]) -> None:
    extra = Edge("a", "w", "phone_contact", "1A", dt.date(2024, 6, 1), "E9")
    graph = build_graph(None, [*bridge_edges, extra], config)
    sub = neighbourhood(graph, "a", hops=1, link_types=["co_offending"], max_nodes=10)
    assert sub.nodes == ["a", "b", "c"]


def test_match_groups_reports_joined_and_left_members() -> None:
    previous = {"OCG-1": {"a", "b", "c", "d"}, "OCG-2": {"x", "y"}}
    proposals = {"community-0": {"a", "b", "c", "e"}, "community-1": {"m", "n", "o"}}
    matches = {m.kind + ":" + str(m.proposal_key or m.group_id): m for m in match_groups(previous, proposals)}
    update = matches["update:community-0"]
    assert update.group_id == "OCG-1"
    assert update.joined == {"e"} and update.left == {"d"}
    assert "new:community-1" in matches and "gone:OCG-2" in matches


def _crew_edges(extra: list[Edge]) -> list[Edge]:
    """Five offenders who co-offend in a ring and call each other, plus ``extra`` links."""
    day = dt.date(2024, 6, 1)
    ring = [f"o{i}" for i in range(5)]
    edges = [
        Edge(a, b, "co_offending", "1A", day, f"C{i}")
        for i, (a, b) in enumerate(zip(ring, ring[1:] + ring[:1], strict=True))
    ]
    edges += [Edge(ring[i], ring[(i + 2) % 5], "call", "2B", day, f"K{i}") for i in range(5)]
    return edges + extra


def _propose(config: NetworkConfig, edges: list[Edge], nodes: list[Node]) -> ProposalResult:
    graph = build_graph(nodes, edges, config)
    communities = detect_communities(graph, resolution=0.05)
    return propose(graph, communities, centrality(graph, communities))


def test_a_victim_linked_only_by_exploitation_is_an_associate_not_a_member(config: NetworkConfig) -> None:
    nodes = [Node(f"o{i}", offender=True) for i in range(5)] + [Node("child"), Node("mum")]
    day = dt.date(2024, 6, 1)
    extra = [
        Edge("o0", "child", "exploits", "2B", day, "X1"),
        Edge("o1", "child", "exploits", "2B", day, "X2"),
        Edge("o2", "mum", "family", "1A", day, "F1"),
        Edge("o2", "mum", "family", "1A", day, "F2"),
    ]
    (group,) = _propose(config, _crew_edges(extra), nodes).groups
    assert group.members == {f"o{i}" for i in range(5)}
    assert group.associates == {"child", "mum"}
    assert "associates, not members" in group.explanation


def test_a_person_with_a_call_into_the_group_is_a_member(config: NetworkConfig) -> None:
    nodes = [Node(f"o{i}", offender=True) for i in range(5)] + [Node("driver")]
    day = dt.date(2024, 6, 1)
    extra = [Edge("o0", "driver", "call", "2B", day, "K9"), Edge("o1", "driver", "exploits", "2B", day, "X1")]
    (group,) = _propose(config, _crew_edges(extra), nodes).groups
    assert "driver" in group.members and not group.associates


def test_a_misspelt_member_evidence_key_is_named(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "network.yaml"
    path.write_text(
        "link_types:\n  associate: {weight: 1.0}\n  stalking: {weight: 2.0, membership: false}\n"
        "grading:\n  source: {'1': 1, '2': 1, '3': 1}\n  assessment: {A: 1, B: 1, C: 1, D: 1, E: 1}\n"
    )
    with pytest.raises(InvalidModel) as caught:
        load_config(path)
    assert "link_types.stalking.membership" in caught.value.fields


def test_a_recycled_phone_does_not_link_its_old_and_new_holders(config: NetworkConfig) -> None:
    nodes = [Node("dealer"), Node("stranger"), Node("partner"), Node("PH1", kind="phone")]
    edges = [
        Edge(
            "dealer", "PH1", "uses_phone", "2B", dt.date(2022, 3, 1), "CDR-1", started_on=dt.date(2021, 1, 1)
        ),
        Edge(
            "stranger",
            "PH1",
            "uses_phone",
            "2B",
            dt.date(2024, 6, 1),
            "CDR-2",
            started_on=dt.date(2022, 5, 1),
        ),
        Edge(
            "partner", "PH1", "uses_phone", "2B", dt.date(2021, 6, 1), "CDR-3", started_on=dt.date(2021, 2, 1)
        ),
    ]
    graph = build_graph(nodes, edges, config)
    pairs = {frozenset((graph.vertex_id(e.source), graph.vertex_id(e.target))) for e in graph.graph.es}
    assert pairs == {frozenset(("dealer", "partner"))}
    assert "2 pairs whose periods on the object did not overlap left out" in graph.explanation


def test_links_without_a_start_date_are_projected_as_before(config: NetworkConfig) -> None:
    edges = [
        Edge("p1", "PH1", "uses_phone", "2B", dt.date(2022, 3, 1), "CDR-1"),
        Edge("p2", "PH1", "uses_phone", "2B", dt.date(2024, 6, 1), "CDR-2", started_on=dt.date(2022, 5, 1)),
    ]
    nodes = [Node("p1"), Node("p2"), Node("PH1", kind="phone")]
    assert build_graph(nodes, edges, config).graph.ecount() == 1


def test_an_object_shared_by_more_people_than_the_cap_links_nobody(config: NetworkConfig) -> None:
    people = [f"p{i}" for i in range(config.max_people_per_object + 1)]
    nodes = [Node(p) for p in people] + [Node("HOSTEL", kind="address")]
    edges = [
        Edge(p, "HOSTEL", "resides_at", "2B", dt.date(2024, 1, 1), f"R{i}") for i, p in enumerate(people)
    ]
    edges.append(Edge("p0", "p1", "call", "2B", dt.date(2024, 1, 1), "K1"))
    graph = build_graph(nodes, edges, config)
    assert graph.graph.ecount() == 1
    assert [ev.via for ev in graph.evidence(0)] == [None]


def test_a_crew_of_known_offenders_without_a_co_offence_is_still_proposed(config: NetworkConfig) -> None:
    day = dt.date(2024, 6, 1)
    ring = [f"o{i}" for i in range(5)]
    edges = [
        Edge(ring[i], ring[(i + k) % 5], "call", "2B", day, f"K{i}{k}") for i in range(5) for k in (1, 2)
    ]
    offenders = [Node(o, offender=True) for o in ring]
    (group,) = _propose(config, edges, offenders).groups
    assert "carried by its known offenders: 5 of the 5 members" in group.explanation
    strict = dataclasses.replace(
        config, proposals=dataclasses.replace(config.proposals, offender_share_without_offence_links=None)
    )
    assert not _propose(strict, edges, offenders).groups
    assert not _propose(config, edges, [Node(o, offender=o in ring[:3]) for o in ring]).groups


def test_one_offender_and_the_people_arrested_with_them_is_not_a_group(config: NetworkConfig) -> None:
    day = dt.date(2024, 6, 1)
    others = [f"p{i}" for i in range(4)]
    edges = [Edge("dealer", p, "co_offending", "1A", day, f"C{i}") for i, p in enumerate(others)]
    edges += [Edge("dealer", p, "associate", "2B", day, f"A{i}") for i, p in enumerate(others)]
    edges.append(Edge("p0", "p1", "call", "3C", day, "K1"))  # two of them once spoke
    nodes = [Node(p, offender=True) for p in ["dealer", *others]]
    result = _propose(config, edges, nodes)
    assert not result.groups
    (rejected,) = result.rejected
    assert any("one offender and the people linked to them" in r for r in rejected.reasons)
    # The same five, when the four also offend together, are a group.
    ring = [
        Edge(a, b, "co_offending", "1A", day, f"R{a}{b}")
        for a, b in zip(others, others[1:] + others[:1], strict=True)
    ]
    (group,) = _propose(config, edges + ring, nodes).groups
    assert "tied to each other" in group.explanation


def test_priority_individuals_rank_by_intelligence_volume_and_are_capped(config: NetworkConfig) -> None:
    day = dt.date(2024, 6, 1)
    # Four lone offenders, each seen with two members of the public; "busy" is reported on most.
    loners = ["quiet", "busy", "calm", "still"]
    edges = [Edge(o, f"{o}-p{k}", "associate", "2B", day, f"S{o}{k}") for o in loners for k in range(2)]
    nodes = [Node(o, offender=True, mentions=40 if o == "busy" else 2) for o in loners]
    nodes += [Node(f"{o}-p{k}") for o in loners for k in range(2)]
    loose = dataclasses.replace(
        config.proposals, priority_percentile=0.0, priority_min_offenders_linked=0, max_priority_individuals=0
    )
    graph = build_graph(nodes, edges, dataclasses.replace(config, proposals=loose))
    communities = detect_communities(graph, resolution=0.05)
    ranked = propose(graph, communities, centrality(graph, communities)).priority_individuals
    assert ranked[0].person_id == "busy" and len(ranked) == 4
    assert any("40 records" in reason for reason in ranked[0].reasons)
    capped = dataclasses.replace(config, proposals=dataclasses.replace(loose, max_priority_individuals=2))
    graph = build_graph(nodes, edges, capped)
    assert len(propose(graph, communities, centrality(graph, communities)).priority_individuals) == 2


def test_a_group_seen_through_its_money_and_phones_is_proposed_and_says_so(config: NetworkConfig) -> None:
    """No arrest, no co-offence: six people, four known offenders, paying one another and sharing
    phones. The money and the kit carry the proposal, and its reason names them."""
    day = dt.date(2024, 6, 1)
    people = [f"m{i}" for i in range(6)]
    edges = [Edge(people[i], people[(i + 1) % 6], "payment", "2B", day, f"PAY{i}") for i in range(6)]
    edges += [Edge(people[i], people[(i + 2) % 6], "call", "2B", day, f"K{i}") for i in range(6)]
    edges += [Edge(p, "PH1", "uses_phone", "2B", day, f"CDR{p}") for p in people[:3]]
    nodes = [Node(p, offender=i < 4) for i, p in enumerate(people)] + [Node("PH1", kind="phone")]
    (group,) = _propose(config, edges, nodes).groups
    assert "carried by money and shared kit" in group.explanation
    assert "6 payment" in group.explanation and "shared-phone" in group.explanation
    without = dataclasses.replace(
        config, proposals=dataclasses.replace(config.proposals, min_other_evidence_links=0)
    )
    assert not _propose(without, edges, nodes).groups
