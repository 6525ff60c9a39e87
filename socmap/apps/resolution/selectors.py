"""Reads of resolution: the review queue, a pair side by side, a canonical entity, canonical ids in bulk.

Every read that shows records goes through the visibility rule: a viewer sees a pair only when both
records are visible to it, and an entity made of the records visible to it (the others leave no trace:
no count, no id, no value).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.db.models import Q, QuerySet

from socmap.apps.core.bulk import IN_LIST, chunks
from socmap.apps.core.models import User
from socmap.apps.core.pagination import Page, paginate
from socmap.apps.core.visibility import consult, visible_filter
from socmap.apps.intel import reads
from socmap.apps.resolution.models import Judgement, Membership, Pair, PairState, ResolutionRun
from socmap.engines import resolve
from socmap.errors import InvalidInput, InvalidModel, NotVisible
from socmap.model.loader import load_model, schema_words
from socmap.model.types import collapse

QUEUE_PAGE = 25
GRADE_ORDER = {"1": 0, "A": 0, "2": 1, "B": 1, "3": 2, "C": 2, "4": 3, "D": 3, "5": 4, "E": 4}


def canonical_ids(entity_ids: Iterable[str] | None = None) -> dict[str, str]:
    """Record entity id -> canonical id, for entities that share one (the rest are their own).

    A system read for engines (the network is built from it); what a user then sees still goes
    through the visibility rule.
    """
    rows = Membership.objects.all()
    if entity_ids is not None:
        out: dict[str, str] = {}
        for part in chunks(entity_ids, IN_LIST):
            out.update(Membership.objects.filter(entity_id__in=part).values_list("entity_id", "canonical_id"))
        return out
    return dict(rows.values_list("entity_id", "canonical_id").iterator(chunk_size=20000))


def canonical_of(entity_id: str) -> str:
    found = Membership.objects.filter(entity_id=entity_id).values_list("canonical_id", flat=True).first()
    return found or entity_id


def members_of(entity_id: str) -> list[str]:
    """Every record entity of the canonical entity that ``entity_id`` belongs to (visibility not applied)."""
    canonical = canonical_of(entity_id)
    members = list(Membership.objects.filter(canonical_id=canonical).values_list("entity_id", flat=True))
    return sorted(members) or [entity_id]


def visible_members(viewer: User, entity_id: str) -> list[reads.Entity]:
    return reads.entity_list(viewer=viewer, ids=members_of(entity_id))


def display_id(viewer: User, entity_id: str) -> str | None:
    """The id a viewer uses for an entity: its smallest visible member (never a hidden record's id)."""
    members = visible_members(viewer, entity_id)
    return members[0].id if members else None


# ------------------------------------------------------------------------------------------ queue


def _both_visible(viewer: User) -> Q:
    return visible_filter(viewer, prefix="left__") & visible_filter(viewer, prefix="right__")


def queue(viewer: User, *, state: str = PairState.PENDING, exclude: Iterable[int] = ()) -> QuerySet[Pair]:
    """Pairs awaiting review that the viewer may see both sides of, most uncertain first."""
    return (
        Pair.objects.filter(state=state)
        .filter(_both_visible(viewer))
        .exclude(pk__in=list(exclude))
        .select_related("left", "right", "left__record__source", "right__record__source")
        .order_by("uncertainty", "id")
    )


def queue_page(viewer: User, *, state: str = PairState.PENDING, page: int = 1) -> Page[Pair]:
    return paginate(queue(viewer, state=state), page=page, per_page=QUEUE_PAGE)


def queue_counts(viewer: User) -> dict[str, int]:
    visible = Pair.objects.filter(_both_visible(viewer))
    return {state: visible.filter(state=state).count() for state in PairState.values}


# ------------------------------------------------------------------------------------------- pair


@dataclass(frozen=True)
class Value:
    prop: str
    value: str
    original: str
    grading: str
    handling: str
    conditions: str
    source: str
    record_id: int
    last_seen: datetime


@dataclass(frozen=True)
class Row:
    """One property, with the values of each side (for side-by-side comparison)."""

    prop: str
    left: tuple[Value, ...]
    right: tuple[Value, ...]

    @property
    def agree(self) -> bool:
        return (
            bool(self.left and self.right)
            and {v.value.lower() for v in self.left} & {v.value.lower() for v in self.right} != set()
        )


@dataclass(frozen=True)
class PairView:
    pair: Pair
    left: reads.Entity
    right: reads.Entity
    conditions: tuple[str, ...]
    rows: tuple[Row, ...]
    steps: tuple[dict[str, Any], ...]
    prior_weight: float | None
    waterfall: dict[str, Any]
    history: tuple[Judgement, ...]
    left_entity: str
    right_entity: str


#: Schemata of entities in their own right: linked to a record's subject, their values are not the
#: subject's, and the entity page lists them under "Linked to" instead.
PARTIES = frozenset({"Person", "Company"})


@lru_cache(maxsize=1)
def event_schemata() -> frozenset[str]:
    """Arrests, reports, sightings, payments...: every schema that is an Event in the model."""
    model = load_model()
    return frozenset(name for name, schema in model.schemata.items() if schema.is_a("Event", model))


def _by_value(rows: Iterable[reads.StatementRow]) -> list[reads.StatementRow]:
    return sorted(rows, key=lambda s: (s.entity_id, s.prop, s.value))


def _values(
    viewer: User, entity_ids: list[str], *, parties: bool = True, events: bool = True
) -> dict[str, dict[str, list[Value]]]:
    """Every statement of these entities and of what their records link them to, as the viewer may
    see them.

    Linked addresses, phones, vehicles, accounts and events are labelled by what they are ("address
    postcode"), linked people and companies by their part in the link ("associate full name"); either
    is left out when ``parties`` or ``events`` is false.
    """
    out: dict[str, dict[str, list[Value]]] = defaultdict(lambda: defaultdict(list))
    statements = _by_value(reads.statement_rows(viewer=viewer, entity_ids=entity_ids))
    linked: dict[str, tuple[str, str]] = {}
    for link in reads.link_rows(viewer=viewer, from_entities=entity_ids):
        linked[link.target_entity_id] = (link.source_entity_id, link.schema)
    excluded = (set() if parties else set(PARTIES)) | (set() if events else set(event_schemata()))
    others = _by_value(reads.statement_rows(viewer=viewer, entity_ids=list(linked), exclude_schemas=excluded))
    rows = statements + others
    sources = reads.record_sources(viewer=viewer, ids={s.record_id for s in rows})
    for s in rows:
        owner, prefix = (
            (s.entity_id, "") if s.entity_id in entity_ids else (linked[s.entity_id][0], _prefix(s, linked))
        )
        out[owner][f"{prefix}{s.prop}"].append(
            Value(
                prop=f"{prefix}{s.prop}",
                value=s.value,
                original=s.original,
                grading=s.grading,
                handling=s.handling,
                conditions=s.conditions,
                source=sources.get(s.record_id, ""),
                record_id=s.record_id,
                last_seen=s.last_seen,
            )
        )
    for props in out.values():
        for values in props.values():
            values.sort(key=_rank)
    return out


def _prefix(statement: reads.StatementRow, linked: dict[str, tuple[str, str]]) -> str:
    """Values of linked entities are labelled by what they are: "address postcode", "report date";
    people and companies by the part the link gives them: "associate full name", "beneficiary name"."""
    named = {"Address": "address", "Phone": "phone", "Vehicle": "vehicle", "BankAccount": "account"}
    if statement.schema in named:
        return f"{named[statement.schema]} "
    if statement.schema in PARTIES:
        link = load_model().get(linked[statement.entity_id][1])
        if link is not None and link.edge is not None:
            return f"{link.edge.target.replace('_', ' ')} "
    return f"{schema_words(statement.schema)} "


def _rank(value: Value) -> tuple[int, int, float]:
    """Best graded first (source evaluation, then intelligence), then most recent."""
    grade = value.grading or "99"
    return (GRADE_ORDER.get(grade[:1], 9), GRADE_ORDER.get(grade[1:2], 9), -value.last_seen.timestamp())


def waterfall_spec(explanation: dict[str, Any]) -> dict[str, Any]:
    """A Vega-Lite waterfall: the prior, then each comparison's match weight, ending at the total."""
    rows = []
    running = float(explanation.get("prior_weight", 0.0))
    rows.append(
        {"label": "Prior (before comparing)", "start": 0.0, "end": running, "weight": running, "order": 0}
    )
    for index, step in enumerate(explanation.get("steps", []), start=1):
        start, running = running, running + float(step["weight"])
        rows.append(
            {
                "label": f"{step['name'].replace('_', ' ')}: {step['level']}",
                "start": start,
                "end": running,
                "weight": float(step["weight"]),
                "order": index,
            }
        )
    rows.append(
        {"label": "Match weight", "start": 0.0, "end": running, "weight": running, "order": len(rows)}
    )
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        "description": "Match weight of each comparison, from the prior to the final score",
        "width": "container",
        "height": {"step": 22},
        "data": {"values": rows},
        "mark": {"type": "bar"},
        "encoding": {
            "y": {"field": "label", "type": "nominal", "sort": {"field": "order"}, "title": None},
            "x": {"field": "start", "type": "quantitative", "title": "Match weight (log2 Bayes factor)"},
            "x2": {"field": "end"},
            "color": {
                "condition": {"test": "datum.weight >= 0", "value": "#00703c"},
                "value": "#d4351c",
            },
        },
    }


