"""Measuring proposals against planted ground truth (the synthetic region).

The definition, used by ``bench/network.py`` for socmap and for the Louvain reference alike:

* **Which groups.** Only *proposed* groups count: whatever partition produced them (Leiden here,
  networkx Louvain in the bench), the communities go through the same ``propose`` tests (size,
  known offenders, offence links, themes) before they are scored. A raw partition is not a set of
  proposed OCGs: it puts every member of the public in some community.
* **Over which people.** With ``population`` (every person of the analysis graph), NMI and ARI are
  computed over all those people: the truth label is the planted OCG or one shared label "in no
  group"; the proposed label is the proposed group or the same "in no group". A bystander put in a
  group and a planted member left out both cost. Without ``population`` (the old figure, kept as
  ``nmi_members``/``ari_members``), only the planted members are scored and a planted member in no
  proposed group counts as a group of one, so missing a group costs as much as splitting it, while
  proposing outsiders costs nothing.
* **NMI** is igraph's ``compare_communities(method="nmi")`` (Danon et al.: mutual information over
  the arithmetic mean of the two entropies); **ARI** is ``method="adjusted_rand"``.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping, Sequence

import igraph
import networkx as nx

from socmap.engines.network.communities import community_result
from socmap.engines.network.types import CommunityResult, Evaluation, NetworkGraph, ProposalResult

NO_GROUP = "\0none"


def _compare(truth: Sequence[str], found: Sequence[str]) -> tuple[float, float]:
    if len(truth) < 2:
        return 0.0, 0.0
    t_codes: dict[str, int] = {}
    f_codes: dict[str, int] = {}
    t = [t_codes.setdefault(x, len(t_codes)) for x in truth]
    f = [f_codes.setdefault(x, len(f_codes)) for x in found]
    nmi = float(igraph.compare_communities(t, f, method="nmi"))
    ari = float(igraph.compare_communities(t, f, method="adjusted_rand"))
    return nmi, ari


def louvain_reference(graph: NetworkGraph, seed: int = 1) -> CommunityResult:
    """networkx's Louvain (its defaults: modularity, resolution 1) on the analysis graph, weighted,
    with a fixed seed: the reference every evaluation measures socmap's communities against."""
    g = graph.graph
    nxg = nx.Graph()
    nxg.add_nodes_from(range(g.vcount()))
    nxg.add_weighted_edges_from((s, t, w) for (s, t), w in zip(g.get_edgelist(), g.es["weight"], strict=True))
    started = time.perf_counter()
    found = nx.community.louvain_communities(nxg, weight="weight", seed=seed)
    seconds = time.perf_counter() - started
    membership = [0] * g.vcount()
    for index, community in enumerate(found):
        for vertex in community:
            membership[vertex] = index
    return community_result(
        graph,
        membership,
        objective="modularity",
        resolution=1.0,
        seed=seed,
        seconds=seconds,
        method="Louvain",
    )


def evaluate(
    proposed: ProposalResult | Mapping[str, Iterable[str]],
    truth_membership: Mapping[str, str],
    truth_priority_individuals: Iterable[str],
    proposed_priority_individuals: Iterable[str] | None = None,
    population: Iterable[str] | None = None,
) -> Evaluation:
    """NMI and ARI of proposed groups against planted groups; PI precision and recall.

    ``nmi``/``ari`` are over ``population`` plus the planted members when ``population`` is given
    (everyone else labelled "in no group" on both sides), else over the planted members only
    (unassigned members as groups of one); ``nmi_members``/``ari_members`` are always the latter.
    See the module docstring for why. PIs come from ``proposed`` when it is a ``ProposalResult``.
    """
    if isinstance(proposed, ProposalResult):
        groups: dict[str, set[str]] = {g.key: set(g.members) for g in proposed.groups}
        pis = {p.person_id for p in proposed.priority_individuals}
    else:
        groups = {k: set(v) for k, v in proposed.items()}
        pis = set()
    if proposed_priority_individuals is not None:
        pis = set(proposed_priority_individuals)
    label_of: dict[str, str] = {}
    for key in sorted(groups):
        for person in groups[key]:
            label_of.setdefault(person, key)
    members = sorted(truth_membership)
    nmi_m, ari_m = _compare(
        [truth_membership[p] for p in members], [label_of.get(p, f"\0alone:{p}") for p in members]
    )
    if population is not None:
        people = sorted(set(population) | set(members))
        nmi, ari = _compare(
            [truth_membership.get(p, NO_GROUP) for p in people], [label_of.get(p, NO_GROUP) for p in people]
        )
        scope = f"{len(people)} people ({len(members)} in planted groups, the rest in none)"
    else:
        people = members
        nmi, ari = nmi_m, ari_m
        scope = f"{len(members)} people in planted groups"
    grouped = set(label_of)
    hits_members = len(grouped & set(members))
    true_pis = set(truth_priority_individuals)
    hits = len(pis & true_pis)
    precision = hits / len(pis) if pis else 0.0
    recall = hits / len(true_pis) if true_pis else 0.0
    explanation = (
        f"Over {scope} in {len(set(truth_membership.values()))} planted groups: NMI {nmi:.3f}, "
        f"ARI {ari:.3f} against {len(groups)} proposed groups (planted members only: NMI {nmi_m:.3f}, "
        f"ARI {ari_m:.3f}); {hits_members} of {len(grouped)} people proposed in groups are planted "
        f"members; Priority Individuals {hits} of {len(pis)} proposed are true "
        f"(precision {precision:.2f}), {hits} of {len(true_pis)} true found (recall {recall:.2f})."
    )
    return Evaluation(
        len(people),
        nmi,
        ari,
        precision,
        recall,
        hits,
        explanation,
        nmi_members=nmi_m,
        ari_members=ari_m,
        member_precision=hits_members / len(grouped) if grouped else 0.0,
        member_recall=hits_members / len(members) if members else 0.0,
    )
