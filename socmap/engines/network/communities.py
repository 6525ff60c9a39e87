"""Community detection: socmap's partition (``hierarchy.py``) and the references it is measured against.

The default, ``joined``, cuts the graph into dense pieces with Leiden CPM at a resolution relative to
the mean link weight, joins pieces whose ties are a real share of their link weight and more than
random mixing would give, and partitions every large group again within itself for its sub-groups
(crews, cells). ``cpm``, ``modularity`` and ``infomap`` are kept as references and for analysts who
want them: the benchmark set (``bench/network.py``) compares all of them with networkx Louvain, and
``socmap/model/network.yaml`` records the choice and why.
"""

from __future__ import annotations

import random
import time
from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

import igraph
import numpy as np

from socmap.engines.network import hierarchy
from socmap.engines.network.config import METHODS
from socmap.engines.network.types import CommunityConfig, CommunityResult, NetworkGraph
from socmap.errors import InvalidInput

LABELS = {
    "joined": "Leiden CPM pieces joined by their share of ties",
    "cpm": "Leiden CPM",
    "modularity": "Leiden modularity",
    "infomap": "Infomap",
}


def leiden(
    g: igraph.Graph,
    *,
    objective: str,
    resolution: float,
    seed: int,
    n_iterations: int = -1,
    weights: str | None = "weight",
) -> list[int]:
    """Leiden membership, repeatable for a seed.

    igraph draws from Python's ``random`` module by default; we hand it a private ``Random`` seeded
    for this call and restore the previous generator, so other code's randomness is untouched.
    """
    rng = random.Random(seed)  # noqa: S311 - repeatability, not secrecy  # nosec B311
    igraph.set_random_number_generator(rng)
    try:
        clustering = g.community_leiden(
            objective_function="CPM" if objective == "cpm" else "modularity",
            weights=weights if weights in g.es.attributes() else None,
            resolution=resolution,
            n_iterations=n_iterations,
        )
    finally:
        igraph.set_random_number_generator(random)
    return list(clustering.membership)


def infomap_membership(n: int, ends: np.ndarray, weights: np.ndarray, seed: int) -> list[int]:
    """Two-level Infomap (one trial, seeded): modules of the map equation, a label per vertex."""
    import infomap  # only this method needs it

    engine = infomap.Infomap(two_level=True, silent=True, seed=seed, num_trials=1)
    engine.add_nodes(range(n))
    for (a, b), w in zip(ends.tolist(), weights.tolist(), strict=True):
        engine.add_link(a, b, w)
    modules = engine.run().modules()
    return [int(modules.get(v, -1 - v)) for v in range(n)]


def detect_communities(
    graph: NetworkGraph,
    objective: str | None = None,
    resolution: float | None = None,
    seed: int | None = None,
    n_iterations: int | None = None,
) -> CommunityResult:
    """Partition the analysis graph; arguments left None come from the configuration.

    ``objective`` names the method (``joined``, ``cpm``, ``modularity``, ``infomap``); for ``joined``
    and ``cpm`` the resolution is a share of the mean link weight, so it means the same whatever
    scale the weights have.
    """
    cfg = graph.config.communities
    method = (objective or cfg.method).lower()
    if method not in METHODS:
        raise InvalidInput(
            f"Unknown method {method!r}; use one of {', '.join(METHODS)}.",
            fields={"objective": ["Unknown method."]},
        )
    if resolution is None:
        resolution = cfg.resolution if method != "modularity" else 1.0
    resolution = float(resolution)
    if resolution < 0:
        raise InvalidInput("The resolution must not be negative.", fields={"resolution": ["Negative."]})
    seed = cfg.seed if seed is None else seed
    iterations = cfg.n_iterations if n_iterations is None else n_iterations
    params = hierarchy.JoinParameters(
        resolution=resolution,
        density_factor=cfg.density_factor,
        join_share=cfg.join_share,
        attach_share=cfg.attach_share,
        null_factor=cfg.null_factor,
        seed=seed,
        n_iterations=iterations,
    )
    g = graph.graph
    n = g.vcount()
    ends = np.asarray(g.get_edgelist(), dtype=np.int64).reshape(-1, 2)
    weights = np.asarray(g.es["weight"], dtype=float) if g.ecount() else np.zeros(0)
    started = time.perf_counter()
    note = ""
    subs: dict[int, list[np.ndarray]] = {}
    if method == "joined":
        membership = hierarchy.partition(n, ends, weights, params, graph=g)
        membership, subs, note = _subgroups_and_split(membership, ends, weights, params, cfg)
    elif method == "cpm":
        w = hierarchy.normalised(weights)
        chosen = hierarchy.resolution_for(n, w, params)
        membership = hierarchy.leiden_cpm(n, ends, w, chosen, seed, iterations, graph=g)
    elif method == "modularity":
        scaled = g.copy()
        scaled.es["weight"] = hierarchy.normalised(weights).tolist()
        membership = np.asarray(
            leiden(scaled, objective="modularity", resolution=resolution, seed=seed, n_iterations=iterations)
        )
    else:
        membership = np.asarray(infomap_membership(n, ends, hierarchy.normalised(weights), seed))
    seconds = time.perf_counter() - started
    return community_result(
        graph,
        membership.tolist(),
        objective=method,
        resolution=resolution,
        seed=seed,
        seconds=seconds,
        method=LABELS[method],
        note=note,
        subgroups=subs,
    )


