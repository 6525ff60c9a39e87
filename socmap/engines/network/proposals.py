"""From communities to proposed OCGs and Priority Individuals, and matching them to earlier runs.

Everything proposed is a machine suggestion for an analyst to assess: each group, role and
individual says in words why it was proposed and which links (with evidence ids) are behind it.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping

import numpy as np
import numpy.typing as npt
import pandas as pd

from socmap.engines.network.types import (
    CentralityResult,
    CommunityResult,
    Evidence,
    Match,
    MatchingConfig,
    NetworkConfig,
    NetworkGraph,
    ProposalResult,
    ProposedGroup,
    ProposedIndividual,
    ProposedSubgroup,
    RejectedCommunity,
    RoleSuggestion,
)

LABELS = {
    "co_offending": "co-offending",
    "co_arrested": "co-arrest",
    "associate": "associate",
    "phone_contact": "phone-contact",
    "payment": "payment",
    "exploitation": "exploitation",
    "family": "family",
    "referral": "referral",
    "shared_address": "shared-address",
    "uses_phone": "shared-phone",
    "vehicle_use": "shared-vehicle",
    "holds_account": "shared-account",
    "company_role": "shared-company",
    "located_at": "company-address",
}


def _label(link_type: str) -> str:
    return LABELS.get(link_type, link_type.replace("_", "-"))


def _percentile(values: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Rank of each value within the array in (0, 1]; ties share the higher rank."""
    if not len(values):
        return values
    return np.asarray(pd.Series(values).rank(method="max", pct=True).to_numpy(), dtype=float)


