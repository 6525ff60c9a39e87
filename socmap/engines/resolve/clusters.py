"""Clusters from pair judgements that never join two records judged not to match.

Positive links are applied strongest first (Kruskal-style) with a union-find; a link that would
put two records with a no-match between them into one cluster is not applied. A chain of
matches A-B-C with a no-match A-C is therefore cut at its weakest link, and the conflict is
reported with the links left out. Python touches each positive judgement once (these are
decisions or above-threshold pairs, not candidate pairs).

Dates of birth, when given, guard the model's links the same way: a link that would put two full
dates of birth no keying slip explains into one person is not applied. On the medium synthetic
region 69 of 310,000 links above 0.99 joined namesakes (four Tomasz Nowaks, three Besnik Berishas
with different dates of birth), each through a record with no date: chained, they made 4,450
wrong pairs of records, pairwise precision 0.988. The guard leaves 0.998 (ADR 20).
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterable, Mapping
from operator import itemgetter
from typing import TypeAlias, cast

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components, minimum_spanning_tree

from socmap.engines.resolve.types import (
    ENGINE_NAME,
    ENGINE_VERSION,
    ClusterConflict,
    ClusterResult,
    ResolveConfig,
    RunInfo,
    ScoredPairs,
)

#: Weight of a positive pair given without one (a human "match" outranks any machine score).
DEFAULT_WEIGHT = 1.0

#: A lone record whose weak links point into several clusters attaches to the largest when it
#: holds at least this share of their records (tuned in ADR 20: 0.7-0.9 on five regions).
ATTACH_SHARE = 0.8


def _slip(a: str, b: str) -> bool:
    """One character wrong, or two neighbours transposed (as the engine's "within one" level)."""
    diff = [i for i in range(len(a)) if a[i] != b[i]]
    if len(diff) == 1:
        return True
    return len(diff) == 2 and diff[1] == diff[0] + 1 and (a[diff[0]], a[diff[1]]) == (b[diff[1]], b[diff[0]])


def births_conflict(a: str, b: str) -> bool:
    """Two full dates of birth (YYYY-MM-DD) that no keying slip explains: not equal, not day and
    month transposed, not one character apart. Partial or missing dates never conflict."""
    if len(a) != 10 or len(b) != 10 or a == b:
        return False
    return f"{a[:4]}-{a[8:10]}-{a[5:7]}" != b and not _slip(a, b)


PairsInput: TypeAlias = pd.DataFrame | Iterable[tuple[str, str] | tuple[str, str, float]]


def _edges(pairs: PairsInput | None) -> list[tuple[str, str, float]]:
    if pairs is None:
        return []
    if isinstance(pairs, pd.DataFrame):
        if len(pairs) == 0:
            return []
        weight_col = next((c for c in ("weight", "match_probability") if c in pairs.columns), None)
        left = pairs["record_id_l"].astype(str).tolist()
        right = pairs["record_id_r"].astype(str).tolist()
        weights = pairs[weight_col].astype(float).tolist() if weight_col else [DEFAULT_WEIGHT] * len(left)
        return list(zip(left, right, weights, strict=True))
    out = []
    for item in pairs:
        a, b, *rest = item
        out.append((str(a), str(b), float(rest[0]) if rest else DEFAULT_WEIGHT))
    return out


class _UnionFind:
    """Union-find over record ids whose roots keep their members; a root's full dates of birth
    (which the guard compares) are gathered from its members when first asked for, and kept."""

    def __init__(
        self, members: dict[str, list[str]], parent: dict[str, str], births: Mapping[str, str]
    ) -> None:
        self.parent = parent
        #: Each root's records; only roots are keys.
        self.members = members
        self._births = births
        self._dates: dict[str, set[str]] = {}

    @classmethod
    def from_components(
        cls, ids: list[str], component: np.ndarray, hard: set[int], births: Mapping[str, str] | None
    ) -> _UnionFind:
        """Every record of an easy component already joined to its component's first record; the
        records of ``hard`` components alone, for their links to be applied one by one.

        Built with arrays: record by record (three dictionaries and a set of dates per record)
        this took 2 s of each clustering of a million-row region's 418,000 person records."""
        n = len(ids)
        if not n:
            return cls({}, {}, births or {})
        labels, first = np.unique(component, return_index=True)
        root = first[np.searchsorted(labels, component)]
        root = np.where(_in_components(component, hard), np.arange(n), root)
        names = np.asarray(ids, dtype=object)
        order = np.argsort(root, kind="stable")  # members in id order, as ``ids`` are
        cuts = np.flatnonzero(np.diff(root[order])) + 1
        roots = names[root[order][np.concatenate(([0], cuts))]].tolist()
        members = dict(zip(roots, [part.tolist() for part in np.split(names[order], cuts)], strict=True))
        return cls(members, dict(zip(ids, names[root].tolist(), strict=True)), births or {})

    def dates(self, root: str) -> set[str]:
        """The distinct full dates of birth of the records under ``root``."""
        found = self._dates.get(root)
        if found is None:
            values = (self._births.get(m) for m in self.members[root])
            found = self._dates[root] = {d for d in values if isinstance(d, str) and len(d) == 10}
        return found

    def clash(self, a: str, b: str) -> bool:
        """Whether joining the clusters of ``a`` and ``b`` would join dates of birth that conflict."""
        left, right = self.dates(self.find(a)), self.dates(self.find(b))
        return any(births_conflict(x, y) for x in left for y in right)

    def find(self, x: str) -> str:
        root = x
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[x] != root:
            self.parent[x], x = root, self.parent[x]
        return root

    def union(self, a: str, b: str) -> str:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return ra
        if len(self.members[ra]) < len(self.members[rb]):
            ra, rb = rb, ra
        if ra in self._dates or rb in self._dates:
            self._dates[ra] = self.dates(ra) | self.dates(rb)
            self._dates.pop(rb, None)
        self.parent[rb] = ra
        self.members[ra].extend(self.members.pop(rb))
        return ra


def _ends(position: pd.Index, edges: list[tuple[str, str, float]]) -> tuple[np.ndarray, np.ndarray]:
    """Each edge's two ends as places in ``position`` (an index of the record ids): components
    are then computed by SciPy on integer arrays (a Python union-find over a million-row region's
    740,000 links took seconds per clustering)."""
    left = position.get_indexer(list(map(itemgetter(0), edges)))
    right = position.get_indexer(list(map(itemgetter(1), edges)))
    return left, right


def component_labels(n: int, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """The connected component of each of ``n`` numbered nodes joined by the edges ``left[i]`` -
    ``right[i]``: one number per node."""
    graph = coo_matrix((np.ones(len(left), dtype=np.int8), (left, right)), shape=(n, n))
    return np.asarray(connected_components(graph, directed=False)[1])


def _heaviest_forest(n: int, left: np.ndarray, right: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """The edges (positions) of a maximum spanning forest of ``n`` nodes, as integer arrays.

    SciPy's Kruskal on a sparse matrix, not a graph object: igraph's edges went in as a Python
    list, a list of two numbers per pair, several gigabytes for the 35 million merge pairs of five
    million source rows. Each weight w costs 3 - w (positive: scores are at most 1, standing
    merges 2), and of two edges between the same records only the heavier is offered, as a
    sparse matrix would add them up.
    """
    cost = 3.0 - weight
    low, high = np.minimum(left, right), np.maximum(left, right)
    order = np.lexsort((cost, high, low))  # by the two ends, the heaviest first; stable
    # Each end in that order once: indexed afresh at each use, 35 million of each were copied six times.
    low_sorted, high_sorted = low[order], high[order]
    first = np.ones(len(order), dtype=bool)
    first[1:] = (low_sorted[1:] != low_sorted[:-1]) | (high_sorted[1:] != high_sorted[:-1])
    offered = order[first & (low_sorted != high_sorted)]
    del low_sorted, high_sorted
    tree = minimum_spanning_tree(
        coo_matrix((cost[offered], (low[offered], high[offered])), shape=(n, n)).tocsr()
    ).tocoo()
    keys = low[offered].astype(np.int64) * n + high[offered]
    chosen = np.minimum(tree.row, tree.col).astype(np.int64) * n + np.maximum(tree.row, tree.col)
    by_key = np.argsort(keys)
    return np.sort(offered[by_key[np.searchsorted(keys, chosen, sorter=by_key)]])


def _hard_components(
    position: pd.Index,
    component: np.ndarray,
    negatives: list[tuple[str, str, float]],
    births: Mapping[str, str] | None,
) -> set[int]:
    """Components where a no-match or the dates of birth can cut a link."""
    hard: set[int] = set()
    if negatives:
        left, right = _ends(position, negatives)
        same = component[left] == component[right]
        hard.update(component[left][same].tolist())
    if births:
        dates = pd.DataFrame(
            {"component": component, "birth": position.to_series().map(dict(births)).to_numpy()}
        )
        dates = dates[dates["birth"].map(lambda d: isinstance(d, str) and len(d) == 10)].drop_duplicates()
        several = dates[dates.duplicated("component", keep=False)]
        for comp, values in several.groupby("component")["birth"]:
            if any(births_conflict(x, y) for x, y in itertools.combinations(sorted(set(values)), 2)):
                hard.add(int(cast(int, comp)))
    return hard


def _in_components(component: np.ndarray, wanted: set[int]) -> np.ndarray:
    """Whether each of ``component`` is one of ``wanted``."""
    if not wanted:
        return np.zeros(len(component), dtype=bool)
    return np.isin(component, np.fromiter(wanted, dtype=component.dtype, count=len(wanted)))


def _attach(
    uf: _UnionFind, weak: list[tuple[str, str, float]], forbidden: dict[str, set[str]]
) -> frozenset[str]:
    """Attach lone records to the one cluster their weak links lead to, or to the cluster holding
    ``ATTACH_SHARE`` of the records they lead to; returns the records attached.

    A name-only record (a referral, a legacy nominal) is far likelier to be the person with forty
    records of that name than the one with two: where the clusters its name points to are one
    large and some small (a namesake, or a fragment of the same person), it joins the large one.
    On the medium synthetic region the "one cluster only" rule left 8,100 true pairs apart."""
    neighbours: dict[str, set[str]] = {}
    for a, b, _ in weak:
        if a != b and a in uf.parent and b in uf.parent:
            neighbours.setdefault(a, set()).add(b)
            neighbours.setdefault(b, set()).add(a)
    moves: list[tuple[str, str]] = []
    for record in sorted(neighbours):
        if len(uf.members[uf.find(record)]) > 1:
            continue  # linked by a positive pair already
        barred = {uf.find(n) for n in forbidden.get(record, ())}
        targets = {
            root: len(uf.members[root])
            for root in {uf.find(n) for n in neighbours[record]}
            if len(uf.members[root]) > 1 and root not in barred and not uf.clash(record, root)
        }
        if not targets:
            continue
        root = max(targets, key=lambda r: (targets[r], r))
        if targets[root] >= ATTACH_SHARE * sum(targets.values()):
            moves.append((record, root))
    # Decided against the clusters as the positive links left them, so the order does not matter.
    for record, root in moves:
        uf.union(record, root)
    return frozenset(record for record, _root in moves)


def cluster(
    record_ids: Iterable[str],
    positive_pairs: PairsInput,
    negative_pairs: PairsInput | None = None,
    *,
    attach_pairs: PairsInput | None = None,
    births: Mapping[str, str] | None = None,
) -> ClusterResult:
    """Connected components over positive pairs, split wherever a negative pair would be joined.

    ``positive_pairs``: a frame with ``record_id_l``, ``record_id_r`` and optionally ``weight``
    or ``match_probability`` (stronger links win), or tuples ``(a, b[, weight])``.
    ``negative_pairs``: the same shapes; weights are ignored (a no-match always holds).
    ``attach_pairs``: weak links (the same shapes), such as pairs whose only evidence is the
    name. One may attach a record that no positive pair links to the single cluster its weak
    links point into; a record whose weak links point into two clusters stays alone, and a weak
    link never joins two clusters. A "David Smith" with no date of birth thus joins the only
    David Smith known (or the one holding ``ATTACH_SHARE`` of the David Smiths' records), but
    cannot glue two David Smiths together.
    ``births``: record -> date of birth. A link of the model (weight at most 1) that would join
    two dates of birth that conflict (``births_conflict``) is not applied, nor is an attachment;
    a person's decision (weight above 1) is, as the person saw both dates.
    """
    started = time.perf_counter()
    positives = _edges(positive_pairs)
    negatives = _edges(negative_pairs)
    # By map, in C: a generator over a million-row run's 736,000 links took 1.6 s (twice a run).
    id_set = set(map(str, record_ids))
    for edges in (positives, negatives):
        id_set.update(map(itemgetter(0), edges))
        id_set.update(map(itemgetter(1), edges))
    ids = sorted(id_set)
    position = pd.Index(ids)
    left, right = _ends(position, positives)
    component = component_labels(len(ids), left, right) if positives else np.arange(len(ids))
    # Only a component holding a no-match, or two dates of birth that conflict, needs links
    # applied one by one: elsewhere every positive link applies, and the component is the cluster.
    hard = _hard_components(position, component, negatives, births)
    uf = _UnionFind.from_components(ids, component, hard, births)
    forbidden: dict[str, set[str]] = {}
    for a, b, _ in negatives:
        if a != b:
            forbidden.setdefault(a, set()).add(b)
            forbidden.setdefault(b, set()).add(a)
    inside = _in_components(component[left], hard) if positives else np.zeros(0, dtype=bool)
    in_hard = [positives[i] for i in np.flatnonzero(inside).tolist()]
    # Strongest first; ties broken by ids so that the result is deterministic.
    order = sorted(in_hard, key=lambda e: (-e[2], min(e[0], e[1]), max(e[0], e[1])))
    rejected: list[tuple[str, str, float]] = []
    for a, b, w in order:
        ra, rb = uf.find(a), uf.find(b)
        if ra == rb:
            continue
        small, other = (ra, rb) if len(uf.members[ra]) <= len(uf.members[rb]) else (rb, ra)
        clash = any(uf.find(n) == other for m in uf.members[small] for n in forbidden.get(m, ()))
        if clash or (w <= DEFAULT_WEIGHT and uf.clash(a, b)):
            rejected.append((a, b, w))
            continue
        uf.union(a, b)
    attached = _attach(uf, _edges(attach_pairs), forbidden) if attach_pairs is not None else frozenset()
    # Report each no-match that the positive links alone would have joined.
    conflicts = []
    seen: set[tuple[str, str]] = set()
    at_a, at_b = _ends(position, negatives)
    cut_in = component[_ends(position, rejected)[0]]  # the component of each link not applied
    for (a, b, _), ca, cb in zip(negatives, component[at_a].tolist(), component[at_b].tolist(), strict=True):
        key = (min(a, b), max(a, b))
        if a == b or key in seen or ca != cb:
            continue
        seen.add(key)
        cut = tuple(
            sorted((rejected[i] for i in np.flatnonzero(cut_in == ca)), key=lambda e: (e[2], e[0], e[1]))
        )
        conflicts.append(ClusterConflict(record_id_a=key[0], record_id_b=key[1], cut_edges=cut))
    # The roots' members are the clusters (disjoint, so sorted by their first record).
    clusters = tuple(sorted(tuple(sorted(g)) for g in uf.members.values()))
    cluster_of = {rid: members[0] for members in clusters for rid in members}
    return ClusterResult(
        cluster_of=cluster_of,
        clusters=clusters,
        conflicts=tuple(conflicts),
        run=RunInfo(
            engine=ENGINE_NAME,
            engine_version=ENGINE_VERSION,
            config_hash="",
            seed=0,
            seconds=round(time.perf_counter() - started, 3),
            counts={
                "records": len(ids),
                "positive_pairs": len(positives),
                "negative_pairs": len(negatives),
                "clusters": len(clusters),
                "links_not_applied": len(rejected),
                "attached": len(attached),
            },
        ),
        attached=attached,
    )


def cluster_scored(
    record_ids: Iterable[str],
    scored: ScoredPairs | pd.DataFrame,
    config: ResolveConfig | None = None,
    negative_pairs: PairsInput | None = None,
    births: Mapping[str, str] | None = None,
) -> ClusterResult:
    """Clusters from scored pairs as the configuration says to form them.

    Pairs at or above ``config.upper_threshold`` link records, except those resting on the
    name alone (``name_only``), which attach a lone record to one cluster from
    ``config.attach_threshold`` up (see ``cluster``). Without a ``name_only`` column every pair
    above the upper threshold links. ``births``: record -> date of birth, the guard of ``cluster``.
    """
    config = config or ResolveConfig()
    pairs = scored.pairs if isinstance(scored, ScoredPairs) else scored
    columns = ["record_id_l", "record_id_r", "match_probability"]
    if "name_only" not in pairs.columns:
        return cluster(
            record_ids,
            pairs[pairs["match_probability"] >= config.upper_threshold][columns],
            negative_pairs,
            births=births,
        )
    weak = pairs["name_only"].astype(bool)
    strong = pairs[~weak & (pairs["match_probability"] >= config.upper_threshold)][columns]
    attach = pairs[weak & (pairs["match_probability"] >= config.attach_threshold)][columns]
    return cluster(record_ids, strong, negative_pairs, attach_pairs=attach, births=births)


def merge_forest(
    left: pd.Series,
    right: pd.Series,
    weight: np.ndarray,
    *,
    keep: np.ndarray | None = None,
    standing: Iterable[tuple[str, str]] = (),
    apart: Iterable[tuple[str, str]] = (),
) -> np.ndarray:
    """Which of these merge pairs are needed to join what they join: a boolean mask.

    A large region has millions of pairs above the merge threshold, most of them implied by the
    others (a person on 40 records has 780 pairs, of which 39 join them). Clustering joins the
    same records from a maximum spanning forest of the pairs (strongest first, as ``cluster``
    applies them), so only the forest's pairs need be stored and judged. Where no decision keeps
    two records apart, the forest joins exactly what all the pairs join. A component holding two
    records kept ``apart`` (a no-match decision) keeps every pair: there ``cluster`` cuts the
    weakest links, and which those are depends on all of them. ``keep`` marks pairs kept
    whatever (pairs already stored or judged); ``standing``: merges already made, which the
    forest builds on (a new pair they already imply is not needed).
    """
    n_pairs = len(left)
    mask = np.zeros(n_pairs, dtype=bool) if keep is None else np.asarray(keep, dtype=bool).copy()
    if n_pairs == 0:
        return mask
    old = list(standing)
    ids = pd.concat(
        [
            left.reset_index(drop=True),
            right.reset_index(drop=True),
            pd.Series([a for a, _ in old] + [b for _, b in old], dtype=left.dtype),
        ],
        ignore_index=True,
    )
    codes, names = pd.factorize(ids)  # Arrow strings factorise without becoming Python objects
    edges = np.column_stack(
        [
            np.concatenate([codes[:n_pairs], codes[2 * n_pairs : 2 * n_pairs + len(old)]]),
            np.concatenate([codes[n_pairs : 2 * n_pairs], codes[2 * n_pairs + len(old) :]]),
        ]
    )
    # Standing merges outrank any score: the forest is built on them.
    weights = np.concatenate([np.asarray(weight, dtype=float), np.full(len(old), 2.0)])
    chosen = _heaviest_forest(len(names), edges[:, 0], edges[:, 1], weights)
    mask[chosen[chosen < n_pairs]] = True
    membership = component_labels(len(names), edges[:, 0], edges[:, 1])
    position = pd.Index(names)
    pairs = list(apart)
    if pairs:
        a = position.get_indexer([x for x, _ in pairs])
        b = position.get_indexer([y for _, y in pairs])
        both = (a >= 0) & (b >= 0)
        same = membership[a[both]] == membership[b[both]]
        split = np.unique(membership[a[both]][same])
        if len(split):
            mask |= np.isin(membership[codes[:n_pairs]], split)
    return mask
