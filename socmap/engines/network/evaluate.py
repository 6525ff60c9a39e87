"""Measuring proposals against planted ground truth (the synthetic region)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import igraph

from socmap.engines.network.types import Evaluation, ProposalResult


def evaluate(
    proposed: ProposalResult | Mapping[str, Iterable[str]],
    truth_membership: Mapping[str, str],
    truth_priority_individuals: Iterable[str],
    proposed_priority_individuals: Iterable[str] | None = None,
) -> Evaluation:
    """NMI and ARI of proposed groups over the people in planted groups; PI precision and recall.

    A planted member in no proposed group counts as a group of one, so missing a group costs
    as much as splitting it. PIs come from ``proposed`` when it is a ``ProposalResult``.
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
    people = sorted(truth_membership)
    truth_codes: dict[str, int] = {}
    found_codes: dict[str, int] = {}
    truth = [truth_codes.setdefault(truth_membership[p], len(truth_codes)) for p in people]
    found = [found_codes.setdefault(label_of.get(p, f"\0alone:{p}"), len(found_codes)) for p in people]
    if len(people) >= 2:
        nmi = float(igraph.compare_communities(truth, found, method="nmi"))
        ari = float(igraph.compare_communities(truth, found, method="adjusted_rand"))
    else:
        nmi = ari = 0.0
    true_pis = set(truth_priority_individuals)
    hits = len(pis & true_pis)
    precision = hits / len(pis) if pis else 0.0
    recall = hits / len(true_pis) if true_pis else 0.0
    explanation = (
        f"Over {len(people)} people in {len(truth_codes)} planted groups: NMI {nmi:.3f}, ARI {ari:.3f} "
        "against "
        f"{len(groups)} proposed groups; Priority Individuals {hits} of {len(pis)} proposed are true "
        f"(precision {precision:.2f}), {hits} of {len(true_pis)} true found (recall {recall:.2f})."
    )
    return Evaluation(len(people), nmi, ari, precision, recall, hits, explanation)