def propose(
    graph: NetworkGraph,
    communities: CommunityResult,
    centrality: CentralityResult,
    config: NetworkConfig | None = None,
) -> ProposalResult:
    """Test each community against the configured rules and suggest roles; then Priority Individuals."""
    cfg = (config or graph.config).proposals
    link_cfg = (config or graph.config).link_types
    g = graph.graph
    n = g.vcount()
    member = np.asarray(communities.membership, dtype=np.int64)
    ends = np.asarray(g.get_edgelist(), dtype=np.int64).reshape(-1, 2)
    weights = np.asarray(g.es["weight"], dtype=float) if g.ecount() else np.zeros(0)
    internal = member[ends[:, 0]] == member[ends[:, 1]] if len(ends) else np.zeros(0, dtype=bool)
    # Per input link behind each edge: its edge, type and weight.
    per_edge = np.diff(graph.contrib_ptr)
    contrib_edge = np.repeat(np.arange(len(per_edge)), per_edge)
    contrib_type = graph.edges["link_type"].to_numpy()[graph.contrib_rows]
    money_types = {k for k, v in link_cfg.items() if v.money}
    offence_types = {k for k, v in link_cfg.items() if v.offence}
    # Evidence that can carry a group without an offence link: money, and kit shared between members.
    other_types = {k for k, v in link_cfg.items() if (v.money or v.object) and v.member_evidence}
    non_member_labels = {_label(k) for k, v in link_cfg.items() if not v.member_evidence}
    is_money = np.isin(contrib_type, list(money_types))
    # Edges (person pairs) with at least one offence link behind them.
    offence_edge = np.zeros(len(per_edge), dtype=bool)
    if len(contrib_edge):
        offence_edge[contrib_edge[np.isin(contrib_type, list(offence_types))]] = True
    money_weight = np.zeros(n)
    if len(contrib_edge):
        for side in (0, 1):
            np.add.at(money_weight, ends[contrib_edge[is_money], side], graph.contrib_weight[is_money])
    strength = np.asarray(centrality.strength, dtype=float)
    money_share = np.divide(money_weight, strength, out=np.zeros(n), where=strength > 0)

    # A person counts as a member only with some link into their community that is evidence of
    # membership; the rest (victims, relatives, people sharing a home) are the group's associates.
    evidence_types = [k for k, v in link_cfg.items() if v.member_evidence]
    shows = np.isin(contrib_type, evidence_types) if len(contrib_edge) else np.zeros(0, dtype=bool)
    member_weight = np.zeros(n)
    inside_shows = shows & internal[contrib_edge] if len(contrib_edge) else shows
    for side in (0, 1):
        np.add.at(member_weight, ends[contrib_edge[inside_shows], side], graph.contrib_weight[inside_shows])
    associate = member_weight <= 0

    is_offender = graph.offender[graph.graph_nodes] & ~associate
    sizes = np.bincount(member, minlength=1) if n else np.zeros(0, dtype=np.int64)
    candidate = np.flatnonzero(sizes >= 2)
    in_candidate = np.isin(member, candidate)
    offenders_of = np.bincount(
        member,
        weights=(graph.offender[graph.graph_nodes] & ~associate).astype(float),
        minlength=len(sizes),
    )

    # Link counts per community (internal links only).
    inside_contrib = internal[contrib_edge] if len(contrib_edge) else np.zeros(0, dtype=bool)
    counts = (
        pd.DataFrame({"c": member[ends[contrib_edge[inside_contrib], 0]], "t": contrib_type[inside_contrib]})
        .value_counts()
        .sort_index()
    )
    link_counts: dict[int, dict[str, int]] = defaultdict(dict)
    for (c, t), k in counts.items():
        link_counts[int(c)][str(t)] = int(k)
    edges_of: dict[int, list[int]] = defaultdict(list)
    kept = internal & in_candidate[ends[:, 0]] & ~associate[ends[:, 0]] & ~associate[ends[:, 1]]
    for eid in np.flatnonzero(kept) if len(ends) else []:
        edges_of[int(member[ends[eid, 0]])].append(int(eid))
    members_of: dict[int, list[int]] = defaultdict(list)
    associates_of: dict[int, list[int]] = defaultdict(list)
    for vid in np.flatnonzero(in_candidate):
        (associates_of if associate[vid] else members_of)[int(member[vid])].append(int(vid))

    groups: list[ProposedGroup] = []
    rejected: list[RejectedCommunity] = []
    grouped = np.zeros(n, dtype=bool)
    for c in candidate.tolist():
        vids = members_of[c]
        size = len(vids)
        key = f"community-{c}"
        counts_c = link_counts.get(c, {})
        offence_links = sum(k for t, k in counts_c.items() if t in offence_types)
        offenders = int(offenders_of[c])
        theme_counts: Counter[str] = Counter()
        for v in vids:
            theme_counts.update(graph.themes[int(graph.graph_nodes[v])])
        failed: list[str] = []
        passed: list[str] = []
        if size < cfg.min_size or size > cfg.max_size:
            failed.append(f"{size} people is outside {cfg.min_size}-{cfg.max_size}")
        else:
            passed.append(f"{size} people is within {cfg.min_size}-{cfg.max_size}")
        if offenders < cfg.min_offenders:
            failed.append(f"{offenders} known offender(s), fewer than {cfg.min_offenders}")
        else:
            passed.append(f"{offenders} known offenders (at least {cfg.min_offenders})")
        waiver = cfg.offender_share_without_offence_links
        other = {t: k for t, k in counts_c.items() if t in other_types}
        carried = ", ".join(
            f"{k} {_label(t)}" for t, k in sorted(other.items(), key=lambda kv: (-kv[1], kv[0]))
        )
        ties = ", ".join(
            f"{k} {_label(t)}"
            for t, k in sorted(counts_c.items(), key=lambda kv: (-kv[1], kv[0]))
            if link_cfg[t].member_evidence
        )
        if offence_links >= cfg.min_offence_links:
            passed.append(f"{offence_links} offence links (at least {cfg.min_offence_links})")
        elif waiver is not None and size and offenders / size >= waiver:
            passed.append(
                f"{offence_links} offence link(s), but carried by its known offenders: {offenders} of "
                f"the {size} members (at least {waiver:.0%}), tied by {ties or 'no links'}"
            )
        elif (
            cfg.min_other_evidence_links
            and sum(other.values()) >= cfg.min_other_evidence_links
            and size
            and offenders / size >= cfg.other_evidence_offender_share
        ):
            passed.append(
                f"{offence_links} offence link(s), but carried by money and shared kit: {carried} "
                f"links (at least {cfg.min_other_evidence_links}) with {offenders} of the {size} members "
                f"known offenders (at least {cfg.other_evidence_offender_share:.0%})"
            )
        else:
            failed.append(f"{offence_links} offence link(s), fewer than {cfg.min_offence_links}")
        if cfg.max_hub_share < 1.0:
            share = _hub_share(
                [e for e in edges_of[c] if is_offender[ends[e, 0]] and is_offender[ends[e, 1]]], ends, weights
            )
            if share > cfg.max_hub_share:
                failed.append(
                    f"{share:.0%} of the link weight between its known offenders involves one of them "
                    f"(more than {cfg.max_hub_share:.0%}): one offender and the people linked to them, "
                    "not a group whose members are tied to each other"
                )
            else:
                passed.append(
                    f"its known offenders are tied to each other, not only to one of them "
                    f"({share:.0%} of their link weight involves the most-linked, at most "
                    f"{cfg.max_hub_share:.0%})"
                )
        if cfg.themes:
            hit = sorted(set(cfg.themes) & set(theme_counts))
            if hit:
                passed.append(f"themes include {', '.join(hit)}")
            else:
                failed.append(f"no member's events have a theme among {', '.join(cfg.themes)}")
        if failed:
            if size >= cfg.min_size:
                rejected.append(RejectedCommunity(key, size, failed))
            continue
        grouped[vids] = True
        roles = _roles(
            graph,
            centrality,
            vids,
            edges_of[c],
            weights,
            ends,
            money_share,
            cfg.lieutenant_share,
            cfg.runner_percentile,
            cfg.enabler_money_share,
            money_types,
        )
        described_links = ", ".join(
            f"{k} {_label(t)}" for t, k in sorted(counts_c.items(), key=lambda kv: (-kv[1], kv[0]))
        )
        described_themes = ", ".join(f"{t.replace('_', ' ')} ({k})" for t, k in theme_counts.most_common(3))
        outside = associates_of.get(c, [])
        described_associates = (
            f" {len(outside)} more linked only by {', '.join(sorted(non_member_labels))} links "
            "are listed as associates, not members."
            if outside
            else ""
        )
        explanation = (
            f"{size} people ({offenders} known offenders), {described_links or 'no links'}"
            f"{', themes: ' + described_themes if described_themes else ''}; proposed because "
            + "; ".join(passed)
            + "."
            + described_associates
        )
        members = frozenset(graph.vertex_id(v) for v in vids)
        groups.append(
            ProposedGroup(
                key=key,
                members=members,
                roles=roles,
                link_counts=dict(counts_c),
                themes=dict(theme_counts),
                explanation=explanation,
                associates=frozenset(graph.vertex_id(v) for v in outside),
                subgroups=_subgroups(
                    graph, key, members, communities.subgroups.get(c, []), edges_of[c], ends
                ),
            )
        )

    individuals = _priority_individuals(
        graph, centrality, grouped, ends, cfg.priority_percentile, cfg.priority_min_offenders_linked
    )
    if cfg.max_priority_individuals:
        individuals = individuals[: cfg.max_priority_individuals]
    explanation = (
        f"{len(groups)} proposed group(s) and {len(individuals)} proposed Priority Individual(s) from "
        f"{len(candidate)} communities of two or more; {len(rejected)} of at least "
        f"{cfg.min_size} people rejected."
    )
    return ProposalResult(groups, individuals, rejected, explanation)


