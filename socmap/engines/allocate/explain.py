"""Every decision in words: why a bid was funded or not, which constraint bound it, what would change it.

The binding constraint of an unfunded bid is read from the allocation itself: at each start it could
take, the weeks in which the capability has less free than the bid needs. The smallest change is the
least extra capacity over those weeks that would fund it without moving another bid, or the threat
reduction it would need to displace the funded bids in its way. The shadow price of a full week
comes from the linear relaxation of the same model.
"""

from __future__ import annotations

from collections import defaultdict

from socmap.engines.allocate.schedule import EPS, Schedule, floors, possible_starts
from socmap.engines.allocate.types import Bid, Constraint, Decision, ForceShare, Problem


def number(value: float) -> str:
    """A figure as a person writes it: 3, 2.5, 1,250."""
    if abs(value - round(value)) < 0.05:
        return f"{round(value):,}"
    return f"{value:,.1f}"


def unit_words(amount: float, unit: str) -> str:
    if unit == "team-weeks":
        return f"{number(amount)} team{'s' if abs(amount - 1) > EPS else ''}"
    return f"{number(amount)} {unit}"


def capacity_constraint(problem: Problem, cap_key: str, weeks: list[int]) -> Constraint:
    cap = problem.capability(cap_key)
    return Constraint(
        f"capacity:{cap_key}:{weeks[0]}",
        f"the capacity of {cap.label} in {problem.weeks_label(weeks[0], weeks[-1])}",
    )


def _runs(weeks: list[int]) -> list[list[int]]:
    out: list[list[int]] = []
    for w in sorted(weeks):
        if out and w == out[-1][-1] + 1:
            out[-1].append(w)
        else:
            out.append([w])
    return out


def explain(
    problem: Problem,
    sched: Schedule,
    *,
    prices: dict[str, float] | None = None,
    floor_binding: set[str] | None = None,
) -> tuple[Decision, ...]:
    prices = prices or {}
    overrides = {o.bid: o for o in problem.overrides}
    starts = possible_starts(problem)
    ranked = sorted(problem.bids, key=lambda b: (-b.value, b.key))
    rank = {b.key: i + 1 for i, b in enumerate(ranked)}
    out = []
    for bid in problem.bids:
        cap = sched.caps[bid.capability]
        value = bid.value
        hours = sched.hours(bid)
        o = overrides.get(bid.key)
        reason_value = (
            f"threat reduction {number(value)} (threat score {number(bid.score)} × expected impact "
            f"{bid.impact:g}), ranked {rank[bid.key]} of {len(ranked)} bids"
        )
        if bid.key in sched.funded:
            s = sched.funded[bid.key]
            words = (
                f"Funded for {problem.weeks_label(s, s + bid.weeks - 1)}: "
                f"{unit_words(sched.effort(bid), cap.unit)} of {cap.label} a week; {reason_value}."
            )
            binding: tuple[Constraint, ...] = ()
            if o is not None and o.fund:
                words = f"Funded because the TCG decided so: {o.reason} " + words
                binding = (Constraint(f"override:{bid.key}", f"the TCG's decision to fund {bid.label}"),)
            elif floor_binding and bid.force in floor_binding:
                words += f" It also keeps {problem.force_label(bid.force)} at its minimum share of capacity."
            out.append(
                Decision(bid.key, True, s, s + bid.weeks - 1, value, hours, words, binding, "", o is not None)
            )
            continue
        out.append(_unfunded(problem, sched, bid, starts[bid.key], reason_value, prices, o))
    return tuple(out)


