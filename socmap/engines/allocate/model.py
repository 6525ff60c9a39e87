"""The mixed-integer model, built as arrays and solved with HiGHS.

One binary per bid and possible start week (a bid runs ``weeks`` consecutive weeks from its start),
at most one start per bid. Rows:

- ``assign:<bid>``: at most one start; an override to fund makes it exactly one, not to fund zero;
- ``capacity:<cap>:<week>``: what the bids running that week use (travel included) within capacity,
  written only for weeks where the bids that could run there ask for more than there is;
- ``floor:<force>``: (minimum share) the force's funded hours reach its share of the period's
  capacity, or what its own bids could use if that is less; when the floors cannot all be met
  together, stage one finds the largest fraction ``t`` of every floor that can, and the floors are
  scaled to it (``floor_scale``);
- ``maxmin:<force>``: (max-min) the force's funded fraction of its high-band demand is at least
  ``t`` (maximised first) or at least the bound found, less the tolerance;
- ``duplicate:<n>``: at most one of a set of duplicate bids.

Formulation choices, measured on generated instances (``bench/tasking.py``): starts that can never
fit are not variables, capacity rows that can never bind are not written, the greedy allocation is
handed over as the first incumbent, and the solve stops at a time limit with its gap reported.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import highspy
import numpy as np

from socmap.engines.allocate.schedule import EPS, Schedule, floors, possible_starts
from socmap.engines.allocate.types import Problem, SolveConfig

INF = highspy.kHighsInf


@dataclass
class Built:
    """The model's arrays and the meaning of each column and row."""

    cols: list[tuple[str, int]] = field(default_factory=list)  # (bid, start) for the x columns
    bid_cols: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    cost: list[float] = field(default_factory=list)
    lower: list[float] = field(default_factory=list)
    upper: list[float] = field(default_factory=list)
    integer: list[int] = field(default_factory=list)
    rows: list[str] = field(default_factory=list)
    row_lower: list[float] = field(default_factory=list)
    row_upper: list[float] = field(default_factory=list)
    entries: list[tuple[int, int, float]] = field(default_factory=list)  # (row, col, value)
    t_col: int | None = None
    force_of: dict[str, str] = field(default_factory=dict)  # bid -> force

    def add_col(self, cost: float, lower: float, upper: float, integer: bool) -> int:
        self.cost.append(cost)
        self.lower.append(lower)
        self.upper.append(upper)
        self.integer.append(1 if integer else 0)
        return len(self.cost) - 1

    def add_row(self, name: str, lower: float, upper: float, terms: Iterable[tuple[int, float]]) -> int:
        row = len(self.rows)
        self.rows.append(name)
        self.row_lower.append(lower)
        self.row_upper.append(upper)
        self.entries.extend((row, col, value) for col, value in terms)
        return row

    def highs(self, config: SolveConfig, *, relax: bool = False) -> highspy.Highs:
        n = len(self.cost)
        by_col: dict[int, list[tuple[int, float]]] = defaultdict(list)
        for row, col, value in self.entries:
            by_col[col].append((row, value))
        start: list[int] = [0]
        index: list[int] = []
        coefficient: list[float] = []
        for col in range(n):
            for row, v in sorted(by_col.get(col, ())):
                index.append(row)
                coefficient.append(v)
            start.append(len(index))
        lp = highspy.HighsLp()
        lp.num_col_ = n
        lp.num_row_ = len(self.rows)
        lp.col_cost_ = np.array(self.cost, dtype=np.float64)
        lp.col_lower_ = np.array(self.lower, dtype=np.float64)
        lp.col_upper_ = np.array(self.upper, dtype=np.float64)
        lp.row_lower_ = np.array(self.row_lower, dtype=np.float64)
        lp.row_upper_ = np.array(self.row_upper, dtype=np.float64)
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = np.array(start, dtype=np.int32)
        lp.a_matrix_.index_ = np.array(index, dtype=np.int32)
        lp.a_matrix_.value_ = np.array(coefficient, dtype=np.float64)
        lp.sense_ = highspy.ObjSense.kMaximize
        if not relax:
            lp.integrality_ = [
                highspy.HighsVarType.kInteger if i else highspy.HighsVarType.kContinuous for i in self.integer
            ]
        h = highspy.Highs()  # type: ignore[no-untyped-call]
        h.setOptionValue("output_flag", False)
        h.setOptionValue("time_limit", float(config.time_limit))
        h.setOptionValue("mip_rel_gap", float(config.mip_gap))
        h.setOptionValue("threads", int(config.threads))
        h.setOptionValue("random_seed", int(config.seed))
        h.passModel(lp)
        return h


