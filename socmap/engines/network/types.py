"""The network engine's inputs and outputs.

Inputs
------
**Nodes** are canonical entities: an id (``str``), a kind (``person``, ``phone``, ``vehicle``,
``address``, ``account``, ``company``) and attributes, as ``Node`` values, dicts with those keys, or
a DataFrame with columns ``id``, ``kind`` and optional ``offender`` (bool), ``themes``
(``;``-separated or a list: themes of the person's events), ``forces``. Nodes named by an edge but
not listed are added as people when the id was never seen, so a bare edge list still works.

**Edges** are rows ``(source_id, target_id, link_type, grading, observed_on, evidence_id)`` as a
DataFrame with those columns or an iterable of ``Edge``/tuples/dicts. ``link_type`` is a type or
alias from the configuration (``co_offending``, ``associate``, ``phone_contact``, ``payment``,
``family``, ``referral``; person to object ``shared_address``, ``uses_phone``, ``vehicle_use``,
``holds_account``, ``company_role``). ``grading`` is 3x5x2 (``"2B"`` or ``"2BP"``; the handling
code is ignored here) or empty for the configured default; ``observed_on`` a ``date`` or None;
``evidence_id`` the record or statement behind the link, kept for every explanation. An optional
seventh column ``started_on`` gives the first day of a link that lasted (``observed_on`` being its
last): two people on one object are linked only when their periods on it overlap, so a recycled
phone number or a flat let to successive tenants joins nobody.

Outputs are ``…Result`` dataclasses that carry their explanation in words.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    import igraph
    import pandas as pd

PERSON = "person"
NODE_KINDS = ("person", "phone", "vehicle", "address", "account", "company")


@dataclass(frozen=True)
class LinkType:
    """How one link type counts. ``object`` links join a person to an object (projected)."""

    name: str
    weight: float
    object: bool = False
    offence: bool = False
    money: bool = False
    half_life_days: float | None = None
    aliases: tuple[str, ...] = ()
    # False for links that tie someone to a group without making them a member (exploitation of a
    # victim, family, a shared home): they still shape communities, but a person held in one only
    # by such links is proposed as an associate of the group, not a member.
    member_evidence: bool = True


@dataclass(frozen=True)
class CommunityConfig:
    """How the network is partitioned; see ``socmap/model/network.yaml`` for the chosen values.

    ``method``: ``joined`` (socmap's: relative-CPM pieces joined by their share of ties, with
    sub-groups; ``engines/network/hierarchy.py``), or a reference: ``cpm`` (Leiden CPM at a
    resolution relative to the mean link weight), ``modularity`` (Leiden, modularity at
    ``resolution``), ``infomap`` (two-level map equation). Every method sees the weights only
    through their ratios.
    """

    method: str = "joined"
    resolution: float = 0.05
    density_factor: float = 0.0
    join_share: float = 0.05
    attach_share: float = 0.5
    null_factor: float = 1.0
    seed: int = 1
    n_iterations: int = 2
    # Groups of at least this many people are partitioned within themselves into sub-groups
    # (crews, cells) of at least ``subgroup_min_members``; 0: never.
    subgroup_min_size: int = 50
    subgroup_min_members: int = 5
    subgroup_cohesion: float = 0.75
    # A group larger than this is replaced by its sub-groups (0: never): the method's own split.
    split_above: int = 0

    @property
    def objective(self) -> str:
        """The method's name (kept for callers written when only the objective varied)."""
        return self.method


@dataclass(frozen=True)
class CentralityConfig:
    exact_betweenness_max_nodes: int = 20_000
    betweenness_cutoff: float = 6.0
    broker_participation: float = 0.3


@dataclass(frozen=True)
class ProposalConfig:
    min_size: int = 4
    max_size: int = 60
    min_offenders: int = 3
    min_offence_links: int = 1
    themes: tuple[str, ...] = ()
    lieutenant_share: float = 0.2
    runner_percentile: float = 0.5
    enabler_money_share: float = 0.5
    priority_percentile: float = 0.9
    priority_min_offenders_linked: int = 2
    # At most this many Priority Individuals are proposed, the highest ranked first (0: no limit):
    # a shortlist an analyst can work through, not every offender above a percentile.
    max_priority_individuals: int = 0
    # A community whose members are at least this share known offenders needs no offence link:
    # eight known offenders who call and pay one another are worth an analyst's look. None: never.
    offender_share_without_offence_links: float | None = None
    # ...or at least this many money or shared-object links (payments, accounts, companies, shared
    # phones and vehicles) inside it, with at least ``other_evidence_offender_share`` of its members
    # known offenders: a network seen through its money and kit, not its arrests. 0: never.
    min_other_evidence_links: int = 0
    other_evidence_offender_share: float = 0.5
    # Highest share of the link weight between a group's known offenders that may involve one of
    # them. One offender and the people arrested with them on separate occasions, who barely know
    # one another, is a Priority Individual, not a group: an OCG's members are tied to each other,
    # not only to one person. 1.0 turns the test off.
    max_hub_share: float = 1.0


