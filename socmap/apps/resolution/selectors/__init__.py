"""Reads of resolution, by concern: caches (canonical ids, clusters), judgements (the review queue, a
pair), entities (a canonical entity's page), values (how a record's values are shown), runs.

Every read names its reader; every read that shows records goes through the visibility rule.
"""

from socmap.apps.resolution.selectors.caches import (
    canonical_get,
    canonical_map,
    cluster_build,
    component_find,
    display_id_get,
    member_ids,
    member_list,
    person_cluster_map,
    person_label_map,
)
from socmap.apps.resolution.selectors.entities import (
    EVENTS_PAGE,
    HISTORY_PAGE,
    PENDING_SHOWN,
    EntityView,
    EventRow,
    HistoryItem,
    Related,
    entity_get,
    event_list,
)
from socmap.apps.resolution.selectors.judgements import (
    PairView,
    Row,
    judgement_count,
    pair_counts,
    pair_explain,
    pair_get,
    pair_next,
    pair_queue,
    pair_queue_list,
    pair_queue_page,
    pair_remaining,
)
from socmap.apps.resolution.selectors.runs import run_busy, run_latest, run_list
from socmap.apps.resolution.selectors.sections import (
    DecisionsView,
    EventsView,
    LinksView,
    entity_decisions,
    entity_events,
    entity_links,
)
from socmap.apps.resolution.selectors.values import FoldedValue, Value, event_schemata, fold, value_map

__all__ = [
    "EVENTS_PAGE",
    "HISTORY_PAGE",
    "PENDING_SHOWN",
    "DecisionsView",
    "EntityView",
    "EventRow",
    "EventsView",
    "FoldedValue",
    "HistoryItem",
    "LinksView",
    "PairView",
    "Related",
    "Row",
    "Value",
    "canonical_get",
    "canonical_map",
    "cluster_build",
    "component_find",
    "display_id_get",
    "entity_decisions",
    "entity_events",
    "entity_get",
    "entity_links",
    "event_list",
    "event_schemata",
    "fold",
    "judgement_count",
    "member_ids",
    "member_list",
    "pair_counts",
    "pair_explain",
    "pair_get",
    "pair_next",
    "pair_queue",
    "pair_queue_list",
    "pair_queue_page",
    "pair_remaining",
    "person_cluster_map",
    "person_label_map",
    "run_busy",
    "run_latest",
    "run_list",
    "value_map",
]
