"""The caches resolution keeps from its judgements: each pair's standing state, and memberships
(which canonical entity each record belongs to). Each is recomputed from the judgements, never
edited by hand; ``cache_rebuild`` recreates them all."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from operator import itemgetter

from django.db import connection, transaction
from django.db.models import Q

from socmap.apps.core.audit import audit_record
from socmap.apps.core.bulk import (
    chunks,
    executemany,
    foreign_keys_checked_once,
    indexes_built_after,
    insert_rows,
)
from socmap.apps.core.models import AuditAction, User
from socmap.apps.intel import reads
from socmap.apps.resolution.models import Judgement, Membership, Pair, PairState
from socmap.apps.resolution.selectors.caches import cluster_build, component_find
from socmap.apps.resolution.services.common import BATCH, OBJECT_KINDS
from socmap.engines import resolve
from socmap.engines.resolve.judgement import standing_judgement


@dataclass(frozen=True)
class _Judged:
    """What the rule reads of a judgement (``standing_judgement``), without loading the row."""

    id: int
    decision: str
    undoes_id: int | None
    user_id: int | None


def pair_states_refresh(*, keys: Iterable[tuple[str, str]]) -> None:
    """Recompute the cached state of these pairs from their judgements.

    Reads ids and states only: a pair's stored explanation and a judgement's reason and chain
    link are not needed here (loading them was most of a bulk decision's time)."""
    wanted = set(keys)
    if not wanted:
        return
    lefts = sorted({k[0] for k in wanted})
    rights = sorted({k[1] for k in wanted})
    # The right ids narrow a decision's few pairs; a rebuild of every pair reads by left ids alone.
    narrow = Q(right_id__in=rights) if len(rights) <= 500 else Q()
    history: dict[tuple[str, str], list[_Judged]] = {}
    for start_ids in chunks(lefts, 500):
        for pk, left, right, decision, undoes, user in (
            Judgement.objects.filter(narrow, left_id__in=start_ids)
            .order_by("id")
            .values_list("id", "left_id", "right_id", "decision", "undoes_id", "user_id")
        ):
            if (left, right) in wanted:
                history.setdefault((left, right), []).append(_Judged(pk, decision, undoes, user))
    changed: list[tuple[str, bool, int | None, int]] = []
    for start_ids in chunks(lefts, 500):
        for pk, left, right, old_state, old_by_user, old_judgement in Pair.objects.filter(
            narrow, left_id__in=start_ids
        ).values_list("id", "left_id", "right_id", "state", "decided_by_user", "judgement_id"):
            if (left, right) not in wanted:
                continue
            standing = standing_judgement(history.get((left, right), []))
            state = PairState(standing.decision) if standing else PairState.PENDING
            by_user = bool(standing and standing.user_id)
            judgement_id = standing.id if standing else None
            if (old_state, old_by_user, old_judgement) != (state, by_user, judgement_id):
                changed.append((state, by_user, judgement_id, pk))
    table = Pair._meta.db_table
    sql = f"UPDATE {table} SET state = %s, decided_by_user = %s, judgement_id = %s WHERE id = %s"  # noqa: S608  # nosec B608 # the model's own table name; values are parameters
    with connection.cursor() as cursor:
        executemany(cursor, sql, changed, BATCH)


def _write_memberships(schema_filter: Q, clusters: Iterable[tuple[str, str, Iterable[str]]]) -> int:
    """Replace the memberships matching ``schema_filter`` by these (schema, canonical, members).

    Written with COPY on PostgreSQL: a million-row region rewrites hundreds of thousands, which
    the ORM's ``bulk_create`` took minutes over."""
    rows = [(member, canonical, schema) for schema, canonical, members in clusters for member in members]
    # In key order: PostgreSQL then appends to its primary key's index rather than inserting all
    # over it. 1.1 million memberships took 5.4-6.4 s to COPY in a region's order, 2.2-2.7 s sorted.
    rows.sort(key=itemgetter(0))
    with transaction.atomic():
        Membership.objects.filter(schema_filter).delete()
        table = Membership._meta.db_table
        with (
            connection.cursor() as cursor,
            foreign_keys_checked_once(cursor, table, len(rows)),
            # A first run writes a million into an empty table: 10 s with the indexes kept up.
            indexes_built_after(cursor, table, len(rows)),
        ):
            insert_rows(cursor, table, ("entity_id", "canonical_id", "schema"), rows)
    return len(rows)


def people_rebuild(*, job: reads.SystemJob) -> int:
    """Recompute every person cluster from the standing pair decisions. Returns memberships written."""
    ids = list(reads.entity_ids(viewer=job, schemas={"Person"}))
    result = cluster_build(ids=ids, pairs=Pair.objects.all())
    return _write_memberships(
        Q(schema="Person"), (("Person", min(c), c) for c in result.clusters if len(c) > 1)
    )


def cluster_refresh(*, seed_ids: Iterable[str]) -> resolve.ClusterResult:
    """Recompute the clusters of the records connected to the seeds, and nothing else."""
    members = component_find(seed_ids=seed_ids)
    old = set(Membership.objects.filter(entity_id__in=members).values_list("canonical_id", flat=True))
    # Records of the old clusters that are no longer connected must be rewritten too.
    members |= set(Membership.objects.filter(canonical_id__in=old).values_list("entity_id", flat=True))
    member_list = sorted(members)
    pairs = Pair.objects.filter(left_id__in=member_list, right_id__in=member_list)
    result = cluster_build(ids=member_list, pairs=pairs)
    rows = [
        Membership(entity_id=m, canonical_id=min(c), schema="Person")
        for c in result.clusters
        if len(c) > 1
        for m in c
    ]
    Membership.objects.filter(entity_id__in=member_list).delete()
    Membership.objects.bulk_create(rows)
    return result


def objects_rebuild(*, job: reads.SystemJob) -> int:
    """Phones, vehicles, accounts and companies are the same object when their identifiers are."""
    triples = [
        (entity_id, OBJECT_KINDS[schema], identifier)
        for entity_id, schema, identifier in reads.entity_identifiers(viewer=job, schemas=set(OBJECT_KINDS))
    ]
    schema_of = {kind: schema for schema, kind in OBJECT_KINDS.items()}
    result = resolve.resolve_objects(triples)
    return _write_memberships(
        Q(schema__in=list(OBJECT_KINDS)),
        (
            (schema_of[c.kind], min(c.record_ids), c.record_ids)
            for c in result.clusters
            if len(c.record_ids) > 1
        ),
    )


def cache_rebuild(*, actor: User | None = None) -> dict[str, int]:
    """Drop and rebuild the caches from judgements: pair states, people, objects."""
    keys = list(Pair.objects.values_list("left_id", "right_id"))
    pair_states_refresh(keys=keys)
    job = reads.system_job("rebuild of canonical entities", actor=actor)
    counts = {"pairs": len(keys), "people": people_rebuild(job=job), "objects": objects_rebuild(job=job)}
    audit_record(
        AuditAction.COMBINATION,
        actor=actor,
        username="" if actor else "system",
        object_type="resolution.membership",
        object_id="*",
        justification="Rebuilt canonical entities from judgements",
        detail=counts,
    )
    return counts
