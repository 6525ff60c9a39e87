"""Scoring: factor values in, score, band and an explanation whose arithmetic adds up exactly, out."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from socmap.engines.assess.types import FactorLine, ScoreResult, ScoringModel, Step
from socmap.errors import InvalidInput


def check_values(
    model: ScoringModel, values: Mapping[str, object], *, complete: bool = True
) -> dict[str, list[str]]:
    """Problems with ``values`` by dimension key: unknown dimensions, missing ones (when ``complete``),
    and values that are not a point of the dimension's scale."""
    problems: dict[str, list[str]] = {}
    for key, value in values.items():
        dim = model.dimensions.get(key)
        if dim is None:
            problems.setdefault(key, []).append(f"{key!r} is not a dimension of {model.label}")
            continue
        if value is None or value == "":
            continue
        if isinstance(value, bool) or not isinstance(value, int) or dim.point(value) is None:
            problems.setdefault(key, []).append(
                f"{dim.label}: {value!r} is outside its scale; choose one of "
                f"{', '.join(str(v) for v in dim.values)}"
            )
    if complete:
        for key, dim in model.dimensions.items():
            if values.get(key) is None or values.get(key) == "":
                problems.setdefault(key, []).append(f"Choose a value for {dim.label.lower()}")
    return problems


def _fmt(number: Decimal | int) -> str:
    text = format(number, "f") if isinstance(number, Decimal) else str(number)
    return text.rstrip("0").rstrip(".") if "." in text else text


def score(model: ScoringModel, values: Mapping[str, int]) -> ScoreResult:
    """Score one set of factor values. Same model and values, same result, always."""
    problems = check_values(model, values)
    if problems:
        raise InvalidInput(f"The values cannot be scored with {model.label}", fields=problems)
    combine = model.combine
    factors: list[FactorLine] = []
    for key, dim in model.dimensions.items():
        value = int(values[key])
        point = dim.point(value)
        role = (
            "multiplier"
            if key == combine.multiplier
            else "impact"
            if dim.group in combine.impact
            else "adjust"
        )
        points = Decimal(value) if role == "multiplier" else dim.weight * value
        factors.append(
            FactorLine(
                key, dim.label, dim.group, value, point.label if point else "", dim.weight, points, role
            )
        )
    impact_lines = [f for f in factors if f.role == "impact"]
    adjust_lines = [f for f in factors if f.role == "adjust"]
    mult = next(f for f in factors if f.role == "multiplier")
    impact = sum((f.points for f in impact_lines), Decimal(0))
    risk = impact * mult.value
    adjustment = sum((f.points for f in adjust_lines), Decimal(0))
    total = risk + adjustment
    band = model.band_of(total)

    def terms(lines: list[FactorLine]) -> str:
        return " + ".join(f"{f.value}×{_fmt(f.weight)}" for f in lines) or "0"

    steps = (
        Step("Impact", f"{terms(impact_lines)} = {_fmt(impact)}", impact),
        Step(f"Risk (impact × {mult.label.lower()})", f"{_fmt(impact)} × {mult.value} = {_fmt(risk)}", risk),
        Step("Organisational position", f"{terms(adjust_lines)} = {_fmt(adjustment)}", adjustment),
        Step(
            "Score (risk + organisational position)",
            f"{_fmt(risk)} + {_fmt(adjustment)} = {_fmt(total)}",
            total,
        ),
    )
    return ScoreResult(
        model=model.name,
        version=model.version,
        sha256=model.sha256,
        score=total,
        band=band,
        factors=tuple(factors),
        steps=steps,
        impact=impact,
        multiplier=mult.value,
        risk=risk,
        adjustment=adjustment,
        thresholds=model.bands,
    )
