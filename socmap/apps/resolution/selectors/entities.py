"""A canonical entity as the viewer may see it: its visible records, every value, the events its
records link it to, what else they link it to, and its merge history.

Records hidden from the viewer leave no trace: no count, no id, no value.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from socmap.apps.core.models import User
from socmap.apps.core.pagination import Page, paginate
from socmap.apps.intel import reads
from socmap.apps.resolution.models import Judgement, Pair, PairState
from socmap.apps.resolution.selectors import decisions
from socmap.apps.resolution.selectors.caches import canonical_map, member_ids
from socmap.apps.resolution.selectors.person import (
    HistoryWords,
    PendingPerson,
    Shown,
    Summary,
    history_words,
    pending_people,
    person_names,
    record_words,
    shown,
    summary_build,
)
from socmap.apps.resolution.selectors.values import (
    PARTIES,
    FoldedValue,
    Value,
    event_schemata,
    fold,
    prop_rank,
    value_map,
    value_rank,
)
from socmap.engines import resolve
from socmap.model.types import collapse

HISTORY_PAGE = 20
PENDING_SHOWN = 10
EVENTS_PAGE = 50
#: Rows of the values table and records of the records list a page shows: the person of most
#: records at a million rows has 589 records and 600 values, and drawing all of them was most of
#: the page's time.
VALUES_PAGE = 50
RECORDS_PAGE = 50
#: The property that says what an event was, first present wins; the description follows it.
EVENT_SUMMARY = ("offence", "theme", "category", "concern", "amount", "location", "reference")


def most_given(names: Iterable[str]) -> str:
    """The name a person's records give most often (the first in order of equals), or ""."""
    counts = Counter(n for n in names if n)
    return max(counts, key=lambda n: (counts[n], n)) if counts else ""


@dataclass(frozen=True)
class HistoryItem:
    judgement: Judgement
    pair: Pair | None
    other_id: str
    standing: bool

    @property
    def words(self) -> str:
        """The two records in words, never a blank: a record without a name by its source and reference."""
        if self.pair is None:
            return "Two records"
        return f"{record_words(self.pair.left)} and {record_words(self.pair.right)}"


@dataclass(frozen=True)
class EventRow:
    """An event the entity's records link it to (an arrest, a report, a sighting), as one row."""

    entity_id: str
    schema: str
    date: str
    time: str
    summary: str
    description: str
    reference: str
    source: str
    grading: str
    handling: str
    conditions: str
    record_id: int


@dataclass(frozen=True)
class Related:
    """What the records link the entity to, once per link kind and name: thirteen records giving the
    same address make one line, linked to the first of them. A person is named as resolution knows
    them (their records' name), never by the label one record gives them ("coaccused1")."""

    schema: str  # the link's
    entity: reads.EntityRow
    records: int
    name: str = ""
    opens: str = ""  # the id the viewer opens it by

    @property
    def label(self) -> str:
        return self.name or self.entity.caption or "an unnamed person"


@dataclass(frozen=True)
class EntityView:
    entity: reads.Entity
    canonical_id: str
    members: tuple[reads.Entity, ...]
    conditions: tuple[str, ...]
    values: tuple[tuple[str, tuple[Value, ...]], ...]
    history: Page[HistoryItem]  # the model's decisions, newest first
    events: Page[EventRow]
    conflicts: tuple[resolve.ClusterConflict, ...]
    pending: Page[PendingPerson]  # the most likely first, once per person; the review queue has them all
    related: tuple[Related, ...] = field(default_factory=tuple)
    linked: bool = False  # whether the records link the entity to anything but events
    summary: Summary | None = None
    history_words: HistoryWords | None = None
    reported: dict[int, date] = field(default_factory=dict)
    people_history: tuple[HistoryItem, ...] = ()  # decisions people made, newest first
    value_rows: Page[tuple[str, tuple[Shown, ...]]] | None = None  # a page of ``table``
    records: Page[reads.Entity] | None = None  # a page of ``members``

    @property
    def caption(self) -> str:
        return most_given([m.caption for m in self.members]) or self.entity.caption

    @property
    def folded(self) -> tuple[tuple[str, tuple[FoldedValue, ...]], ...]:
        """Every value, with values repeated across records shown once."""
        return tuple((prop, fold(values)) for prop, values in self.values)

    @property
    def table(self) -> tuple[tuple[str, tuple[Shown, ...]], ...]:
        """Every value shown once, with the day it was last reported (the page's table)."""
        return tuple((prop, shown(values, self.reported)) for prop, values in self.values)


def table_page(
    values: Iterable[tuple[str, Iterable[Value]]], reported: dict[int, date], page: int = 1
) -> Page[tuple[str, tuple[Shown, ...]]]:
    """A page of the values table's rows (``VALUES_PAGE``: every value shown once, with the day it
    was last reported), grouped by property as the table shows them; its total counts rows."""
    rows = [(prop, item) for prop, items in values for item in shown(tuple(items), reported)]
    cut = paginate(rows, page=page, per_page=VALUES_PAGE)
    groups: dict[str, list[Shown]] = {}
    for prop, item in cut.items:
        groups.setdefault(prop, []).append(item)
    return Page([(p, tuple(items)) for p, items in groups.items()], cut.number, cut.per_page, cut.total)


