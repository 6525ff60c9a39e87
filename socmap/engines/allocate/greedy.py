"""The baseline a tasking meeting would reach by hand: highest threat score first, each bid at the
first week it fits. With ``fair`` it first honours the TCG's fairness rule the same simple way
(the force furthest below its share, or the worst-served force's high-band demand, goes next)."""

from __future__ import annotations

from socmap.engines.allocate.schedule import EPS, Schedule, alone_hours, floors, fundable, score_order
from socmap.engines.allocate.types import Problem


def greedy_schedule(problem: Problem, *, fair: bool = True, maxmin: float | None = None) -> Schedule:
    """``maxmin``: the best worst-served fraction the optimiser found; the max-min phase then stops for
    a force once it reaches the bound (that, less the tolerance), as a meeting told the bound would."""
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
        alone = alone_hours(problem)
        # A force whose floor is all its own bids could use needs them packed as that figure was
        # reached (longest first); otherwise its highest scores first.
        queues = {
            f: [b for b in ordered if b.force == f]
            if floor[f] < alone[f] - EPS
            else sorted((b for b in ordered if b.force == f), key=lambda b: (-sched.hours(b), b.key))
            for f in floor
        }
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
        target = 1.0 if maxmin is None else max(0.0, maxmin - fairness.tolerance)
        while queues:
            met = sched.high_met(can)
            force = min(queues, key=lambda f: (met.get(f, 0.0), f))
            if met.get(force, 0.0) >= target - EPS:
                break  # the worst served has reached the bound: the rest goes by score
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