def _unfunded(
    problem: Problem,
    sched: Schedule,
    bid: Bid,
    starts: list[int],
    reason_value: str,
    prices: dict[str, float],
    o: object,
) -> Decision:
    cap = sched.caps[bid.capability]
    hours = sched.hours(bid)
    if o is not None and not getattr(o, "fund", True):
        return Decision(
            bid.key,
            False,
            None,
            None,
            bid.value,
            hours,
            f"Not funded because the TCG decided so: {getattr(o, 'reason', '')}",
            (Constraint(f"override:{bid.key}", f"the TCG's decision not to fund {bid.label}"),),
            "The TCG can withdraw its decision; the allocation is then worked out again.",
            True,
        )
    dup = sched.blocked_by_duplicate(bid)
    if dup:
        other = sched.bids[dup[0]]
        return Decision(
            bid.key,
            False,
            None,
            None,
            bid.value,
            hours,
            f"Not funded: it duplicates {other.label or other.key} ({problem.force_label(other.force)}), "
            f"which is funded; the region funds one of them. {reason_value.capitalize()}.",
            (Constraint("duplicate", f"one bid of the duplicates of {other.label or other.key}"),),
            "The TCG can fund both as a joint operation by deciding to fund this one too.",
        )
    if not starts:
        need = sched.effort(bid)
        too_small = [
            w
            for w in range(max(0, bid.earliest), min(problem.weeks, bid.latest + 1))
            if cap.capacity[w] < need
        ]
        weeks = _runs(too_small)[0] if too_small else [max(0, bid.earliest)]
        c = capacity_constraint(problem, cap.key, weeks)
        return Decision(
            bid.key,
            False,
            None,
            None,
            bid.value,
            hours,
            f"Not funded: it asks for {unit_words(need, cap.unit)} of {cap.label} a week, more than "
            f"{cap.label} has in {problem.weeks_label(weeks[0], weeks[-1])}, whatever else is funded.",
            (c,),
            f"Ask for less effort a week, or for weeks when {cap.label} has the capacity.",
        )
    # At each start: the weeks short of capacity and by how much.
    best_start, best_short = starts[0], sched.shortfall(bid, starts[0])
    for s in starts[1:]:
        short = sched.shortfall(bid, s)
        if sum(short.values()) < sum(best_short.values()) - EPS:
            best_start, best_short = s, short
    weeks = sorted(best_short) or [best_start]
    runs = _runs(weeks)
    binding = tuple(capacity_constraint(problem, cap.key, r) for r in runs)
    in_way = sorted(
        {
            k
            for k, s in sched.funded.items()
            if sched.bids[k].capability == cap.key and any(s <= w < s + sched.bids[k].weeks for w in weeks)
        },
        key=lambda k: (sched.bids[k].value, k),
    )
    names = ", ".join(
        f"{b.label or b.key} ({problem.force_label(b.force)}, {number(b.value)})"
        for b in (sched.bids[k] for k in in_way[:4])
    )
    more = f" and {len(in_way) - 4} more" if len(in_way) > 4 else ""
    full = "; ".join(problem.weeks_label(r[0], r[-1]) for r in runs)
    reason = (
        f"Not funded: {cap.label} is fully used in {full} by {len(in_way)} funded "
        f"bid{'s' if len(in_way) != 1 else ''} that together reduce more threat ({names}{more}); no start "
        f"in its window leaves {unit_words(sched.effort(bid), cap.unit)} a week free. Its {reason_value}."
    )
    extra = sum(best_short.values())
    more_units = f"{number(extra)} more {'team-weeks' if cap.unit == 'team-weeks' else cap.unit}"
    over = problem.weeks_label(weeks[0], weeks[-1])
    change = [f"{more_units} of {cap.label} over {over} would fund it without moving another bid"]
    price = max((prices.get(f"capacity:{cap.key}:{w}", 0.0) for w in weeks), default=0.0)
    if price > EPS:
        change.append(
            f"each extra {cap.unit.rstrip('s') if cap.unit == 'team-weeks' else 'hour'} of {cap.label} in "
            f"those weeks is worth about {number(price)} of threat reduction (shadow price)"
        )
    displaced = _displace(sched, bid, best_start, in_way)
    if displaced:
        total = sum(sched.bids[k].value for k in displaced)
        change.append(
            f"its threat reduction would have to exceed {number(total)} to take the place of "
            + ", ".join(sched.bids[k].label or k for k in displaced)
        )
    return Decision(bid.key, False, None, None, bid.value, hours, reason, binding, "; or ".join(change) + ".")


