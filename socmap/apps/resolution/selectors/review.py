"""The review queue's pages: one page of items, one item with its people and evidence, the next
item. The items come from ``review_queue`` (cached, caught up with every judgement)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from socmap.apps.core.audit import audit_record
from socmap.apps.core.bulk import IN_LIST, chunks
from socmap.apps.core.models import AuditAction, User
from socmap.apps.core.pagination import Page, paginate
from socmap.apps.intel import reads
from socmap.apps.resolution.models import Assignment, Membership, Pair
from socmap.apps.resolution.selectors.judgements import pair_explain
from socmap.apps.resolution.selectors.review_group import QueuePair, ReviewItem, items_group, pair_information
from socmap.apps.resolution.selectors.review_queue import merge_threshold, review_items

ITEMS_PAGE = 25
__all__ = [
    "ITEMS_PAGE",
    "ItemView",
    "QueuePair",
    "ReviewItem",
    "assigned_to",
    "assignees",
    "group_pairs",
    "item_captions",
    "item_find",
    "item_get",
    "item_next",
    "item_records",
    "items_group",
    "merge_threshold",
    "pair_information",
    "review_item_page",
    "review_items",
]


def review_item_page(*, viewer: User, page: int = 1, mine: bool = False) -> Page[ReviewItem]:
    """A page of the viewer's queue; ``mine``: only the items assigned to the viewer."""
    items = assigned_to(viewer=viewer) if mine else review_items(viewer=viewer)
    return paginate(items, page=page, per_page=ITEMS_PAGE)


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


def item_find(*, viewer: User, key: str, items: list[ReviewItem] | None = None) -> ReviewItem | None:
    """The item of ``key``, else the first holding that record's person (parts of a group share
    people); ids only, nothing of a record is read or shown (a decision checks its pairs by it).
    ``items``: the viewer's queue when the caller has just read it (each read checks the queue is
    current: two queries)."""
    items = review_items(viewer=viewer) if items is None else items
    found = next((i for i in items if i.key == key), None)
    if found is not None:
        return found
    person = Membership.objects.filter(entity_id=key).values_list("canonical_id", flat=True).first() or key
    return next((i for i in items if person in i.clusters), None)


def item_get(
    *, viewer: User, key: str, justification: str, items: list[ReviewItem] | None = None
) -> ItemView | None:
    """The item holding ``key`` with what is shown of it (one logged consultation naming every record
    shown), or None when no pending decision holds that person now. ``items`` as ``item_find``."""
    items = review_items(viewer=viewer) if items is None else items
    item = item_find(viewer=viewer, key=key, items=items)
    if item is None:
        return None
    records = item_records(viewer=viewer, item=item)
    shown = sorted({e.id for es in records.values() for e in es})
    ids = {i for p in item.pairs for i in (p.left_id, p.right_id)}
    captions = reads.entity_captions(viewer=viewer, ids=ids)
    closest = min(item.pairs, key=lambda p: (abs(p.probability - item.closest), p.id))
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


def group_pairs(*, viewer: User, item: ReviewItem, items: list[ReviewItem] | None = None) -> list[QueuePair]:
    """The pending pairs of every part of the item's group the viewer sees (its people's pending
    pairs to other people: a group is the people joined by pending pairs). ``items`` as
    ``item_find``."""
    group = item.group or item.key
    queue = review_items(viewer=viewer) if items is None else items
    return [p for i in queue if (i.group or i.key) == group for p in i.pairs]


def item_next(
    *, viewer: User, skipped: Iterable[str] = (), items: list[ReviewItem] | None = None
) -> ReviewItem | None:
    """The most telling item the viewer has not skipped. ``items`` as ``item_find``."""
    passed = set(skipped)
    queue = review_items(viewer=viewer) if items is None else items
    return next((i for i in queue if i.key not in passed), None)


def assignees(*, viewer: User, items: Iterable[ReviewItem]) -> dict[str, User]:
    """Each item -> the reviewer it is assigned to (the latest assignment of any of its records;
    items nobody was assigned are absent). Users of the viewer's organisation only are named."""
    chosen = list(items)
    records = {r for item in chosen for r, _ in item.sides}
    latest: dict[str, tuple[int, int | None]] = {}
    for part in chunks(sorted(records), IN_LIST):
        for pk, record, assignee_id in Assignment.objects.filter(record_id__in=part).values_list(
            "id", "record_id", "assignee_id"
        ):
            if pk > latest.get(record, (0, None))[0]:
                latest[record] = (pk, assignee_id)
    users = {u.pk: u for u in User.objects.filter(pk__in={u for _, u in latest.values() if u})}
    out: dict[str, User] = {}
    for item in chosen:
        standing = max((latest[r] for r, _ in item.sides if r in latest), default=(0, None))
        user = users.get(standing[1]) if standing[1] else None
        if user is not None and user.organisation_id == viewer.organisation_id:
            out[item.key] = user
    return out


def assigned_to(*, viewer: User) -> list[ReviewItem]:
    """The items of the viewer's queue assigned to the viewer, most telling first."""
    items = review_items(viewer=viewer)
    mine = assignees(viewer=viewer, items=items)
    return [i for i in items if mine.get(i.key) == viewer]


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