def _subgroups(
    graph: NetworkGraph,
    key: str,
    members: frozenset[str],
    parts: list[list[str]],
    eids: list[int],
    ends: npt.NDArray[np.int64],
) -> tuple[ProposedSubgroup, ...]:
    """The group's crews or cells: its sub-groups' members (associates left out), with their links."""
    kept = [frozenset(p) & members for p in parts]
    kept = [p for p in kept if len(p) >= 2]
    if len(kept) < 2:
        return ()
    where = {person: i for i, part in enumerate(kept) for person in part}
    inside = [0] * len(kept)
    across = 0
    for e in eids:
        a, b = where.get(graph.vertex_id(int(ends[e, 0]))), where.get(graph.vertex_id(int(ends[e, 1])))
        if a is not None and a == b:
            inside[a] += 1
        elif a is not None and b is not None:
            across += 1
    return tuple(
        ProposedSubgroup(
            key=f"{key}/{i + 1}",
            members=part,
            explanation=(
                f"{len(part)} of the group's {len(members)} members, tied mostly to each other: "
                f"{inside[i]} pairs of them linked, against {across} pairs linked across the "
                f"group's {len(kept)} sub-groups (a crew or cell, found by the same method applied "
                "within the group)."
            ),
        )
        for i, part in enumerate(kept)
    )


def _hub_share(eids: list[int], ends: npt.NDArray[np.int64], weights: npt.NDArray[np.float64]) -> float:
    """Share of these edges' weight that touches the person with the most of it (1.0 when none)."""
    if not eids:
        return 1.0
    pairs = ends[eids]
    w = weights[eids]
    people, inverse = np.unique(pairs.ravel(), return_inverse=True)
    strength = np.bincount(inverse, weights=np.repeat(w, 2), minlength=len(people))
    total = float(w.sum())
    return float(strength.max()) / total if total > 0 else 1.0


