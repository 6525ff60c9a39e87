"""Who matters in the network: strength, betweenness, PageRank, k-core and brokers.

Betweenness runs on distances (1 / weight, so strong links are short). It is exact up to
``exact_betweenness_max_nodes``; above that it is computed within each community (what roles
need, and linear in the number of communities) or, without communities, with a distance cutoff.
Brokers are people whose links span several communities (participation coefficient
``1 - sum_c (k_ic / k_i)^2`` on strengths).
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from socmap.engines.network.types import CentralityResult, CommunityResult, NetworkGraph
from socmap.errors import InvalidInput

BETWEENNESS_METHODS = ("auto", "exact", "community", "cutoff", "none")


def participation(
    ends: npt.NDArray[np.int64], weights: npt.NDArray[np.float64], membership: Sequence[int], n: int
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.int64]]:
    """Participation coefficient and number of distinct neighbour communities, per vertex."""
    member = np.asarray(membership, dtype=np.int64)
    if not len(ends):
        return np.zeros(n), np.zeros(n, dtype=np.int64)
    node = np.concatenate([ends[:, 0], ends[:, 1]])
    comm = np.concatenate([member[ends[:, 1]], member[ends[:, 0]]])
    w = np.concatenate([weights, weights])
    width = int(member.max()) + 1
    keys, inverse = np.unique(node * width + comm, return_inverse=True)
    k_ic = np.bincount(inverse, weights=w)
    owner = keys // width
    k_i = np.bincount(node, weights=w, minlength=n)
    share = k_ic / k_i[owner]
    squares = np.bincount(owner, weights=share * share, minlength=n)
    spans = np.bincount(owner, minlength=n).astype(np.int64)
    coefficient = np.where(k_i > 0, 1.0 - squares, 0.0)
    return coefficient, spans


def centrality(
    graph: NetworkGraph,
    communities: CommunityResult | None = None,
    betweenness: str = "auto",
) -> CentralityResult:
    """Strength, betweenness, PageRank and coreness for every analysis vertex; brokers if communities."""
    if betweenness not in BETWEENNESS_METHODS:
        raise InvalidInput(
            f"Unknown betweenness method {betweenness!r}; use one of {', '.join(BETWEENNESS_METHODS)}.",
            fields={"betweenness": ["Unknown method."]},
        )
    cfg = graph.config.centrality
    g = graph.graph
    n = g.vcount()
    started = time.perf_counter()
    strength = np.asarray(g.strength(weights="weight"), dtype=float)
    pagerank = np.asarray(g.pagerank(weights="weight"), dtype=float) if n else np.zeros(0)
    coreness = np.asarray(g.coreness(), dtype=np.int64)

    method = betweenness
    if method == "auto":
        if n <= cfg.exact_betweenness_max_nodes:
            method = "exact"
        else:
            method = "community" if communities is not None else "cutoff"
    if method == "community" and communities is None:
        raise InvalidInput(
            "Betweenness per community needs the communities.", fields={"betweenness": ["No communities."]}
        )
    if method == "exact":
        between = np.asarray(g.betweenness(weights="distance"), dtype=float)
        described = "exact betweenness"
    elif method == "cutoff":
        between = np.asarray(g.betweenness(weights="distance", cutoff=cfg.betweenness_cutoff), dtype=float)
        described = f"betweenness over paths up to distance {cfg.betweenness_cutoff:g}"
    elif method == "community":
        assert communities is not None
        between = np.zeros(n)
        groups: dict[int, list[int]] = defaultdict(list)
        for vid, c in enumerate(communities.membership):
            groups[c].append(vid)
        for members in groups.values():
            if len(members) < 3:
                continue
            sub = g.induced_subgraph(members, implementation="create_from_scratch")
            between[members] = sub.betweenness(weights="distance")
        described = "betweenness within each community"
    else:
        between = np.zeros(n)
        described = "no betweenness"

    part: npt.NDArray[np.float64] | None = None
    brokers: list[str] = []
    if communities is not None and n:
        ends = np.asarray(g.get_edgelist(), dtype=np.int64).reshape(-1, 2)
        weights = np.asarray(g.es["weight"], dtype=float) if g.ecount() else np.zeros(0)
        part, spans = participation(ends, weights, communities.membership, n)
        is_broker = (part >= cfg.broker_participation) & (spans >= 2)
        brokers = sorted(graph.vertex_id(int(v)) for v in np.flatnonzero(is_broker))
    seconds = time.perf_counter() - started
    explanation = f"Strength, PageRank, k-core and {described} for {n} nodes in {seconds:.2f} s" + (
        f"; {len(brokers)} broker(s) with participation >= {cfg.broker_participation:g} "
        "across 2+ communities."
        if communities is not None
        else "."
    )
    return CentralityResult(
        node_ids=[graph.vertex_id(v) for v in range(n)],
        strength=strength,
        betweenness=between,
        pagerank=pagerank,
        coreness=coreness,
        participation=part,
        brokers=brokers,
        betweenness_method=method,
        seconds=seconds,
        explanation=explanation,
    )
