"""Benchmark the network engine; prints JSON lines, each with the load average (a shared machine).

``*_seconds`` are wall-clock; ``*cpu_seconds`` are this process's CPU time, which the load of
other work inflates less (Leiden and centrality are single-threaded).

    .venv/bin/python bench/network.py --size small [--big-nodes 1000000 --big-edges 5000000] [--skip-big]

(a) the synthetic region's true links through the whole engine (build, Leiden, centrality,
    proposals) against the planted groups, and networkx Louvain (defaults, weight='weight', seed 1)
    on the identical graph. Both partitions go through the same proposal tests and are scored the
    same way (``socmap.engines.network.evaluate``): ``nmi``/``ari`` over every person of the graph,
    the label being the planted OCG or "in no group" on either side; ``nmi_members``/``ari_members``
    over planted members only (a member in no proposed group is a group of one);
    ``raw_nmi_members`` for the partition before the proposal tests. ``nmi_margin`` is ours minus
    Louvain's communities as they come (``louvain_nx_raw_nmi``, the reference the issue names);
    ``nmi_margin_same_tests`` is ours minus Louvain's after our proposal tests (the partition
    alone). Reuse a generated region with ``--region-dir``;
(b) a generated graph of many small planted groups (10-50 people) plus random inter-group links:
    Leiden (CPM and modularity) and centrality times with NMI;
(c) networkx Louvain and igraph Leiden on networkx's 10,000-node LFR benchmark graph, as a reference.
"""

from __future__ import annotations

import argparse
import json
import pathlib
import resource
import sys
import tempfile
import time

import igraph
import networkx as nx
import numpy as np

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))

from socmap.engines.network import (
    build_graph,
    centrality,
    detect_communities,
    evaluate,
    load_config,
    louvain_reference,
    propose,
)
from socmap.engines.network.communities import leiden
from socmap.engines.network.types import NetworkGraph
from socmap.engines.synth import SynthConfig, generate
from tests.engines.network.synthetic import region_inputs, region_truth


