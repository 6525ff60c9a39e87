"""Refusing a problem that cannot be worked with, naming each field at fault (all at once)."""

from __future__ import annotations

from collections import defaultdict

from socmap.engines.allocate.types import MODES, Problem
from socmap.errors import InvalidInput


def check_problem(problem: Problem) -> None:
    problems: dict[str, list[str]] = defaultdict(list)
    caps = {c.key: c for c in problem.capabilities}
    if problem.weeks < 1:
        problems["weeks"].append("The period must have at least one week")
    for c in problem.capabilities:
        if len(c.capacity) != problem.weeks:
            problems[f"capabilities.{c.key}.capacity"].append(
                f"{len(c.capacity)} weeks of capacity for a period of {problem.weeks} weeks"
            )
        if any(v < 0 for v in c.capacity):
            problems[f"capabilities.{c.key}.capacity"].append("Capacity cannot be negative")
    seen: set[str] = set()
    for b in problem.bids:
        where = f"bids.{b.key}"
        if b.key in seen:
            problems[where].append("The same bid appears twice")
        seen.add(b.key)
        cap = caps.get(b.capability)
        if cap is None:
            problems[f"{where}.capability"].append(f"Unknown capability {b.capability!r}")
            continue
        if b.force not in problem.forces:
            problems[f"{where}.force"].append(f"{b.force!r} is not a force of the region")
        if b.weeks < 1:
            problems[f"{where}.weeks"].append("A bid runs for at least one week")
        elif b.weeks < cap.min_weeks:
            problems[f"{where}.weeks"].append(
                f"{cap.label} is deployed for at least {cap.min_weeks} weeks; the bid asks for {b.weeks}"
            )
        if b.earliest < 0 or b.latest >= problem.weeks or b.latest - b.earliest + 1 < b.weeks:
            problems[f"{where}.window"].append(
                f"The window (weeks {b.earliest + 1} to {b.latest + 1}) must lie inside the period of "
                f"{problem.weeks} weeks and be at least {b.weeks} weeks long"
            )
        if b.effort <= 0:
            problems[f"{where}.effort"].append("Effort must be more than nothing")
        if b.score < 0 or b.impact < 0:
            problems[f"{where}.score"].append("Threat score and impact cannot be negative")
    bids = {b.key for b in problem.bids}
    for o in problem.overrides:
        if o.bid not in bids:
            problems[f"overrides.{o.bid}"].append("An override names a bid that is not in the period")
        if not o.reason.strip():
            problems[f"overrides.{o.bid}.reason"].append("An override needs a reason")
    fair = problem.fairness
    if fair.mode not in MODES:
        problems["fairness.mode"].append(f"Unknown fairness rule {fair.mode!r}; use {', '.join(MODES)}")
    for force, share in fair.min_share.items():
        if force not in problem.forces:
            problems[f"fairness.min_share.{force}"].append(f"{force!r} is not a force of the region")
        if not 0 <= share <= 1:
            problems[f"fairness.min_share.{force}"].append("A minimum share is between 0 % and 100 %")
    if fair.mode == "min_share" and sum(fair.min_share.values()) > 1 + 1e-9:
        problems["fairness.min_share"].append(
            f"The minimum shares add up to {sum(fair.min_share.values()):.0%}: they cannot all be met"
        )
    if not 0 <= fair.tolerance <= 1:
        problems["fairness.tolerance"].append("The tolerance is between 0 % and 100 %")
    if problems:
        first = next(iter(problems.values()))[0]
        raise InvalidInput(f"The allocation cannot be worked out: {first}", fields=dict(problems))
