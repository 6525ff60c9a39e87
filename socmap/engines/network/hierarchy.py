"""socmap's partition: fine Leiden CPM pieces, joined into groups by the share of ties between them.

Why not one method off the shelf (see ``docs/adr/0008-groups-that-hold-beyond-the-synthetic-region.md``):

* Modularity (Louvain, Leiden) glues small groups together on a large graph (its resolution limit):
  two groups of ten joined by one link become one community once the graph is big enough.
* CPM keeps small groups apart, but one resolution cannot keep a large, loosely tied group whole
  (a family running crews) and two small groups joined by one link apart: both are about equally
  dense between their parts.
* What tells them apart is relative: the crews of one family send a real share of their ties to each
  other (and more than random mixing would); two unrelated groups exchange one link in fifty.

So: (1) Leiden CPM at a resolution relative to the graph's own mean link weight cuts the graph into
dense pieces (crews, small groups, pieces of sparse groups); (2) pieces are joined, strongest tie
first, while the tie between two of them is at least ``join_share`` of their link weight (geometric
mean of the two) *and* more than random mixing in the graph would give (the modularity null
model); a piece whose links mostly (``attach_share``) lead into one larger piece joins it. (3) Within
every group of at least ``subgroup_min_size`` people the same two steps run again on the group alone,
with weights relative to the group's own mean and the null model of the group: the crews.

Every quantity is a ratio of weights, so multiplying every weight by a constant changes nothing.
"""

from __future__ import annotations

import heapq
import random
from dataclasses import dataclass

import igraph
import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class JoinParameters:
    """The partition's parameters (``communities`` in ``network.yaml``)."""

    resolution: float = 0.05  # CPM resolution for the pieces, as a share of the mean link weight
    density_factor: float = 0.0  # ...or this times the graph's own link density, if that is higher
    join_share: float = 0.05  # least tie between two parts, over the geometric mean of their weights
    attach_share: float = 0.5  # a part whose ties mostly lead into one larger part joins it
    null_factor: float = 1.0  # ties must exceed this times what random mixing would give
    seed: int = 1
    n_iterations: int = 2


def normalised(weights: FloatArray) -> FloatArray:
    """Weights over their mean, with the mantissa rounded to 32 bits.

    The rounding makes ``w`` and ``10 * w`` give identical inputs to Leiden (dividing by a mean
    computed from other numbers can differ in the last bits), so the partition cannot depend on the
    scale even through rounding.
    """
    if not len(weights):
        return np.asarray(weights, dtype=float)
    mean = float(np.mean(weights))
    if not mean > 0:
        return np.ones(len(weights))
    mantissa, exponent = np.frexp(np.asarray(weights, dtype=float) / mean)
    return np.asarray(np.ldexp(np.round(mantissa * 2.0**32) / 2.0**32, exponent), dtype=float)


def leiden_cpm(
    n: int,
    ends: IntArray,
    weights: FloatArray,
    resolution: float,
    seed: int,
    iterations: int,
    *,
    node_weights: FloatArray | None = None,
    graph: igraph.Graph | None = None,
) -> IntArray:
    """Leiden with the CPM objective, repeatable for a seed (igraph's own, not leidenalg: 10x faster).

    ``graph``, when given, is the same graph already built (edges in the order of ``ends``): building
    it again costs seconds at a million nodes.
    """
    g = graph if graph is not None else igraph.Graph(n=n, edges=ends, directed=False)
    rng = random.Random(seed)  # noqa: S311 - repeatability, not secrecy  # nosec B311
    igraph.set_random_number_generator(rng)
    try:
        found = g.community_leiden(
            objective_function="CPM",
            weights=weights.tolist(),
            resolution=resolution,
            n_iterations=iterations,
            node_weights=None if node_weights is None else node_weights.tolist(),
        )
    finally:
        igraph.set_random_number_generator(random)
    return np.asarray(found.membership, dtype=np.int64)