def _subgroups_and_split(
    membership: np.ndarray,
    ends: np.ndarray,
    weights: np.ndarray,
    params: hierarchy.JoinParameters,
    cfg: CommunityConfig,
) -> tuple[np.ndarray, dict[int, list[np.ndarray]], str]:
    """Sub-groups of the large groups; a group over ``split_above`` is replaced by its sub-groups."""
    if not cfg.subgroup_min_size:
        return membership, {}, ""
    subs = hierarchy.subgroups(
        membership,
        ends,
        weights,
        params,
        min_size=cfg.subgroup_min_size,
        min_members=cfg.subgroup_min_members,
        cohesion=cfg.subgroup_cohesion,
    )
    sizes = np.bincount(membership) if len(membership) else np.zeros(0, dtype=np.int64)
    split = [c for c in subs if cfg.split_above and sizes[c] > cfg.split_above]
    if not split:
        return membership, subs, ""
    out = membership.copy()
    label = int(out.max()) + 1
    for c in split:
        # The group's people outside every sub-group become people of no group (groups of one).
        for vid in np.flatnonzero(out == c):
            out[vid], label = label, label + 1
        for part in subs.pop(c):
            out[part] = label
            label += 1
    note = (
        f" {len(split)} group(s) of more than {cfg.split_above} people replaced by their sub-groups"
        " (the same method applied within each)."
    )
    return out, subs, note


def community_result(
    graph: NetworkGraph,
    membership: Sequence[int],
    *,
    objective: str,
    resolution: float,
    seed: int,
    seconds: float = 0.0,
    method: str = "Leiden",
    note: str = "",
    subgroups: Mapping[int, Sequence[Any]] | None = None,
) -> CommunityResult:
    """A ``CommunityResult`` for any partition of the analysis graph (ours, or a reference's).

    Communities are renumbered so community 0 is the largest: stable across equal runs.
    """
    g = graph.graph
    membership = list(membership)
    modularity = g.modularity(membership, weights="weight") if g.ecount() else 0.0
    quality = modularity if objective == "modularity" else _cpm_quality(g, membership, resolution)
    groups: dict[int, list[str]] = defaultdict(list)
    for vid, c in enumerate(membership):
        groups[c].append(graph.vertex_id(vid))
    ordered = sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    renumber = {old: new for new, (old, _) in enumerate(ordered)}
    membership = [renumber[c] for c in membership]
    communities = {renumber[old]: sorted(members) for old, members in ordered}
    nested = {
        renumber[old]: [sorted(graph.vertex_id(int(v)) for v in part) for part in parts]
        for old, parts in (subgroups or {}).items()
        if old in renumber
    }
    sizes = [len(m) for m in communities.values()]
    multi = sum(1 for s in sizes if s > 1)
    explanation = (
        f"{method} ({objective}, resolution {resolution:g}, seed {seed}) found {len(communities)} "
        "communities "
        f"({multi} with two or more members, largest {max(sizes) if sizes else 0}) in {seconds:.2f} s; "
        f"weighted modularity {modularity:.3f}."
        + (
            f" {len(nested)} of them partitioned within themselves into "
            f"{sum(len(p) for p in nested.values())} sub-groups."
            if nested
            else ""
        )
        + note
    )
    return CommunityResult(
        membership=membership,
        communities=communities,
        objective=objective,
        resolution=resolution,
        seed=seed,
        quality=quality,
        modularity=modularity,
        seconds=seconds,
        explanation=explanation,
        subgroups=nested,
    )


def _cpm_quality(g: igraph.Graph, membership: list[int], resolution: float) -> float:
    """CPM quality: internal weight minus resolution x possible pairs, summed over communities."""
    member = np.asarray(membership, dtype=np.int64)
    sizes = np.bincount(member).astype(float)
    penalty = float(resolution * (sizes * (sizes - 1) / 2).sum())
    if not g.ecount():
        return -penalty
    ends = np.asarray(g.get_edgelist(), dtype=np.int64)
    same = member[ends[:, 0]] == member[ends[:, 1]]
    return float(np.asarray(g.es["weight"], dtype=float)[same].sum()) - penalty
