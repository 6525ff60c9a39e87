"""Plain data in and out of the allocation engine: capabilities, bids, fairness, overrides, results.

Weeks are indices into the period (0 is its first week); the app turns them into dates. Every
result carries its explanation in words, so a page, the API and the CLI say the same thing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Capability:
    """A scarce capability: who owns it, what it can give each week, and the rules of its use.

    ``capacity`` holds one figure per week of the period, in ``unit`` (team-weeks a week is the
    number of teams free; hours a week, the hours). ``hours_per_unit`` converts to officer hours so
    shares can be added up across capabilities. One team works one operation at a time, so a bid
    asks for whole teams; ``min_weeks`` is the shortest deployment worth making; a team deployed
    outside its ``home`` force area spends ``travel_overhead`` more of its time travelling.
    """

    key: str
    label: str
    owner: str
    kind: str
    unit: str
    hours_per_unit: float
    capacity: tuple[float, ...]
    min_weeks: int = 1
    travel_overhead: float = 0.0
    home: str = ""
    teams: bool = True  # effort is a whole number of teams (one operation per team at a time)

    def effective_effort(self, effort: float, force: str) -> float:
        """The capacity a bid uses each week, travel included."""
        if self.home and force != self.home and self.travel_overhead:
            return effort * (1.0 + self.travel_overhead)
        return effort


@dataclass(frozen=True)
class Bid:
    """A force's request: a capability against a threat, for ``weeks`` weeks inside a window."""

    key: str
    force: str
    capability: str
    score: float  # the threat's standing score
    impact: float  # the expected impact of the bid, as a weight (major 1.0 … minor 0.3)
    earliest: int  # first week it may start
    latest: int  # last week it may run in (inclusive)
    weeks: int
    effort: float  # capability units a week
    band: str = ""
    label: str = ""
    threat: str = ""

    @property
    def value(self) -> float:
        """Threat reduction: the threat's score times the expected impact of the bid."""
        return self.score * self.impact

    @property
    def starts(self) -> range:
        return range(self.earliest, self.latest - self.weeks + 2)


@dataclass(frozen=True)
class Override:
    """A TCG decision the model must keep: fund (optionally from a given week) or do not fund."""

    bid: str
    fund: bool
    reason: str
    start: int | None = None


MODES = ("none", "min_share", "max_min")


@dataclass(frozen=True)
class Fairness:
    """How the regional TCG wants capacity shared between forces.

    ``min_share``: each force gets at least its share of the period's capacity (in officer hours),
    or everything it asked for that can be funded. ``max_min``: first make the worst-served force's
    met fraction of its high-band demand as large as it can be, then maximise threat reduction
    while no force falls more than ``tolerance`` below that.
    """

    mode: str = "none"
    min_share: Mapping[str, float] = field(default_factory=dict)
    high_bands: frozenset[str] = frozenset({"high"})
    tolerance: float = 0.05


@dataclass(frozen=True)
class Problem:
    weeks: int
    forces: tuple[str, ...]
    capabilities: tuple[Capability, ...]
    bids: tuple[Bid, ...]
    fairness: Fairness = field(default_factory=Fairness)
    overrides: tuple[Override, ...] = ()
    exclusive: tuple[tuple[str, ...], ...] = ()  # duplicate bids: at most one of each set is funded
    force_labels: Mapping[str, str] = field(default_factory=dict)
    week_labels: tuple[str, ...] = ()

    def force_label(self, force: str) -> str:
        return self.force_labels.get(force, force)

    def week_label(self, week: int) -> str:
        if 0 <= week < len(self.week_labels):
            return self.week_labels[week]
        return f"week {week + 1}"

    def weeks_label(self, first: int, last: int) -> str:
        if first == last:
            return f"the week of {self.week_label(first)}"
        return f"the weeks of {self.week_label(first)} to {self.week_label(last)}"

    def capability(self, key: str) -> Capability:
        return next(c for c in self.capabilities if c.key == key)

    def total_hours(self) -> float:
        return sum(sum(c.capacity) * c.hours_per_unit for c in self.capabilities)


@dataclass(frozen=True)
class SolveConfig:
    time_limit: float = 8.0
    mip_gap: float = 0.002
    threads: int = 1
    seed: int = 1
    explain: bool = True  # shadow prices and smallest changes (costs one linear solve)


@dataclass(frozen=True)
class Constraint:
    """A named constraint, for explanations and for the conflicts of an infeasible model."""

    key: str  # capacity:<cap>:<week>, floor:<force>, maxmin:<force>, override:<bid>, duplicate:<n>
    words: str


@dataclass(frozen=True)
class Decision:
    bid: str
    funded: bool
    start: int | None
    end: int | None
    value: float
    hours: float
    reason: str
    binding: tuple[Constraint, ...] = ()
    change: str = ""
    overridden: bool = False


@dataclass(frozen=True)
class ForceShare:
    force: str
    label: str
    hours: float
    share: float  # of the hours funded
    share_of_threat: float  # of the threat value bid for
    floor: float  # minimum share of capacity configured (min_share), else 0
    floor_hours: float  # the hours that share guarantees (less when the force asked for less)
    high_met: float | None  # fraction of high-band demand funded (None: no high-band bids)
    within_bounds: bool
    note: str = ""


@dataclass(frozen=True)
class Result:
    method: str  # "optimiser", "greedy" or "greedy (no fairness)"
    status: str  # "optimal", "time limit", "infeasible"
    objective: float
    bound: float | None
    gap: float | None
    seconds: float
    decisions: tuple[Decision, ...]
    shares: tuple[ForceShare, ...]
    usage: Mapping[tuple[str, int], float]  # (capability, week) -> capacity used
    conflicts: tuple[Constraint, ...] = ()
    explanation: str = ""
    max_min: float | None = None  # the best worst-served fraction found (max_min mode)
    floor_scale: float = 1.0  # fraction of every minimum share held, when they cannot all be met

    @property
    def funded(self) -> tuple[Decision, ...]:
        return tuple(d for d in self.decisions if d.funded)

    @property
    def within_bounds(self) -> bool:
        return all(s.within_bounds for s in self.shares)

    def decision(self, bid: str) -> Decision:
        return next(d for d in self.decisions if d.bid == bid)