@dataclass(frozen=True)
class MatchingConfig:
    jaccard: float = 0.5
    containment: float = 0.8


@dataclass(frozen=True)
class NetworkConfig:
    """Weights, projection and thresholds, normally from ``socmap/model/network.yaml``."""

    link_types: Mapping[str, LinkType]
    source_factors: Mapping[str, float]
    assessment_factors: Mapping[str, float]
    default_grading: str = "2C"
    half_life_days: float = 730.0
    undated_factor: float = 0.5
    reference_date: dt.date | None = None
    project_objects: bool = True
    max_people_per_object: int = 12
    divide_by_people: bool = True
    communities: CommunityConfig = field(default_factory=CommunityConfig)
    centrality: CentralityConfig = field(default_factory=CentralityConfig)
    proposals: ProposalConfig = field(default_factory=ProposalConfig)
    matching: MatchingConfig = field(default_factory=MatchingConfig)
    source: str = ""

    def canonical_link_type(self) -> dict[str, str]:
        """Every name and alias -> the link type it stands for."""
        names: dict[str, str] = {}
        for lt in self.link_types.values():
            names[lt.name] = lt.name
            for alias in lt.aliases:
                names[alias] = lt.name
        return names


@dataclass(frozen=True)
class Node:
    id: str
    kind: str = PERSON
    offender: bool = False
    themes: tuple[str, ...] = ()
    forces: tuple[str, ...] = ()
    # How many records mention the person: the volume of intelligence, which ranks Priority
    # Individuals beside their centrality (0 when unknown).
    mentions: int = 0
    attributes: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Edge:
    source_id: str
    target_id: str
    link_type: str
    grading: str | None = None
    observed_on: dt.date | None = None
    evidence_id: str = ""
    # When the link began, if it lasted (a phone used, a home lived in); ``observed_on`` is then
    # its last day. Two people are linked through an object only if their periods on it overlap.
    started_on: dt.date | None = None


@dataclass(frozen=True)
class Evidence:
    """One input link behind an analysis edge; ``via`` is the shared object of a projected link."""

    link_type: str
    evidence_ids: tuple[str, ...]
    weight: float
    via: str | None = None
    grading: str | None = None
    observed_on: dt.date | None = None

    def describe(self) -> str:
        via = f" through {self.via}" if self.via else ""
        return f"{self.link_type}{via} ({', '.join(self.evidence_ids)}; weight {self.weight:.2f})"


@dataclass
class NetworkGraph:
    """The built network.

    ``graph`` is the analysis graph (people only when objects are projected), one edge per pair with
    ``weight`` (sum over its links) and ``distance`` (1 / weight). ``edges`` is every input row with
    its canonical type and weight; ``contrib_*`` arrays hold, per analysis edge, the input rows
    behind it in CSR form (``contrib_ptr[e]:contrib_ptr[e+1]`` into ``contrib_rows``/``contrib_via``;
    a projected contribution has two rows, the second in ``contrib_rows2``).
    """

    config: NetworkConfig
    node_ids: list[str]
    index: dict[str, int]
    kinds: list[str]
    offender: npt.NDArray[np.bool_]
    themes: list[tuple[str, ...]]
    edges: pd.DataFrame
    graph: igraph.Graph
    graph_nodes: npt.NDArray[np.int64]
    contrib_ptr: npt.NDArray[np.int64]
    contrib_rows: npt.NDArray[np.int64]
    contrib_rows2: npt.NDArray[np.int64]
    contrib_weight: npt.NDArray[np.float64]
    contrib_via: npt.NDArray[np.int64]
    reference_date: dt.date | None
    graph_vertex: dict[str, int]
    explanation: str = ""
    mentions: npt.NDArray[np.int64] | None = None  # per node id, when the nodes gave them

    def vertex(self, node_id: str) -> int:
        """The analysis-graph vertex of a node id (``InvalidInput`` if absent)."""
        from socmap.errors import InvalidInput

        vid = self.graph_vertex.get(node_id)
        if vid is None:
            raise InvalidInput(
                f"{node_id!r} is not a node of the analysis graph.", fields={"node": [f"Unknown: {node_id}"]}
            )
        return vid

    def vertex_id(self, vid: int) -> str:
        return self.node_ids[int(self.graph_nodes[vid])]

    def evidence(self, eid: int) -> list[Evidence]:
        """The input links behind analysis edge ``eid``."""
        out: list[Evidence] = []
        e = self.edges
        for k in range(int(self.contrib_ptr[eid]), int(self.contrib_ptr[eid + 1])):
            r1 = int(self.contrib_rows[k])
            r2 = int(self.contrib_rows2[k])
            ids = [str(e["evidence_id"].iat[r1])]
            via = None
            if r2 >= 0:
                ids.append(str(e["evidence_id"].iat[r2]))
                via = self.node_ids[int(self.contrib_via[k])]
            stamp = e["observed_on"].iat[r1]
            observed = None if stamp is None or stamp != stamp else stamp.date()
            out.append(
                Evidence(
                    link_type=str(e["link_type"].iat[r1]),
                    evidence_ids=tuple(ids),
                    weight=float(self.contrib_weight[k]),
                    via=via,
                    grading=str(e["grading"].iat[r1]),
                    observed_on=observed,
                )
            )
        return out