@lru_cache(maxsize=4)
def _model(path: str, modified: float) -> resolve.ResolverModel:
    return resolve.ResolverModel.load(path)


def explanation(pair: Pair) -> dict[str, Any]:
    """Why the model scored a pair so: the prior, then each comparison's level and match weight.

    Pairs store only their comparison levels and weights; the words come from the model of the run
    that scored them. Empty when an analyst joined the records without a score, or the model file is
    gone (the page says so).
    """
    run = pair.run
    if not pair.explanation or run is None or not run.model_path:
        return {}
    path = Path(run.model_path)
    try:
        model = _model(str(path), path.stat().st_mtime)
    except (OSError, InvalidModel):
        return {}
    row = {
        "record_id_l": pair.left_id,
        "record_id_r": pair.right_id,
        "match_weight": pair.match_weight,
        "match_probability": pair.probability,
        **pair.explanation,
    }
    try:
        why = resolve.explain(row, model)
    except InvalidInput:
        return {}
    return {
        "prior_weight": round(why.prior_weight, 3),
        "match_weight": round(why.match_weight, 3),
        "steps": [
            {"name": step.name, "level": step.level, "weight": round(step.match_weight, 3)}
            for step in why.steps
        ],
    }


def pair_get(viewer: User, pair_id: int, *, justification: str) -> PairView:
    """Both records of a pair with every value, and why the model scored it: two logged consultations."""
    found = Pair.objects.select_related("left", "right", "judgement__user", "run").filter(pk=pair_id).first()
    if found is None:
        raise NotVisible("No such pair: it may have been replaced by a newer run. Return to the queue.")
    left, left_conditions = consult(viewer, found.left, label="pair", justification=justification)
    right, right_conditions = consult(viewer, found.right, label="pair", justification=justification)
    values = _values(viewer, [left.id, right.id])
    props = sorted(set(values[left.id]) | set(values[right.id]), key=_prop_order)
    rows = tuple(Row(p, tuple(values[left.id].get(p, [])), tuple(values[right.id].get(p, []))) for p in props)
    history = tuple(
        Judgement.objects.filter(left_id=found.left_id, right_id=found.right_id)
        .select_related("user")
        .order_by("id")
    )
    why = explanation(found)
    return PairView(
        pair=found,
        left=left,
        right=right,
        conditions=tuple(dict.fromkeys(left_conditions + right_conditions)),
        rows=rows,
        steps=tuple(why.get("steps", [])),
        prior_weight=why.get("prior_weight"),
        waterfall=waterfall_spec(why) if why else {},
        history=history,
        left_entity=canonical_of(left.id),
        right_entity=canonical_of(right.id),
    )


