"""The network engine's benchmark set: a graph family no single setting can be tuned to.

Prints JSON lines, each with the machine's load average (the machine is shared). One line per graph
and method (``bench: network_case``), then one summary per graph family (``bench:
network_family``: mean NMI and ARI over its graphs for every method, and whether socmap's are at
least networkx Louvain's), then the 1,000,000-node planted graph (``bench: network_planted``).

    .venv/bin/python bench/network.py                       # everything (an hour on a shared 2-core machine)
    .venv/bin/python bench/network.py --families lfr,real   # some families only
    .venv/bin/python bench/network.py --skip-big             # without the 1,000,000-node graph

Families:

* ``region``: the synthetic South West region (``socmap synth``'s world and truth, no source files)
  with planted groups of 3 to 150 people including families running crews (``group_sizes:
  families``), at three seeds and three sizes; ``region_noise``: the medium region with a fifth of
  the true links dropped and a fifth as many random links added; ``region_standard``: the demo's
  group sizes (5-40). Every partition goes through the same proposal tests and is scored over every
  person of the graph (planted group or "in no group"); Louvain and Leiden-modularity are also
  scored as they come (``*_raw``), every community of two or more a group.
* ``weights``: the medium region with every weight multiplied by 0.01 and by 100, and with every
  link type weighing the same: only the last may change anything.
* ``lfr``: LFR graphs (networkx) of 2,000 nodes, mixing 0.1 to 0.6, heavy-tailed community sizes
  (exponent 1.5, 10 to 200 people), three seeds; partitions scored as they come.
* ``real``: real labelled networks that ship inside the installed packages: Zachary's karate club
  (networkx), weighted and unweighted. None is a criminal network: none ships in a package.

Methods: socmap's configured method (``joined``), its candidates (``cpm`` at the configured relative
resolution, ``infomap``, ``consensus`` of relative-CPM runs at three resolutions and five seeds)
and the references networkx Louvain (defaults, seed 1) and igraph Leiden-modularity (seed 1).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import pathlib
import random
import resource
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from typing import Any

import igraph
import networkx as nx
import numpy as np

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))

from socmap.engines.network import (
    NetworkConfig,
    NetworkGraph,
    build_graph,
    centrality,
    detect_communities,
    evaluate,
    hierarchy,
    load_config,
    propose,
)
from socmap.engines.network.communities import community_result
from socmap.engines.synth import SynthConfig
from socmap.engines.synth.output import MalformedLog
from socmap.engines.synth.truth import write_truth
from socmap.engines.synth.types import SIZES
from socmap.engines.synth.world import build_world
from tests.engines.network.synthetic import region_inputs, region_truth

REFERENCES = ("louvain", "leiden_modularity")
RESULTS: dict[str, dict[str, list[tuple[float, float]]]] = defaultdict(lambda: defaultdict(list))


def load() -> str:
    """The load averages (1, 5, 15 min): the machine is shared, so every figure carries them."""
    try:
        return " ".join(pathlib.Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


def emit(**fields: object) -> None:
    fields["load"] = load()
    fields["peak_mib"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    print(json.dumps(fields), flush=True)


# --------------------------------------------------------------------------------- partitions


def louvain(g: igraph.Graph, seed: int = 1) -> list[int]:
    """networkx's Louvain with its defaults (modularity, resolution 1), weighted, seeded."""
    nxg = nx.Graph()
    nxg.add_nodes_from(range(g.vcount()))
    nxg.add_weighted_edges_from((s, t, w) for (s, t), w in zip(g.get_edgelist(), g.es["weight"], strict=True))
    membership = [0] * g.vcount()
    for index, community in enumerate(nx.community.louvain_communities(nxg, weight="weight", seed=seed)):
        for vertex in community:
            membership[vertex] = index
    return membership


def leiden_modularity(g: igraph.Graph, seed: int = 1) -> list[int]:
    """igraph's Leiden on modularity (resolution 1, iterated until stable), seeded."""
    igraph.set_random_number_generator(random.Random(seed))
    try:
        return list(
            g.community_leiden(objective_function="modularity", weights="weight", n_iterations=-1).membership
        )
    finally:
        igraph.set_random_number_generator(random)


