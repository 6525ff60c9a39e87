"""Reads of resolution's caches: which canonical entity each record belongs to, and the clusters
the standing pair decisions make.

These are reads of ids: a canonical id, a member id carries no value of a record. Each takes the
reader (a user or a system job) so every read of the app names who reads; ``viewer=None``, written
out by the caller, is a system read of ids used for a rule and never shown (a release date's check,
a duplication count). What is shown of a record goes through the visibility rule (``member_list``,
``person_label_map``, ``display_id_get``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from socmap.apps.core.bulk import IN_LIST, chunks
from socmap.apps.intel import reads
from socmap.apps.resolution.models import Membership, Pair, PairState
from socmap.engines import resolve
from socmap.engines.resolve.judgement import decision_edges


def canonical_map(*, viewer: reads.Reader | None, entity_ids: Iterable[str] | None = None) -> dict[str, str]:
    """Record entity id -> canonical id, for entities that share one (the rest are their own).

    Without ``entity_ids``, every membership (the network is built from it by a system job).
    """
    del viewer  # ids only: see the module's docstring
    if entity_ids is not None:
        out: dict[str, str] = {}
        for part in chunks(entity_ids, IN_LIST):
            rows = Membership.objects.filter(entity_id__among=part).values_list("entity_id", "canonical_id")
            out.update(rows)
        return out
    return dict(Membership.objects.values_list("entity_id", "canonical_id").iterator(chunk_size=20000))


def canonical_get(*, viewer: reads.Reader | None, entity_id: str) -> str:
    """The canonical id of the entity ``entity_id`` belongs to (itself when alone)."""
    del viewer  # ids only
    found = Membership.objects.filter(entity_id=entity_id).values_list("canonical_id", flat=True).first()
    return found or entity_id


def member_ids(*, viewer: reads.Reader | None, entity_id: str) -> list[str]:
    """Every record entity of the canonical entity ``entity_id`` belongs to (ids; rule not applied)."""
    canonical = canonical_get(viewer=viewer, entity_id=entity_id)
    members = list(Membership.objects.filter(canonical_id=canonical).values_list("entity_id", flat=True))
    return sorted(members) or [entity_id]


def member_list(*, viewer: reads.Reader, entity_id: str) -> list[reads.Entity]:
    """The records of the canonical entity the viewer may see."""
    return reads.entity_list(viewer=viewer, ids=member_ids(viewer=viewer, entity_id=entity_id))


def display_id_get(*, viewer: reads.Reader, entity_id: str) -> str | None:
    """The id a viewer uses for an entity: its smallest visible member (never a hidden record's id)."""
    members = member_list(viewer=viewer, entity_id=entity_id)
    return members[0].id if members else None


def person_cluster_map(*, viewer: reads.Reader | None, entity_ids: Iterable[str]) -> dict[str, list[str]]:
    """Each record entity -> every record entity of the same resolved person (itself when alone), in a
    few queries for any number of them; to find what else is known of a person. Records of one
    person share one sorted list: read it, never change it."""
    ids = sorted(set(entity_ids))
    canon = canonical_map(viewer=viewer, entity_ids=ids)
    clusters = sorted(set(canon.values()))
    members: dict[str, list[str]] = defaultdict(list)
    for part in chunks(clusters, IN_LIST):
        for entity_id, canonical in Membership.objects.filter(canonical_id__among=part).values_list(
            "entity_id", "canonical_id"
        ):
            members[canonical].append(entity_id)
    # One sorted list per cluster, shared by its members: a page naming the co-accused of a person
    # asks for hundreds of records that fall in a few dozen people.
    for cluster in members.values():
        cluster.sort()
    return {e: members.get(canon.get(e, e)) or [e] for e in ids}


def person_label_map(
    *, viewer: reads.Reader, entity_ids: Iterable[str], clusters: dict[str, list[str]] | None = None
) -> dict[str, tuple[str, str]]:
    """Each record entity -> (the id the viewer uses for its person, that record's caption).

    The person is the canonical entity the record belongs to; the id shown is its smallest member
    the viewer may see (never a hidden record's). People the viewer may see no record of are left
    out: no id, no name, no trace.
    """
    ids = list(entity_ids)
    if clusters is None:
        clusters = person_cluster_map(viewer=viewer, entity_ids=ids)
    clusters = {e: clusters.get(e, [e]) for e in ids}
    wanted = sorted({m for ms in clusters.values() for m in ms})
    captions = reads.entity_captions(viewer=viewer, ids=wanted)
    out: dict[str, tuple[str, str]] = {}
    for entity_id, cluster in clusters.items():
        seen = [m for m in cluster if m in captions]
        if seen:
            out[entity_id] = (seen[0], captions[seen[0]])
    return out


def cluster_build(
    *,
    ids: list[str],
    pairs: Any,
    attach: list[tuple[str, str, float]] | None = None,
    links: list[tuple[str, str, float]] | None = None,
    births: Mapping[str, str] | None = None,
) -> resolve.ClusterResult:
    """Clusters from the standing decisions on ``pairs`` (a queryset of pairs); ``attach``: weak links
    that may attach a lone record to the one cluster they point into (the engine's rule for
    name-only pairs); ``links``: the model's links not yet stored (a run choosing what it merges);
    ``births``: record -> date of birth, so no model link joins dates that conflict."""
    positive, negative = decided_edges(pairs=pairs)
    return resolve.cluster(ids, positive + (links or []), negative, attach_pairs=attach, births=births)


def decided_edges(*, pairs: Any) -> tuple[list[tuple[str, str, float]], list[tuple[str, str]]]:
    """The links (weighted) and the separations the standing decisions on ``pairs`` make, read once
    for clusterings that share them."""
    return decision_edges(
        pairs.filter(state__in=[PairState.MATCH, PairState.NO_MATCH])
        .values_list("left_id", "right_id", "state", "decided_by_user", "probability")
        .iterator(chunk_size=20_000)
    )


def component_find(*, seed_ids: Iterable[str]) -> set[str]:
    """Every record joined to the seeds through matched pairs (the records a decision can move)."""
    seeds = set(seed_ids)
    # A person's records are joined by its matched pairs: starting from all of them, the walk
    # takes a step or two where record by record it took one per link of the longest chain.
    seen = set(seeds)
    for chunk in chunks(sorted(seeds), IN_LIST):
        seen.update(
            Membership.objects.filter(
                canonical_id__in=Membership.objects.filter(entity_id__in=chunk).values("canonical_id")
            ).values_list("entity_id", flat=True)
        )
    frontier = set(seen)
    while frontier:
        step = list(frontier)
        frontier = set()
        # Each end asked for apart (an index scan each), not an OR of both, which PostgreSQL
        # answered by scanning the matched pairs.
        for chunk in chunks(step, IN_LIST):
            for side in ("left_id__in", "right_id__in"):
                for left, right in Pair.objects.filter(state=PairState.MATCH, **{side: chunk}).values_list(
                    "left_id", "right_id"
                ):
                    for other in (left, right):
                        if other not in seen:
                            seen.add(other)
                            frontier.add(other)
    return seen
