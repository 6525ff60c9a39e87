"""The baseline a tasking meeting would reach by hand: highest threat score first, each bid at the
first week it fits. With ``fair`` it first honours the TCG's fairness rule the same simple way
(the force furthest below its share, or the worst-served force's high-band demand, goes next)."""

from __future__ import annotations

from socmap.engines.allocate.schedule import EPS, Schedule, floors, fundable, score_order
from socmap.engines.allocate.types import Problem


def greedy_schedule(problem: Problem, *, fair: bool = True) -> Schedule:
    sched = Schedule(problem)
    for o in problem.overrides:
        if o.fund:
            bid = sched.bids[o.bid]
            if o.start is not None:
                sched.fund(bid, o.start)  # the TCG's week, even past capacity: the override wins
            else:
                sched.try_fund(bid)
    ordered = score_order(problem.bids)
    fairness = problem.fairness
    if fair and fairness.mode == "min_share":
        floor = {f: h for f, h in floors(problem).items() if h > EPS}
        queues = {f: [b for b in ordered if b.force == f] for f in floor}
        while queues:
            hours = sched.force_hours()
            force = max(queues, key=lambda f: (floor[f] - hours.get(f, 0.0)) / floor[f])
            if hours.get(force, 0.0) >= floor[force] - EPS or not queues[force]:
                del queues[force]
                continue
            sched.try_fund(queues[force].pop(0))
    elif fair and fairness.mode == "max_min":
        can = fundable(problem)
        high = {
            f: [b for b in ordered if b.force == f and b.band in fairness.high_bands and b.key in can]
            for f in problem.forces
        }
        queues = {f: q for f, q in high.items() if q}
        while queues:
            met = sched.high_met(can)
            force = min(queues, key=lambda f: (met.get(f, 0.0), f))
            sched.try_fund(queues[force].pop(0))
            if not queues[force]:
                del queues[force]
    for bid in ordered:
        sched.try_fund(bid)
    return sched


def fill(sched: Schedule) -> int:
    """Fund, by threat reduction, every bid that still fits (a solver stopped early can leave some)."""
    added = 0
    for bid in sorted(sched.problem.bids, key=lambda b: (-b.value, b.key)):
        if sched.try_fund(bid):
            added += 1
    return added