def consensus(g: igraph.Graph, config: NetworkConfig) -> list[int]:
    """Consensus of relative-CPM runs (three resolutions x five seeds): pairs together in most runs.

    A link is kept when its two ends share a community in at least half the runs; the groups are
    the connected components of the kept links (Lancichinetti and Fortunato's consensus, one round).
    """
    n = g.vcount()
    ends = np.asarray(g.get_edgelist(), dtype=np.int64).reshape(-1, 2)
    w = hierarchy.normalised(np.asarray(g.es["weight"], dtype=float))
    base = config.communities.resolution
    together = np.zeros(len(ends))
    runs = 0
    for factor in (0.5, 1.0, 2.0):
        for seed in range(1, 6):
            m = hierarchy.leiden_cpm(n, ends, w, base * factor, seed, config.communities.n_iterations)
            together += m[ends[:, 0]] == m[ends[:, 1]]
            runs += 1
    kept = ends[together >= runs / 2]
    return list(igraph.Graph(n=n, edges=kept).connected_components().membership)


def methods(config: NetworkConfig) -> dict[str, Callable[[NetworkGraph], list[int] | Any]]:
    """Every method by name; socmap's own return a ``CommunityResult`` (with sub-groups)."""
    return {
        "socmap": lambda graph: detect_communities(graph),
        "cpm": lambda graph: detect_communities(graph, objective="cpm"),
        "infomap": lambda graph: detect_communities(graph, objective="infomap"),
        "consensus": lambda graph: consensus(graph.graph, config),
        "louvain": lambda graph: louvain(graph.graph),
        "leiden_modularity": lambda graph: leiden_modularity(graph.graph),
    }


def _compare(truth: list[int], found: list[int]) -> tuple[float, float]:
    return (
        float(igraph.compare_communities(truth, found, method="nmi")),
        float(igraph.compare_communities(truth, found, method="adjusted_rand")),
    )


def _codes(labels: list[Any]) -> list[int]:
    seen: dict[Any, int] = {}
    return [seen.setdefault(x, len(seen)) for x in labels]


# ------------------------------------------------------------------------------- graph families


def generated_region(seed: int, size: str, groups: str, folder: pathlib.Path) -> pathlib.Path:
    """The region's world and truth files only (the source files are not needed here)."""
    config = SynthConfig(seed=seed, size=size, group_sizes=groups)
    config.validate()
    world = build_world(seed, SIZES[size], config.noise, config.bystander_max_offenders, group_sizes=groups)
    (folder / "truth").mkdir(parents=True, exist_ok=True)
    write_truth(world, folder, MalformedLog())
    return folder


def run_region(
    family: str,
    name: str,
    folder: pathlib.Path,
    config: NetworkConfig,
    chosen: list[str],
    *,
    drop: float = 0.0,
    noise: float = 0.0,
    seed: int = 0,
    scale: float = 1.0,
) -> None:
    """Every method on one region, each partition through the same proposal tests."""
    nodes, edges = region_inputs(folder, drop=drop, noise=noise, seed=seed)
    membership, pis = region_truth(folder)
    graph = build_graph(nodes, edges, config)
    if scale != 1.0:
        graph.graph.es["weight"] = [w * scale for w in graph.graph.es["weight"]]
        graph.graph.es["distance"] = [1.0 / w for w in graph.graph.es["weight"]]
    population = [graph.vertex_id(v) for v in range(graph.graph.vcount())]
    planted_groups = len(set(membership.values()))
    for method, run in methods(config).items():
        if method not in chosen:
            continue
        started, cpu = time.perf_counter(), time.process_time()
        found = run(graph)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        result = found if hasattr(found, "communities") else None
        if result is None:
            result = community_result(graph, found, objective=method, resolution=0.0, seed=1)
        proposals = propose(graph, result, centrality(graph, result, betweenness="none"), config)
        scored = evaluate(proposals, membership, pis, population=population)
        line: dict[str, Any] = {
            "bench": "network_case",
            "family": family,
            "graph": name,
            "method": method,
            "people": len(population),
            "links": graph.graph.ecount(),
            "planted_groups": planted_groups,
            "groups": len(proposals.groups),
            "subgroups": sum(len(g.subgroups) for g in proposals.groups),
            "nmi": round(scored.nmi, 4),
            "ari": round(scored.ari, 4),
            "seconds": round(seconds, 3),
            "cpu_seconds": round(cpu, 3),
        }
        RESULTS[family][method].append((scored.nmi, scored.ari))
        if method in REFERENCES:
            raw = evaluate(
                {str(k): v for k, v in result.communities.items() if len(v) > 1},
                membership,
                (),
                population=population,
            )
            line |= {
                "raw_groups": sum(1 for v in result.communities.values() if len(v) > 1),
                "raw_nmi": round(raw.nmi, 4),
                "raw_ari": round(raw.ari, 4),
            }
            RESULTS[family][f"{method}_raw"].append((raw.nmi, raw.ari))
        emit(**line)


