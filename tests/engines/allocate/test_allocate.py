"""The allocation engine on small problems with known answers, and on generated ones."""

from __future__ import annotations

import pytest

from socmap.engines.allocate import (
    Bid,
    Capability,
    Fairness,
    Override,
    Problem,
    SolveConfig,
    allocate,
    check_problem,
    greedy,
    optimise,
)
from socmap.engines.allocate.generate import InstanceConfig, generate_instance
from socmap.errors import InvalidInput

QUICK = SolveConfig(time_limit=3.0)


def cap(key: str = "surv", per_week: float = 1, weeks: int = 6, unit: str = "team-weeks") -> Capability:
    return Capability(key, "Covert surveillance", "ROCU", key, unit, 100.0, (per_week,) * weeks)


def bid(
    key: str,
    force: str = "A",
    score: float = 100,
    earliest: int = 0,
    latest: int = 5,
    weeks: int = 2,
    effort: float = 1,
    capability: str = "surv",
    band: str = "high",
    impact: float = 1.0,
) -> Bid:
    return Bid(key, force, capability, score, impact, earliest, latest, weeks, effort, band, label=key)


def problem(*bids: Bid, weeks: int = 6, **kwargs: object) -> Problem:
    return Problem(weeks=weeks, forces=("A", "B"), capabilities=(cap(weeks=weeks),), bids=bids, **kwargs)  # type: ignore[arg-type]


def used_within_capacity(p: Problem, usage: dict[tuple[str, int], float]) -> bool:
    caps = {c.key: c for c in p.capabilities}
    return all(v <= caps[c].capacity[w] + 1e-6 for (c, w), v in usage.items())


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_capacity_is_never_exceeded_on_generated_problems(seed: int) -> None:
    p = generate_instance(InstanceConfig(seed=seed, bids=80, weeks=20, capabilities=4, skew=seed / 3))
    result = allocate(p, QUICK)
    for r in (result.optimiser, result.greedy, result.plain):
        assert r.funded
        assert used_within_capacity(p, dict(r.usage))
        # Recount from the decisions, independently of the engine's own usage table.
        recount: dict[tuple[str, int], float] = {}
        bids = {b.key: b for b in p.bids}
        for d in r.funded:
            b = bids[d.bid]
            assert d.start is not None and b.earliest <= d.start and d.end is not None and d.end <= b.latest
            for w in range(d.start, d.end + 1):
                recount[(b.capability, w)] = recount.get((b.capability, w), 0) + b.effort
        assert used_within_capacity(p, recount)


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_the_optimiser_does_at_least_as_well_as_highest_score_first(seed: int) -> None:
    p = generate_instance(InstanceConfig(seed=seed, bids=60, weeks=16, capabilities=3, skew=0.5))
    result = allocate(p, QUICK)
    assert result.optimiser.within_bounds
    if result.greedy.within_bounds:
        assert result.optimiser.objective >= result.greedy.objective - 1e-6


def test_a_cheaper_pair_beats_the_single_highest_score() -> None:
    # One team: the highest score takes all six weeks; two slightly lower ones fit together instead.
    p = problem(bid("big", score=120, weeks=6), bid("x", score=100, weeks=3), bid("y", score=100, weeks=3))
    best = optimise(p, QUICK)
    assert {d.bid for d in best.funded} == {"x", "y"}
    assert greedy(p).objective == 120 and best.objective == 200


def test_an_override_holds_after_re_solving() -> None:
    p = problem(bid("big", score=120, weeks=6), bid("x", score=100, weeks=3), bid("y", score=100, weeks=3))
    forced = Problem(**{**p.__dict__, "overrides": (Override("big", True, "Firearms threat to life"),)})
    result = optimise(forced, QUICK)
    assert [d.bid for d in result.funded] == ["big"]
    d = result.decision("big")
    assert d.overridden and "Firearms threat to life" in d.reason
    refused = Problem(**{**p.__dict__, "overrides": (Override("x", False, "Covered by the NCA"),)})
    again = optimise(refused, QUICK)
    assert not again.decision("x").funded and "Covered by the NCA" in again.decision("x").reason


def test_infeasible_constraints_are_reported_naming_the_constraints_in_conflict() -> None:
    p = problem(
        bid("x", weeks=3),
        bid("y", weeks=3),
        bid("z", weeks=1, latest=0),
        overrides=(
            Override("x", True, "Threat to life", start=0),
            Override("y", True, "Witness protection", start=1),
        ),
    )
    result = optimise(p, QUICK)
    assert result.status == "infeasible" and not result.decisions
    keys = {c.key for c in result.conflicts}
    assert keys == {"override:x", "override:y", "capacity:surv"}
    words = " ".join(c.words for c in result.conflicts)
    assert "Threat to life" in words and "Witness protection" in words and "Covert surveillance" in words


