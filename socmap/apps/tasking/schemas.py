from __future__ import annotations

from datetime import date, datetime
from typing import Any

from ninja import Schema


class CapabilityOut(Schema):
    key: str
    label: str
    owner: str
    kind: str
    unit: str
    per_week: float
    min_weeks: int
    travel_overhead: float
    home: str
    skills: list[str]


class BidIn(Schema):
    period: str = ""
    threat_id: int | None = None
    capability: str
    first_week: date | None = None
    last_week: date | None = None
    weeks: int | None = None
    effort: float | str
    outcome: str
    impact: str
    four_p: str = "pursue"
    aim: str = ""
    confirm_duplication: bool = False


class DecisionOut(Schema):
    run_id: int
    funded: bool
    first_week: date | None
    last_week: date | None
    value: float
    reason: str
    binding: list[dict[str, str]]
    change: str
    overridden: bool


class BidOut(Schema):
    id: int
    reference: str
    period: str
    force: str
    threat_id: int | None
    threat: str
    capability: str
    first_week: date
    last_week: date
    weeks: int
    effort: str
    outcome: str
    impact: str
    status: str
    warnings: list[str]
    decision: DecisionOut | None


class AllocateIn(Schema):
    period: str = ""
    time_limit: float = 8.0


class RunOut(Schema):
    id: int
    period: str
    status: str
    solver_status: str
    objective: float
    greedy_objective: float
    greedy_within_bounds: bool
    plain_greedy_objective: float
    gap: float | None
    seconds: float
    bids: int
    funded: int
    shares: list[dict[str, Any]]
    conflicts: list[dict[str, str]]
    explanation: str
    created_at: datetime
    published_at: datetime | None


class OverrideIn(Schema):
    fund: bool
    reason: str
    start_week: date | None = None


class FairnessIn(Schema):
    period: str = ""
    mode: str
    min_shares: dict[str, Any] = {}
    tolerance: float = 0.05