def bare_graph(g: igraph.Graph, config: NetworkConfig) -> NetworkGraph:
    """A ``NetworkGraph`` around an igraph graph with weights (for LFR and the real networks)."""
    n = g.vcount()
    ids = [f"n{v}" for v in range(n)]
    return NetworkGraph(
        config=config,
        node_ids=ids,
        index={k: i for i, k in enumerate(ids)},
        kinds=["person"] * n,
        offender=np.zeros(n, dtype=bool),
        themes=[() for _ in range(n)],
        edges=None,  # type: ignore[arg-type]
        graph=g,
        graph_nodes=np.arange(n, dtype=np.int64),
        contrib_ptr=np.zeros(g.ecount() + 1, dtype=np.int64),
        contrib_rows=np.zeros(0, dtype=np.int64),
        contrib_rows2=np.zeros(0, dtype=np.int64),
        contrib_weight=np.zeros(0),
        contrib_via=np.zeros(0, dtype=np.int64),
        reference_date=None,
        graph_vertex={k: i for i, k in enumerate(ids)},
    )


def run_partition(
    family: str, name: str, g: igraph.Graph, truth: list[int], config: NetworkConfig, chosen: list[str]
) -> None:
    """Every method on a graph with known communities, partitions scored as they come."""
    graph = bare_graph(g, config)
    for method, run in methods(config).items():
        if method not in chosen:
            continue
        started, cpu = time.perf_counter(), time.process_time()
        found = run(graph)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        membership = list(found.membership) if hasattr(found, "membership") else list(found)
        nmi, ari = _compare(truth, _codes(membership))
        RESULTS[family][method].append((nmi, ari))
        emit(
            bench="network_case",
            family=family,
            graph=name,
            method=method,
            nodes=g.vcount(),
            links=g.ecount(),
            planted_groups=len(set(truth)),
            groups=len(set(membership)),
            subgroups=sum(len(p) for p in found.subgroups.values()) if hasattr(found, "subgroups") else 0,
            nmi=round(nmi, 4),
            ari=round(ari, 4),
            seconds=round(seconds, 3),
            cpu_seconds=round(cpu, 3),
        )


def lfr(n: int, mu: float, seed: int) -> tuple[igraph.Graph, list[int]]:
    """An LFR graph (degree exponent 2.5, community-size exponent 1.5, 10-200 people)."""
    for attempt in range(30):
        try:
            g = nx.generators.community.LFR_benchmark_graph(
                n,
                2.5,
                1.5,
                mu,
                average_degree=12,
                max_degree=60,
                min_community=10,
                max_community=200,
                seed=seed * 100 + attempt,
            )
            break
        except nx.ExceededMaxIterations:
            continue
    else:
        raise RuntimeError(f"LFR generation failed for mu {mu}, seed {seed}")
    sets = {frozenset(g.nodes[v]["community"]) for v in g}
    label = {v: i for i, c in enumerate(sets) for v in c}
    ig = igraph.Graph(n=n, edges=list(g.edges()))
    ig.es["weight"] = 1.0
    return ig, [label[v] for v in range(n)]


def karate(weighted: bool) -> tuple[igraph.Graph, list[int]]:
    """Zachary's karate club as networkx ships it: 34 members, the two clubs after the split."""
    k = nx.karate_club_graph()
    g = igraph.Graph(n=k.number_of_nodes(), edges=list(k.edges()))
    g.es["weight"] = [float(k[a][b]["weight"]) if weighted else 1.0 for a, b in k.edges()]
    return g, [0 if k.nodes[v]["club"] == "Mr. Hi" else 1 for v in range(k.number_of_nodes())]