def join_pieces(
    pieces: IntArray,
    ends: IntArray,
    weights: FloatArray,
    context: IntArray,
    params: JoinParameters,
) -> IntArray:
    """Join pieces (a label per vertex) into parts, within each ``context`` (a label per vertex).

    ``ends``/``weights`` are the graph's edges; edges between contexts must not exist. Returns a
    label per vertex (the representative piece of its part).
    """
    n = len(pieces)
    k = int(pieces.max()) + 1 if n else 0
    if not len(ends) or k == 0:
        return pieces.copy()
    strength = np.bincount(ends.ravel(), weights=np.repeat(weights, 2), minlength=n)
    s = np.bincount(pieces, weights=strength, minlength=k)
    piece_context = np.zeros(k, dtype=np.int64)
    piece_context[pieces] = context
    total = np.bincount(piece_context, weights=s)  # S of each context: its total strength
    a, b = pieces[ends[:, 0]], pieces[ends[:, 1]]
    between = a != b
    if not between.any():
        return pieces.copy()
    lo, hi = np.minimum(a, b)[between], np.maximum(a, b)[between]
    keys, inverse = np.unique(lo * k + hi, return_inverse=True)
    tie = np.bincount(inverse, weights=weights[between])
    pa, pb = keys // k, keys % k
    src = np.concatenate([pa, pb])
    dst = np.concatenate([pb, pa])
    both = np.concatenate([tie, tie])
    order = np.argsort(src, kind="stable")
    src, dst, both = src[order], dst[order], both[order]
    ptr = np.searchsorted(src, np.arange(k + 1))

    parent = np.arange(k)
    size = s.copy()
    held: dict[int, list[int]] = {}

    def find(x: int) -> int:
        root = x
        while parent[root] != root:
            root = int(parent[root])
        while parent[x] != root:
            parent[x], x = root, int(parent[x])
        return root

    def neighbours(root: int) -> dict[int, float]:
        out: dict[int, float] = {}
        for piece in held.get(root, [root]):
            for j in range(int(ptr[piece]), int(ptr[piece + 1])):
                other = find(int(dst[j]))
                if other != root:
                    out[other] = out.get(other, 0.0) + float(both[j])
        return out

    def above_null(tie_weight: float, x: int, y: int) -> bool:
        return bool(tie_weight > params.null_factor * size[x] * size[y] / total[piece_context[x]])

    def union(x: int, y: int) -> int:
        if size[x] < size[y] or (size[x] == size[y] and y < x):
            x, y = y, x
        parent[y] = x
        size[x] += size[y]
        held[x] = held.get(x, [x]) + held.pop(y, [y])
        return x

    # A piece whose ties mostly lead into one larger piece belongs to it (a member with one link).
    share = both / np.maximum(s[src], 1e-300)
    ranked = np.lexsort((dst, -share, src))
    first = ranked[np.r_[True, src[ranked][1:] != src[ranked][:-1]]]
    leaning = first[(share[first] >= params.attach_share) & (s[dst[first]] > s[src[first]])]
    for j in leaning[np.lexsort((src[leaning], s[src[leaning]]))]:
        x, y = find(int(src[j])), find(int(dst[j]))
        if x != y and size[y] > size[x]:
            ties = neighbours(x).get(y, 0.0)
            if ties >= params.attach_share * size[x] and above_null(ties, x, y):
                union(y, x)

    # Strongest relative tie first, while it is at least join_share and above the null model.
    def ratio(tie_weight: float, x: int, y: int) -> float:
        return tie_weight / float(np.sqrt(size[x] * size[y]))

    # Ties can only grow relative to the smaller side when parts join, so start from every pair
    # within half the threshold and re-examine the neighbours of each new part.
    heap: list[tuple[float, int, int]] = []
    roots = np.asarray([find(int(p)) for p in range(k)])
    rs, rd = roots[src], roots[dst]
    near = (rs < rd) & (both / np.sqrt(np.maximum(size[rs] * size[rd], 1e-300)) >= params.join_share / 2)
    for x, y in sorted(set(zip(rs[near].tolist(), rd[near].tolist(), strict=True))):
        ties = neighbours(x).get(y, 0.0)
        r = ratio(ties, x, y)
        if r >= params.join_share:
            heap.append((-r, x, y))
    heapq.heapify(heap)
    while heap:
        negative, x, y = heapq.heappop(heap)
        if find(x) != x or find(y) != y:
            continue
        ties = neighbours(x).get(y, 0.0)
        r = ratio(ties, x, y)
        if r < params.join_share:
            continue
        if r < -negative - 1e-12:  # stale: this pair weakened since it was queued
            heapq.heappush(heap, (-r, x, y))
            continue
        if not above_null(ties, x, y):
            continue
        joined = union(x, y)
        for other, weight in neighbours(joined).items():
            r2 = ratio(weight, joined, other)
            if r2 >= params.join_share:
                heapq.heappush(heap, (-r2, min(joined, other), max(joined, other)))
    final = np.asarray([find(int(p)) for p in range(k)], dtype=np.int64)
    return final[pieces]


