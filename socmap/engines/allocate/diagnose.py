"""When the TCG's constraints cannot all hold: which ones are in conflict.

A deletion filter over the constraint groups the TCG controls or that can clash with them (each
override, each force's minimum share or max-min bound, each set of duplicates, each capability's
capacity): drop a group and test whether the rest can be met; if they can, the group is part of the
conflict and is kept, otherwise it is left out for good. What remains is an irreducible set: every
constraint in it is needed for the conflict, and removing any one of them resolves it.
"""

from __future__ import annotations

from socmap.engines.allocate.explain import number
from socmap.engines.allocate.model import build, solve
from socmap.engines.allocate.types import Constraint, Problem, SolveConfig


def groups(problem: Problem) -> list[str]:
    out = [f"override:{o.bid}" for o in problem.overrides]
    fair = problem.fairness
    if fair.mode == "min_share":
        out += [f"floor:{f}" for f in problem.forces if fair.min_share.get(f, 0.0) > 0]
    out += [f"duplicate:{n}" for n in range(len(problem.exclusive))]
    out += [f"capacity:{c.key}" for c in problem.capabilities]
    return out


def feasible(problem: Problem, keep: set[str], config: SolveConfig) -> bool:
    m = build(problem, objective="none", keep=keep)
    return solve(m, config).status != "infeasible"


def conflicts(problem: Problem, config: SolveConfig) -> tuple[Constraint, ...]:
    """An irreducible set of constraints that cannot all hold (empty when they can)."""
    quick = SolveConfig(time_limit=min(config.time_limit, 5.0), mip_gap=1.0, threads=config.threads)
    keep = set(groups(problem))
    if feasible(problem, keep, quick):
        return ()
    for group in list(keep):
        trial = keep - {group}
        if not feasible(problem, trial, quick):
            keep = trial
    return tuple(describe(problem, g) for g in groups(problem) if g in keep)


def describe(problem: Problem, group: str) -> Constraint:
    kind, _, rest = group.partition(":")
    bids = {b.key: b for b in problem.bids}
    if kind == "override":
        o = next(o for o in problem.overrides if o.bid == rest)
        bid = bids[rest]
        when = f" from {problem.week_label(o.start)}" if o.fund and o.start is not None else ""
        verb = "fund" if o.fund else "not fund"
        return Constraint(group, f"the TCG's decision to {verb} {bid.label or bid.key}{when} ({o.reason})")
    if kind == "floor":
        share = problem.fairness.min_share.get(rest, 0.0)
        hours = share * problem.total_hours()
        return Constraint(
            group,
            f"{problem.force_label(rest)}'s minimum share of {share:.0%} of the capacity "
            f"({number(hours)} hours), or as much as its own bids can use",
        )
    if kind == "duplicate":
        names = ", ".join(bids[k].label or k for k in problem.exclusive[int(rest)] if k in bids)
        return Constraint(group, f"at most one of the duplicate bids {names} is funded")
    cap = problem.capability(rest)
    return Constraint(group, f"the weekly capacity of {cap.label}")
