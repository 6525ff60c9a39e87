"""Measuring the analysis against a synthetic region's planted groups and Priority Individuals.

Stored person records are mapped to the region's true people through ``resolution.truth``; each
canonical person takes the true identity most of its records carry. The same network is then
partitioned by our pipeline (Leiden, tests, proposals) and by networkx's Louvain as the reference,
and every result is scored by the engine's ``evaluate`` (NMI, ARI) over every person mapped:

* ``louvain``: Louvain's communities as they come, each of two or more people a group. This is
  the reference the issue names ("networkx's Louvain on the same graph").
* ``louvain_tested``: the same communities put through our proposal tests. It isolates what the
  partition alone contributes (ours against Louvain), beside what the tests contribute.
* ``leiden`` and ``leiden_tested``: the same for igraph's Leiden on modularity, the second reference.
"""

from __future__ import annotations

import csv
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from socmap.apps.intel import reads
from socmap.apps.network import graph as netgraph
from socmap.apps.resolution.truth import truth_load
from socmap.engines import network
from socmap.errors import InvalidInput


@dataclass(frozen=True)
class RegionTruth:
    membership: dict[str, str]  # true person id -> planted group
    priority_individuals: set[str]


def region_truth(region: Path) -> RegionTruth:
    folder = region / "truth"
    people, pis = folder / "people.csv", folder / "priority_individuals.csv"
    for file in (people, pis, folder / "records.csv"):
        if not file.is_file():
            raise InvalidInput(
                f"{file}: no such file; give the folder `socmap synth` wrote (with truth/ in it)"
            )
    with people.open(newline="", encoding="utf-8") as handle:
        membership = {r["person_id"]: r["ocg_id"] for r in csv.DictReader(handle) if r.get("ocg_id")}
    with pis.open(newline="", encoding="utf-8") as handle:
        individuals = {r["person_id"] for r in csv.DictReader(handle)}
    return RegionTruth(membership, individuals)


@dataclass(frozen=True)
class Figures:
    people_mapped: int
    groups: int
    ours: network.Evaluation
    louvain: network.Evaluation
    louvain_tested: network.Evaluation
    louvain_groups: int
    louvain_tested_groups: int
    seconds: float
    louvain_seconds: float
    leiden: network.Evaluation | None = None
    leiden_tested: network.Evaluation | None = None
    leiden_groups: int = 0
    leiden_tested_groups: int = 0

    def rows(self) -> list[tuple[str, int, network.Evaluation]]:
        """(method, groups, scores) for socmap and both references, as they come and tested."""
        out = [
            ("socmap", self.groups, self.ours),
            ("networkx Louvain, as it comes", self.louvain_groups, self.louvain),
            ("networkx Louvain, then socmap's tests", self.louvain_tested_groups, self.louvain_tested),
        ]
        if self.leiden is not None and self.leiden_tested is not None:
            out += [
                ("igraph Leiden-modularity, as it comes", self.leiden_groups, self.leiden),
                (
                    "igraph Leiden-modularity, then socmap's tests",
                    self.leiden_tested_groups,
                    self.leiden_tested,
                ),
            ]
        return out

    def as_dict(self) -> dict[str, float | int]:
        """The figures as one flat mapping (the CLI's table and JSON line)."""
        out: dict[str, float | int] = {
            "people_mapped": self.people_mapped,
            "people_scored": self.ours.people,
            "groups_proposed": self.groups,
        }
        scored = [("", self.ours), ("louvain_", self.louvain), ("louvain_tested_", self.louvain_tested)]
        if self.leiden is not None and self.leiden_tested is not None:
            scored += [("leiden_modularity_", self.leiden), ("leiden_modularity_tested_", self.leiden_tested)]
        for prefix, ev in scored:
            out |= {
                f"{prefix}nmi": round(ev.nmi, 4),
                f"{prefix}ari": round(ev.ari, 4),
                f"{prefix}nmi_members": round(ev.nmi_members, 4),
                f"{prefix}member_precision": round(ev.member_precision, 4),
                f"{prefix}member_recall": round(ev.member_recall, 4),
            }
            if prefix not in ("louvain_", "leiden_modularity_"):  # a raw partition proposes no PIs
                out |= {
                    f"{prefix}pi_precision": round(ev.pi_precision, 4),
                    f"{prefix}pi_recall": round(ev.pi_recall, 4),
                }
        out |= {
            "louvain_groups": self.louvain_groups,
            "louvain_tested_groups": self.louvain_tested_groups,
            "leiden_modularity_groups": self.leiden_groups,
            "leiden_modularity_tested_groups": self.leiden_tested_groups,
            "nmi_margin": round(self.ours.nmi - self.louvain.nmi, 4),
            "nmi_margin_same_tests": round(self.ours.nmi - self.louvain_tested.nmi, 4),
            "seconds": round(self.seconds, 2),
            "louvain_seconds": round(self.louvain_seconds, 2),
        }
        return out