def uptime() -> str:
    """The load averages (1, 5, 15 min): the machine is shared, so every figure carries them."""
    try:
        return " ".join(pathlib.Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


def emit(**fields: object) -> None:
    fields["load"] = uptime()
    fields["peak_mib"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    print(json.dumps(fields), flush=True)


def raw_nmi_members(graph: NetworkGraph, membership: list[int], truth: dict[str, str]) -> float:
    """NMI of a raw partition (no proposal tests) over the planted members: the partition alone."""
    groups: dict[str, set[str]] = {}
    for v, c in enumerate(membership):
        groups.setdefault(str(c), set()).add(graph.vertex_id(v))
    return evaluate(groups, truth, ()).nmi


def bench_region(size: str, seed: int, drop: float, noise: float, region_dir: str | None) -> None:
    """The whole engine on the synthetic region against networkx Louvain on the identical graph.

    Both partitions go through the same ``propose`` tests and are scored the same way by
    ``evaluate`` (see its module docstring): ``nmi``/``ari`` over every person of the analysis graph
    (planted OCG or "in no group"), ``nmi_members``/``ari_members`` over planted members only, and
    ``raw_nmi_members`` for the partition before the proposal tests.
    """
    config = load_config()
    generated = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        out = pathlib.Path(region_dir) if region_dir else pathlib.Path(tmp)
        if not region_dir:
            started = time.perf_counter()
            generate(SynthConfig(seed=seed, size=size), out_dir=out, force=True)
            generated = time.perf_counter() - started
        nodes, edges = region_inputs(out, drop=drop, noise=noise, seed=seed)
        membership, pis = region_truth(out)
    started = time.perf_counter()
    graph = build_graph(nodes, edges, config)
    built = time.perf_counter() - started
    g = graph.graph
    population = [graph.vertex_id(v) for v in range(g.vcount())]
    cpu = time.process_time()
    communities = detect_communities(graph)
    leiden_cpu = time.process_time() - cpu
    cpu = time.process_time()
    scores = centrality(graph, communities)
    centrality_cpu = time.process_time() - cpu
    started = time.perf_counter()
    proposals = propose(graph, communities, scores)
    proposed = time.perf_counter() - started
    ours = evaluate(proposals, membership, pis, population=population)
    reference = louvain_reference(graph)
    louvain, louvain_s = reference.membership, reference.seconds
    theirs = evaluate(
        propose(graph, reference, centrality(graph, reference)), membership, pis, population=population
    )
    # Louvain's communities as they come (two or more people each): the reference the issue names.
    raw = evaluate(
        {str(k): v for k, v in reference.communities.items() if len(v) > 1},
        membership,
        (),
        population=population,
    )
    emit(
        bench="network_region",
        size=size,
        drop=drop,
        noise=noise,
        generate_seconds=round(generated, 2),
        input_links=len(edges),
        nodes=g.vcount(),
        edges=g.ecount(),
        planted_groups=len(set(membership.values())),
        planted_members=len(membership),
        build_seconds=round(built, 2),
        leiden_seconds=round(communities.seconds, 3),
        leiden_cpu_seconds=round(leiden_cpu, 3),
        objective=communities.objective,
        resolution=communities.resolution,
        centrality_seconds=round(scores.seconds, 3),
        centrality_cpu_seconds=round(centrality_cpu, 3),
        betweenness=scores.betweenness_method,
        propose_seconds=round(proposed, 3),
        groups=len(proposals.groups),
        nmi=round(ours.nmi, 4),
        ari=round(ours.ari, 4),
        nmi_members=round(ours.nmi_members, 4),
        ari_members=round(ours.ari_members, 4),
        raw_nmi_members=round(raw_nmi_members(graph, list(communities.membership), membership), 4),
        member_precision=round(ours.member_precision, 3),
        member_recall=round(ours.member_recall, 3),
        pi_precision=round(ours.pi_precision, 3),
        pi_recall=round(ours.pi_recall, 3),
        louvain_nx_seconds=round(louvain_s, 3),
        louvain_nx_groups=len(set(louvain)),
        louvain_nx_nmi=round(theirs.nmi, 4),
        louvain_nx_ari=round(theirs.ari, 4),
        louvain_nx_nmi_members=round(theirs.nmi_members, 4),
        louvain_nx_ari_members=round(theirs.ari_members, 4),
        louvain_nx_raw_nmi_members=round(raw_nmi_members(graph, louvain, membership), 4),
        louvain_nx_member_precision=round(theirs.member_precision, 3),
        louvain_nx_member_recall=round(theirs.member_recall, 3),
        louvain_nx_pi_precision=round(theirs.pi_precision, 3),
        louvain_nx_pi_recall=round(theirs.pi_recall, 3),
        louvain_nx_raw_nmi=round(raw.nmi, 4),
        louvain_nx_raw_member_precision=round(raw.member_precision, 3),
        nmi_margin=round(ours.nmi - raw.nmi, 4),
        nmi_margin_same_tests=round(ours.nmi - theirs.nmi, 4),
        nmi_members_margin_same_tests=round(ours.nmi_members - theirs.nmi_members, 4),
    )


def planted_graph(nodes: int, edges: int, seed: int) -> tuple[igraph.Graph, list[int]]:
    """Groups of 10-50 people, about 4 links per member inside, the rest random between groups."""
    rng = np.random.default_rng(seed)
    sizes = rng.integers(10, 51, size=nodes // 10)
    sizes = sizes[: int(np.searchsorted(np.cumsum(sizes), nodes)) + 1]
    sizes[-1] -= int(sizes.sum()) - nodes
    membership = np.repeat(np.arange(len(sizes)), sizes)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    inside = int(edges * 0.8)
    group = rng.choice(len(sizes), size=inside, p=sizes / sizes.sum())
    a = starts[group] + (rng.random(inside) * sizes[group]).astype(np.int64)
    b = starts[group] + (rng.random(inside) * sizes[group]).astype(np.int64)
    outside = edges - inside
    c = rng.integers(0, nodes, outside)
    d = rng.integers(0, nodes, outside)
    src = np.concatenate([a, c])
    dst = np.concatenate([b, d])
    keep = src != dst
    g = igraph.Graph(n=nodes, edges=np.column_stack([src[keep], dst[keep]]), directed=False)
    g.es["weight"] = 1.0
    g.es["distance"] = 1.0
    return g, membership.tolist()


def bench_planted(nodes: int, edges: int, seed: int, resolution: float) -> None:
    started = time.perf_counter()
    g, truth = planted_graph(nodes, edges, seed)
    made = time.perf_counter() - started
    for objective, res in (("cpm", resolution), ("modularity", 1.0)):
        started, cpu = time.perf_counter(), time.process_time()
        found = leiden(g, objective=objective, resolution=res, seed=1, n_iterations=2)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        emit(
            bench="network_planted_leiden",
            nodes=g.vcount(),
            edges=g.ecount(),
            groups=len(set(truth)),
            make_seconds=round(made, 1),
            objective=objective,
            resolution=res,
            seconds=round(seconds, 2),
            cpu_seconds=round(cpu, 2),
            communities=len(set(found)),
            nmi=round(igraph.compare_communities(truth, found, method="nmi"), 4),
        )
        if objective == "cpm":
            cpm_found = found
    timings: dict[str, float] = {}
    cpu = time.process_time()
    started = time.perf_counter()
    g.strength(weights="weight")
    timings["strength"] = time.perf_counter() - started
    started = time.perf_counter()
    g.pagerank(weights="weight")
    timings["pagerank"] = time.perf_counter() - started
    started = time.perf_counter()
    g.coreness()
    timings["coreness"] = time.perf_counter() - started
    started = time.perf_counter()
    clustering = igraph.VertexClustering(g, cpm_found)
    for sub in clustering.subgraphs():
        if sub.vcount() >= 3:
            sub.betweenness(weights="distance")
    timings["betweenness_per_community"] = time.perf_counter() - started
    timings["cpu"] = time.process_time() - cpu
    emit(
        bench="network_planted_centrality",
        nodes=g.vcount(),
        edges=g.ecount(),
        **{f"{k}_seconds": round(v, 2) for k, v in timings.items()},
    )


def bench_lfr(seed: int) -> None:
    for attempt in range(10):
        try:
            started = time.perf_counter()
            g = nx.generators.community.LFR_benchmark_graph(
                10_000,
                3,
                1.5,
                0.1,
                average_degree=10,
                max_degree=50,
                min_community=20,
                max_community=100,
                seed=seed + attempt,
            )
            break
        except nx.ExceededMaxIterations:
            continue
    else:
        emit(bench="network_lfr", error="LFR generation failed ten times")
        return
    made = time.perf_counter() - started
    truth_sets = {frozenset(g.nodes[v]["community"]) for v in g}
    label = {v: i for i, c in enumerate(truth_sets) for v in c}
    truth = [label[v] for v in range(g.number_of_nodes())]
    started = time.perf_counter()
    louvain = nx.community.louvain_communities(g, seed=1)
    louvain_s = time.perf_counter() - started
    found = [0] * g.number_of_nodes()
    for i, c in enumerate(louvain):
        for v in c:
            found[v] = i
    ig = igraph.Graph(n=g.number_of_nodes(), edges=list(g.edges()))
    ig.es["weight"] = 1.0
    results = {}
    for objective, res in (("modularity", 1.0), ("cpm", 0.05), ("cpm", 0.1)):
        started = time.perf_counter()
        membership = leiden(ig, objective=objective, resolution=res, seed=1)
        results[f"{objective}_{res:g}"] = (time.perf_counter() - started, membership)
    emit(
        bench="network_lfr",
        nodes=g.number_of_nodes(),
        edges=g.number_of_edges(),
        communities=len(truth_sets),
        make_seconds=round(made, 1),
        louvain_nx_seconds=round(louvain_s, 2),
        louvain_nx_nmi=round(igraph.compare_communities(truth, found, method="nmi"), 4),
        **{f"leiden_{k}_seconds": round(v[0], 3) for k, v in results.items()},
        **{
            f"leiden_{k}_nmi": round(igraph.compare_communities(truth, v[1], method="nmi"), 4)
            for k, v in results.items()
        },
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", default="small", help="synthetic region size: small, medium, large")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--drop", type=float, default=0.0, help="share of true links dropped")
    parser.add_argument("--noise", type=float, default=0.0, help="random links added, as a share")
    parser.add_argument("--big-nodes", type=int, default=1_000_000)
    parser.add_argument("--big-edges", type=int, default=5_000_000)
    parser.add_argument("--big-resolution", type=float, default=0.05)
    parser.add_argument("--skip-big", action="store_true")
    parser.add_argument("--region-dir", help="an already generated region of --size and --seed to reuse")
    args = parser.parse_args()
    bench_region(args.size, args.seed, args.drop, args.noise, args.region_dir)
    bench_lfr(args.seed)
    if not args.skip_big:
        bench_planted(args.big_nodes, args.big_edges, args.seed, args.big_resolution)


if __name__ == "__main__":
    main()
