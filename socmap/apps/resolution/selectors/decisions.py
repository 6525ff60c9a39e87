"""The pairs and decisions about a person's records, read lean for the person page.

The person of most records on the medium demo has a thousand scored pairs and as many decisions;
the page shows ten pending people and twenty decisions. Every pair and decision is read as a plain
row (no model objects, no record's raw row), and only those the page shows are read whole. Which
pairs the viewer may see is the rule's answer on both records (``reads.entities_visible``), as
``both_visible`` asks it in a query.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import date
from typing import NamedTuple

from django.db.models import Q

from socmap.apps.core.bulk import IN_LIST, chunks
from socmap.apps.core.models import User
from socmap.apps.intel import reads
from socmap.apps.resolution.models import Judgement, Pair, PairState
from socmap.apps.resolution.selectors.caches import cluster_build, component_find
from socmap.engines import resolve


class PairRow(NamedTuple):
    pk: int
    left_id: str
    right_id: str
    state: str
    probability: float | None


class JudgementRow(NamedTuple):
    pk: int
    left_id: str
    right_id: str
    decision: str
    by_person: bool
    day: date


def _touching(ids: Collection[str]) -> list[tuple[int, str, str, str, float | None]]:
    """Every pair with a record among ``ids``, whatever its state (ids only: no rule applied)."""
    out: dict[int, tuple[int, str, str, str, float | None]] = {}
    # Each id is asked for twice (either side of a pair): half the usual slice.
    for part in chunks(sorted(ids), IN_LIST // 2):
        for row in Pair.objects.filter(Q(left_id__among=part) | Q(right_id__among=part)).values_list(
            "id", "left_id", "right_id", "state", "probability"
        ):
            out[row[0]] = row
    return list(out.values())


def pairs_around(
    *, viewer: User, ids: list[str], cluster: Collection[str]
) -> tuple[dict[tuple[str, str], PairRow], tuple[resolve.ClusterConflict, ...]]:
    """The pairs of the visible records ``ids`` that the viewer may see both records of, and the
    conflicting decisions of their cluster (``cluster``: every record of it, seen or not) among
    the records the viewer may see."""
    touching = _touching(cluster)
    mine = set(ids)
    near = [r for r in touching if r[1] in mine or r[2] in mine]
    # ``ids`` are visible already; only the records at the other ends are checked.
    others = sorted({e for r in near for e in r[1:3]} - mine)
    seen = mine | (reads.entities_visible(viewer=viewer, ids=others) if others else set())
    visible = {(r[1], r[2]): PairRow(*r) for r in near if r[1] in seen and r[2] in seen}
    shown = mine | {e for key in visible for e in key}
    conflicts = tuple(
        c
        for c in _conflicts(ids, set(cluster), touching)
        if c.record_id_a in shown and c.record_id_b in shown
    )
    return visible, conflicts


def _conflicts(
    ids: list[str], cluster: set[str], touching: Iterable[tuple[int, str, str, str, float | None]]
) -> tuple[resolve.ClusterConflict, ...]:
    """Conflicting decisions in the records joined to ``ids`` by matches. A cluster no match leaves
    and no "not the same" decision splits has none, and most have none: only then is the component
    walked and clustered again."""
    if not ids:
        return ()
    inside = [(r[3], r[1] in cluster and r[2] in cluster) for r in touching]
    if all(within for state, within in inside if state == PairState.MATCH) and not any(
        within for state, within in inside if state == PairState.NO_MATCH
    ):
        return ()
    members = sorted(component_find(seed_ids=ids))
    pairs = Pair.objects.filter(left_id__in=members, right_id__in=members)
    return cluster_build(ids=members, pairs=pairs).conflicts


def judgement_rows(*, ids: list[str], visible: dict[tuple[str, str], PairRow]) -> list[JudgementRow]:
    """Decisions on the pairs of ``ids`` the viewer may see (``visible``), newest first."""
    out: dict[int, JudgementRow] = {}
    for part in chunks(sorted(ids), IN_LIST // 2):
        for pk, left, right, decision, user_id, at in Judgement.objects.filter(
            Q(left_id__among=part) | Q(right_id__among=part)
        ).values_list("id", "left_id", "right_id", "decision", "user_id", "created_at"):
            if (left, right) in visible:
                out[pk] = JudgementRow(pk, left, right, decision, user_id is not None, at.date())
    return sorted(out.values(), key=lambda j: -j.pk)


#: What the history says of a decision (``_history_item.html``): not its hash chain or model version.
_JUDGEMENT_FIELDS = (
    *("decision", "undoes_id", "probability", "reason", "created_at"),
    *("user__username", "user__first_name", "user__last_name"),
)


def judgements_whole(rows: Iterable[JudgementRow]) -> dict[int, Judgement]:
    """The decisions a page shows, with who made them."""
    out: dict[int, Judgement] = {}
    for part in chunks([r.pk for r in rows], IN_LIST):
        qs = Judgement.objects.filter(pk__in=part).select_related("user").only(*_JUDGEMENT_FIELDS)
        out.update((j.pk, j) for j in qs)
    return out


#: What a decision in a person's history says of its pair: the two records in words (``record_words``),
#: the link to compare them, the version an undo sends and whether the decision stands. Nothing else is
#: read: the explanation, the records' dates and the entities' search keys were most of the read.
_HISTORY_FIELDS = (
    "version",
    "judgement_id",
    *(
        f"{side}__{field}"
        for side in ("left", "right")
        for field in ("caption", "record__record_key", "record__source__title")
    ),
)


def pairs_whole(rows: Iterable[PairRow]) -> dict[int, Pair]:
    """The pairs a page's history shows, with both records in words and their sources."""
    out: dict[int, Pair] = {}
    for part in chunks([r.pk for r in rows], IN_LIST):
        qs = Pair.objects.filter(pk__in=part).select_related("left__record__source", "right__record__source")
        out.update((p.pk, p) for p in qs.only(*_HISTORY_FIELDS))
    return out
