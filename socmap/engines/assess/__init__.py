"""Threat assessment: a MoRiLE-shaped scoring model as YAML, and exact, explainable scores.

Pure: no Django. ``load_scoring_model`` checks a model file (``InvalidModel`` names file, line and
reason); ``score`` turns factor values into a score, a band and the arithmetic that produced them.
"""

from socmap.engines.assess.model import DEFAULT_MODEL, MODELS_DIR, load_scoring_model, parse_scoring_model
from socmap.engines.assess.scoring import check_values, score
from socmap.engines.assess.types import (
    Band,
    Combine,
    Dimension,
    FactorLine,
    ScalePoint,
    ScoreResult,
    ScoringModel,
    Step,
)

__all__ = [
    "DEFAULT_MODEL",
    "MODELS_DIR",
    "Band",
    "Combine",
    "Dimension",
    "FactorLine",
    "ScalePoint",
    "ScoreResult",
    "ScoringModel",
    "Step",
    "check_values",
    "load_scoring_model",
    "parse_scoring_model",
    "score",
]