def event_list(
    *, viewer: User, entity_ids: list[str], links: Iterable[reads.LinkRow] | None = None
) -> list[EventRow]:
    """Events linked from these entities in their own records, visible to the viewer, newest first
    (``links``: the links going out of the entities, when the caller has read them already)."""
    events = event_schemata()
    if links is None:
        links = reads.link_rows(viewer=viewer, from_entities=entity_ids, target_schemas=events)
    event_ids = {link.target_entity_id for link in links if link.target_schema in events}
    props: dict[str, dict[str, str]] = defaultdict(dict)
    first: dict[str, reads.StatementRow] = {}
    for st in reads.statement_rows(viewer=viewer, entity_ids=sorted(event_ids)):
        props[st.entity_id].setdefault(st.prop, st.value)
        first.setdefault(st.entity_id, st)
    sources = reads.record_sources(viewer=viewer, ids={st.record_id for st in first.values()})
    rows = []
    for entity_id, values in props.items():
        st = first[entity_id]
        summary = next((values[p] for p in EVENT_SUMMARY if values.get(p)), "")
        description = values.get("description", "")
        rows.append(
            EventRow(
                entity_id=entity_id,
                schema=st.schema,
                date=values.get("date", ""),
                time=values.get("time", ""),
                summary=summary,
                description="" if description == summary else description,
                reference=values.get("reference", ""),
                source=sources.get(st.record_id, ""),
                grading=st.grading,
                handling=st.handling,
                conditions=st.conditions,
                record_id=st.record_id,
            )
        )
    rows.sort(key=lambda r: (r.date, r.time, r.entity_id), reverse=True)
    return rows


def entity_get(
    *,
    viewer: User,
    entity_id: str,
    justification: str,
    history_page: int | None = 1,
    events_page: int | None = 1,
    values_page: int = 1,
    records_page: int = 1,
    links: bool = True,
) -> EntityView:
    """A canonical entity as the viewer may see it: its visible records, every value, the events its
    records link it to and its merge history (a page of each, newest first: a person of many records
    has hundreds of decisions, a vehicle thousands of sightings; values and records a page each too).
    ``history_page`` or ``events_page`` None, ``links`` false: the model's decisions, the events or
    what the records link to are counted or noted, not read (the person page loads them when they
    are opened: ``entity_decisions``, ``entity_events``, ``entity_links``)."""
    entity, conditions = reads.entity_open(viewer=viewer, entity_id=entity_id, justification=justification)
    cluster = member_ids(viewer=viewer, entity_id=entity.id)
    members = reads.entity_list(viewer=viewer, ids=cluster, listed=True)
    ids = [m.id for m in members]
    # The links of the records' people, read once for the values, the events and "Linked to".
    touching = sorted(reads.link_rows(viewer=viewer, touching=ids), key=lambda link: link.id)
    mine = set(ids)
    outgoing = [link for link in touching if link.source_entity_id in mine]
    values = value_map(viewer=viewer, entity_ids=ids, parties=False, events=False, links=outgoing)
    merged: dict[str, list[Value]] = defaultdict(list)
    for by_prop in values.values():
        for prop, items in by_prop.items():
            merged[prop].extend(items)
    ordered_values = tuple(
        (prop, tuple(sorted(merged[prop], key=value_rank))) for prop in sorted(merged, key=prop_rank)
    )
    pairs, conflicts = decisions.pairs_around(viewer=viewer, ids=ids, cluster=cluster)
    judged = decisions.judgement_rows(ids=ids, visible=pairs)
    by_model = [j for j in judged if not j.by_person]
    model = (
        paginate(by_model, page=history_page, per_page=HISTORY_PAGE)
        if history_page is not None
        else Page([], 1, HISTORY_PAGE, len(by_model))
    )
    people = [j for j in judged if j.by_person]
    shown = _history(ids, pairs, [*people, *model.items])
    pending = sorted(
        (p for p in pairs.values() if p.state == PairState.PENDING),
        key=lambda p: (-(p.probability or 0.0), p.pk),
    )
    # The day each record was reported came with its values; records without a value read it here.
    reported = {v.record_id: v.reported for _, vs in ordered_values for v in vs if v.reported is not None}
    unread = {m.record_id for m in members} - {v.record_id for _, vs in ordered_values for v in vs}
    if unread:
        reported.update(reads.record_reported(viewer=viewer, ids=unread))
    # The people waiting to be matched are named with the linked people, in one read of names.
    waiting = {p.right_id if p.left_id in mine else p.left_id for p in pending}
    if links:
        related, names = _related(viewer, ids, touching, also=waiting)
    else:
        related, names = (), person_names(viewer=viewer, entity_ids=sorted(waiting))
    return EntityView(
        entity=entity,
        canonical_id=ids[0] if ids else entity.id,
        members=tuple(members),
        conditions=tuple(dict.fromkeys(conditions + tuple(m.conditions for m in members if m.conditions))),
        values=ordered_values,
        history=Page([shown[j.pk] for j in model.items], model.number, model.per_page, model.total),
        people_history=tuple(shown[j.pk] for j in people),
        events=_events(viewer, ids, outgoing, events_page),
        conflicts=conflicts,
        pending=paginate(
            pending_people(viewer=viewer, pending=pending, ids=ids, names=names), per_page=PENDING_SHOWN
        ),
        related=related,
        linked=any(link.target_schema not in event_schemata() for link in touching),
        summary=summary_build(dict(ordered_values), members, reported),
        history_words=history_words([(j.decision, j.by_person, j.day) for j in judged]),
        reported=reported,
        value_rows=table_page(ordered_values, reported, values_page),
        records=paginate(members, page=records_page, per_page=RECORDS_PAGE),
    )