@dataclass(frozen=True)
class CommunityResult:
    membership: Sequence[int]  # per analysis-graph vertex
    communities: dict[int, list[str]]  # community -> node ids, largest first
    objective: str
    resolution: float
    seed: int
    quality: float
    modularity: float
    seconds: float
    explanation: str
    # community -> its sub-groups (crews, cells), each a sorted list of node ids, largest first;
    # only communities large enough to be partitioned within themselves, and only when they split.
    subgroups: dict[int, list[list[str]]] = field(default_factory=dict)


@dataclass(frozen=True)
class CentralityResult:
    node_ids: list[str]
    strength: npt.NDArray[np.float64]
    betweenness: npt.NDArray[np.float64]
    pagerank: npt.NDArray[np.float64]
    coreness: npt.NDArray[np.int64]
    participation: npt.NDArray[np.float64] | None
    brokers: list[str]
    betweenness_method: str
    seconds: float
    explanation: str

    def of(self, node_id: str) -> dict[str, float]:
        i = self.node_ids.index(node_id)
        out = {
            "strength": float(self.strength[i]),
            "betweenness": float(self.betweenness[i]),
            "pagerank": float(self.pagerank[i]),
            "coreness": float(self.coreness[i]),
        }
        if self.participation is not None:
            out["participation"] = float(self.participation[i])
        return out


@dataclass(frozen=True)
class RoleSuggestion:
    person_id: str
    role: str  # principal, lieutenant, enabler, runner, member
    reasons: list[str]
    evidence: list[Evidence]


@dataclass(frozen=True)
class ProposedSubgroup:
    """A crew or cell within a proposed group, found by the same method applied inside the group."""

    key: str  # "<group key>/<n>"
    members: frozenset[str]
    explanation: str


@dataclass(frozen=True)
class ProposedGroup:
    key: str  # stable within a run: "community-<n>"
    members: frozenset[str]
    roles: list[RoleSuggestion]
    link_counts: dict[str, int]
    themes: dict[str, int]
    explanation: str
    # People in the community whose links into it are none of them evidence of membership
    # (victims, relatives, people who share a home): listed for the analyst, not members.
    associates: frozenset[str] = frozenset()
    # The group's sub-groups (crews, cells): members only, each with its own explanation.
    subgroups: tuple[ProposedSubgroup, ...] = ()


@dataclass(frozen=True)
class ProposedIndividual:
    person_id: str
    reasons: list[str]
    score: float


@dataclass(frozen=True)
class RejectedCommunity:
    key: str
    size: int
    reasons: list[str]


@dataclass(frozen=True)
class ProposalResult:
    groups: list[ProposedGroup]
    priority_individuals: list[ProposedIndividual]
    rejected: list[RejectedCommunity]
    explanation: str


@dataclass(frozen=True)
class Hop:
    source_id: str
    target_id: str
    weight: float
    evidence: list[Evidence]


@dataclass(frozen=True)
class PathResult:
    source_id: str
    target_id: str
    found: bool
    nodes: list[str]
    hops: list[Hop]
    distance: float
    explanation: str


@dataclass(frozen=True)
class Subgraph:
    centre: str
    nodes: list[str]
    kinds: dict[str, str]
    edges: pd.DataFrame  # the input rows between those nodes that passed the filters
    explanation: str


@dataclass(frozen=True)
class Match:
    """A proposal against the previous run's groups: ``update`` one, ``new``, or a group ``gone``."""

    kind: str
    proposal_key: str | None
    group_id: str | None
    jaccard: float
    containment: float
    joined: frozenset[str]
    left: frozenset[str]
    stayed: frozenset[str]
    explanation: str


@dataclass(frozen=True)
class Evaluation:
    people: int
    nmi: float
    ari: float
    pi_precision: float
    pi_recall: float
    pi_true_positives: int
    explanation: str
    nmi_members: float = 0.0  # over planted members only (unassigned members as groups of one)
    ari_members: float = 0.0
    member_precision: float = 0.0  # share of people proposed in groups who are planted members
    member_recall: float = 0.0  # share of planted members proposed in some group
