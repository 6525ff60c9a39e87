"""Entity resolution: people by probabilistic linkage (Splink on DuckDB), objects by identifier.

    config = ResolveConfig()
    model = train(records, config)              # unlabelled person records (schema in types.py)
    model.save("var/person-model.json")         # ResolverModel.load(path) -> InvalidModel if bad
    scored = score_pairs(records, model, config)                 # within one table
    fresh = score_new(new_records, records, model, config)       # a new batch, no retraining
    why = explain(scored.pairs.iloc[0], model)                   # waterfall of match weights
    result = cluster(ids, positive_pairs, negative_pairs)        # never joins a no-match
    result = cluster_scored(ids, scored, config)                 # thresholds + name-only rule
    quality = evaluate(result, truth, candidates=candidate_pairs(records, config))
    point = operating_point(scored, config)     # merge/review thresholds from estimated precision
    curve = pair_quality(scored.pairs, truth, point.curve)   # the estimate against the truth
    objects = resolve_objects([(record_id, "vehicle", "AB12 CDE"), ...])

Pure Python: no Django. Imports only ``socmap.errors`` from socmap.
"""

from __future__ import annotations

from socmap.engines.resolve.calibrate import estimated_curve, operating_point, pair_quality
from socmap.engines.resolve.clusters import cluster, cluster_scored, merge_forest
from socmap.engines.resolve.evaluate import evaluate
from socmap.engines.resolve.objects import resolve_objects
from socmap.engines.resolve.person import (
    blocking_reach,
    blocking_recall,
    candidate_pairs,
    explain,
    score_new,
    score_pairs,
    train,
)
from socmap.engines.resolve.prepare import prepare_records
from socmap.engines.resolve.types import (
    ENGINE_NAME,
    ENGINE_VERSION,
    ClusterConflict,
    ClusterResult,
    ComparisonStep,
    Evaluation,
    ObjectCluster,
    ObjectResolveResult,
    OperatingPoint,
    PairExplanation,
    ResolveConfig,
    ResolverModel,
    RunInfo,
    ScoredPairs,
    ThresholdQuality,
)

__all__ = [
    "ENGINE_NAME",
    "ENGINE_VERSION",
    "ClusterConflict",
    "ClusterResult",
    "ComparisonStep",
    "Evaluation",
    "ObjectCluster",
    "ObjectResolveResult",
    "OperatingPoint",
    "PairExplanation",
    "ResolveConfig",
    "ResolverModel",
    "RunInfo",
    "ScoredPairs",
    "ThresholdQuality",
    "blocking_reach",
    "blocking_recall",
    "candidate_pairs",
    "cluster",
    "cluster_scored",
    "estimated_curve",
    "evaluate",
    "explain",
    "merge_forest",
    "operating_point",
    "pair_quality",
    "prepare_records",
    "resolve_objects",
    "score_new",
    "score_pairs",
    "train",
]