# ---------------------------------------------------------------------------------- the big graph


def planted_graph(nodes: int, edges: int, seed: int) -> tuple[igraph.Graph, list[int]]:
    """Groups of 10-50 people, 80 % of the links inside them, the rest at random between groups."""
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
    src, dst = np.concatenate([a, c]), np.concatenate([b, d])
    keep = src != dst
    g = igraph.Graph(n=nodes, edges=np.column_stack([src[keep], dst[keep]]), directed=False)
    g.es["weight"] = 1.0
    return g, membership.tolist()


def bench_planted(nodes: int, edges: int, seed: int, config: NetworkConfig) -> None:
    """socmap's partition (pieces, joining, sub-groups) against igraph's Leiden in the same run.

    Both read the same edge arrays; the ratio of CPU times is the figure that matters (the other
    engineers' load inflates wall-clock time far more than CPU time). Leiden-modularity is the
    reference objective; Leiden-CPM (what socmap's first step is) is printed beside it.
    """
    started = time.perf_counter()
    g, truth = planted_graph(nodes, edges, seed)
    made = time.perf_counter() - started
    ends = np.asarray(g.get_edgelist(), dtype=np.int64)
    weights = np.asarray(g.es["weight"], dtype=float)
    cfg = config.communities
    params = hierarchy.JoinParameters(
        resolution=cfg.resolution,
        density_factor=cfg.density_factor,
        join_share=cfg.join_share,
        attach_share=cfg.attach_share,
        null_factor=cfg.null_factor,
        seed=cfg.seed,
        n_iterations=cfg.n_iterations,
    )
    timings: dict[str, tuple[float, float, list[int]]] = {}

    def timed(name: str, run: Callable[[], Any]) -> None:
        wall, cpu = time.perf_counter(), time.process_time()
        found = run()
        timings[name] = (time.perf_counter() - wall, time.process_time() - cpu, list(found))

    def ours() -> Any:
        membership = hierarchy.partition(g.vcount(), ends, weights, params, graph=g)
        hierarchy.subgroups(
            membership,
            ends,
            weights,
            params,
            min_size=cfg.subgroup_min_size,
            min_members=cfg.subgroup_min_members,
            cohesion=cfg.subgroup_cohesion,
        )
        return membership

    def igraph_leiden(objective: str, resolution: float) -> Callable[[], Any]:
        def run() -> Any:
            igraph.set_random_number_generator(random.Random(1))
            try:
                return g.community_leiden(
                    objective_function=objective,
                    weights="weight",
                    resolution=resolution,
                    n_iterations=cfg.n_iterations,
                ).membership
            finally:
                igraph.set_random_number_generator(random)

        return run

    timed("leiden_modularity", igraph_leiden("modularity", 1.0))
    timed("socmap", ours)
    timed("leiden_cpm", igraph_leiden("CPM", cfg.resolution))
    reference_cpu = timings["leiden_modularity"][1]
    reference_wall = timings["leiden_modularity"][0]
    for name, (wall, cpu, found) in timings.items():
        nmi, ari = _compare(truth, found)
        emit(
            bench="network_planted",
            method=name,
            nodes=g.vcount(),
            edges=g.ecount(),
            planted_groups=len(set(truth)),
            groups=len(set(found)),
            make_seconds=round(made, 1),
            seconds=round(wall, 2),
            cpu_seconds=round(cpu, 2),
            cpu_ratio_to_leiden_modularity=round(cpu / reference_cpu, 3),
            wall_ratio_to_leiden_modularity=round(wall / reference_wall, 3),
            n_iterations=cfg.n_iterations,
            nmi=round(nmi, 4),
            ari=round(ari, 4),
        )


# ----------------------------------------------------------------------------------------- main


