"""Benchmark the allocation engine on many generated instances; prints one JSON line per instance
and a summary line, each with the machine's load average (the machine is shared).

    .venv/bin/python bench/tasking.py [--seeds 3] [--bids 300] [--time-limit 8] [--quick]

Every instance: 5 forces x 10 capabilities x 52 weeks x ``--bids`` bids, for each seed, demand skew
(0 even, 0.5, 1 one force dominating), load (bids ask for 1.5, 2 or 3 times the capacity) and
fairness rule (minimum share of 10 % a force, or max-min on high-band demand with a 5 % tolerance).
Per instance: the optimiser's objective, status, gap and wall-clock seconds (greedy start,
solve, fill and explanations), each force's share of the funded hours, whether every force is within
its bounds; beside the greedy "highest score first" (honouring the fairness rule the simple way) and
the plain greedy (no fairness). ``beats_greedy`` compares with the fair greedy; ``greedy_within``
says whether the greedy itself kept the bounds (the optimiser must; the greedy may not).
The target: ``seconds`` < 10, ``within_bounds`` true and ``objective >= greedy`` on every instance.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import pathlib
import sys
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))

from socmap.engines.allocate import SolveConfig, allocate
from socmap.engines.allocate.generate import InstanceConfig, generate_instance


def load() -> float:
    return round(os.getloadavg()[0], 2)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--bids", type=int, default=300)
    parser.add_argument("--time-limit", type=float, default=8.0)
    parser.add_argument("--quick", action="store_true", help="one seed, skews 0 and 1, load 2")
    args = parser.parse_args()
    skews = (0.0, 1.0) if args.quick else (0.0, 0.5, 1.0)
    loads = (2.0,) if args.quick else (1.5, 2.0, 3.0)
    seeds = range(1, 2 if args.quick else args.seeds + 1)
    rows = []
    for seed, skew, demand, fairness in itertools.product(seeds, skews, loads, ("min_share", "max_min")):
        problem = generate_instance(
            InstanceConfig(seed=seed, bids=args.bids, skew=skew, load=demand, fairness=fairness)
        )
        started = time.perf_counter()
        cpu = time.process_time()
        result = allocate(problem, SolveConfig(time_limit=args.time_limit))
        seconds = time.perf_counter() - started
        o, g, p = result.optimiser, result.greedy, result.plain
        row = {
            "bench": "tasking",
            "seed": seed,
            "skew": skew,
            "load_factor": demand,
            "fairness": fairness,
            "forces": len(problem.forces),
            "capabilities": len(problem.capabilities),
            "weeks": problem.weeks,
            "bids": len(problem.bids),
            "status": o.status,
            "objective": round(o.objective, 1),
            "bound": round(o.bound, 1) if o.bound is not None else None,
            "gap": round(o.gap, 4) if o.gap is not None else None,
            "solve_seconds": round(o.seconds, 2),
            "seconds": round(seconds, 2),
            "cpu_seconds": round(time.process_time() - cpu, 2),
            "within_bounds": o.within_bounds,
            "shares": {s.force: round(s.share, 3) for s in o.shares},
            "floors": {s.force: round(s.floor_hours, 1) for s in o.shares if s.floor_hours},
            "high_met": {s.force: round(s.high_met, 3) for s in o.shares if s.high_met is not None},
            "max_min": round(o.max_min, 3) if o.max_min is not None else None,
            "funded": len(o.funded),
            "greedy_objective": round(g.objective, 1),
            "greedy_within": g.within_bounds,
            "greedy_shares": {s.force: round(s.share, 3) for s in g.shares},
            "plain_objective": round(p.objective, 1),
            "plain_within": p.within_bounds,
            "beats_greedy": o.objective >= g.objective - 1e-6,
            "gain_over_greedy": round(o.objective / g.objective - 1, 4) if g.objective else None,
            "load": load(),
        }
        rows.append(row)
        print(json.dumps(row), flush=True)
    summary = {
        "bench": "tasking_summary",
        "instances": len(rows),
        "under_10s": sum(r["seconds"] < 10 for r in rows),
        "within_bounds": sum(r["within_bounds"] for r in rows),
        "beats_greedy": sum(r["beats_greedy"] for r in rows),
        "beats_greedy_when_greedy_within": sum(r["beats_greedy"] for r in rows if r["greedy_within"]),
        "greedy_within": sum(r["greedy_within"] for r in rows),
        "beats_plain_greedy": sum(r["objective"] >= r["plain_objective"] for r in rows),
        "max_seconds": max(r["seconds"] for r in rows),
        "median_gain_over_greedy": sorted(r["gain_over_greedy"] or 0 for r in rows)[len(rows) // 2],
        "load": load(),
    }
    print(json.dumps(summary), flush=True)


if __name__ == "__main__":
    main()