def partition(
    n: int, ends: IntArray, weights: FloatArray, params: JoinParameters, *, graph: igraph.Graph | None = None
) -> IntArray:
    """Groups over the whole graph: pieces by relative CPM, then joined (a label per vertex)."""
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    if not len(ends):
        return np.arange(n, dtype=np.int64)
    w = normalised(weights)
    resolution = resolution_for(n, w, params)
    pieces = leiden_cpm(n, ends, w, resolution, params.seed, params.n_iterations, graph=graph)
    return join_pieces(pieces, ends, w, np.zeros(n, dtype=np.int64), params)


def resolution_for(n: int, normalised_weights: FloatArray, params: JoinParameters) -> float:
    """The pieces' CPM resolution for a graph: a share of the mean link weight, or more on a dense graph.

    With weights over their mean, the graph's weighted density is its share of linked pairs; a piece
    must be at least ``density_factor`` times as dense as the graph it is cut from (CPM at the
    density is modularity with a uniform null model), and never sparser than ``resolution``.
    """
    pairs = n * (n - 1) / 2
    density = float(normalised_weights.sum()) / pairs if pairs else 0.0
    return max(params.resolution, params.density_factor * density)


def subgroups(
    membership: IntArray,
    ends: IntArray,
    weights: FloatArray,
    params: JoinParameters,
    *,
    min_size: int,
    min_members: int,
    cohesion: float = 0.75,
) -> dict[int, list[IntArray]]:
    """Sub-groups (crews, cells) of every group of at least ``min_size`` vertices.

    The same method within each group alone: its internal links, weighted relative to the group's
    own mean link weight, cut into pieces by CPM and joined against the group's own null model. All
    groups are partitioned in one Leiden call (their links never cross). A group gets sub-groups
    when at least two parts have ``min_members`` or more and keep at least ``cohesion`` of their
    link weight within the group inside themselves (a sparse group with no crews still falls into
    loose pieces: those are not sub-groups); everyone else stays a member of the group without one.
    Returns group -> sub-groups (vertex arrays, largest first).
    """
    if not len(membership) or not len(ends):
        return {}
    sizes = np.bincount(membership)
    big = sizes >= min_size
    inside = (membership[ends[:, 0]] == membership[ends[:, 1]]) & big[membership[ends[:, 0]]]
    if not inside.any():
        return {}
    vertices = np.flatnonzero(big[membership])
    local = np.full(len(membership), -1, dtype=np.int64)
    local[vertices] = np.arange(len(vertices))
    e = local[ends[inside]]
    group = membership[vertices]
    raw = weights[inside]
    # Each group's weights over that group's own mean: a sparse family and a tight crew alike.
    edge_group = group[e[:, 0]]
    mean = np.bincount(edge_group, weights=raw) / np.maximum(np.bincount(edge_group), 1)
    w = normalised(raw / mean[edge_group])
    # Each group is cut at its own resolution: node weights carry it, since CPM's penalty for a piece
    # is resolution x (sum of node weights)^2 / 2, the square root of each group's resolution on its
    # members gives every group its own (one Leiden call for all of them).
    sizes_of = np.bincount(group)
    weight_of = np.bincount(edge_group, weights=w, minlength=len(sizes_of))
    pairs = sizes_of * (sizes_of - 1) / 2
    density = np.divide(weight_of, pairs, out=np.zeros(len(sizes_of)), where=pairs > 0)
    own = np.maximum(params.resolution, params.density_factor * density)
    pieces = leiden_cpm(
        len(vertices), e, w, 1.0, params.seed, params.n_iterations, node_weights=np.sqrt(own[group])
    )
    parts = join_pieces(pieces, e, w, group, params)
    # Per part: weight of its links inside itself (counted from both ends) and of all its links.
    same = parts[e[:, 0]] == parts[e[:, 1]]
    inner = np.bincount(parts[e[same, 0]], weights=2 * w[same], minlength=len(vertices))
    touching = np.bincount(e.ravel(), weights=np.repeat(w, 2), minlength=len(vertices))
    whole = np.bincount(parts, weights=touching, minlength=len(vertices))
    out: dict[int, list[IntArray]] = {}
    for g_id in np.unique(group):
        mine = np.flatnonzero(group == g_id)
        labels, counts = np.unique(parts[mine], return_counts=True)
        kept = [
            vertices[mine[parts[mine] == label]]
            for label, c in zip(labels.tolist(), counts.tolist(), strict=True)
            if c >= min_members and whole[label] > 0 and inner[label] / whole[label] >= cohesion
        ]
        if len(kept) >= 2:
            out[int(g_id)] = sorted(kept, key=lambda arr: (-len(arr), int(arr.min())))
    return out
