"""Regional tasking: allocating scarce capabilities to forces' bids, fairly, with every decision explained.

Pure: no Django. ``allocate`` runs the mixed-integer model (HiGHS) and, in the same run, the greedy
"highest score first" allocation a meeting would reach by hand, so the two can be compared; each
``Result`` carries every bid's decision in words, each force's share against its bounds, and, when the
TCG's constraints cannot all hold, the constraints in conflict.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace

from socmap.engines.allocate.capabilities import load_capabilities, parse_capabilities
from socmap.engines.allocate.check import check_problem
from socmap.engines.allocate.diagnose import conflicts
from socmap.engines.allocate.explain import explain, shares
from socmap.engines.allocate.greedy import fill, greedy_schedule
from socmap.engines.allocate.model import build, shadow_prices, solve
from socmap.engines.allocate.schedule import Schedule, fundable
from socmap.engines.allocate.types import (
    MODES,
    Bid,
    Capability,
    Constraint,
    Decision,
    Fairness,
    ForceShare,
    Override,
    Problem,
    Result,
    SolveConfig,
)

ENGINE_VERSION = "1"


@dataclass(frozen=True)
class Comparison:
    """The optimiser beside the greedy baselines, from one run on one problem."""

    optimiser: Result
    greedy: Result  # highest score first, honouring the fairness rule the simple way
    plain: Result  # highest score first, no fairness


def _result(
    problem: Problem,
    sched: Schedule,
    *,
    method: str,
    status: str,
    seconds: float,
    bound: float | None = None,
    gap: float | None = None,
    maxmin: float | None = None,
    floor_scale: float = 1.0,
    prices: dict[str, float] | None = None,
    explanation: str = "",
) -> Result:
    force_shares, binding = shares(problem, sched, maxmin_bound=maxmin, floor_scale=floor_scale)
    decisions = explain(problem, sched, prices=prices, floor_binding=binding)
    objective = sum(d.value for d in decisions if d.funded)
    return Result(
        method=method,
        status=status,
        objective=objective,
        bound=bound,
        gap=gap,
        seconds=seconds,
        decisions=decisions,
        shares=force_shares,
        usage=dict(sched.used),
        explanation=explanation,
        max_min=maxmin,
        floor_scale=floor_scale,
    )


def greedy(
    problem: Problem, *, fair: bool = True, maxmin: float | None = None, floor_scale: float = 1.0
) -> Result:
    """The greedy baseline on its own."""
    check_problem(problem)
    started = time.perf_counter()
    sched = greedy_schedule(problem, fair=fair, maxmin=maxmin)
    return _result(
        problem,
        sched,
        method="greedy" if fair else "greedy (no fairness)",
        status="heuristic",
        seconds=time.perf_counter() - started,
        maxmin=maxmin,
        floor_scale=floor_scale,
        explanation="Highest threat score first, each bid at the first week it fits"
        + (", after the fairness rule" if fair and problem.fairness.mode != "none" else "")
        + ".",
    )


def _min_met(problem: Problem, sched: Schedule) -> float:
    met = sched.high_met(fundable(problem))
    return min(met.values()) if met else 1.0


def optimise(problem: Problem, config: SolveConfig | None = None) -> Result:
    """The mixed-integer allocation (warm-started from the greedy one), explained."""
    config = config or SolveConfig()
    check_problem(problem)
    started = time.perf_counter()
    deadline = started + config.time_limit
    start_from = greedy_schedule(problem, fair=True)
    fair = problem.fairness
    maxmin: float | None = None
    starts = [start_from]
    if fair.mode == "max_min":
        # Stage one: the best worst-served fraction of high-band demand, starting from the greedy's.
        greedy_t = _min_met(problem, start_from)
        stage = solve(
            build(problem, objective="maxmin"),
            replace(config, time_limit=config.time_limit / 4),
            incumbent=start_from.funded,
            incumbent_t=greedy_t,
        )
        maxmin = max(stage.t or 0.0, greedy_t)
        _add_start(problem, starts, stage.funded)
        starts.append(greedy_schedule(problem, fair=True, maxmin=maxmin))  # the greedy told the bound
    floor_scale = 1.0
    m = build(problem, objective="value", maxmin_bound=maxmin)
    incumbent = _incumbent(problem, starts, maxmin, floor_scale)
    if incumbent is None and fair.mode == "min_share":
        # The greedy misses a minimum share: find an allocation that holds them all (a short stage
        # maximising the fraction of every share held), so the solver starts from a fair one.
        stage = solve(build(problem, objective="floor"), _left(config, deadline, share=1 / 4))
        if stage.t is not None and stage.t >= 1 - 1e-6:
            _add_start(problem, starts, stage.funded)
            incumbent = _incumbent(problem, starts, maxmin, floor_scale)
    solved = solve(m, _left(config, deadline), incumbent=incumbent)
    found: tuple[Constraint, ...] = ()
    if solved.status == "infeasible":
        found = conflicts(problem, config)
        if fair.mode == "min_share" and any(c.key.startswith("floor:") for c in found):
            # The minimum shares cannot all be met in full with everything else: hold the largest equal
            # fraction of every one that can be (stage one), then maximise threat reduction within it.
            stage = solve(build(problem, objective="floor"), _left(config, deadline, share=1 / 3))
            if stage.status == "infeasible":
                # Even with no share held the rest conflicts (overrides against capacity): name that.
                found = conflicts(replace(problem, fairness=Fairness()), config)
                solved = stage
            else:
                floor_scale = max(0.0, (stage.t or 0.0) - 1e-6)
                _add_start(problem, starts, stage.funded)
                m = build(problem, objective="value", floor_scale=floor_scale)
                incumbent = _incumbent(problem, starts, maxmin, floor_scale)
                solved = solve(m, _left(config, deadline), incumbent=incumbent)
    if solved.status == "infeasible":
        words = "; ".join(c.words for c in found) or "the constraints together"
        return Result(
            method="optimiser",
            status="infeasible",
            objective=0.0,
            bound=None,
            gap=None,
            seconds=time.perf_counter() - started,
            decisions=(),
            shares=(),
            usage={},
            conflicts=found,
            explanation=f"No allocation can meet all of these at once: {words}. Change or withdraw one.",
            max_min=maxmin,
        )
    sched = Schedule(problem)
    chosen = solved.funded if solved.status != "no solution" else (incumbent or {})
    for key, s in chosen.items():
        sched.fund(sched.bids[key], s)
    added = fill(sched)
    prices = shadow_prices(m, config) if config.explain else {}
    status = solved.status if solved.status != "no solution" else "time limit"
    gap_words = (
        "proved optimal"
        if status == "optimal"
        else f"stopped at the time limit, within {solved.gap:.1%} of the best possible"
        if solved.gap is not None
        else "stopped at the time limit"
    )
    scaled = (
        f" The minimum shares cannot all be met in full together ({'; '.join(c.words for c in found)}): "
        f"every force is held to at least {floor_scale:.0%} of its share, the most that can be given to all."
        if floor_scale < 1.0
        else ""
    )
    return _result(
        problem,
        sched,
        method="optimiser",
        status=status,
        seconds=time.perf_counter() - started,
        bound=solved.bound,
        gap=solved.gap,
        maxmin=maxmin,
        floor_scale=floor_scale,
        prices=prices,
        explanation=f"Mixed-integer model solved with HiGHS, {gap_words}"
        + (f"; {added} bids that still fitted were added after" if added else "")
        + "."
        + scaled,
    )


def _left(config: SolveConfig, deadline: float, share: float = 1.0) -> SolveConfig:
    """The configuration with the time that is left (or a share of it), at least half a second."""
    return replace(config, time_limit=max(0.5, (deadline - time.perf_counter()) * share))


def _add_start(problem: Problem, starts: list[Schedule], funded: dict[str, int]) -> None:
    """A stage-one solution, filled with whatever else fits, as another possible first incumbent."""
    if not funded:
        return
    sched = Schedule(problem)
    for key, s in funded.items():
        sched.fund(sched.bids[key], s)
    fill(sched)
    starts.append(sched)


def _incumbent(
    problem: Problem, starts: list[Schedule], maxmin: float | None, floor_scale: float
) -> dict[str, int] | None:
    """The best starting allocation that keeps the fairness bounds: the solver's first incumbent."""
    valid = [
        s
        for s in starts
        if all(f.within_bounds for f in shares(problem, s, maxmin_bound=maxmin, floor_scale=floor_scale)[0])
    ]
    best = max(valid, key=lambda s: sum(s.bids[k].value for k in s.funded), default=None)
    return best.funded if best is not None else None


def allocate(problem: Problem, config: SolveConfig | None = None) -> Comparison:
    """The optimiser and both greedy baselines on the same problem, judged by the same bounds."""
    best = optimise(problem, config)
    return Comparison(
        optimiser=best,
        greedy=greedy(problem, fair=True, maxmin=best.max_min, floor_scale=best.floor_scale),
        plain=greedy(problem, fair=False, maxmin=best.max_min, floor_scale=best.floor_scale),
    )


__all__ = [
    "ENGINE_VERSION",
    "MODES",
    "Bid",
    "Capability",
    "Comparison",
    "Constraint",
    "Decision",
    "Fairness",
    "ForceShare",
    "Override",
    "Problem",
    "Result",
    "SolveConfig",
    "allocate",
    "check_problem",
    "conflicts",
    "greedy",
    "load_capabilities",
    "optimise",
    "parse_capabilities",
]
