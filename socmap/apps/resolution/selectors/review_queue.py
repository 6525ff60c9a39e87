"""The review queue, kept in each process and caught up with every judgement (ADR 17).

Grouping every pending pair of a region (48,000 on the medium demo) takes seconds; a decision
changes only the item it decides. So each process keeps the queue of every record (ids only, no
value of a record) as of a judgement id, and on each read catches up from the judgements made since
(by anyone, in any process): the records they name, the people those records belong to now and
every pending pair around them are grouped again, and the items they touch are replaced. A new run
(or judgements rolled back, or a very large catch-up) rebuilds it whole.

A viewer sees an item with only the pairs whose two records it may see: which records an
organisation may see is read once per run and per rule (``core.visibility`` through
``reads.entities_visible``), not joined into the pairs' query: the planner's estimate of the
rule's many ORs (55 rows where there are thousands) made that join nested loops taking 43 s and
more on the medium demo.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Q

from socmap.apps.core.bulk import IN_LIST, chunks
from socmap.apps.core.models import User
from socmap.apps.core.visibility import visible_filter
from socmap.apps.intel import reads
from socmap.apps.resolution.models import Judgement, Membership, Pair, PairState, ResolutionRun, RunStatus
from socmap.apps.resolution.selectors.review_group import QueuePair, ReviewItem, items_group, pair_information
from socmap.engines import resolve

#: More new judgements than this since the queue was built (a run's, a rebuild): build it again.
CATCH_UP_LIMIT = 2000


@dataclass
class _Queue:
    run_id: int | None
    threshold: float
    version: int
    items: dict[str, ReviewItem]
    #: The hash-chain link of the judgement ``version``: another database's judgement of that id
    #: (a test database flushed, a restore) has another.
    seal: str = ""
    #: Record or cluster id -> the group of the items holding it (the parts of a split group).
    where: dict[str, str] = field(default_factory=dict)
    ordered: list[ReviewItem] = field(default_factory=list)

    def index(self, gone: Iterable[ReviewItem] = (), added: Iterable[ReviewItem] | None = None) -> None:
        """Index the items: all of them, or only what changed (``gone`` removed, ``added`` new)."""
        if added is None:
            self.where, added = {}, list(self.items.values())
        for item in gone:
            for i in _ids(item):
                if self.where.get(i) == (item.group or item.key):
                    del self.where[i]
        for item in added:
            for i in _ids(item):
                self.where[i] = item.group or item.key
        self.ordered = sorted(self.items.values(), key=lambda i: (-i.priority, i.key))


def _ids(item: ReviewItem) -> set[str]:
    return {*item.clusters, *(r for p in item.pairs for r in (p.left_id, p.right_id))}


_lock = threading.Lock()
_queue: _Queue | None = None
#: (rule, day, run) -> (ids checked, ids visible) for a viewer's organisation.
_visible: dict[tuple[str, date, int | None], tuple[set[str], set[str]]] = {}
#: The same key -> (queue version, the items as that viewer sees them, and each queue item (by its
#: id, held so the id is not reused) with what the viewer sees of it).
_for_viewer: dict[
    tuple[str, date, int | None],
    tuple[int, list[ReviewItem], dict[int, tuple[ReviewItem, ReviewItem | None]]],
] = {}


def merge_threshold() -> float:
    """The merge threshold of the last completed run (the engine's default before any)."""
    run = ResolutionRun.objects.filter(status=RunStatus.DONE).order_by("-id").first()
    return run.upper_threshold if run else resolve.ResolveConfig().upper_threshold


def _pending(query: Q, *, stream: bool = False) -> list[QueuePair]:
    """Pending pairs; ``stream``: in chunks (every pair of a region). A catch-up's few are read at
    once: on PostgreSQL a stream is a server-side cursor held past its transaction, three round
    trips and a copy of the result for a handful of rows."""
    rows = Pair.objects.filter(query, state=PairState.PENDING).values_list(
        "id", "left_id", "right_id", "probability", "version"
    )
    return [
        QueuePair(pk, left, right, float(p or 0.0), version)
        for pk, left, right, p, version in (rows.iterator(chunk_size=5000) if stream else rows)
    ]


def _canonical(ids: Iterable[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for part in chunks(sorted(set(ids)), IN_LIST):
        out.update(Membership.objects.filter(entity_id__in=part).values_list("entity_id", "canonical_id"))
    return out


def _sizes(clusters: Iterable[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for part in chunks(sorted(set(clusters)), IN_LIST):
        out.update(
            Membership.objects.filter(canonical_id__in=part)
            .values("canonical_id")
            .annotate(n=Count("entity_id"))
            .values_list("canonical_id", "n")
        )
    return out


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


def _group(pairs: list[QueuePair], canonical: dict[str, str], threshold: float) -> list[ReviewItem]:
    clusters = {canonical.get(i, i) for p in pairs for i in (p.left_id, p.right_id)}
    apart = _apart(canonical, clusters) if clusters else set()
    return items_group(pairs, canonical, _sizes(clusters), apart, threshold)


def _build(run_id: int | None, threshold: float, version: int) -> _Queue:
    pairs = _pending(Q(), stream=True)
    canonical = _canonical(i for p in pairs for i in (p.left_id, p.right_id))
    queue = _Queue(run_id, threshold, version, {i.key: i for i in _group(pairs, canonical, threshold)})
    queue.index()
    return queue


def _around(seeds: set[str]) -> tuple[list[QueuePair], dict[str, str], set[str]]:
    """The pending pairs around the seeds' people now, through pending pairs to other people:
    the pairs, the clusters of their records, and every record and cluster id reached."""
    reached: set[str] = set()
    canonical: dict[str, str] = {}
    pairs: dict[int, QueuePair] = {}
    frontier = set(seeds)
    while frontier:
        reached |= frontier
        # Every record of the frontier's people with its person, in one query a slice (a record
        # of a person is a member of it; a record of its own has no membership).
        rows: list[tuple[str, str]] = []
        for part in chunks(sorted(frontier), IN_LIST):
            rows.extend(
                Membership.objects.filter(
                    canonical_id__in=Membership.objects.filter(entity_id__in=part).values("canonical_id")
                ).values_list("entity_id", "canonical_id")
            )
        canonical.update(rows)
        clusters = {canonical.get(i, i) for i in frontier}
        members: set[str] = clusters | {entity for entity, _ in rows}
        fresh = members - reached
        reached |= members
        touching = sorted(members)
        nxt: set[str] = set()
        # Each end asked for apart (an index scan each): PostgreSQL answered the OR of both by
        # scanning the pending pairs.
        for part in chunks(touching, IN_LIST):
            for pair in [*_pending(Q(left_id__in=part)), *_pending(Q(right_id__in=part))]:
                pairs[pair.id] = pair
                nxt.update((pair.left_id, pair.right_id))
        frontier = (nxt | fresh) - reached
    return list(pairs.values()), canonical, reached


def _catch_up(queue: _Queue, version: int) -> bool:
    """Regroup around the judgements made since the queue's version; False when too many."""
    new = list(
        Judgement.objects.filter(id__gt=queue.version, id__lte=version).values_list("left_id", "right_id")[
            : CATCH_UP_LIMIT + 1
        ]
    )
    if len(new) > CATCH_UP_LIMIT:
        return False
    seeds = {i for pair in new for i in pair}
    pairs, canonical, reached = _around(seeds)
    touched = {queue.where[i] for i in reached if i in queue.where}
    gone = [queue.items.pop(k) for k, i in list(queue.items.items()) if (i.group or i.key) in touched]
    added = _group(pairs, canonical, queue.threshold)
    for item in added:
        queue.items[item.key] = item
    queue.version = version
    queue.index(gone, added)
    return True


def _seal(version: int) -> str:
    found = Judgement.objects.filter(id=version).values_list("chain_hash", flat=True).first()
    return "" if version == 0 else f"{version}:{found}"


def _current() -> _Queue:
    """The queue of every record as of the latest judgement."""
    global _queue
    run = (
        ResolutionRun.objects.filter(status=RunStatus.DONE)
        .order_by("-id")
        .values_list("id", "upper_threshold")
        .first()
    )
    run_id, threshold = run if run else (None, resolve.ResolveConfig().upper_threshold)
    # The latest judgement and its chain link in one read: the queue as of it is sealed by both.
    last = Judgement.objects.order_by("-id").values_list("id", "chain_hash").first()
    version, latest = (last[0], f"{last[0]}:{last[1]}") if last else (0, "")
    with _lock:
        queue = _queue
        usable = (
            queue is not None
            and queue.run_id == run_id
            and queue.version <= version
            # Judgements rolled back (or a database replaced): the queue's last one is gone.
            and queue.seal == (latest if queue.version == version else _seal(queue.version))
        )
        if queue is None or not usable or (queue.version < version and not _catch_up(queue, version)):
            queue = _build(run_id, threshold, version)
        queue.seal = latest
        _queue = queue
        return queue


def _visible_ids(viewer: User, ids: set[str], run_id: int | None) -> set[str]:
    """Which of ``ids`` the viewer may see (the rule's answer kept per rule, day and run)."""
    key = (str(visible_filter(viewer)), date.today(), run_id)
    if len(_visible) > 64:  # rules of days and runs gone by
        _visible.clear()
    with _lock:
        checked, visible = _visible.setdefault(key, (set(), set()))
        unknown = ids - checked
    if unknown:
        found = reads.entities_visible(viewer=viewer, ids=unknown)
        with _lock:
            checked |= unknown
            visible |= found
    return visible


def _as_seen(item: ReviewItem, visible: set[str], threshold: float) -> ReviewItem | None:
    """The item with only the pairs whose two records the viewer may see (None: no such pair)."""
    pairs = tuple(p for p in item.pairs if p.left_id in visible and p.right_id in visible)
    if not pairs:
        return None
    # Ids the viewer uses are records it may see, never a hidden record's (ADR 3).
    side = dict(item.sides)
    records = sorted({i for p in pairs for i in (p.left_id, p.right_id)})
    return dataclasses.replace(
        item,
        key=records[0] if item.part == 0 else f"{records[0]}~{item.part}",
        pairs=pairs,
        clusters=tuple(sorted({side[r] for r in records})),
        sides=tuple((r, side[r]) for r in records),
        closest=item.closest
        if len(pairs) == len(item.pairs)
        else max(pairs, key=lambda p: (pair_information(p.probability, threshold), -p.id)).probability,
    )


def review_items(*, viewer: User | None) -> list[ReviewItem]:
    """Every item of the queue the viewer may review, most telling first. ``None``: every record
    (a system read of ids, for the bench; nothing of a record is read).

    Each item as a viewer sees it is kept (by the item, which a catch-up replaces only where a
    decision touched): after a decision only the items it changed are filtered again."""
    queue = _current()
    if viewer is None:
        return list(queue.ordered)
    rule = (str(visible_filter(viewer)), date.today(), queue.run_id)
    with _lock:
        kept = _for_viewer.get(rule)
    if kept is not None and kept[0] == queue.version:
        return list(kept[1])
    seen = kept[2] if kept is not None else {}
    fresh = [item for item in queue.ordered if id(item) not in seen]
    ids = {i for item in fresh for p in item.pairs for i in (p.left_id, p.right_id)}
    visible = _visible_ids(viewer, ids, queue.run_id)
    memo = {
        id(item): seen.get(id(item)) or (item, _as_seen(item, visible, queue.threshold))
        for item in queue.ordered
    }
    out = [shown for _, shown in memo.values() if shown is not None]
    with _lock:
        if len(_for_viewer) > 64:
            _for_viewer.clear()
        _for_viewer[rule] = (queue.version, out, memo)
    return list(out)