PROP_ORDER = (
    "first_name",
    "middle_names",
    "last_name",
    "full_name",
    "name",
    "alias",
    "nickname",
    "birth_date",
)


def _prop_order(prop: str) -> tuple[int, str]:
    return (PROP_ORDER.index(prop) if prop in PROP_ORDER else len(PROP_ORDER), prop)


# ----------------------------------------------------------------------------------------- entity


@dataclass(frozen=True)
class HistoryItem:
    judgement: Judgement
    pair: Pair | None
    other_id: str
    standing: bool


@dataclass(frozen=True)
class FoldedValue:
    """Values alike in all but their record, shown once: the same value, grading, handling and source."""

    value: str
    originals: tuple[str, ...]  # as received, where that differs from the value
    grading: str
    handling: str
    conditions: str
    source: str
    record_id: int  # of the most recent of its records
    records: int
    last_seen: datetime


def fold(values: Iterable[Value]) -> tuple[FoldedValue, ...]:
    """``values`` (in rank order) with repeats folded into their first, best-ranked occurrence."""
    groups: dict[tuple[str, str, str, str, str], list[Value]] = {}
    for v in values:
        groups.setdefault((v.value, v.grading, v.handling, v.conditions, v.source), []).append(v)
    out = []
    for (value, grading, handling, conditions, source), items in groups.items():
        latest = max(items, key=lambda v: v.last_seen)
        originals = tuple(dict.fromkeys(v.original for v in items if v.original and v.original != value))
        out.append(
            FoldedValue(
                value=value,
                originals=originals,
                grading=grading,
                handling=handling,
                conditions=conditions,
                source=source,
                record_id=latest.record_id,
                records=len({v.record_id for v in items}),
                last_seen=latest.last_seen,
            )
        )
    return tuple(out)


