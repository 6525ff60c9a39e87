"""What the person page says first, in words: who this is (names, dates of birth, identifiers,
addresses, phones, vehicles, each with its best grading and the date it was last *reported*), the
people waiting to be matched with them (once per person), and how their records came to be joined.

Built from what ``entity_get`` has already read as the viewer; dates reported are the records'
``observed_on`` (the day the source says), never the day a value was loaded.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from socmap.apps.core.models import User
from socmap.apps.intel import reads
from socmap.apps.resolution.models import Decision
from socmap.apps.resolution.selectors.caches import person_cluster_map
from socmap.apps.resolution.selectors.values import FoldedValue, Value, fold

#: (label, properties): the rows of the summary, in this order. Values of linked entities carry the
#: prefix ``values.value_map`` gives them ("address full").
SUMMARY_ROWS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Names", ("full_name", "alias", "nickname")),
    ("Date of birth", ("birth_date",)),
    ("Identifiers", ("pnc_id", "ni_number", "custody_number", "prison_number")),
    ("Addresses", ("address full",)),
    ("Phones", ("phone number",)),
    ("Vehicles", ("vehicle registration",)),
)
SUMMARY_SHOWN = 3
_ID_WORDS = {
    "pnc_id": "PNC",
    "ni_number": "NI",
    "custody_number": "custody",
    "prison_number": "prison",
}


@dataclass(frozen=True)
class Shown:
    """A value as the summary and the table show it: once, with its best grading, how many records
    give it and the last day one of them was reported."""

    folded: FoldedValue
    reported: date | None
    kind: str = ""  # for identifiers: which ("PNC", "NI")


@dataclass(frozen=True)
class SummaryRow:
    label: str
    values: tuple[Shown, ...]
    more: int  # values not shown in the summary (the table below has them)


@dataclass(frozen=True)
class Summary:
    rows: tuple[SummaryRow, ...]
    records: int
    sources: tuple[str, ...]
    last_reported: date | None


class PairLike(Protocol):
    """A pair as a list of them is read (``decisions.PairRow``) or whole (``Pair``)."""

    @property
    def pk(self) -> Any: ...
    @property
    def left_id(self) -> Any: ...
    @property
    def right_id(self) -> Any: ...
    @property
    def probability(self) -> float | None: ...


@dataclass(frozen=True)
class PendingPerson:
    """Possible matches with one other person, shown once: the likeliest pair stands for them all."""

    pair: PairLike
    name: str
    probability: float
    pairs: int


def shown(values: Sequence[Value], reported: dict[int, date], kind: str = "") -> tuple[Shown, ...]:
    """``values`` folded (as ``values.fold``), each with the last day its records were reported."""
    days: dict[tuple[str, str, str, str, str], list[date]] = defaultdict(list)
    for v in values:
        if v.record_id in reported:
            days[(v.value, v.grading, v.handling, v.conditions, v.source)].append(reported[v.record_id])
    return tuple(
        Shown(
            f, max(days.get((f.value, f.grading, f.handling, f.conditions, f.source), []), default=None), kind
        )
        for f in fold(values)
    )


def _once_per_value(items: Iterable[Shown]) -> tuple[Shown, ...]:
    """One per value (the first, best graded): the summary says a value once whatever its sources."""
    seen: dict[str, Shown] = {}
    for item in items:
        key = item.folded.value.strip().lower()
        if key not in seen:
            seen[key] = item
    return tuple(seen.values())


def summary_build(
    values: dict[str, tuple[Value, ...]], members: Sequence[reads.Entity], reported: dict[int, date]
) -> Summary:
    rows = []
    for label, props in SUMMARY_ROWS:
        items: list[Shown] = []
        for prop in props:
            items.extend(shown(values.get(prop, ()), reported, _ID_WORDS.get(prop, "")))
        if label == "Names" and not items:
            items = [
                Shown(FoldedValue(n, (), "", "", "", "", 0, c, members[0].record.last_seen), None)
                for n, c in Counter(m.caption for m in members if m.caption).most_common()
            ]
        unique = _once_per_value(items)
        if unique:
            rows.append(SummaryRow(label, unique[:SUMMARY_SHOWN], max(0, len(unique) - SUMMARY_SHOWN)))
    record_ids = {m.record_id for m in members}
    sources = Counter(m.record.source.title for m in members)
    return Summary(
        rows=tuple(rows),
        records=len(record_ids),
        sources=tuple(s for s, _ in sources.most_common()),
        last_reported=max((reported[r] for r in record_ids if r in reported), default=None),
    )


def person_names(*, viewer: User, entity_ids: Iterable[str]) -> dict[str, tuple[str, str]]:
    """Each record entity -> (the id the viewer opens its person by, the person's name as their
    visible records most often give it). An entity a record names only by its own label (a
    co-accused with no name in that record) takes its person's name; one whose person has no name
    in any visible record is left out, and none the viewer may not see is named."""
    clusters = person_cluster_map(viewer=viewer, entity_ids=entity_ids)
    captions = reads.entity_captions(viewer=viewer, ids=sorted({m for ms in clusters.values() for m in ms}))
    # Records of one person share their cluster's list (``person_cluster_map``): named once each.
    named: dict[int, tuple[str, str] | None] = {}
    out: dict[str, tuple[str, str]] = {}
    for entity_id, members in clusters.items():
        if id(members) not in named:
            seen = [m for m in members if m in captions]
            names = Counter(captions[m] for m in seen if captions[m])
            named[id(members)] = (seen[0], max(names, key=lambda n: (names[n], n))) if names else None
        found = named[id(members)]
        if found is not None:
            out[entity_id] = found
    return out


def pending_people(
    *,
    viewer: User,
    pending: Sequence[PairLike],
    ids: Sequence[str],
    names: dict[str, tuple[str, str]] | None = None,
) -> list[PendingPerson]:
    """Pending pairs (likeliest first) gathered by the other person they would join (``names``:
    ``person_names`` of those others, when the caller has read them with others')."""
    mine = set(ids)
    others = {p.pk: (p.right_id if p.left_id in mine else p.left_id) for p in pending}
    if names is None:
        names = person_names(viewer=viewer, entity_ids=set(others.values()))
    groups: dict[str, list[PairLike]] = {}
    for p in pending:
        other = others[p.pk]
        key = names[other][0] if other in names else other
        groups.setdefault(key, []).append(p)
    # People no visible record names are said by their record's source and reference.
    unnamed = sorted({others[pairs[0].pk] for pairs in groups.values()} - set(names))
    records = {e.id: e for e in reads.entity_list(viewer=viewer, ids=unnamed)} if unnamed else {}
    out = []
    for pairs in groups.values():
        best = pairs[0]
        other = others[best.pk]
        if other in names:
            name = names[other][1]
        else:
            name = record_words(records[other]) if other in records else "an unnamed person"
        out.append(PendingPerson(best, name, best.probability or 0.0, len(pairs)))
    return out


def record_words(entity: reads.Entity) -> str:
    """A record entity in words when it has no name: its source and the source's own reference."""
    return (
        entity.caption
        or f"an unnamed person in {entity.record.source.title} record {entity.record.record_key}"
    )


@dataclass(frozen=True)
class HistoryWords:
    """The merge history in a few sentences; the decisions themselves are listed below it."""

    sentences: tuple[str, ...]
    by_model: int


def history_words(judgements: Sequence[tuple[str, bool, date]]) -> HistoryWords:
    """(decision, made by a person, day) of each decision about the records, newest first."""
    model = [(d, day) for d, person, day in judgements if not person]
    people = [(d, day) for d, person, day in judgements if person]
    sentences = []
    joined = [day for d, day in model if d == Decision.MATCH]
    if joined:
        pairs = _count(len(joined), "pair")
        sentences.append(
            f"The matching model found {pairs} of these records to be the same person, {_span(joined)}."
        )
    apart = [day for d, day in model if d == Decision.NO_MATCH]
    if apart:
        sentences.append(f"It kept {_count(len(apart), 'look-alike pair')} apart, {_span(apart)}.")
    if people:
        counts = Counter(d for d, _ in people)
        parts = ", ".join(f"{n} {_DECISION_WORDS.get(d, str(d))}" for d, n in counts.most_common())
        decisions = _count(len(people), "decision")
        sentences.append(f"People made {decisions} ({parts}), the last on {_day(people[0][1])}.")
    if not sentences:
        sentences.append("No decisions about these records yet.")
    return HistoryWords(tuple(sentences), len(model))


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _day(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


_DECISION_WORDS: dict[str, str] = {
    Decision.MATCH.value: "same person",
    Decision.NO_MATCH.value: "not the same person",
    Decision.UNSURE.value: "unsure",
    Decision.UNDO.value: "undo",
}


def _span(days: list[date]) -> str:
    first, last = min(days), max(days)
    if first == last:
        return f"on {_day(first)}"
    return f"between {_day(first)} and {_day(last)}"
