"""The operating point chosen from the model's estimated precision, and checked against truth."""

from __future__ import annotations

import pandas as pd
import pytest

from socmap.engines.resolve import (
    ResolveConfig,
    estimated_curve,
    operating_point,
    pair_quality,
    score_pairs,
)
from socmap.errors import InvalidInput


def _pairs(probabilities: list[float]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "record_id_l": [f"a{i}" for i in range(len(probabilities))],
            "record_id_r": [f"b{i}" for i in range(len(probabilities))],
            "match_probability": probabilities,
        }
    )


def test_the_estimate_is_the_mean_probability_above_and_the_share_of_the_sum() -> None:
    curve = estimated_curve([1.0, 1.0, 0.6, 0.4], thresholds=(0.5, 0.9))
    at_half, at_nine = curve
    assert at_half.pairs == 3
    assert at_half.estimated_precision == pytest.approx(2.6 / 3)
    assert at_half.estimated_recall == pytest.approx(2.6 / 3.0)
    assert at_nine.pairs == 2
    assert at_nine.estimated_precision == pytest.approx(1.0)
    assert at_nine.estimated_recall == pytest.approx(2.0 / 3.0)


def test_the_operating_point_keeps_the_estimated_precision_above_the_floor() -> None:
    # Many sure pairs, then a tail of doubtful ones: merging the tail would cost precision.
    probabilities = [0.9999] * 1000 + [0.7] * 100
    point = operating_point(_pairs(probabilities), ResolveConfig(min_precision=0.995))
    assert point.estimated_precision >= 0.995
    assert point.upper_threshold > 0.7
    assert point.lower_threshold <= point.upper_threshold


def test_without_pairs_the_configured_thresholds_stand() -> None:
    config = ResolveConfig()
    point = operating_point(_pairs([]), config)
    assert (point.upper_threshold, point.lower_threshold) == (config.upper_threshold, config.lower_threshold)


def test_pairs_without_probabilities_are_refused() -> None:
    with pytest.raises(InvalidInput):
        operating_point(pd.DataFrame({"record_id_l": ["a"], "record_id_r": ["b"]}))


def test_measured_quality_counts_correct_pairs_and_every_true_pair() -> None:
    pairs = pd.DataFrame(
        {
            "record_id_l": ["a", "a", "c"],
            "record_id_r": ["b", "c", "d"],
            "match_probability": [0.99, 0.6, 0.95],
        }
    )
    truth = {"a": "P1", "b": "P1", "c": "P2", "d": "P2", "e": "P3", "f": "P3"}
    rows = pair_quality(pairs, truth, estimated_curve(pairs, thresholds=(0.5, 0.9)))
    at_half, at_nine = rows
    assert at_half.precision == pytest.approx(2 / 3)
    assert at_half.recall == pytest.approx(2 / 3)  # e-f was never scored
    assert at_nine.precision == pytest.approx(1.0)
    assert at_nine.f1 == pytest.approx(2 * 1.0 * (2 / 3) / (1 + 2 / 3))


def test_on_the_synthetic_set_the_estimate_is_close_to_the_measurement(people, model, config) -> None:
    records, truth = people
    scored = score_pairs(records, model, config)
    point = operating_point(scored, config)
    chosen = next(
        q for q in pair_quality(scored.pairs, truth, point.curve) if q.threshold == point.upper_threshold
    )
    assert chosen.precision is not None
    assert abs(point.estimated_precision - chosen.precision) <= 0.02