HISTORY_PAGE = 20
PENDING_SHOWN = 10
EVENTS_PAGE = 50
#: The property that says what an event was, first present wins; the description follows it.
EVENT_SUMMARY = ("offence", "theme", "category", "concern", "amount", "location", "reference")


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


def _events(viewer: User, entity_ids: list[str]) -> list[EventRow]:
    """Events linked from these entities in their own records, visible to the viewer, newest first."""
    event_ids = {
        link.target_entity_id
        for link in reads.link_rows(viewer=viewer, from_entities=entity_ids, target_schemas=event_schemata())
    }
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


@dataclass(frozen=True)
class EntityView:
    entity: reads.Entity
    canonical_id: str
    members: tuple[reads.Entity, ...]
    conditions: tuple[str, ...]
    values: tuple[tuple[str, tuple[Value, ...]], ...]
    history: Page[HistoryItem]
    events: Page[EventRow]
    conflicts: tuple[resolve.ClusterConflict, ...]
    pending: Page[Pair]  # the most likely first; the review queue has them all
    related: tuple[Related, ...] = field(default_factory=tuple)

    @property
    def caption(self) -> str:
        names = [m.caption for m in self.members if m.caption]
        return max(set(names), key=names.count) if names else self.entity.caption

    @property
    def folded(self) -> tuple[tuple[str, tuple[FoldedValue, ...]], ...]:
        """Every value, with values repeated across records shown once (the page's table)."""
        return tuple((prop, fold(values)) for prop, values in self.values)


def entity_get(
    viewer: User, entity_id: str, *, justification: str, history_page: int = 1, events_page: int = 1
) -> EntityView:
    """A canonical entity as the viewer may see it: its visible records, every value, the events its
    records link it to and its merge history (a page of each, newest first: a person of many records
    has hundreds of decisions, a vehicle thousands of sightings)."""
    entity, conditions = reads.entity_open(viewer=viewer, entity_id=entity_id, justification=justification)
    members = visible_members(viewer, entity.id)
    ids = [m.id for m in members]
    values = _values(viewer, ids, parties=False, events=False)
    merged: dict[str, list[Value]] = defaultdict(list)
    for by_prop in values.values():
        for prop, items in by_prop.items():
            merged[prop].extend(items)
    ordered_values = tuple(
        (prop, tuple(sorted(merged[prop], key=_rank))) for prop in sorted(merged, key=_prop_order)
    )
    pairs = {
        (p.left_id, p.right_id): p
        for p in Pair.objects.filter(Q(left_id__in=ids) | Q(right_id__in=ids))
        .filter(_both_visible(viewer))
        .select_related("left", "right")
    }
    history = []
    for j in (
        Judgement.objects.filter(Q(left_id__in=ids) | Q(right_id__in=ids))
        .select_related("user")
        .order_by("-id")
    ):
        pair = pairs.get((j.left_id, j.right_id))
        if pair is None:
            continue  # the other record is hidden from this viewer, or erased
        other = j.right_id if j.left_id in ids else j.left_id
        history.append(HistoryItem(j, pair, other, pair.judgement_id == j.id))
    visible_ids = set(ids) | {p.left_id for p in pairs.values()} | {p.right_id for p in pairs.values()}
    conflicts = tuple(
        c for c in _component_conflicts(ids) if c.record_id_a in visible_ids and c.record_id_b in visible_ids
    )
    pending = sorted(
        (p for p in pairs.values() if p.state == PairState.PENDING),
        key=lambda p: (-(p.probability or 0.0), p.pk),
    )
    related = _related(viewer, ids)
    return EntityView(
        entity=entity,
        canonical_id=ids[0] if ids else entity.id,
        members=tuple(members),
        conditions=tuple(dict.fromkeys(conditions + tuple(m.conditions for m in members if m.conditions))),
        values=ordered_values,
        history=paginate(history, page=history_page, per_page=HISTORY_PAGE),
        events=paginate(_events(viewer, ids), page=events_page, per_page=EVENTS_PAGE),
        conflicts=conflicts,
        pending=paginate(pending, per_page=PENDING_SHOWN),
        related=related,
    )


def _component_conflicts(ids: list[str]) -> tuple[resolve.ClusterConflict, ...]:
    members = sorted(component(ids))
    pairs = Pair.objects.filter(left_id__in=members, right_id__in=members)
    return cluster_pairs(members, pairs).conflicts