def enforced(name: str, keep: set[str] | None) -> bool:
    """Whether a row belongs to a kept group (``keep`` None keeps all). Capacity is kept per capability."""
    if keep is None:
        return True
    kind, _, rest = name.partition(":")
    if kind == "capacity":
        return f"capacity:{rest.split(':')[0]}" in keep
    if kind == "assign":
        return True
    return name in keep


def build(
    problem: Problem,
    *,
    objective: str = "value",
    maxmin_bound: float | None = None,
    floor_scale: float = 1.0,
    keep: set[str] | None = None,
) -> Built:
    """The model. ``objective``: "value" (threat reduction), "maxmin" (stage one of max-min), "floor"
    (stage one of minimum shares that cannot all be met: the largest fraction of every floor) or "none"
    (feasibility only, for diagnosing a conflict); ``keep`` lists the constraint groups enforced."""
    m = Built()
    sched = Schedule(problem)
    starts = possible_starts(problem)
    overrides = {o.bid: o for o in problem.overrides}
    # In a fairness stage the fraction ``t`` comes first; threat reduction, weighted to add at most a
    # hundredth, breaks ties, so the stage's allocation is a good start for the value stage too.
    total_value = sum(b.value for b in problem.bids) or 1.0
    cost = {"value": 1.0, "maxmin": 0.01 / total_value, "floor": 0.01 / total_value}.get(objective, 0.0)
    for bid in problem.bids:
        options = list(starts[bid.key])
        o = overrides.get(bid.key)
        if o is not None and o.fund and o.start is not None:
            # The TCG named the week: only that start, even if it cannot fit (the conflict is then named).
            options = [o.start] if 0 <= o.start <= problem.weeks - bid.weeks else []
        for s in options:
            col = m.add_col(bid.value * cost, 0.0, 1.0, True)
            m.cols.append((bid.key, s))
            m.bid_cols[bid.key].append(col)
        m.force_of[bid.key] = bid.force
    for bid in problem.bids:
        cols = m.bid_cols.get(bid.key, [])
        o = overrides.get(bid.key)
        lower, upper = 0.0, 1.0
        if o is not None and enforced(f"override:{bid.key}", keep):
            lower, upper = (1.0, 1.0) if o.fund else (0.0, 0.0)
        name = f"override:{bid.key}" if o is not None else f"assign:{bid.key}"
        if cols or lower > 0:
            m.add_row(name, lower, upper, [(c, 1.0) for c in cols])

    # Capacity, only where the bids that could run in a week ask for more than the week has.
    demand: dict[tuple[str, int], list[tuple[int, float]]] = defaultdict(list)
    for col, (key, s) in enumerate(m.cols):
        bid = sched.bids[key]
        need = sched.effort(bid)
        for w in range(s, s + bid.weeks):
            demand[(bid.capability, w)].append((col, need))
    for cap in problem.capabilities:
        for w in range(problem.weeks):
            terms = demand.get((cap.key, w), [])
            name = f"capacity:{cap.key}:{w}"
            if not terms or not enforced(name, keep):
                continue
            # A bid uses a week at most once, so the most it could ask is one start's need per bid.
            most: dict[str, float] = {}
            for col, need in terms:
                key = m.cols[col][0]
                most[key] = max(most.get(key, 0.0), need)
            if sum(most.values()) <= cap.capacity[w] + EPS:
                continue
            m.add_row(name, -INF, cap.capacity[w], terms)

    fair = problem.fairness
    can_fund = {k for k, cols in m.bid_cols.items() if cols}
    refused = {o.bid for o in problem.overrides if not o.fund}
    if fair.mode == "min_share":
        if objective == "floor":
            m.t_col = m.add_col(1.0, 0.0, 1.0, False)
        for force, floor in floors(problem).items():
            name = f"floor:{force}"
            if floor <= EPS or not enforced(name, keep):
                continue
            own = [b for b in problem.bids if b.force == force and b.key in can_fund]
            terms = [(c, sched.hours(b)) for b in own for c in m.bid_cols[b.key]]
            if m.t_col is not None:
                m.add_row(name, 0.0, INF, [*terms, (m.t_col, -floor)])
            else:
                m.add_row(name, floor * floor_scale * (1 - 1e-9), INF, terms)
    elif fair.mode == "max_min":
        if objective == "maxmin":
            m.t_col = m.add_col(1.0, 0.0, 1.0, False)
        for force in problem.forces:
            name = f"maxmin:{force}"
            high = [
                b
                for b in problem.bids
                if b.force == force
                and b.band in fair.high_bands
                and b.key in can_fund
                and b.key not in refused
            ]
            demand_hours = sum(sched.hours(b) for b in high)
            if demand_hours <= EPS or not enforced(name, keep):
                continue
            terms = [(c, sched.hours(b) / demand_hours) for b in high for c in m.bid_cols[b.key]]
            if m.t_col is not None:
                m.add_row(name, 0.0, INF, [*terms, (m.t_col, -1.0)])
            elif maxmin_bound is not None:
                m.add_row(name, max(0.0, maxmin_bound - fair.tolerance) - EPS, INF, terms)

    for n, group in enumerate(problem.exclusive):
        name = f"duplicate:{n}"
        terms = [(c, 1.0) for key in group for c in m.bid_cols.get(key, [])]
        if len(terms) > 1 and enforced(name, keep):
            m.add_row(name, 0.0, 1.0, terms)
    return m


