"""What a set of funded bids uses of each capability, week by week, and where a bid could still fit.

Shared by the greedy baseline, the fill-in after the solver, the explanations and the summaries, so
all of them count capacity the same way.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from socmap.engines.allocate.types import Bid, Capability, Problem

EPS = 1e-6


@dataclass
class Schedule:
    problem: Problem
    funded: dict[str, int] = field(default_factory=dict)  # bid -> start week
    used: dict[tuple[str, int], float] = field(default_factory=lambda: defaultdict(float))

    def __post_init__(self) -> None:
        self.caps: dict[str, Capability] = {c.key: c for c in self.problem.capabilities}
        self.bids: dict[str, Bid] = {b.key: b for b in self.problem.bids}
        self.refused: set[str] = {o.bid for o in self.problem.overrides if not o.fund}
        self.groups: dict[str, list[tuple[str, ...]]] = defaultdict(list)
        for group in self.problem.exclusive:
            for key in group:
                self.groups[key].append(group)

    def effort(self, bid: Bid) -> float:
        return self.caps[bid.capability].effective_effort(bid.effort, bid.force)

    def hours(self, bid: Bid) -> float:
        cap = self.caps[bid.capability]
        return self.effort(bid) * bid.weeks * cap.hours_per_unit

    def shortfall(self, bid: Bid, start: int) -> dict[int, float]:
        """Week -> how much capacity is missing for the bid to run from ``start`` (empty: it fits)."""
        cap = self.caps[bid.capability]
        need = self.effort(bid)
        out = {}
        for week in range(start, start + bid.weeks):
            free = cap.capacity[week] - self.used[(cap.key, week)]
            if need > free + EPS:
                out[week] = need - free
        return out

    def fits(self, bid: Bid, start: int) -> bool:
        return not self.shortfall(bid, start)

    def blocked_by_duplicate(self, bid: Bid) -> tuple[str, ...]:
        """A funded bid this one duplicates (the TCG funds at most one of a set), if any."""
        for group in self.groups.get(bid.key, ()):
            for other in group:
                if other != bid.key and other in self.funded:
                    return (other,)
        return ()

    def first_fit(self, bid: Bid) -> int | None:
        if bid.key in self.refused or bid.key in self.funded or self.blocked_by_duplicate(bid):
            return None
        return next((s for s in bid.starts if self.fits(bid, s)), None)

    def fund(self, bid: Bid, start: int) -> None:
        self.funded[bid.key] = start
        need = self.effort(bid)
        for week in range(start, start + bid.weeks):
            self.used[(bid.capability, week)] += need

    def try_fund(self, bid: Bid) -> bool:
        start = self.first_fit(bid)
        if start is None:
            return False
        self.fund(bid, start)
        return True

    def force_hours(self) -> dict[str, float]:
        out: dict[str, float] = defaultdict(float)
        for key in self.funded:
            bid = self.bids[key]
            out[bid.force] += self.hours(bid)
        return out

    def high_met(self, fundable: set[str]) -> dict[str, float]:
        """Force -> fraction of its fundable high-band demand (in hours) that is funded."""
        high = self.problem.fairness.high_bands
        demand: dict[str, float] = defaultdict(float)
        met: dict[str, float] = defaultdict(float)
        for bid in self.problem.bids:
            if bid.band in high and bid.key in fundable:
                demand[bid.force] += self.hours(bid)
                if bid.key in self.funded:
                    met[bid.force] += self.hours(bid)
        return {f: met[f] / d for f, d in demand.items() if d > EPS}


def possible_starts(problem: Problem) -> dict[str, list[int]]:
    """Bid -> the starts at which it fits the capability's capacity when nothing else runs."""
    caps = {c.key: c for c in problem.capabilities}
    out: dict[str, list[int]] = {}
    for bid in problem.bids:
        cap = caps[bid.capability]
        need = cap.effective_effort(bid.effort, bid.force)
        out[bid.key] = [
            s
            for s in bid.starts
            if s >= 0
            and s + bid.weeks <= problem.weeks
            and all(need <= cap.capacity[w] + EPS for w in range(s, s + bid.weeks))
        ]
    return out


def fundable(problem: Problem) -> set[str]:
    """Bids that could be funded at all: they fit somewhere and the TCG has not refused them."""
    refused = {o.bid for o in problem.overrides if not o.fund}
    return {k for k, starts in possible_starts(problem).items() if starts and k not in refused}


def score_order(bids: list[Bid] | tuple[Bid, ...]) -> list[Bid]:
    """Highest threat score first; then the larger expected impact; then the bid's key, for stability."""
    return sorted(bids, key=lambda b: (-b.score, -b.impact, b.key))


def alone_hours(problem: Problem) -> dict[str, float]:
    """Force -> the hours its own bids could use if it had every capability to itself (first fit,
    longest first): the most a minimum share can ask of a force that bid for less than its share."""
    out: dict[str, float] = {}
    for force in problem.forces:
        sched = Schedule(problem)
        own = [b for b in problem.bids if b.force == force]
        for bid in sorted(own, key=lambda b: (-sched.hours(b), b.key)):
            sched.try_fund(bid)
        out[force] = sum(sched.hours(sched.bids[k]) for k in sched.funded)
    return out


def floors(problem: Problem) -> dict[str, float]:
    """Force -> the hours its minimum share guarantees: its share of the period's capacity, or what
    its own bids could use if that is less."""
    fair = problem.fairness
    if fair.mode != "min_share":
        return {}
    total = problem.total_hours()
    alone = alone_hours(problem)
    return {
        f: min(float(fair.min_share.get(f, 0.0)) * total, alone[f])
        for f in problem.forces
        if fair.min_share.get(f, 0.0) > 0
    }
