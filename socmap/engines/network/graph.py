"""Building the weighted network in bulk, and the analyst's neighbourhood view.

Every input link gets a weight (type x grading x recency). Two people on one object (phone, vehicle,
address, account, company) become a person-person link with the object as evidence, so communities
are over people. All links between a pair are summed into one analysis edge that keeps every
input row behind it (CSR arrays on ``NetworkGraph``). Vectorised with numpy/pandas throughout.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import asdict, is_dataclass
from typing import Any

import igraph
import numpy as np
import numpy.typing as npt
import pandas as pd

from socmap.engines.network.config import grading_at_least, parse_grading
from socmap.engines.network.types import NODE_KINDS, PERSON, Edge, NetworkConfig, NetworkGraph, Node, Subgraph
from socmap.errors import InvalidInput, RowError

EDGE_COLUMNS = ("source_id", "target_id", "link_type", "grading", "observed_on", "evidence_id")
OPTIONAL_EDGE_COLUMNS = ("started_on",)
ALL_EDGE_COLUMNS = EDGE_COLUMNS + OPTIONAL_EDGE_COLUMNS
MAX_ROW_ERRORS = 50


def _edges_frame(edges: pd.DataFrame | Iterable[Any]) -> pd.DataFrame:
    if isinstance(edges, pd.DataFrame):
        missing = [c for c in EDGE_COLUMNS if c not in edges.columns and c not in ("grading", "observed_on")]
        if missing:
            raise InvalidInput(
                f"The edges have no column {', '.join(missing)}.",
                fields={c: ["Missing column."] for c in missing},
            )
        frame = edges.loc[:, [c for c in ALL_EDGE_COLUMNS if c in edges.columns]].copy()
    else:
        rows: list[Sequence[Any]] = []
        for item in edges:
            if isinstance(item, Edge):
                rows.append(
                    (
                        item.source_id,
                        item.target_id,
                        item.link_type,
                        item.grading,
                        item.observed_on,
                        item.evidence_id,
                        item.started_on,
                    )
                )
            elif isinstance(item, dict):
                rows.append(tuple(item.get(c) for c in ALL_EDGE_COLUMNS))
            else:
                rows.append(tuple(item) + (None,) * (len(ALL_EDGE_COLUMNS) - len(item)))
        frame = pd.DataFrame(rows, columns=list(ALL_EDGE_COLUMNS))
    for col in ("grading", "observed_on", "started_on"):
        if col not in frame.columns:
            frame[col] = None
    frame["evidence_id"] = frame["evidence_id"].fillna("").astype(str)
    frame["source_id"] = frame["source_id"].astype(str)
    frame["target_id"] = frame["target_id"].astype(str)
    return frame.reset_index(drop=True)


def _nodes_frame(nodes: pd.DataFrame | Iterable[Any] | None) -> pd.DataFrame:
    if nodes is None:
        return pd.DataFrame({"id": [], "kind": [], "offender": [], "themes": [], "mentions": []})
    if isinstance(nodes, pd.DataFrame):
        frame = nodes.copy()
    else:
        recs: list[dict[str, Any]] = []
        for item in nodes:
            if isinstance(item, Node) or is_dataclass(item):
                recs.append(asdict(item))  # type: ignore[arg-type]
            elif isinstance(item, dict):
                recs.append(dict(item))
            else:
                recs.append({"id": item})
        frame = pd.DataFrame(recs, columns=None if recs else ["id"])
    if "id" not in frame.columns:
        raise InvalidInput("The nodes have no 'id' column.", fields={"id": ["Missing column."]})
    frame["id"] = frame["id"].astype(str)
    frame["kind"] = frame["kind"].fillna(PERSON).astype(str) if "kind" in frame.columns else PERSON
    frame["offender"] = frame["offender"].fillna(False).astype(bool) if "offender" in frame.columns else False
    frame["mentions"] = (
        pd.to_numeric(frame["mentions"], errors="coerce").fillna(0).astype(np.int64)
        if "mentions" in frame.columns
        else 0
    )
    if "themes" not in frame.columns:
        frame["themes"] = [() for _ in range(len(frame))]
    frame["themes"] = [_themes(t) for t in frame["themes"]]
    bad = sorted(set(frame["kind"]) - set(NODE_KINDS))
    if bad:
        raise InvalidInput(
            f"Unknown node kind {', '.join(map(repr, bad))}; known: {', '.join(NODE_KINDS)}.",
            fields={"kind": [f"Unknown: {b}" for b in bad]},
        )
    dupes = frame["id"][frame["id"].duplicated()].unique().tolist()
    if dupes:
        raise InvalidInput(
            f"Node ids appear twice: {', '.join(dupes[:10])}.", fields={"id": ["Duplicate ids."]}
        )
    return frame.reset_index(drop=True)


def _themes(value: Any) -> tuple[str, ...]:
    if value is None or (isinstance(value, float) and value != value):
        return ()
    if isinstance(value, str):
        return tuple(t for t in (p.strip() for p in value.split(";")) if t)
    return tuple(str(t) for t in value)


def _dates(values: pd.Series) -> pd.Series:
    if pd.api.types.is_datetime64_any_dtype(values):
        return values.astype("datetime64[ns]")
    return pd.to_datetime(values, errors="coerce")


def build_graph(
    nodes: pd.DataFrame | Iterable[Any] | None, edges: pd.DataFrame | Iterable[Any], config: NetworkConfig
) -> NetworkGraph:
    """Weigh, project and aggregate the links, and build the analysis graph in one call to igraph.

    Raises ``InvalidInput`` naming every unknown link type, bad grading or unknown node kind (with
    row numbers counted from 1).
    """
    frame = _edges_frame(edges)
    node_frame = _nodes_frame(nodes)
    problems: list[RowError] = []

    canonical = config.canonical_link_type()
    lt = frame["link_type"].astype(str).map(canonical)
    unknown = frame["link_type"][lt.isna()]
    if len(unknown):
        names = sorted(set(unknown.astype(str)))
        for row in unknown.index[:MAX_ROW_ERRORS]:
            problems.append(
                RowError(int(row) + 1, "link_type", f"Unknown link type {frame['link_type'][row]!r}.")
            )
        raise InvalidInput(
            f"Unknown link type {', '.join(map(repr, names))} in {len(unknown)} edge(s); "
            f"known: {', '.join(sorted(canonical))}.",
            rows=problems,
        )
    frame["link_type"] = lt.astype(str)

    grading = frame["grading"].where(frame["grading"].notna() & (frame["grading"].astype(str) != ""), None)
    grading = grading.fillna(config.default_grading).astype(str).str.strip().str.upper()
    valid = grading.str.fullmatch(r"[123][A-E][PC]?")
    if not valid.all():
        for row in grading.index[~valid][:MAX_ROW_ERRORS]:
            problems.append(
                RowError(int(row) + 1, "grading", f"{grading[row]!r} is not a 3x5x2 grading like '2B'.")
            )
        raise InvalidInput(f"{int((~valid).sum())} edge(s) have an invalid grading.", rows=problems)
    frame["grading"] = grading
    frame["source_grade"] = grading.str[0]
    frame["assessment"] = grading.str[1]
    grade_factor = frame["source_grade"].map(config.source_factors).to_numpy(float) * frame["assessment"].map(
        config.assessment_factors
    ).to_numpy(float)

    observed = _dates(frame["observed_on"])
    bad_dates = observed.isna() & frame["observed_on"].notna()
    if bad_dates.any():
        for row in frame.index[bad_dates][:MAX_ROW_ERRORS]:
            problems.append(
                RowError(int(row) + 1, "observed_on", f"{frame['observed_on'][row]!r} is not a date.")
            )
        raise InvalidInput(f"{int(bad_dates.sum())} edge(s) have an invalid observed_on date.", rows=problems)
    frame["observed_on"] = observed
    started = _dates(frame["started_on"])
    bad_starts = started.isna() & frame["started_on"].notna()
    if bad_starts.any():
        for row in frame.index[bad_starts][:MAX_ROW_ERRORS]:
            problems.append(
                RowError(int(row) + 1, "started_on", f"{frame['started_on'][row]!r} is not a date.")
            )
        raise InvalidInput(f"{int(bad_starts.sum())} edge(s) have an invalid started_on date.", rows=problems)
    frame["started_on"] = started
    reference: dt.date | None = config.reference_date
    if reference is None and observed.notna().any():
        reference = observed.max().date()
    type_weight = frame["link_type"].map({n: t.weight for n, t in config.link_types.items()}).to_numpy(float)
    half_life = (
        frame["link_type"]
        .map({n: t.half_life_days or config.half_life_days for n, t in config.link_types.items()})
        .to_numpy(float)
    )
    if reference is not None:
        age = (pd.Timestamp(reference) - observed).dt.days.to_numpy(float)
        recency = np.where(np.isnan(age), config.undated_factor, 0.5 ** (np.clip(age, 0, None) / half_life))
    else:
        recency = np.full(len(frame), config.undated_factor)
    frame["weight"] = type_weight * grade_factor * recency

    # Node codes: listed nodes first, then ids that only edges name.
    all_ids = pd.Index(
        pd.unique(pd.concat([node_frame["id"], frame["source_id"], frame["target_id"]], ignore_index=True))
    )
    n = len(all_ids)
    src = all_ids.get_indexer(frame["source_id"]).astype(np.int64)
    tgt = all_ids.get_indexer(frame["target_id"]).astype(np.int64)
    listed = len(node_frame)
    kinds = np.empty(n, dtype=object)
    kinds[:listed] = node_frame["kind"].to_numpy()
    kinds[listed:] = PERSON
    is_object_type = (
        frame["link_type"].map({k: v.object for k, v in config.link_types.items()}).to_numpy(bool)
    )
    # An id first met as the target of a person-object link is an object of unknown kind.
    unlisted_targets = is_object_type & (tgt >= listed)
    kinds[tgt[unlisted_targets]] = "object"
    offender = np.zeros(n, dtype=bool)
    offender[:listed] = node_frame["offender"].to_numpy(bool)
    mentions = np.zeros(n, dtype=np.int64)
    mentions[:listed] = node_frame["mentions"].to_numpy(np.int64)
    themes: list[tuple[str, ...]] = list(node_frame["themes"]) + [() for _ in range(n - listed)]
    person = kinds == PERSON

    weight = frame["weight"].to_numpy(float)
    rows = np.arange(len(frame), dtype=np.int64)
    keep = src != tgt
    if config.project_objects:
        direct = keep & person[src] & person[tgt]
        po_mask = keep & (person[src] ^ person[tgt])
        p = np.where(person[src], src, tgt)[po_mask]
        o = np.where(person[src], tgt, src)[po_mask]
        last = observed.to_numpy("datetime64[D]").astype(np.int64).astype(float)
        first = started.to_numpy("datetime64[D]").astype(np.int64).astype(float)
        last[observed.isna().to_numpy()] = np.nan
        first[started.isna().to_numpy()] = np.nan
        pairs = _project(p, o, weight[po_mask], rows[po_mask], config, first[po_mask], last[po_mask])
        apart = int(pairs[6])
    else:
        direct = keep
        pairs = (np.empty(0, np.int64),) * 5 + (np.empty(0, float), 0)
        apart = 0
    a = np.concatenate([np.minimum(src, tgt)[direct], pairs[0]])
    b = np.concatenate([np.maximum(src, tgt)[direct], pairs[1]])
    r1 = np.concatenate([rows[direct], pairs[2]])
    r2 = np.concatenate([np.full(int(direct.sum()), -1, np.int64), pairs[3]])
    via = np.concatenate([np.full(int(direct.sum()), -1, np.int64), pairs[4]])
    w = np.concatenate([weight[direct], pairs[5]])
    usable = w > 0
    a, b, r1, r2, via, w = a[usable], b[usable], r1[usable], r2[usable], via[usable], w[usable]

    key = a * n + b
    order = np.argsort(key, kind="stable")
    key, a, b, r1, r2, via, w = key[order], a[order], b[order], r1[order], r2[order], via[order], w[order]
    _, starts = np.unique(key, return_index=True)
    ptr = np.append(starts, len(key)).astype(np.int64)
    agg_weight = np.add.reduceat(w, starts) if len(w) else np.empty(0, float)
    ea, eb = a[starts], b[starts]

    graph_nodes = np.flatnonzero(person) if config.project_objects else np.arange(n, dtype=np.int64)
    remap = np.full(n, -1, dtype=np.int64)
    remap[graph_nodes] = np.arange(len(graph_nodes))
    g = igraph.Graph(n=len(graph_nodes), edges=np.column_stack([remap[ea], remap[eb]]), directed=False)
    g.es["weight"] = agg_weight.tolist()
    g.es["distance"] = (1.0 / agg_weight).tolist()
    node_ids = all_ids.astype(str).tolist()

    explanation = (
        f"{len(frame)} input links over {n} entities ({int(person.sum())} people); "
        f"{int(direct.sum())} direct person links and {len(pairs[0])} person pairs through shared objects "
        f"({apart} pairs whose periods on the object did not overlap left out) aggregated into "
        f"{g.ecount()} weighted edges between {g.vcount()} nodes. Weights: link type "
        "x grading "
        f"x recency (half-life {config.half_life_days:g} days before {reference})."
    )
    return NetworkGraph(
        config=config,
        node_ids=node_ids,
        index={k: i for i, k in enumerate(node_ids)},
        kinds=[str(k) for k in kinds],
        offender=offender,
        themes=themes,
        edges=frame,
        graph=g,
        graph_nodes=graph_nodes.astype(np.int64),
        contrib_ptr=ptr,
        contrib_rows=r1,
        contrib_rows2=r2,
        contrib_weight=w,
        contrib_via=via,
        reference_date=reference,
        graph_vertex={node_ids[int(c)]: i for i, c in enumerate(graph_nodes)},
        explanation=explanation,
        mentions=mentions if mentions.any() else None,
    )


def _project(
    p: npt.NDArray[np.int64],
    o: npt.NDArray[np.int64],
    w: npt.NDArray[np.float64],
    rows: npt.NDArray[np.int64],
    config: NetworkConfig,
    first: npt.NDArray[np.float64] | None = None,
    last: npt.NDArray[np.float64] | None = None,
) -> tuple[Any, ...]:
    """Person pairs sharing an object: (a, b, row_a, row_b, object, weight, pairs left out).

    ``first``/``last`` are each link's first and last day (NaN when unknown). A pair whose two
    periods are both known and do not overlap is left out: the second holder of a recycled number
    never shared it with the first. The cap on people per object counts everyone who ever used it.
    """
    nan = np.full(len(p), np.nan)
    po = pd.DataFrame(
        {
            "p": p,
            "o": o,
            "w": w,
            "r": rows,
            "first": nan if first is None else first,
            "last": nan if last is None else last,
        }
    )
    # One row per person and object: the strongest link is the evidence that counts.
    po = po.sort_values(["o", "p", "w"], ascending=[True, True, False], kind="stable")
    if po["first"].notna().any():
        by_pair = po.groupby(["o", "p"], sort=False)
        po["first"] = by_pair["first"].transform("min")
        po["last"] = by_pair["last"].transform("max")
    po = po.drop_duplicates(["o", "p"], keep="first")
    people = po.groupby("o")["p"].transform("size")
    po = po[(people >= 2) & (people <= config.max_people_per_object)].assign(k=people)
    pairs = po.merge(po, on="o", suffixes=("_a", "_b"))
    pairs = pairs[pairs["p_a"] < pairs["p_b"]]
    # A person's period on the object is from their first-known start to their last-known day.
    apart = (
        pairs["first_a"].notna()
        & pairs["first_b"].notna()
        & pairs["last_a"].notna()
        & pairs["last_b"].notna()
        & (np.maximum(pairs["first_a"], pairs["first_b"]) > np.minimum(pairs["last_a"], pairs["last_b"]))
    )
    left_out = int(apart.sum())
    pairs = pairs[~apart]
    weight = np.minimum(pairs["w_a"].to_numpy(float), pairs["w_b"].to_numpy(float))
    if config.divide_by_people:
        weight = weight / (pairs["k_a"].to_numpy(float) - 1.0)
    return (
        pairs["p_a"].to_numpy(np.int64),
        pairs["p_b"].to_numpy(np.int64),
        pairs["r_a"].to_numpy(np.int64),
        pairs["r_b"].to_numpy(np.int64),
        pairs["o"].to_numpy(np.int64),
        weight,
        left_out,
    )


def neighbourhood(
    graph: NetworkGraph,
    node: str,
    hops: int = 2,
    link_types: Iterable[str] | None = None,
    since: dt.date | None = None,
    min_grading: str | None = None,
    max_nodes: int = 500,
) -> Subgraph:
    """Everything within ``hops`` links of ``node`` over the full POLE graph (objects included).

    Filters: link types (names or aliases), links observed on or after ``since`` (undated links are
    dropped when ``since`` is set), and gradings at least as good as ``min_grading`` on both axes.
    Raises ``InvalidInput`` when the answer would exceed ``max_nodes``, so a page never tries to
    draw thousands of nodes.
    """
    if node not in graph.index:
        raise InvalidInput(f"{node!r} is not in the network.", fields={"node": ["Unknown node."]})
    if hops < 1:
        raise InvalidInput("hops must be at least 1.", fields={"hops": ["Must be at least 1."]})
    frame = graph.edges
    mask = np.ones(len(frame), dtype=bool)
    filters: list[str] = []
    if link_types is not None:
        canonical = graph.config.canonical_link_type()
        wanted = list(link_types)
        unknown = [t for t in wanted if t not in canonical]
        if unknown:
            raise InvalidInput(
                f"Unknown link type {', '.join(map(repr, unknown))}.", fields={"link_types": ["Unknown."]}
            )
        names = {canonical[t] for t in wanted}
        mask &= frame["link_type"].isin(names).to_numpy()
        filters.append(f"link types {', '.join(sorted(names))}")
    if since is not None:
        mask &= (frame["observed_on"] >= pd.Timestamp(since)).to_numpy()
        filters.append(f"seen since {since}")
    if min_grading is not None:
        m = parse_grading(min_grading)
        if m is None:
            grading_at_least("1A", min_grading)  # raises the clear error
            raise AssertionError("unreachable")
        mask &= ((frame["source_grade"] <= m[0]) & (frame["assessment"] <= m[1])).to_numpy()
        filters.append(f"graded {min_grading} or better")
    sub = frame[mask]
    codes = pd.Index(graph.node_ids)
    s = codes.get_indexer(sub["source_id"])
    t = codes.get_indexer(sub["target_id"])
    full = igraph.Graph(n=len(graph.node_ids), edges=np.column_stack([s, t]), directed=False)
    reached = full.neighborhood(vertices=graph.index[node], order=hops)
    if len(reached) > max_nodes:
        raise InvalidInput(
            f"The neighbourhood of {node} within {hops} hop(s) has {len(reached)} nodes, over the limit of "
            f"{max_nodes}. Use fewer hops, fewer link types, a later 'since' date "
            "or a better minimum grading.",
            code="limit",
            fields={"max_nodes": [f"{len(reached)} nodes exceed the limit of {max_nodes}."]},
        )
    inside = np.zeros(len(graph.node_ids), dtype=bool)
    inside[reached] = True
    rows = sub[inside[s] & inside[t]].drop(columns=["source_grade", "assessment"])
    ids = sorted(graph.node_ids[v] for v in reached)
    explanation = (
        f"{len(ids)} nodes and {len(rows)} links within {hops} hop(s) of {node}"
        + (f" ({'; '.join(filters)})" if filters else "")
        + "."
    )
    return Subgraph(
        centre=node,
        nodes=ids,
        kinds={i: graph.kinds[graph.index[i]] for i in ids},
        edges=rows.reset_index(drop=True),
        explanation=explanation,
    )