@dataclass(frozen=True)
class Solved:
    status: str  # "optimal", "time limit", "infeasible"
    funded: dict[str, int]
    objective: float
    bound: float | None
    gap: float | None
    seconds: float
    t: float | None = None


def solve(
    m: Built, config: SolveConfig, *, incumbent: dict[str, int] | None = None, incumbent_t: float = 0.0
) -> Solved:
    """Solve the model; ``incumbent`` (bid -> start) is handed over as a first solution when it fits."""
    started = time.perf_counter()
    h = m.highs(config)
    if incumbent:
        index = {(key, s): col for col, (key, s) in enumerate(m.cols)}
        values = np.zeros(len(m.cost))
        for key, s in incumbent.items():
            col = index.get((key, s))
            if col is not None:
                values[col] = 1.0
        if m.t_col is not None:
            values[m.t_col] = incumbent_t
        h.setSolution(len(values), np.arange(len(values), dtype=np.int32), values)
    h.run()
    seconds = time.perf_counter() - started
    model_status = h.getModelStatus()
    info = h.getInfo()
    name = h.modelStatusToString(model_status).lower()
    has_solution = info.primal_solution_status == 2  # a feasible point
    if model_status == highspy.HighsModelStatus.kInfeasible or (not has_solution and "infeasible" in name):
        return Solved("infeasible", {}, 0.0, None, None, seconds)
    if not has_solution:
        return Solved("no solution", {}, 0.0, None, None, seconds)
    x = h.getSolution().col_value
    funded = {key: s for col, (key, s) in enumerate(m.cols) if x[col] > 0.5}
    status = "optimal" if model_status == highspy.HighsModelStatus.kOptimal else "time limit"
    bound = float(info.mip_dual_bound) if abs(info.mip_dual_bound) < INF else None
    gap = float(info.mip_gap) if info.mip_gap < INF else None
    t = float(x[m.t_col]) if m.t_col is not None else None
    return Solved(status, funded, float(info.objective_function_value), bound, gap, seconds, t)


def shadow_prices(m: Built, config: SolveConfig) -> dict[str, float]:
    """Row -> dual value of the linear relaxation: what one more unit on the row is worth."""
    h = m.highs(config, relax=True)
    h.run()
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return {}
    duals = h.getSolution().row_dual
    return {name: abs(float(d)) for name, d in zip(m.rows, duals, strict=True) if abs(d) > 1e-9}
