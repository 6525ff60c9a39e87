"""Generated allocation problems for the bench and the tests: seeded, with a chosen size and skew.

``skew`` 0 spreads the bids evenly across forces; 1 gives the first force about as many as the next
three together (a Zipf-like share), the case where fairness matters. ``load`` is how many times the
capacity the bids ask for, so instances range from comfortable to heavily oversubscribed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from socmap.engines.allocate.types import Bid, Capability, Fairness, Override, Problem

KINDS = (
    ("covert_surveillance", "Covert surveillance", "team-weeks", 300.0),
    ("technical_surveillance", "Technical surveillance", "team-weeks", 150.0),
    ("undercover", "Undercover", "team-weeks", 200.0),
    ("cyber", "Cyber crime unit", "hours", 1.0),
    ("financial", "Financial investigation", "hours", 1.0),
    ("asset_recovery", "Regional asset recovery", "hours", 1.0),
    ("prison_intelligence", "Prison intelligence", "hours", 1.0),
    ("analysts", "Analysts", "hours", 1.0),
    ("source_handling", "Dedicated source handling", "team-weeks", 120.0),
    ("protected_persons", "Protected persons", "team-weeks", 120.0),
)
IMPACTS = (1.0, 0.6, 0.3)


@dataclass(frozen=True)
class InstanceConfig:
    seed: int = 1
    forces: int = 5
    capabilities: int = 10
    weeks: int = 52
    bids: int = 300
    skew: float = 0.0
    load: float = 2.0
    fairness: str = "min_share"
    min_share: float = 0.1
    tolerance: float = 0.05
    duplicates: float = 0.05
    overrides: int = 0


def generate_instance(config: InstanceConfig) -> Problem:
    rng = random.Random(config.seed)  # nosec B311 # seeded for repeatable benchmark instances, not secrecy
    forces = tuple(f"F{i + 1}" for i in range(config.forces))
    weights = [1.0 / (i + 1) ** (2 * config.skew) for i in range(config.forces)]
    rng.shuffle(weights)
    kinds = [KINDS[i % len(KINDS)] for i in range(config.capabilities)]
    popularity = [rng.uniform(0.5, 1.5) for _ in kinds]
    specs = []
    for n in range(config.bids):
        force = rng.choices(forces, weights)[0]
        c = rng.choices(range(len(kinds)), popularity)[0]
        key, _, unit, _ = kinds[c]
        min_weeks = 2 if unit == "team-weeks" else 1
        weeks = rng.randint(min_weeks, 12)
        slack = rng.choice((0, 1, 2, 4, 6, 8))
        earliest = rng.randint(0, max(0, config.weeks - weeks - slack))
        latest = min(config.weeks - 1, earliest + weeks + slack - 1)
        effort = (
            float(rng.choice((1, 1, 1, 2))) if unit == "team-weeks" else float(rng.choice((10, 20, 40, 60)))
        )
        score = round(rng.uniform(20, 240), 1)
        band = "high" if score >= 150 else "medium" if score >= 80 else "low"
        specs.append((n, force, c, weeks, earliest, latest, effort, score, band, rng.choice(IMPACTS)))
    # Capacity: each capability gets what its bids ask for, divided by the load.
    asked = [0.0] * len(kinds)
    for _, _, c, weeks, _, _, effort, *_ in specs:
        asked[c] += effort * weeks
    capabilities = []
    for c, (key, label, unit, hours) in enumerate(kinds):
        per_week = max(asked[c] / config.load / config.weeks, 2.0 if unit == "team-weeks" else 60.0)
        if unit == "team-weeks":
            per_week = float(round(per_week))
        capacity = tuple(
            per_week if rng.random() > 0.1 else max(0.0, per_week - (1 if unit == "team-weeks" else 40))
            for _ in range(config.weeks)
        )
        home = rng.choice(forces) if c % 3 == 2 else ""
        capabilities.append(
            Capability(
                key=f"{key}_{c}",
                label=f"{label} {c + 1}",
                owner=home or "ROCU",
                kind=key,
                unit=unit,
                hours_per_unit=hours,
                capacity=capacity,
                min_weeks=2 if unit == "team-weeks" else 1,
                travel_overhead=0.1 if home else 0.0,
                home=home,
            )
        )
    bids = tuple(
        Bid(
            key=f"B{n}",
            force=force,
            capability=capabilities[c].key,
            score=score,
            impact=impact,
            earliest=earliest,
            latest=latest,
            weeks=weeks,
            effort=effort,
            band=band,
            label=f"Bid {n}",
            threat=f"T{n}",
        )
        for n, force, c, weeks, earliest, latest, effort, score, band, impact in specs
    )
    exclusive = []
    pairs = int(config.duplicates * config.bids / 2)
    for _ in range(pairs):
        a, b = rng.sample(range(len(bids)), 2)
        if bids[a].capability == bids[b].capability and bids[a].force != bids[b].force:
            exclusive.append((bids[a].key, bids[b].key))
    fairness = Fairness(
        mode=config.fairness,
        min_share=dict.fromkeys(forces, config.min_share) if config.fairness == "min_share" else {},
        tolerance=config.tolerance,
    )
    overrides = tuple(
        Override(bid=b.key, fund=i % 2 == 0, reason="Generated TCG decision")
        for i, b in enumerate(rng.sample(list(bids), min(config.overrides, len(bids))))
    )
    return Problem(
        weeks=config.weeks,
        forces=forces,
        capabilities=tuple(capabilities),
        bids=bids,
        fairness=fairness,
        overrides=overrides,
        exclusive=tuple(exclusive),
        force_labels={f: f"Force {f[1:]}" for f in forces},
    )
