"""Values of records as resolution shows them: each with its grading, handling and source, linked
entities' values labelled by what they are, best graded first, repeats folded.

Every value is read through the statement store's read API as the viewer (``intel.reads``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache

from socmap.apps.core.models import User
from socmap.apps.intel import reads
from socmap.model.loader import load_model, schema_words

GRADE_ORDER = {"1": 0, "A": 0, "2": 1, "B": 1, "3": 2, "C": 2, "4": 3, "D": 3, "5": 4, "E": 4}
#: Schemata of entities in their own right: linked to a record's subject, their values are not the
#: subject's, and the entity page lists them under "Linked to" instead.
PARTIES = frozenset({"Person", "Company"})
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
    #: The day the value's record says it was reported, where it says so.
    reported: date | None = None


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


@lru_cache(maxsize=1)
def event_schemata() -> frozenset[str]:
    """Arrests, reports, sightings, payments...: every schema that is an Event in the model."""
    model = load_model()
    return frozenset(name for name, schema in model.schemata.items() if schema.is_a("Event", model))


def _by_value(rows: Iterable[reads.StatementRow]) -> list[reads.StatementRow]:
    return sorted(rows, key=lambda s: (s.entity_id, s.prop, s.value))


def value_map(
    *,
    viewer: User,
    entity_ids: list[str],
    parties: bool = True,
    events: bool = True,
    links: Iterable[reads.LinkRow] | None = None,
) -> dict[str, dict[str, list[Value]]]:
    """Every statement of these entities and of what their records link them to, as the viewer may
    see them: entity -> property -> values, best ranked first.

    Linked addresses, phones, vehicles, accounts and events are labelled by what they are ("address
    postcode"), linked people and companies by their part in the link ("associate full name"); either
    is left out when ``parties`` or ``events`` is false. ``links``: the links going out of the
    entities, when the caller has read them already (as ``reads.link_rows(from_entities=...)``).
    """
    out: dict[str, dict[str, list[Value]]] = defaultdict(lambda: defaultdict(list))
    statements = _by_value(reads.statement_rows(viewer=viewer, entity_ids=entity_ids))
    linked: dict[str, tuple[str, str]] = {}
    for link in reads.link_rows(viewer=viewer, from_entities=entity_ids) if links is None else links:
        linked[link.target_entity_id] = (link.source_entity_id, link.schema)
    excluded = (set() if parties else set(PARTIES)) | (set() if events else set(event_schemata()))
    others = _by_value(reads.statement_rows(viewer=viewer, entity_ids=list(linked), exclude_schemas=excluded))
    rows = statements + others
    origins = reads.record_origins(viewer=viewer, ids={s.record_id for s in rows})
    for s in rows:
        source, reported = origins.get(s.record_id, ("", None))
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
                source=source,
                record_id=s.record_id,
                last_seen=s.last_seen,
                reported=reported,
            )
        )
    for props in out.values():
        for values in props.values():
            values.sort(key=value_rank)
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


def value_rank(value: Value) -> tuple[int, int, float]:
    """Best graded first (source evaluation, then intelligence), then most recent."""
    grade = value.grading or "99"
    return (GRADE_ORDER.get(grade[:1], 9), GRADE_ORDER.get(grade[1:2], 9), -value.last_seen.timestamp())


def prop_rank(prop: str) -> tuple[int, str]:
    """Names and date of birth first, in that order, then the rest alphabetically."""
    return (PROP_ORDER.index(prop) if prop in PROP_ORDER else len(PROP_ORDER), prop)


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
