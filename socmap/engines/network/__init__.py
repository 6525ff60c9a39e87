"""The network-analysis engine: weighted association networks, communities, centrality and proposals.

Pure Python on igraph (no Django). Typical use::

    config = load_config()
    graph = build_graph(nodes, edges, config)
    communities = detect_communities(graph)            # Leiden, CPM by default, seeded
    scores = centrality(graph, communities)
    proposals = propose(graph, communities, scores, config)
    matches = match_groups(existing_groups, proposals)  # update groups, do not duplicate them

Every result carries its explanation in words and the evidence ids behind it.
"""

from __future__ import annotations

from socmap.engines.network.centrality import centrality
from socmap.engines.network.communities import community_result, detect_communities
from socmap.engines.network.config import load_config
from socmap.engines.network.evaluate import evaluate, louvain_reference
from socmap.engines.network.graph import build_graph, neighbourhood
from socmap.engines.network.paths import shortest_path
from socmap.engines.network.proposals import match_groups, propose
from socmap.engines.network.types import (
    CentralityResult,
    CommunityResult,
    Edge,
    Evaluation,
    Evidence,
    Match,
    NetworkConfig,
    NetworkGraph,
    Node,
    PathResult,
    ProposalResult,
    ProposedGroup,
    ProposedIndividual,
    ProposedSubgroup,
    RoleSuggestion,
    Subgraph,
)

ENGINE_VERSION = "3"  # 3: pieces joined by tie share, sub-groups, scale-free weights

__all__ = [
    "ENGINE_VERSION",
    "CentralityResult",
    "CommunityResult",
    "Edge",
    "Evaluation",
    "Evidence",
    "Match",
    "NetworkConfig",
    "NetworkGraph",
    "Node",
    "PathResult",
    "ProposalResult",
    "ProposedGroup",
    "ProposedIndividual",
    "ProposedSubgroup",
    "RoleSuggestion",
    "Subgraph",
    "build_graph",
    "centrality",
    "community_result",
    "detect_communities",
    "evaluate",
    "load_config",
    "louvain_reference",
    "match_groups",
    "neighbourhood",
    "propose",
    "shortest_path",
]