def _displace(sched: Schedule, bid: Bid, start: int, in_way: list[str]) -> list[str]:
    """The funded bids of least threat reduction whose removal frees room for ``bid`` at ``start``."""
    freed: dict[tuple[str, int], float] = defaultdict(float)
    chosen: list[str] = []
    need = sched.effort(bid)
    weeks = range(start, start + bid.weeks)
    for key in in_way:  # lowest value first
        if all(
            sched.caps[bid.capability].capacity[w]
            - sched.used[(bid.capability, w)]
            + freed[(bid.capability, w)]
            >= need - EPS
            for w in weeks
        ):
            break
        other = sched.bids[key]
        s = sched.funded[key]
        if not any(s <= w < s + other.weeks for w in weeks):
            continue
        chosen.append(key)
        for w in range(s, s + other.weeks):
            freed[(other.capability, w)] += sched.effort(other)
    ok = all(
        sched.caps[bid.capability].capacity[w] - sched.used[(bid.capability, w)] + freed[(bid.capability, w)]
        >= need - EPS
        for w in weeks
    )
    return chosen if ok else []


def shares(
    problem: Problem, sched: Schedule, *, maxmin_bound: float | None = None, floor_scale: float = 1.0
) -> tuple[tuple[ForceShare, ...], set[str]]:
    """Each force's share of the funded hours against its share of the threat bid for, with bounds.

    Returns the shares and the forces held at their minimum share (their floor binds)."""
    hours = sched.force_hours()
    funded_total = sum(hours.values())
    threat: dict[str, float] = defaultdict(float)
    for bid in problem.bids:
        threat[bid.force] += bid.value
    threat_total = sum(threat.values())
    fair = problem.fairness
    can = {k for k, s in possible_starts(problem).items() if s} - {
        o.bid for o in problem.overrides if not o.fund
    }
    met = sched.high_met(can)
    floor_hours = floors(problem)
    out = []
    binding: set[str] = set()
    for force in problem.forces:
        h = hours.get(force, 0.0)
        floor = float(fair.min_share.get(force, 0.0)) if fair.mode == "min_share" else 0.0
        within, note = True, ""
        needed = floor_hours.get(force, 0.0) * floor_scale
        if needed > EPS:
            if h + 1e-6 * needed < needed:
                within = False
                note = f"below its minimum share: {number(h)} of {number(needed)} hours"
            elif h < needed * 1.02:
                binding.add(force)
            if floor_scale < 1 - EPS:
                note = note or (
                    f"{floor_scale:.0%} of its minimum share: the shares cannot all be met in full together"
                )
            elif needed < floor * problem.total_hours() - EPS:
                note = note or (
                    f"asked for less than its share: its bids could use at most {number(needed)} hours"
                )
        bounded = fair.mode == "max_min" and maxmin_bound is not None and force in met
        if bounded and maxmin_bound is not None and met[force] < maxmin_bound - fair.tolerance - 1e-6:
            within = False
            note = (
                f"{met[force]:.0%} of its high-band demand funded, below the bound of "
                f"{max(0.0, maxmin_bound - fair.tolerance):.0%}"
            )
        out.append(
            ForceShare(
                force=force,
                label=problem.force_label(force),
                hours=h,
                share=h / funded_total if funded_total > EPS else 0.0,
                share_of_threat=threat[force] / threat_total if threat_total > EPS else 0.0,
                floor=floor,
                floor_hours=needed,
                high_met=met.get(force),
                within_bounds=within,
                note=note,
            )
        )
    return tuple(out), binding