def test_the_explanation_of_an_unfunded_bid_names_the_binding_constraint() -> None:
    p = problem(
        bid("first", score=200, weeks=4, earliest=0, latest=3),
        bid("second", score=50, weeks=2, earliest=1, latest=3),
    )
    result = optimise(p, QUICK)
    d = result.decision("second")
    assert not d.funded
    assert [c.key for c in d.binding] == ["capacity:surv:1"]
    assert "Covert surveillance is fully used" in d.reason and "first" in d.reason
    assert "1 more team-weeks" in d.change or "2 more team-weeks" in d.change
    assert "take the place of first" in d.change


def test_duplicate_bids_are_funded_once() -> None:
    p = Problem(
        weeks=6,
        forces=("A", "B"),
        capabilities=(cap(per_week=2, weeks=6),),
        bids=(bid("a1", "A", 100), bid("b1", "B", 90)),
        exclusive=(("a1", "b1"),),
    )
    result = optimise(p, QUICK)
    assert [d.bid for d in result.funded] == ["a1"]
    assert "duplicates a1" in result.decision("b1").reason


def test_a_minimum_share_is_held_for_a_force_with_lower_scores() -> None:
    bids = [bid(f"a{i}", "A", 200, weeks=2) for i in range(6)] + [
        bid(f"b{i}", "B", 20, weeks=2) for i in range(3)
    ]
    plain = Problem(weeks=6, forces=("A", "B"), capabilities=(cap(weeks=6),), bids=tuple(bids))
    assert all(d.bid.startswith("a") for d in optimise(plain, QUICK).funded)
    fair = Problem(**{**plain.__dict__, "fairness": Fairness("min_share", {"A": 0.0, "B": 0.3})})
    result = optimise(fair, QUICK)
    b_share = next(s for s in result.shares if s.force == "B")
    assert b_share.hours >= 0.3 * 600 - 1e-6 and b_share.within_bounds


def test_max_min_lifts_the_worst_served_force() -> None:
    bids = [bid(f"a{i}", "A", 200, weeks=2) for i in range(6)] + [
        bid(f"b{i}", "B", 160, weeks=2) for i in range(2)
    ]
    p = Problem(
        weeks=6,
        forces=("A", "B"),
        capabilities=(cap(weeks=6),),
        bids=tuple(bids),
        fairness=Fairness("max_min", tolerance=0.0),
    )
    result = optimise(p, QUICK)
    met = {s.force: s.high_met for s in result.shares}
    assert result.within_bounds and met["B"] is not None and met["B"] >= 0.5


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"fairness": Fairness("min_share", {"A": 0.7, "B": 0.6})}, "fairness.min_share"),
        ({"fairness": Fairness("min_share", {"Z": 0.1})}, "fairness.min_share.Z"),
        ({"bids": (bid("x", capability="nope"),)}, "bids.x.capability"),
        ({"bids": (bid("x", earliest=4, latest=5, weeks=3),)}, "bids.x.window"),
    ],
)
def test_a_problem_that_cannot_be_worked_with_is_refused_naming_the_field(change: dict, field: str) -> None:
    p = problem(bid("x"))
    with pytest.raises(InvalidInput) as caught:
        check_problem(Problem(**{**p.__dict__, **change}))
    assert field in caught.value.fields


def test_minimum_shares_that_cannot_all_be_met_are_held_to_the_largest_equal_fraction() -> None:
    # One team for six weeks (600 hours) and a second capability nobody asks for: each force is
    # promised half of the 1,200 hours and asks for all six weeks of the team, so at most half of
    # each promise can be kept: three weeks each.
    bids = tuple(bid(f"{f}{n}", f, 200 if f == "A" else 100, weeks=3) for f in "AB" for n in (1, 2))
    p = Problem(
        weeks=6,
        forces=("A", "B"),
        capabilities=(cap(weeks=6), cap("spare", weeks=6)),
        bids=bids,
        fairness=Fairness("min_share", {"A": 0.5, "B": 0.5}),
    )
    result = optimise(p, QUICK)
    assert result.status != "infeasible" and result.floor_scale == pytest.approx(0.5, abs=1e-4)
    assert "cannot all be met in full together" in result.explanation
    assert result.within_bounds and {d.bid[0] for d in result.funded} == {"A", "B"}
