"""Shortest paths between two people, with the evidence behind every hop."""

from __future__ import annotations

from socmap.engines.network.types import Hop, NetworkGraph, PathResult


def shortest_path(graph: NetworkGraph, a: str, b: str) -> PathResult:
    """The strongest chain of links from ``a`` to ``b`` (distance = 1 / weight, summed over hops).

    Raises ``InvalidInput`` for an id that is not in the analysis graph; returns ``found=False``
    when the two are not connected.
    """
    g = graph.graph
    va, vb = graph.vertex(a), graph.vertex(b)
    if va == vb:
        return PathResult(a, b, True, [a], [], 0.0, f"{a} is the same node as {b}.")
    epath = g.get_shortest_path(va, vb, weights="distance", output="epath")
    if not epath:
        return PathResult(a, b, False, [], [], float("inf"), f"No chain of links joins {a} and {b}.")
    nodes = [a]
    hops: list[Hop] = []
    current = va
    distance = 0.0
    for eid in epath:
        edge = g.es[eid]
        nxt = edge.target if edge.source == current else edge.source
        weight = float(edge["weight"])
        distance += float(edge["distance"])
        hops.append(Hop(graph.vertex_id(current), graph.vertex_id(nxt), weight, graph.evidence(eid)))
        nodes.append(graph.vertex_id(nxt))
        current = nxt
    lines = [f"{h.source_id} - {h.target_id}: " + "; ".join(ev.describe() for ev in h.evidence) for h in hops]
    explanation = f"{len(hops)} hop(s) from {a} to {b} (distance {distance:.2f}): " + " | ".join(lines)
    return PathResult(a, b, True, nodes, hops, distance, explanation)
