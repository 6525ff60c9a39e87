"""The scoring model and the scores it gives, as frozen plain data.

Numbers are ``Decimal`` (weights and thresholds may be decimals) or ``int`` (scale points), so every
sum and product in an explanation is exact and adds up to the score to the last digit.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any


@dataclass(frozen=True)
class ScalePoint:
    """One point of a dimension's scale, with the descriptor analysts read before choosing it."""

    value: int
    label: str
    descriptor: str


@dataclass(frozen=True)
class Dimension:
    key: str
    label: str
    group: str
    question: str
    weight: Decimal
    scale: tuple[ScalePoint, ...]  # ascending by value

    @property
    def values(self) -> tuple[int, ...]:
        return tuple(p.value for p in self.scale)

    @property
    def lowest(self) -> int:
        return self.scale[0].value

    @property
    def highest(self) -> int:
        return self.scale[-1].value

    def point(self, value: int) -> ScalePoint | None:
        return next((p for p in self.scale if p.value == value), None)


@dataclass(frozen=True)
class Band:
    """``lower`` <= score < ``upper``; the top band also holds its ``upper`` (the highest score)."""

    key: str
    label: str
    tier: int
    lower: Decimal
    upper: Decimal
    reassess_months: int


@dataclass(frozen=True)
class Combine:
    """impact = Σ value × weight over ``impact`` groups; risk = impact × ``multiplier``'s value;
    score = risk + Σ value × weight over ``adjust`` groups."""

    impact: tuple[str, ...]
    multiplier: str
    adjust: tuple[str, ...]


@dataclass(frozen=True)
class ScoringModel:
    name: str
    version: int
    title: str
    description: str
    groups: Mapping[str, str]  # key -> label, in file order
    dimensions: Mapping[str, Dimension]  # in file order
    combine: Combine
    bands: tuple[Band, ...]  # ascending by lower bound
    sha256: str
    file: str
    text: str  # the file as read, so a stored assessment can be re-read with the model it used
    min_score: Decimal
    max_score: Decimal

    @property
    def label(self) -> str:
        return f"{self.name} v{self.version}"

    def band_of(self, score: Decimal) -> Band:
        """The band holding ``score``; the model's bands are contiguous, so there is always one."""
        for band in self.bands:
            if band.lower <= score < band.upper:
                return band
        top = self.bands[-1]
        if score == top.upper:
            return top
        raise ValueError(f"score {score} is outside the model's range {self.min_score}–{self.max_score}")


@dataclass(frozen=True)
class FactorLine:
    """One dimension's part of a score: value × weight = points."""

    dimension: str
    label: str
    group: str
    value: int
    value_label: str
    weight: Decimal
    points: Decimal
    role: str  # "impact", "multiplier" or "adjust"


@dataclass(frozen=True)
class Step:
    """One line of the arithmetic, as a person checks it: ``formula`` = ``result``."""

    name: str
    formula: str
    result: Decimal


@dataclass(frozen=True)
class ScoreResult:
    """A score, its band and the explanation that reproduces it."""

    model: str
    version: int
    sha256: str
    score: Decimal
    band: Band
    factors: tuple[FactorLine, ...]
    steps: tuple[Step, ...]
    impact: Decimal
    multiplier: int
    risk: Decimal
    adjustment: Decimal
    thresholds: tuple[Band, ...]

    def as_dict(self) -> dict[str, Any]:
        """JSON-safe: decimals as strings so nothing is rounded on the way to storage."""
        return {
            "model": self.model,
            "version": self.version,
            "sha256": self.sha256,
            "score": str(self.score),
            "band": _band(self.band),
            "impact": str(self.impact),
            "multiplier": self.multiplier,
            "risk": str(self.risk),
            "adjustment": str(self.adjustment),
            "factors": [
                {
                    "dimension": f.dimension,
                    "label": f.label,
                    "group": f.group,
                    "value": f.value,
                    "value_label": f.value_label,
                    "weight": str(f.weight),
                    "points": str(f.points),
                    "role": f.role,
                }
                for f in self.factors
            ],
            "steps": [{"name": s.name, "formula": s.formula, "result": str(s.result)} for s in self.steps],
            "thresholds": [_band(b) for b in self.thresholds],
        }


def _band(b: Band) -> dict[str, Any]:
    return {
        "key": b.key,
        "label": b.label,
        "tier": b.tier,
        "from": str(b.lower),
        "to": str(b.upper),
        "reassess_months": b.reassess_months,
    }
