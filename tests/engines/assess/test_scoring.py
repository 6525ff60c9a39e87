"""Scores: deterministic, exactly explained, banded correctly at the edges, refusing bad values."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest

from socmap.engines.assess import ScoringModel, load_scoring_model, parse_scoring_model, score
from socmap.errors import InvalidInput
from tests.engines.assess.test_model import SMALL

MODEL = load_scoring_model()


def values(model: ScoringModel, rng: random.Random) -> dict[str, int]:
    return {k: rng.choice(d.values) for k, d in model.dimensions.items()}


def test_the_same_inputs_give_the_same_score() -> None:
    chosen = values(MODEL, random.Random(3))
    first = score(MODEL, chosen)
    again = score(load_scoring_model(), dict(reversed(list(chosen.items()))))
    assert first == again and first.as_dict() == again.as_dict()


def test_the_explanation_arithmetic_adds_up_to_the_score() -> None:
    rng = random.Random(7)
    for _ in range(300):
        result = score(MODEL, values(MODEL, rng))
        impact = sum((f.weight * f.value for f in result.factors if f.role == "impact"), Decimal(0))
        adjust = sum((f.weight * f.value for f in result.factors if f.role == "adjust"), Decimal(0))
        (mult,) = [f.value for f in result.factors if f.role == "multiplier"]
        assert all(f.points == f.weight * f.value for f in result.factors if f.role != "multiplier")
        assert (result.impact, result.risk, result.adjustment) == (impact, impact * mult, adjust)
        assert impact * mult + adjust == result.score
        assert [s.result for s in result.steps] == [impact, impact * mult, adjust, result.score]
        assert result.steps[-1].formula.endswith(f"= {result.score}")
        assert result.band.lower <= result.score <= result.band.upper


def test_the_stored_explanation_keeps_exact_decimals() -> None:
    model = parse_scoring_model(SMALL, file="tiny.yaml")
    result = score(model, {"harm": 2, "likelihood": 2, "capacity": 1})
    stored = result.as_dict()
    assert stored["score"] == "9.5" and stored["factors"][2]["points"] == "1.5"
    assert sum(Decimal(f["points"]) for f in stored["factors"] if f["role"] == "impact") * 2 + Decimal(
        "1.5"
    ) == Decimal(stored["score"])


@pytest.mark.parametrize(
    ("chosen", "expected_score", "band"),
    [
        ({"harm": 0, "likelihood": 1, "capacity": 0}, "0", "low"),  # the lowest score
        ({"harm": 1, "likelihood": 1, "capacity": 1}, "3.5", "low"),  # just under the boundary
        ({"harm": 2, "likelihood": 1, "capacity": 0}, "4", "high"),  # on the boundary: the upper band
        ({"harm": 2, "likelihood": 2, "capacity": 1}, "9.5", "high"),  # the highest score, top band
    ],
)
def test_band_boundaries_at_the_edges(chosen: dict[str, int], expected_score: str, band: str) -> None:
    model = parse_scoring_model(SMALL, file="tiny.yaml")
    result = score(model, chosen)
    assert result.score == Decimal(expected_score) and result.band.key == band


def test_the_shipped_model_bands_at_its_thresholds() -> None:
    keys = [(MODEL.band_of(Decimal(s)).key) for s in ("0", "79.9", "80", "149", "150", "243")]
    assert keys == ["low", "low", "medium", "medium", "high", "high"]
    with pytest.raises(ValueError, match="outside"):
        MODEL.band_of(Decimal("243.5"))


def test_a_value_outside_its_scale_is_refused_naming_the_dimension() -> None:
    chosen = {k: d.lowest for k, d in MODEL.dimensions.items()} | {"physical_harm": 7}
    with pytest.raises(InvalidInput) as info:
        score(MODEL, chosen)
    assert info.value.fields == {
        "physical_harm": ["Physical harm: 7 is outside its scale; choose one of 0, 1, 2, 3, 4"]
    }


def test_a_missing_or_unknown_dimension_is_refused() -> None:
    chosen = {k: d.lowest for k, d in MODEL.dimensions.items() if k != "likelihood"} | {"glamour": 1}
    with pytest.raises(InvalidInput) as info:
        score(MODEL, chosen)
    assert set(info.value.fields) == {"likelihood", "glamour"}
