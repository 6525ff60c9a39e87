"""What a decision teaches the pairs still pending around the people it touched (ADR 23).

A pending pair was scored record against record. Once an analyst says records are one person,
that person holds the values of all of them: a record with a name only may now have a date of
birth and an address through the others. So after a decision, each pending pair between a person
it touched and another person is scored again as a pair of people: for each comparison the best
level any of their stored pairs reached where both records held a value (the best match of any of
their records), added to the pair's own prior. People whose score reaches the run's merge
threshold are joined (never across two dates of birth no keying slip explains, as the run guards
its links), and people whose score falls below the review floor leave the queue; either way each
pending pair between them gets a judgement by the model, saying so, which the decision's undo
undoes with it.

Bounded to the pairs touching the decided people (at most ``RESCORE_LIMIT``), so a decision stays
fast. Pairs between records of one person, or between people an analyst said are different, are
left out of the queue by its grouping already (``review_group``): they need no judgement.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from socmap.apps.core.bulk import IN_LIST, chunks
from socmap.apps.core.models import User
from socmap.apps.intel import reads
from socmap.apps.resolution.models import Decision, Membership, Pair, PairState, ResolutionRun, RunStatus
from socmap.engines.resolve.clusters import births_conflict

#: The most pending pairs one decision re-scores.
RESCORE_LIMIT = 500
#: The model version written on a re-scored pair's judgement.
VERSION = "re-scored after a decision"


@dataclass(frozen=True)
class Rescored:
    """A pending pair the decision settles, with its score as a pair of people."""

    pair_id: int
    version: int
    left_id: str
    right_id: str
    probability: float
    decision: str
    reason: str


@dataclass(frozen=True)
class _Stored:
    left_id: str
    right_id: str
    match_weight: float | None
    explanation: dict[str, Any]


def _canonical(ids: Iterable[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for part in chunks(sorted(set(ids)), IN_LIST):
        out.update(Membership.objects.filter(entity_id__in=part).values_list("entity_id", "canonical_id"))
    return out


def _members(people: set[str]) -> dict[str, str]:
    """Record -> person for every record of these people (a record of its own is its person)."""
    out = {i: i for i in people}
    for part in chunks(sorted(people), IN_LIST):
        out.update(Membership.objects.filter(canonical_id__in=part).values_list("entity_id", "canonical_id"))
    return out


def _touching(
    ends: list[str], query: Q, values: tuple[str, ...], far: list[str] | None = None
) -> list[tuple[Any, ...]]:
    """Pairs with either end in ``ends`` (and the other in ``far``, when given): each end asked
    apart (an index scan each; PostgreSQL answers the OR of both by scanning the pairs)."""
    rows: dict[int, tuple[Any, ...]] = {}
    for part in chunks(ends, IN_LIST):
        for side, other in (("left_id", "right_id"), ("right_id", "left_id")):
            narrow = Q(**{f"{other}__in": far}) if far is not None else Q()
            for row in Pair.objects.filter(query, narrow, **{f"{side}__in": part}).values_list("id", *values):
                rows[row[0]] = row
    return list(rows.values())


def people_score(pairs: Iterable[_Stored]) -> float | None:
    """Two people's match weight from their records' stored pairs: the strongest pair's weight, with
    each comparison its two records could not make (a value missing on one side) taken from the
    best level another pair of theirs reached with both values held: the person's values, not the
    record's. A value still missing is no evidence either way. None when no pair carries its
    comparisons."""
    scored = [p for p in pairs if p.match_weight is not None and p.explanation]
    if not scored:
        return None
    strongest = max(scored, key=lambda p: float(p.match_weight or 0.0))
    weight = float(strongest.match_weight or 0.0)
    for key, own in strongest.explanation.items():
        if not key.startswith("mw_"):
            continue
        gamma = f"gamma_{key[3:]}"
        # Where the strongest pair's records both held a value, it stands: a better level of
        # another pair is another record's value, and taking the best of each comparison from
        # different pairs joined namesakes (measured on the medium demo against its truth).
        if int(strongest.explanation.get(gamma, -1)) != -1:
            continue
        held = [
            float(p.explanation.get(key, 0.0))
            for p in scored
            if gamma not in p.explanation or int(p.explanation[gamma]) != -1
        ]
        if not held:
            continue
        # A comparison with levels takes its best; a rule without (a twin guard, a shared
        # reference) stands as the strongest pair has it.
        best = max(held) if gamma in strongest.explanation else float(own)
        weight += best - float(own)
    return weight


def _probability(weight: float) -> float:
    return 1.0 / (1.0 + math.pow(2.0, -weight))


def _births(viewer: User, ids: Iterable[str]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = defaultdict(set)
    for row in reads.statement_rows(viewer=viewer, entity_ids=sorted(set(ids)), props={"birth_date"}):
        out[row.entity_id].add(str(row.value))
    return out


def _apart_by_birth(births: dict[str, set[str]], left: Iterable[str], right: Iterable[str]) -> bool:
    ours = {d for i in left for d in births.get(i, ())}
    theirs = {d for i in right for d in births.get(i, ())}
    return any(births_conflict(a, b) for a in ours for b in theirs)


def _pct(probability: float) -> str:
    return f"{probability:.1%}"


def rescore(
    *,
    actor: User,
    seeds: Iterable[str],
    joined: bool,
    pending: Iterable[tuple[int, str, str, int]] | None = None,
) -> list[Rescored]:
    """The pending pairs between the people of ``seeds`` (as they are now, after the decision) and
    other people that their score as pairs of people settles: joined above the last run's merge
    threshold, out of the queue below its review floor. Only pairs whose records the analyst may
    see. Pairs the analyst was shown and left out of the decision are re-scored too: they do not
    follow its pattern (the analyst did not decide them), but what it taught the model holds.

    ``joined``: the decision made one person of records (only then do people gain values, so
    only then may a re-score join them: after "not the same" or "unsure", re-scoring people it did
    not change joined wrong ones a third of the time on the medium demo; leaving the queue below
    the floor was right every time either way).

    ``pending``: the pending pairs (id, left, right, version) around these people as the review
    queue holds them for the actor (pairs it may see), instead of reading them; a pair decided
    meanwhile is skipped when the judgements are written."""
    run = (
        ResolutionRun.objects.filter(status=RunStatus.DONE)
        .order_by("-id")
        .values_list("upper_threshold", "lower_threshold")
        .first()
    )
    if run is None:
        return []
    threshold, floor = run
    seeds = set(seeds)
    found = _canonical(seeds)
    ours = _members({found.get(i, i) for i in seeds})
    seen: set[str] | None = None
    if pending is None:
        rows = _touching(sorted(ours), Q(state=PairState.PENDING), ("left_id", "right_id", "version"))
    else:
        rows = [row for row in pending if row[1] in ours or row[2] in ours]
        seen = {i for _, a, b, _ in rows for i in (a, b)}
    pending = sorted(rows)[:RESCORE_LIMIT]
    if not pending:
        return []
    others = {i for _, a, b, _ in pending for i in (a, b) if i not in ours}
    their = _canonical(others)
    person = {**_members({their.get(i, i) for i in others}), **ours}
    scores = _people_scores(ours, person)
    settled = {couple: p for couple, p in scores.items() if (joined and p >= threshold) or p < floor}
    if not settled:
        return []
    if seen is None:
        seen = reads.entities_visible(viewer=actor, ids={i for _, a, b, _ in pending for i in (a, b)})
    records_of: dict[str, list[str]] = defaultdict(list)
    for record, who in person.items():
        records_of[who].append(record)
    joining = {x for c, p in settled.items() if p >= threshold for x in c}
    births = _births(actor, [r for x in joining for r in records_of[x]]) if joining else {}
    return _judged(pending, person, settled, seen, births, records_of, (threshold, floor))


def _people_scores(ours: dict[str, str], person: dict[str, str]) -> dict[frozenset[str], float]:
    """The probability, as people, of each couple of a touched person and a person their pending
    pairs reach, from every stored pair between them (``people_score``)."""
    # Every stored pair between the touched people and the people their pending pairs reach.
    stored: dict[frozenset[str], list[_Stored]] = defaultdict(list)
    apart: set[frozenset[str]] = set()
    # Pairs between two touched people are not re-scored: "not the same" decides them all by its
    # pattern, and "unsure" teaches nothing about them. So only the pairs reaching other people are
    # read (with their comparisons), not every pair within the touched people.
    far = sorted(set(person) - set(ours))
    for _, a, b, state, by_user, weight, why in _touching(
        sorted(ours),
        Q(),
        ("left_id", "right_id", "state", "decided_by_user", "match_weight", "explanation"),
        far=far if len(far) <= IN_LIST else None,
    ):
        if a not in person or b not in person or (a in ours and b in ours):
            continue
        couple = frozenset((person[a], person[b]))
        if len(couple) != 2:
            continue
        if state == PairState.NO_MATCH and by_user:
            apart.add(couple)
        stored[couple].append(_Stored(a, b, weight, why or {}))
    scores: dict[frozenset[str], float] = {}
    for couple, pairs in stored.items():
        # One stored pair between two people is scored as it was: nothing new to learn.
        if couple not in apart and len(pairs) > 1 and (weight := people_score(pairs)) is not None:
            scores[couple] = _probability(weight)
    return scores


def _judged(
    pending: list[tuple[int, str, str, int]],
    person: dict[str, str],
    settled: dict[frozenset[str], float],
    seen: set[str],
    births: dict[str, set[str]],
    records_of: dict[str, list[str]],
    bounds: tuple[float, float],
) -> list[Rescored]:
    """The judgement of each pending pair whose people's new score settles it (a pair whose
    records the analyst may not see is left, as is a join across dates of birth that conflict)."""
    threshold, floor = bounds
    out: list[Rescored] = []
    for pk, a, b, version in pending:
        couple = frozenset((person.get(a, a), person.get(b, b)))
        p = settled.get(couple)
        if p is None or a not in seen or b not in seen:
            continue
        if p >= threshold:
            x, y = sorted(couple)
            if _apart_by_birth(births, records_of[x], records_of[y]):
                continue
            decision = Decision.MATCH
            reason = (
                f"Re-scored as people after a decision about them: {_pct(p)}, above the merge "
                f"threshold {_pct(threshold)}"
            )
        else:
            decision = Decision.NO_MATCH
            reason = (
                f"Re-scored as people after a decision about them: {_pct(p)}, below the review "
                f"floor {_pct(floor)}"
            )
        out.append(Rescored(pk, version, a, b, p, decision, reason))
    return out
