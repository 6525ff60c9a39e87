"""The operating point: merge and review thresholds chosen from the model's estimated precision.

A calibrated model's match probability is the chance that the pair is a match, so over the pairs
at or above a threshold the mean probability estimates their precision and the sum estimates how
many true matches they hold; divided by the sum over every scored pair it estimates recall. No
labels are needed. Where labels exist (``pair_quality``) the estimate is checked against them:
on FEBRL4 and the synthetic regions the estimated precision at the chosen point is within 0.01
of the measured one (``bench/resolve_febrl4.py``, ``bench/resolve_synth.py``).

The recall estimate counts only scored pairs (those blocking compared and kept above
``ResolveConfig.keep_above``): what blocking never compared it cannot see.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import duckdb
import numpy as np
import pandas as pd

from socmap.engines.resolve.types import OperatingPoint, ResolveConfig, ScoredPairs, ThresholdQuality
from socmap.errors import InvalidInput

#: Thresholds the operating point is chosen among (match probabilities).
THRESHOLDS: tuple[float, ...] = (
    0.5,
    0.6,
    0.7,
    0.8,
    0.9,
    0.95,
    0.98,
    0.99,
    0.995,
    0.998,
    0.999,
    0.9995,
    0.9999,
)


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def _probabilities(scored: ScoredPairs | pd.DataFrame | Iterable[float]) -> np.ndarray:
    if isinstance(scored, ScoredPairs):
        if scored.probabilities is not None:
            values = np.asarray(scored.probabilities, dtype=float)
            return np.sort(values[np.isfinite(values)])[::-1]
        scored = scored.pairs
    if isinstance(scored, pd.DataFrame):
        if "match_probability" not in scored.columns:
            raise InvalidInput(
                "The pairs have no match_probability column.",
                fields={"match_probability": ["missing"]},
            )
        values = scored["match_probability"].to_numpy(dtype=float)
    else:
        values = np.fromiter((float(v) for v in scored), dtype=float)
    return np.sort(values[np.isfinite(values)])[::-1]


def estimated_curve(
    scored: ScoredPairs | pd.DataFrame | Iterable[float], thresholds: Iterable[float] = THRESHOLDS
) -> tuple[ThresholdQuality, ...]:
    """The model's own estimate of precision, recall and F1 at each threshold."""
    probs = _probabilities(scored)
    total = float(probs.sum())
    sums = np.concatenate(([0.0], np.cumsum(probs)))
    ascending = probs[::-1]
    curve = []
    for t in sorted(set(thresholds)):
        n = len(probs) - int(np.searchsorted(ascending, t, side="left"))
        s = float(sums[n])
        precision = s / n if n else 1.0
        recall = s / total if total else 1.0
        curve.append(
            ThresholdQuality(
                threshold=t,
                pairs=n,
                estimated_precision=precision,
                estimated_recall=recall,
                estimated_f1=_f1(precision, recall),
            )
        )
    return tuple(curve)


def operating_point(
    scored: ScoredPairs | pd.DataFrame | Iterable[float],
    config: ResolveConfig | None = None,
    thresholds: Iterable[float] = THRESHOLDS,
) -> OperatingPoint:
    """The merge threshold with the best estimated F1 among those whose estimated precision is at
    least ``config.min_precision``; the review band starts at ``config.lower_threshold`` (kept
    below the merge threshold). Ties go to the higher threshold: a merge costs more to undo than
    a review. Without any pair the configured thresholds stand."""
    config = config or ResolveConfig()
    curve = estimated_curve(scored, thresholds)
    eligible = [q for q in curve if q.pairs and q.estimated_precision >= config.min_precision]
    if not eligible:
        return OperatingPoint(
            upper_threshold=config.upper_threshold,
            lower_threshold=config.lower_threshold,
            estimated_precision=1.0,
            estimated_recall=0.0,
            estimated_f1=0.0,
            curve=curve,
        )
    best = max(eligible, key=lambda q: (round(q.estimated_f1, 4), q.threshold))
    lower = min(config.lower_threshold, best.threshold)
    return OperatingPoint(
        upper_threshold=best.threshold,
        lower_threshold=lower,
        estimated_precision=best.estimated_precision,
        estimated_recall=best.estimated_recall,
        estimated_f1=best.estimated_f1,
        curve=curve,
    )


def pair_quality(
    pairs: pd.DataFrame, truth: Mapping[str, str], curve: Iterable[ThresholdQuality]
) -> tuple[ThresholdQuality, ...]:
    """The curve with measured pairwise precision, recall and F1 of the pairs at each threshold.

    ``truth`` maps record ids to true entity ids; pairs with a record outside it are left out of
    the measurement, and recall is over every true pair among the records in ``truth`` (pairs
    blocking never compared count as missed). Counted in DuckDB.
    """
    if not truth:
        raise InvalidInput("The ground truth is empty.", fields={"truth": ["no records"]})
    t = pd.DataFrame({"record_id": [str(k) for k in truth], "truth": [str(v) for v in truth.values()]})
    p = pd.DataFrame(
        {
            "l": pairs["record_id_l"].astype(str).to_numpy(),
            "r": pairs["record_id_r"].astype(str).to_numpy(),
            "p": pairs["match_probability"].astype(float).to_numpy(),
        }
    )
    con = duckdb.connect()
    try:
        con.register("t", t)
        con.register("p_in", p)
        true_pairs = int(
            con.execute(
                "SELECT coalesce(sum(n * (n - 1) / 2), 0) FROM (SELECT count(*) n FROM t GROUP BY truth)"
            ).fetchall()[0][0]
        )
        con.execute(
            "CREATE TEMP TABLE j AS SELECT p_in.p, (a.truth = b.truth) AS ok FROM p_in "
            "JOIN t a ON a.record_id = p_in.l JOIN t b ON b.record_id = p_in.r"
        )
        out = []
        for q in curve:
            n, correct = con.execute(
                "SELECT count(*), coalesce(sum(ok::INT), 0) FROM j WHERE p >= ?", [q.threshold]
            ).fetchall()[0]
            precision = float(correct) / float(n) if n else 1.0
            recall = float(correct) / true_pairs if true_pairs else 1.0
            out.append(
                ThresholdQuality(
                    threshold=q.threshold,
                    pairs=q.pairs,
                    estimated_precision=q.estimated_precision,
                    estimated_recall=q.estimated_recall,
                    estimated_f1=q.estimated_f1,
                    precision=precision,
                    recall=recall,
                    f1=_f1(precision, recall),
                )
            )
    finally:
        con.close()
    return tuple(out)