def _events(viewer: User, ids: list[str], outgoing: list[reads.LinkRow], page: int | None) -> Page[EventRow]:
    """A page of the events ``ids`` link to, or (``page`` None) their number: the visible links to
    events, counted without reading the events."""
    if page is None:
        events = event_schemata()
        return Page(
            [], 1, EVENTS_PAGE, len({k.target_entity_id for k in outgoing if k.target_schema in events})
        )
    return paginate(
        event_list(viewer=viewer, entity_ids=ids, links=outgoing), page=page, per_page=EVENTS_PAGE
    )


def _history(
    ids: list[str], pairs: dict[tuple[str, str], decisions.PairRow], rows: list[decisions.JudgementRow]
) -> dict[int, HistoryItem]:
    """The decisions a page shows (``rows``, on pairs the viewer may see), whole, by id."""
    judgements = decisions.judgements_whole(rows)
    whole = decisions.pairs_whole(pairs[(j.left_id, j.right_id)] for j in rows)
    mine = set(ids)
    out = {}
    for j in rows:
        pair = whole[pairs[(j.left_id, j.right_id)].pk]
        other = j.right_id if j.left_id in mine else j.left_id
        out[j.pk] = HistoryItem(judgements[j.pk], pair, other, pair.judgement_id == j.pk)
    return out


def _related(
    viewer: User, ids: list[str], touching: list[reads.LinkRow], also: set[str]
) -> tuple[tuple[Related, ...], dict[str, tuple[str, str]]]:
    """Addresses, phones, vehicles and people the visible records link to, visible links only (events
    have their own table). ``touching``: the visible links with either end in ``ids``, by id. With
    the names (``person_names``) of the linked people and of the people in ``also``."""
    events = event_schemata()
    links = [link for link in touching if link.target_schema not in events]
    mine = set(ids)
    other_ids = {
        link.target_entity_id if link.source_entity_id in mine else link.source_entity_id for link in links
    }
    entities = {e.id: e for e in reads.entity_rows(viewer=viewer, ids=sorted(other_ids - mine))}
    ends = [
        (link, entities[link.target_entity_id if link.source_entity_id in mine else link.source_entity_id])
        for link in links
        if (link.target_entity_id if link.source_entity_id in mine else link.source_entity_id) in entities
    ]
    canonical = canonical_map(
        viewer=viewer, entity_ids=[other.id for _, other in ends if other.schema in PARTIES]
    )
    seen: dict[tuple[str, str], tuple[str, reads.EntityRow, set[int]]] = {}
    for link, other in ends:
        if other.schema in PARTIES:
            key = (link.schema, canonical.get(other.id, other.id))
        else:
            key = (
                link.schema,
                f"{other.schema}|{collapse((other.caption or other.key).lower().replace(',', ' '))}",
            )
        seen.setdefault(key, (link.schema, other, set()))[2].add(link.record_id)
    parties = [o.id for _, o, _ in seen.values() if o.schema in PARTIES]
    names = person_names(viewer=viewer, entity_ids=[*parties, *sorted(also - set(parties))])
    known_by = _known_by(viewer, [e for e in parties if e not in names])
    related = []
    for schema, other, records in seen.values():
        opens, name = names.get(other.id, (other.id, known_by.get(other.id, "")))
        related.append(Related(schema, other, len(records), name=name, opens=opens))
    return tuple(sorted(related, key=lambda r: (r.schema, r.label.lower(), r.entity.id))), names


def _known_by(viewer: User, ids: list[str]) -> dict[str, str]:
    """People no visible record names, in words by what their record does give: "custody number 7"."""
    out: dict[str, str] = {}
    for st in reads.statement_rows(viewer=viewer, entity_ids=ids):
        out.setdefault(st.entity_id, f"a person of {st.prop.replace('_', ' ')} {st.value}")
    return out