def _roles(
    graph: NetworkGraph,
    centrality: CentralityResult,
    vids: list[int],
    eids: list[int],
    weights: npt.NDArray[np.float64],
    ends: npt.NDArray[np.int64],
    money_share: npt.NDArray[np.float64],
    lieutenant_share: float,
    runner_percentile: float,
    enabler_money_share: float,
    money_types: set[str],
) -> list[RoleSuggestion]:
    """Principal, lieutenants, enablers and runners within one group, each with reasons and edges."""
    pos = {v: i for i, v in enumerate(vids)}
    inner = np.zeros(len(vids))
    touching: dict[int, list[int]] = defaultdict(list)
    for e in eids:
        s, t = int(ends[e, 0]), int(ends[e, 1])
        inner[pos[s]] += weights[e]
        inner[pos[t]] += weights[e]
        touching[s].append(e)
        touching[t].append(e)
    idx = np.asarray(vids)
    between = np.asarray(centrality.betweenness)[idx]
    pagerank = np.asarray(centrality.pagerank)[idx]
    core = np.asarray(centrality.coreness, dtype=float)[idx]
    inner_pct = _percentile(inner)
    score = (inner_pct + _percentile(between) + _percentile(pagerank) + _percentile(core)) / 4.0
    order = sorted(range(len(vids)), key=lambda i: (-score[i], graph.vertex_id(vids[i])))
    size = len(vids)
    ranks = {i: r + 1 for r, i in enumerate(order)}

    def strongest(i: int, k: int = 3, only: set[str] | None = None) -> list[Evidence]:
        chosen = sorted(touching[vids[i]], key=lambda e: -weights[e])
        out: list[Evidence] = []
        for e in chosen:
            out += [ev for ev in graph.evidence(e) if only is None or ev.link_type in only]
            if len(out) >= k:
                break
        return out[: max(k, 1)]

    def facts(i: int) -> str:
        return (
            f"link strength within the group {inner[i]:.2f}, k-core {int(core[i])}, "
            f"betweenness {between[i]:.1f}, PageRank {pagerank[i]:.4f}"
        )

    roles: dict[int, RoleSuggestion] = {}
    principal = order[0]
    roles[principal] = RoleSuggestion(
        graph.vertex_id(vids[principal]),
        "principal",
        [f"highest combined centrality of the {size} members ({facts(principal)})"],
        strongest(principal, 5),
    )
    for i in order[1:]:
        if money_share[vids[i]] >= enabler_money_share:
            roles[i] = RoleSuggestion(
                graph.vertex_id(vids[i]),
                "enabler",
                [
                    f"{money_share[vids[i]]:.0%} of their link weight is payments, accounts or companies "
                    f"(at least {enabler_money_share:.0%}): a possible money launderer or front"
                ],
                strongest(i, 3, money_types),
            )
    lieutenants = max(1, math.ceil(lieutenant_share * (size - 1))) if size > 2 else 0
    for i in order[1:]:
        if lieutenants == 0:
            break
        if i in roles:
            continue
        roles[i] = RoleSuggestion(
            graph.vertex_id(vids[i]),
            "lieutenant",
            [f"ranked {ranks[i]} of {size} by combined centrality ({facts(i)})"],
            strongest(i),
        )
        lieutenants -= 1
    for i in order:
        if i in roles:
            continue
        if inner_pct[i] <= runner_percentile:
            reason = (
                f"peripheral: link strength within the group {inner[i]:.2f} "
                f"is in the lowest {runner_percentile:.0%}"
            )
            roles[i] = RoleSuggestion(graph.vertex_id(vids[i]), "runner", [reason], strongest(i, 2))
        else:
            roles[i] = RoleSuggestion(
                graph.vertex_id(vids[i]),
                "member",
                [f"ranked {ranks[i]} of {size} ({facts(i)})"],
                strongest(i, 2),
            )
    return [roles[i] for i in order]


