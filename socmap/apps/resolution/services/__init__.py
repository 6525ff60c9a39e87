"""Every write of resolution, by concern: runs (score, store model judgements and review pairs),
judgements (users' decisions, undo, merge), caches (pair states and memberships recomputed from
judgements), evaluation against ground truth."""

from socmap.apps.resolution.services.caches import (
    cache_rebuild,
    cluster_refresh,
    objects_rebuild,
    pair_states_refresh,
    people_rebuild,
)
from socmap.apps.resolution.services.common import JUDGES, OBJECT_KINDS, config_get, pair_key
from socmap.apps.resolution.services.evaluation import Quality, quality_measure
from socmap.apps.resolution.services.judgements import (
    JudgementResult,
    judgement_decide,
    judgement_undo,
    person_merge,
)
from socmap.apps.resolution.services.runs import ATTACH_REASON, resolution_run
from socmap.apps.resolution.services.storing import compact_scores

__all__ = [
    "ATTACH_REASON",
    "JUDGES",
    "OBJECT_KINDS",
    "JudgementResult",
    "Quality",
    "cache_rebuild",
    "cluster_refresh",
    "compact_scores",
    "config_get",
    "judgement_decide",
    "judgement_undo",
    "objects_rebuild",
    "pair_key",
    "pair_states_refresh",
    "people_rebuild",
    "person_merge",
    "quality_measure",
    "resolution_run",
]
