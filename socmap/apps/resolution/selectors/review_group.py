"""The review queue's items: pending pairs grouped into decisions about people, ordered by what a
decision teaches and moves (ADR 17). Pure: no database, so the bench runs it on a synthetic region.

A pending pair says "these two records may be one person". Reviewed one by one, the same two
people come back as many pairs (five records of Patricia Davies against three of Patrick Davis make
up to fifteen pairs). So the pending pairs are grouped by the people they would join: the canonical
entities (clusters) at either end of each pair, joined through pending pairs, make one **item**:
one decision about who these records are. Pairs whose two records already belong to one person
change nothing and are left out; so are pairs between two people an analyst has already said are
different (the pattern is decided: one "not the same" stands for every pair between them).

Items are ordered by how close the item's most uncertain pair is to the run's merge threshold (on
the log-odds scale: what the decision teaches) times the log of how many records it moves.

An item of more than ``PART_PAIRS`` pairs (on the medium demo, thirteen namesakes of one name made
1,239) is split into parts a reviewer can take in and one bulk decision may cover: the pairs
between each two people stay together, people who share a namesake are kept on one part while it
has room, and two people with more pairs between them than a part holds are shown by their most
telling pairs (a decision about them settles the rest: one person, or apart).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

#: Log-odds from the threshold at which a pair teaches nothing more (0.5 against 0.99 is 4.6).
LOGIT_SPAN = 6.0
#: The most pairs one item (one part of a larger one) holds: what one bulk decision may cover.
PART_PAIRS = 200


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
    #: Each record of the pairs with the cluster it belongs to now.
    sides: tuple[tuple[str, str], ...]
    records: int
    priority: float
    #: The probability of the pair nearest the merge threshold.
    closest: float
    #: The id of the group of people the item belongs to; parts of one split group share it.
    group: str = ""
    #: Which part of its group (0 when the group is one item).
    part: int = 0

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
    canonical: Mapping[str, str],
    sizes: Mapping[str, int],
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
    items = [
        _item(root, n, rows, sizes, threshold)
        for root, all_rows in grouped.items()
        for n, rows in enumerate(parts_split(all_rows, threshold))
    ]
    items.sort(key=lambda item: (-item.priority, item.key))
    return items


def _item(
    root: str, part: int, rows: list[tuple[QueuePair, str, str]], sizes: Mapping[str, int], threshold: float
) -> ReviewItem:
    clusters = tuple(sorted({c for _, a, b in rows for c in (a, b)}))
    records = sum(sizes.get(c, 1) for c in clusters)
    item_pairs = tuple(sorted((p for p, _, _ in rows), key=lambda p: (-p.probability, p.id)))
    closest = max(item_pairs, key=lambda p: (pair_information(p.probability, threshold), -p.id))
    teach = pair_information(closest.probability, threshold)
    return ReviewItem(
        key=root if part == 0 else f"{root}~{part}",
        clusters=clusters,
        pairs=item_pairs,
        sides=tuple(sorted({(p.left_id, a) for p, a, _ in rows} | {(p.right_id, b) for p, _, b in rows})),
        records=records,
        priority=round(teach * math.log2(1 + records), 6),
        closest=closest.probability,
        group=root,
        part=part,
    )


def parts_split(
    rows: list[tuple[QueuePair, str, str]], threshold: float, limit: int = PART_PAIRS
) -> list[list[tuple[QueuePair, str, str]]]:
    """A group's pairs in parts of at most ``limit``: the pairs between two people together (their
    most telling ``limit`` when more), each part grown from the most telling pair of people through
    the people it shares with the next."""
    if len(rows) <= limit:
        return [rows]
    between: dict[tuple[str, str], list[tuple[QueuePair, str, str]]] = defaultdict(list)
    for row in rows:
        between[(min(row[1], row[2]), max(row[1], row[2]))].append(row)

    def telling(row: tuple[QueuePair, str, str]) -> tuple[float, int]:
        return (-pair_information(row[0].probability, threshold), row[0].id)

    people = sorted(between, key=lambda k: min(telling(r) for r in between[k]))
    parts: list[list[tuple[QueuePair, str, str]]] = []
    held: list[set[str]] = []
    for couple in people:
        chosen = sorted(between[couple], key=telling)[:limit]
        room = next(
            (i for i, part in enumerate(parts) if len(part) + len(chosen) <= limit and held[i] & set(couple)),
            None,
        )
        if room is None:
            parts.append(list(chosen))
            held.append(set(couple))
        else:
            parts[room].extend(chosen)
            held[room] |= set(couple)
    return parts
