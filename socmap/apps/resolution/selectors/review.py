"""The review queue as decisions about people, not pairs (ADR 17).

A pending pair says "these two records may be one person". Reviewed one by one, the same two
people come back as many pairs (five records of Patricia Davies against three of Patrick Davis make
up to fifteen pairs). So the queue groups pending pairs by the people they would join: the
canonical entities (clusters) at either end of each pair, joined through pending pairs, make one
**item**: one decision about who these records are. Pairs whose two records already belong to one
person change nothing and are left out; so are pairs between two people an analyst has already
said are different (the pattern is decided: one "not the same" stands for every pair between them).

Items are ordered by what a decision teaches and changes: how close the item's most uncertain
pair is to the run's merge threshold (on the log-odds scale) times how many records the decision
moves. The queue is computed on reading from the pairs and memberships (a few thousand rows), so a
decision shows in the next read without any cache to keep.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count

from socmap.apps.core.audit import audit_record
from socmap.apps.core.bulk import IN_LIST, chunks
from socmap.apps.core.models import AuditAction, User
from socmap.apps.core.pagination import Page, paginate
from socmap.apps.core.visibility import visible_filter
from socmap.apps.intel import reads
from socmap.apps.resolution.models import Membership, Pair, PairState, ResolutionRun, RunStatus
from socmap.apps.resolution.selectors.judgements import pair_explain
from socmap.engines import resolve

ITEMS_PAGE = 25
#: Log-odds from the threshold at which a pair teaches nothing more (0.5 against 0.99 is 4.6).
LOGIT_SPAN = 6.0


@dataclass(frozen=True)
class QueuePair:
    id: int
    left_id: str
    right_id: str
    probability: float
    version: int


@dataclass(frozen=True)
class ReviewItem:
    """One decision: are the records of these people (clusters) one person?"""

    key: str
    clusters: tuple[str, ...]
    pairs: tuple[QueuePair, ...]
    records: int
    priority: float
    #: The probability of the pair nearest the merge threshold.
    closest: float

    @property
    def top_probability(self) -> float:
        return max(p.probability for p in self.pairs)


def _logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))


def pair_information(probability: float, threshold: float) -> float:
    """How much deciding a pair teaches: 1 at the merge threshold, 0 from ``LOGIT_SPAN`` away."""
    return max(0.0, 1.0 - abs(_logit(probability) - _logit(threshold)) / LOGIT_SPAN)


def items_group(
    pairs: Iterable[QueuePair],
    canonical: dict[str, str],
    sizes: dict[str, int],
    apart: set[tuple[str, str]],
    threshold: float,
) -> list[ReviewItem]:
    """Pending pairs grouped into items, most telling first (pure: the bench runs it on its own).

    ``canonical``: record -> its cluster (records absent stand alone); ``sizes``: cluster ->
    records (absent: 1); ``apart``: cluster pairs (smaller first) an analyst said are different.
    """
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        root = x
        while parent.get(root, root) != root:
            root = parent[root]
        while parent.get(x, x) != root:
            parent[x], x = root, parent[x]
        return root

    kept: list[tuple[QueuePair, str, str]] = []
    for pair in pairs:
        a, b = canonical.get(pair.left_id, pair.left_id), canonical.get(pair.right_id, pair.right_id)
        if a == b or (min(a, b), max(a, b)) in apart:
            continue
        kept.append((pair, a, b))
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    grouped: dict[str, list[tuple[QueuePair, str, str]]] = defaultdict(list)
    for row in kept:
        grouped[find(row[1])].append(row)
    items = []
    for root, rows in grouped.items():
        clusters = tuple(sorted({c for _, a, b in rows for c in (a, b)}))
        records = sum(sizes.get(c, 1) for c in clusters)
        item_pairs = tuple(sorted((p for p, _, _ in rows), key=lambda p: (-p.probability, p.id)))
        closest = max(item_pairs, key=lambda p: (pair_information(p.probability, threshold), -p.id))
        teach = pair_information(closest.probability, threshold)
        items.append(
            ReviewItem(
                key=root,
                clusters=clusters,
                pairs=item_pairs,
                records=records,
                priority=round(teach * math.log2(1 + records), 6),
                closest=closest.probability,
            )
        )
    items.sort(key=lambda item: (-item.priority, item.key))
    return items


def merge_threshold() -> float:
    """The merge threshold of the last completed run (the engine's default before any)."""
    run = ResolutionRun.objects.filter(status=RunStatus.DONE).order_by("-id").first()
    return run.upper_threshold if run else resolve.ResolveConfig().upper_threshold


def _pending(viewer: User | None) -> list[QueuePair]:
    query = Pair.objects.filter(state=PairState.PENDING)
    if viewer is not None:
        query = query.filter(visible_filter(viewer, prefix="left__") & visible_filter(viewer, prefix="right__"))
    return [
        QueuePair(pk, left, right, float(p or 0.0), version)
        for pk, left, right, p, version in query.values_list(
            "id", "left_id", "right_id", "probability", "version"
        ).iterator(chunk_size=5000)
    ]


def _clusters(ids: set[str]) -> tuple[dict[str, str], dict[str, int]]:
    canonical: dict[str, str] = {}
    for part in chunks(sorted(ids), IN_LIST):
        canonical.update(Membership.objects.filter(entity_id__in=part).values_list("entity_id", "canonical_id"))
    sizes: dict[str, int] = {}
    for part in chunks(sorted(set(canonical.values())), IN_LIST):
        sizes.update(
            Membership.objects.filter(canonical_id__in=part)
            .values("canonical_id")
            .annotate(n=Count("entity_id"))
            .values_list("canonical_id", "n")
        )
    return canonical, sizes


def _apart(canonical: dict[str, str], clusters: set[str]) -> set[tuple[str, str]]:
    """Cluster pairs an analyst said are different people (their standing "not the same")."""
    out = set()
    for left, right in Pair.objects.filter(state=PairState.NO_MATCH, decided_by_user=True).values_list(
        "left_id", "right_id"
    ):
        a, b = canonical.get(left, left), canonical.get(right, right)
        if a in clusters and b in clusters and a != b:
            out.add((min(a, b), max(a, b)))
    return out


def review_items(*, viewer: User | None) -> list[ReviewItem]:
    """Every item of the queue the viewer may review, most telling first (``None``: a system read
    of every pair, for the bench and evaluation; nothing of a record is read, only ids)."""
    pairs = _pending(viewer)
    ids = {i for p in pairs for i in (p.left_id, p.right_id)}
    canonical, sizes = _clusters(ids)
    clusters = {canonical.get(i, i) for i in ids}
    apart = _apart(canonical, clusters) if clusters else set()
    return items_group(pairs, canonical, sizes, apart, merge_threshold())


def review_item_page(*, viewer: User, page: int = 1) -> Page[ReviewItem]:
    return paginate(review_items(viewer=viewer), page=page, per_page=ITEMS_PAGE)


def item_records(*, viewer: User, item: ReviewItem) -> dict[str, list[reads.Entity]]:
    """Each person of an item -> the records of it the viewer may see (at most 20 shown each)."""
    members: dict[str, list[str]] = {c: [c] for c in item.clusters}
    for part in chunks(list(item.clusters), IN_LIST):
        for entity_id, canonical in Membership.objects.filter(canonical_id__in=part).values_list(
            "entity_id", "canonical_id"
        ):
            if entity_id != canonical:
                members[canonical].append(entity_id)
    wanted = sorted({m for ms in members.values() for m in ms[:20]})
    seen = {e.id: e for e in reads.entity_list(viewer=viewer, ids=wanted)}
    return {c: [seen[m] for m in sorted(ms[:20]) if m in seen] for c, ms in members.items()}



@dataclass(frozen=True)
class ItemView:
    """An item on screen: each person's records the viewer may see, and why the model scored the
    pair nearest the threshold as it did."""

    item: ReviewItem
    people: tuple[tuple[str, tuple[reads.Entity, ...]], ...]
    #: Each pair with the names on its two records (blank where the viewer may not see one).
    rows: tuple[tuple[QueuePair, str, str], ...]
    evidence: Pair | None
    explanation: dict[str, Any]
    remaining: int


def item_get(*, viewer: User, key: str, justification: str) -> ItemView | None:
    """The item holding ``key`` with what is shown of it (one logged consultation naming every record
    shown), or None when no pending decision holds that person now."""
    items = review_items(viewer=viewer)
    person = Membership.objects.filter(entity_id=key).values_list("canonical_id", flat=True).first() or key
    item = next((i for i in items if person in i.clusters), None)
    if item is None:
        return None
    records = item_records(viewer=viewer, item=item)
    shown = sorted({e.id for es in records.values() for e in es})
    ids = {i for p in item.pairs for i in (p.left_id, p.right_id)}
    captions = reads.entity_captions(viewer=viewer, ids=ids)
    closest = next(p for p in item.pairs if p.probability == item.closest)
    evidence = Pair.objects.select_related("run").filter(pk=closest.id).first()
    audit_record(
        AuditAction.CONSULTATION,
        actor=viewer,
        object_type="resolution.reviewitem",
        object_id=item.key,
        object_repr=f"Review item of {len(item.clusters)} people",
        justification=justification,
        detail={"records": shown},
    )
    return ItemView(
        item=item,
        people=tuple((c, tuple(records.get(c, ()))) for c in item.clusters),
        rows=tuple((p, captions.get(p.left_id, ""), captions.get(p.right_id, "")) for p in item.pairs),
        evidence=evidence,
        explanation=pair_explain(pair=evidence) if evidence else {},
        remaining=len(items),
    )


def item_next(*, viewer: User, skipped: Iterable[str] = ()) -> ReviewItem | None:
    """The most telling item the viewer has not skipped."""
    passed = set(skipped)
    return next((i for i in review_items(viewer=viewer) if i.key not in passed), None)


def item_captions(*, viewer: User, items: Iterable[ReviewItem]) -> dict[str, tuple[str, ...]]:
    """Each item -> the distinct names on its pairs' records the viewer may see (at most four)."""
    chosen = list(items)
    captions = reads.entity_captions(
        viewer=viewer, ids={i for item in chosen for p in item.pairs for i in (p.left_id, p.right_id)}
    )
    out = {}
    for item in chosen:
        names = [captions[i] for p in item.pairs for i in (p.left_id, p.right_id) if captions.get(i)]
        out[item.key] = tuple(dict.fromkeys(names))[:4]
    return out