@dataclass(frozen=True)
class Related:
    """What the records link the entity to, once per link kind and name: thirteen records giving the
    same address make one line, linked to the first of them."""

    schema: str  # the link's
    entity: reads.EntityRow
    records: int


def _related(viewer: User, ids: list[str]) -> tuple[Related, ...]:
    """Addresses, phones, vehicles and people the visible records link to, visible links only (events
    have their own table)."""
    links = sorted(
        reads.link_rows(viewer=viewer, touching=ids, exclude_target_schemas=event_schemata()),
        key=lambda link: link.id,
    )
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
    canonical = canonical_ids(other.id for _, other in ends if other.schema in PARTIES)
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
    related = (Related(schema, other, len(records)) for schema, other, records in seen.values())
    return tuple(sorted(related, key=lambda r: (r.schema, r.entity.caption.lower(), r.entity.id)))


def cluster_pairs(
    ids: list[str], pairs: Any, attach: list[tuple[str, str, float]] | None = None
) -> resolve.ClusterResult:
    """Clusters from the standing decisions on ``pairs``; ``attach``: weak links that may attach a
    lone record to the one cluster they point into (the engine's rule for name-only pairs)."""
    positive: list[tuple[str, str, float]] = []
    negative: list[tuple[str, str]] = []
    for left, right, state, by_user, probability in pairs.filter(
        state__in=[PairState.MATCH, PairState.NO_MATCH]
    ).values_list("left_id", "right_id", "state", "decided_by_user", "probability"):
        if state == PairState.NO_MATCH:
            negative.append((left, right))
        else:
            # A user's match outranks any machine score when a chain has to be cut.
            positive.append((left, right, 2.0 if by_user else float(probability or 0.0)))
    return resolve.cluster(ids, positive, negative, attach_pairs=attach)


def component(seed_ids: Iterable[str]) -> set[str]:
    """Every record joined to the seeds through scored or judged pairs (the records a decision can move)."""
    seen = set(seed_ids)
    frontier = set(seen)
    while frontier:
        step = list(frontier)
        frontier = set()
        # Each id is asked for twice (either side of a pair): half the usual slice.
        for chunk in chunks(step, IN_LIST // 2):
            for left, right in Pair.objects.filter(
                Q(left_id__in=chunk) | Q(right_id__in=chunk), state=PairState.MATCH
            ).values_list("left_id", "right_id"):
                for other in (left, right):
                    if other not in seen:
                        seen.add(other)
                        frontier.add(other)
    return seen


def run_list() -> QuerySet[ResolutionRun]:
    return ResolutionRun.objects.select_related("created_by")


def measure_match_decisions(organisation_id: int, as_of: object) -> int:
    return Judgement.objects.filter(user__organisation_id=organisation_id, created_at__lte=as_of).count()


def person_clusters(entity_ids: Iterable[str]) -> dict[str, list[str]]:
    """Each record entity -> every record entity of the same resolved person (itself when alone), in a
    few queries for any number of them. A system read of ids, to find what else is known of a person;
    what is then shown goes through the visibility rule."""
    ids = sorted(set(entity_ids))
    canon = canonical_ids(ids)
    clusters = sorted(set(canon.values()))
    members: dict[str, list[str]] = defaultdict(list)
    for part in chunks(clusters, IN_LIST):
        for entity_id, canonical in Membership.objects.filter(canonical_id__in=part).values_list(
            "entity_id", "canonical_id"
        ):
            members[canonical].append(entity_id)
    return {e: sorted(members.get(canon.get(e, e)) or [e]) for e in ids}


def person_labels(
    viewer: User, entity_ids: Iterable[str], *, clusters: dict[str, list[str]] | None = None
) -> dict[str, tuple[str, str]]:
    """Each record entity -> (the id the viewer uses for its person, that record's caption).

    The person is the canonical entity the record belongs to; the id shown is its smallest member
    the viewer may see (never a hidden record's). People the viewer may see no record of are left
    out: no id, no name, no trace.
    """
    ids = list(entity_ids)
    if clusters is None:
        clusters = person_clusters(ids)
    clusters = {e: clusters.get(e, [e]) for e in ids}
    wanted = sorted({m for ms in clusters.values() for m in ms})
    captions = reads.entity_captions(viewer=viewer, ids=wanted)
    out: dict[str, tuple[str, str]] = {}
    for entity_id, cluster in clusters.items():
        seen = [m for m in cluster if m in captions]
        if seen:
            out[entity_id] = (seen[0], captions[seen[0]])
    return out