def summarise() -> None:
    for family, by_method in RESULTS.items():
        means = {
            m: (statistics.fmean(v[0] for v in vals), statistics.fmean(v[1] for v in vals))
            for m, vals in by_method.items()
        }
        ours = means.get("socmap")
        best_louvain = [means[m] for m in ("louvain", "louvain_raw") if m in means]
        emit(
            bench="network_family",
            family=family,
            graphs=len(by_method.get("socmap", [])),
            **{f"{m}_nmi": round(v[0], 4) for m, v in means.items()},
            **{f"{m}_ari": round(v[1], 4) for m, v in means.items()},
            socmap_at_least_louvain=bool(
                ours and all(ours[0] >= b[0] - 1e-9 and ours[1] >= b[1] - 1e-9 for b in best_louvain)
            ),
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--families", default="region,region_noise,region_standard,weights,lfr,real")
    parser.add_argument("--seeds", default="1,2,3")
    parser.add_argument("--sizes", default="small,medium,large")
    parser.add_argument("--methods", default="socmap,cpm,infomap,consensus,louvain,leiden_modularity")
    parser.add_argument("--config", help="a network configuration YAML instead of socmap/model/network.yaml")
    parser.add_argument("--set", action="append", default=[], help="communities.KEY=VALUE override (tuning)")
    parser.add_argument("--big-nodes", type=int, default=1_000_000)
    parser.add_argument("--big-edges", type=int, default=5_000_000)
    parser.add_argument("--skip-big", action="store_true")
    parser.add_argument("--only-big", action="store_true")
    args = parser.parse_args()
    config = load_config(args.config)
    overrides: dict[str, Any] = {}
    for item in args.set:
        key, _, value = item.partition("=")
        current = getattr(config.communities, key)
        overrides[key] = type(current)(value)
    if overrides:
        config = dataclasses.replace(config, communities=dataclasses.replace(config.communities, **overrides))
    emit(bench="network_config", cpus=os.cpu_count(), communities=dataclasses.asdict(config.communities))
    families = [] if args.only_big else args.families.split(",")
    seeds = [int(s) for s in args.seeds.split(",")]
    chosen = args.methods.split(",")
    with tempfile.TemporaryDirectory() as tmp:
        root = pathlib.Path(tmp)
        if "region" in families:
            for size in args.sizes.split(","):
                for seed in seeds:
                    folder = generated_region(seed, size, "families", root / f"{size}-{seed}")
                    big = size == "large"
                    run_region(
                        "region",
                        f"{size} seed {seed}",
                        folder,
                        config,
                        [m for m in chosen if not (big and m in ("consensus", "infomap"))],
                    )
        if "region_noise" in families:
            for seed in seeds:
                folder = generated_region(seed, "medium", "families", root / f"noise-{seed}")
                run_region(
                    "region_noise",
                    f"medium seed {seed}",
                    folder,
                    config,
                    chosen,
                    drop=0.2,
                    noise=0.2,
                    seed=seed,
                )
        if "region_standard" in families:
            for seed in seeds:
                folder = generated_region(seed, "medium", "standard", root / f"standard-{seed}")
                run_region("region_standard", f"medium seed {seed}", folder, config, chosen)
        if "weights" in families:
            folder = generated_region(seeds[0], "medium", "families", root / "weights")
            for scale in (0.01, 100.0):
                run_region("weights", f"medium, weights x{scale:g}", folder, config, chosen, scale=scale)
            flat = dataclasses.replace(
                config,
                link_types={k: dataclasses.replace(v, weight=1.0) for k, v in config.link_types.items()},
            )
            run_region("weights", "medium, every link type weighing 1", folder, flat, chosen)
        if "lfr" in families:
            for mu in (0.1, 0.2, 0.3, 0.4, 0.5, 0.6):
                for seed in seeds:
                    g, truth = lfr(2000, mu, seed)
                    run_partition(
                        f"lfr_mu{mu:g}", f"LFR 2000 mu {mu:g} seed {seed}", g, truth, config, chosen
                    )
        if "real" in families:
            for weighted in (True, False):
                g, truth = karate(weighted)
                name = "karate club, " + ("weighted" if weighted else "unweighted")
                run_partition("real_karate", name, g, truth, config, chosen)
    summarise()
    if not args.skip_big:
        bench_planted(args.big_nodes, args.big_edges, seeds[0], config)


if __name__ == "__main__":
    main()