def evaluate_region(region: Path) -> Figures:
    truth = region_truth(region)
    job = reads.system_job("evaluation of the network analysis against a synthetic region")
    true_of_record = truth_load(path=region / "truth" / "records.csv", job=job)
    if not true_of_record:
        raise InvalidInput(f"{region}: none of its records are stored here; ingest the region first")
    config = netgraph.default_config()
    started = time.perf_counter()
    inputs = netgraph.analysis_inputs(viewer=job, config=config)
    graph = network.build_graph(inputs.nodes, inputs.edges, config)
    communities = network.detect_communities(graph)
    scores = network.centrality(graph, communities)
    proposals = network.propose(graph, communities, scores, config)
    seconds = time.perf_counter() - started
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    for record_entity, true_id in true_of_record.items():
        votes[inputs.canon(record_entity)][true_id] += 1
    true_of = {key: c.most_common(1)[0][0] for key, c in votes.items()}

    def to_truth(groups: dict[str, set[str]]) -> dict[str, set[str]]:
        return {k: {true_of[m] for m in members if m in true_of} for k, members in groups.items()}

    # The engine's fair comparison (see socmap.engines.network.evaluate): both partitions pass the same
    # proposal tests, and both are scored over every person mapped to the truth, not only planted members.
    population = set(true_of.values())
    ours = network.evaluate(
        to_truth({g.key: set(g.members) for g in proposals.groups}),
        truth.membership,
        truth.priority_individuals,
        {true_of[p.person_id] for p in proposals.priority_individuals if p.person_id in true_of},
        population=population,
    )
    reference = network.louvain_reference(graph)
    louvain_seconds = reference.seconds
    raw = {f"louvain-{k}": set(members) for k, members in reference.communities.items() if len(members) > 1}
    louvain = network.evaluate(
        to_truth(raw), truth.membership, truth.priority_individuals, (), population=population
    )
    theirs = network.propose(graph, reference, network.centrality(graph, reference), config)
    tested = network.evaluate(
        to_truth({grp.key: set(grp.members) for grp in theirs.groups}),
        truth.membership,
        truth.priority_individuals,
        {true_of[p.person_id] for p in theirs.priority_individuals if p.person_id in true_of},
        population=population,
    )
    leiden = network.detect_communities(graph, objective="modularity")
    leiden_raw = {f"leiden-{k}": set(m) for k, m in leiden.communities.items() if len(m) > 1}
    leiden_proposals = network.propose(graph, leiden, network.centrality(graph, leiden), config)
    leiden_scores = network.evaluate(
        to_truth(leiden_raw), truth.membership, truth.priority_individuals, (), population=population
    )
    leiden_tested = network.evaluate(
        to_truth({grp.key: set(grp.members) for grp in leiden_proposals.groups}),
        truth.membership,
        truth.priority_individuals,
        {true_of[p.person_id] for p in leiden_proposals.priority_individuals if p.person_id in true_of},
        population=population,
    )
    return Figures(
        len(true_of),
        len(proposals.groups),
        ours,
        louvain,
        tested,
        len(raw),
        len(theirs.groups),
        seconds,
        louvain_seconds,
        leiden=leiden_scores,
        leiden_tested=leiden_tested,
        leiden_groups=len(leiden_raw),
        leiden_tested_groups=len(leiden_proposals.groups),
    )