def _priority_individuals(
    graph: NetworkGraph,
    centrality: CentralityResult,
    grouped: npt.NDArray[np.bool_],
    ends: npt.NDArray[np.int64],
    min_percentile: float,
    min_offenders_linked: int,
) -> list[ProposedIndividual]:
    """High-centrality offenders outside every proposed group."""
    n = graph.graph.vcount()
    if not n:
        return []
    offender = graph.offender[graph.graph_nodes]
    people = np.asarray([graph.kinds[int(c)] == "person" for c in graph.graph_nodes])
    strength_pct = np.zeros(n)
    pagerank_pct = np.zeros(n)
    strength_pct[people] = _percentile(np.asarray(centrality.strength)[people])
    pagerank_pct[people] = _percentile(np.asarray(centrality.pagerank)[people])
    # With the number of records about each person, intelligence volume counts as much as the two
    # centralities together: a Priority Individual is reported on often, but deals with people
    # outside any group and so is seldom central (on the medium demo through the app, the true
    # ones ranked 6th-800th by centrality alone).
    mentions = graph.mentions[graph.graph_nodes] if graph.mentions is not None else None
    if mentions is not None:
        mentions_pct = np.zeros(n)
        mentions_pct[people] = _percentile(mentions[people].astype(float))
        score = (strength_pct + pagerank_pct) / 4.0 + mentions_pct / 2.0
    else:
        score = (strength_pct + pagerank_pct) / 2.0
    linked = np.zeros(n, dtype=np.int64)
    if len(ends):
        np.add.at(linked, ends[:, 0], offender[ends[:, 1]].astype(np.int64))
        np.add.at(linked, ends[:, 1], offender[ends[:, 0]].astype(np.int64))
    chosen = np.flatnonzero(
        offender & people & ~grouped & (score >= min_percentile) & (linked >= min_offenders_linked)
    )
    out: list[ProposedIndividual] = []
    for v in chosen.tolist():
        out.append(
            ProposedIndividual(
                graph.vertex_id(v),
                [
                    "known offender outside every proposed group",
                    f"{'centrality and intelligence volume' if mentions is not None else 'centrality'} "
                    f"in the top {1 - score[v]:.0%} of people "
                    f"(strength {centrality.strength[v]:.2f}, "
                    f"PageRank {centrality.pagerank[v]:.5f}"
                    + (f", {int(mentions[v])} records" if mentions is not None else "")
                    + ")",
                    f"linked to {int(linked[v])} other known offenders",
                ],
                float(score[v]),
            )
        )
    return sorted(out, key=lambda p: (-p.score, p.person_id))


def match_groups(
    previous: Mapping[str, Iterable[str]],
    proposals: ProposalResult | Mapping[str, Iterable[str]],
    config: MatchingConfig | NetworkConfig | None = None,
) -> list[Match]:
    """Pair this run's proposals with existing groups by member overlap, best pairs first.

    A pair matches when Jaccard >= ``jaccard`` or containment (overlap / smaller group) >=
    ``containment``; each group and proposal is used once. Unmatched proposals are ``new``,
    unmatched groups ``gone``. Members who joined or left are listed so the group is updated,
    not duplicated.
    """
    cfg = config.matching if isinstance(config, NetworkConfig) else config or MatchingConfig()
    if isinstance(proposals, ProposalResult):
        current = {g.key: frozenset(g.members) for g in proposals.groups}
    else:
        current = {k: frozenset(v) for k, v in proposals.items()}
    old = {k: frozenset(v) for k, v in previous.items()}
    holders: dict[str, list[str]] = defaultdict(list)
    for gid, members in old.items():
        for m in members:
            holders[m].append(gid)
    candidates: list[tuple[float, float, str, str]] = []
    for key, members in current.items():
        overlap: Counter[str] = Counter()
        for m in members:
            overlap.update(holders.get(m, ()))
        for gid, k in overlap.items():
            union = len(members | old[gid])
            jaccard = k / union
            containment = k / min(len(members), len(old[gid]))
            if jaccard >= cfg.jaccard or containment >= cfg.containment:
                candidates.append((jaccard, containment, key, gid))
    candidates.sort(key=lambda c: (-c[0], -c[1], c[2], c[3]))
    used_keys: set[str] = set()
    used_groups: set[str] = set()
    matches: list[Match] = []
    for jaccard, containment, key, gid in candidates:
        if key in used_keys or gid in used_groups:
            continue
        used_keys.add(key)
        used_groups.add(gid)
        joined, left = current[key] - old[gid], old[gid] - current[key]
        matches.append(
            Match(
                "update",
                key,
                gid,
                jaccard,
                containment,
                joined,
                left,
                current[key] & old[gid],
                f"{key} continues group {gid} (Jaccard {jaccard:.2f}, containment {containment:.2f}): "
                f"{len(joined)} joined ({', '.join(sorted(joined)) or 'none'}), "
                f"{len(left)} left ({', '.join(sorted(left)) or 'none'}).",
            )
        )
    for key in sorted(set(current) - used_keys):
        matches.append(
            Match(
                "new",
                key,
                None,
                0.0,
                0.0,
                current[key],
                frozenset(),
                frozenset(),
                f"{key} matches no existing group: a new proposal of {len(current[key])} people.",
            )
        )
    for gid in sorted(set(old) - used_groups):
        matches.append(
            Match(
                "gone",
                None,
                gid,
                0.0,
                0.0,
                frozenset(),
                old[gid],
                frozenset(),
                f"Group {gid} has no counterpart in this run: review whether it is still active.",
            )
        )
    return matches
