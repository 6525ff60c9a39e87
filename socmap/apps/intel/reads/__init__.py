"""The read API of the statement store: how every other app reads records, entities, statements and
links.

No other app imports ``socmap.apps.intel.models`` (an import contract in ``pyproject.toml`` says so,
foreign keys in models excepted). They read here, as one of two kinds of reader:

- a **viewer**, a signed-in user: every read is filtered by the one visibility rule
  (``core.visibility``): by ``_rule`` for every query of rows, and by ``consult``/``decide`` for
  the one entity a page opens or checks, so a row the viewer may not see never leaves this module;
- a **system job**, made by ``system_job("entity resolution", actor=...)``: an engine run reads every
  organisation's records, because the same person is found across forces. Opening one writes an
  audit event naming the job and who started it, so a whole-store read is never anonymous; what
  users then see of the job's results goes through the rule again.

Bulk reads stream plain rows (named tuples, not model instances), a chunk at a time: a million rows
never sit in memory as objects, and ids asked for are sent to the database in slices
(``core.bulk``). Pages that show an entity with its record and source get model instances from
``entity_list`` and ``entity_open`` (the second a logged consultation).

Examples (see ``docs/adr/0010-statement-store-read-api.md``):

    for row in link_rows(viewer=user, touching=ids, schemas={"UsesPhone"}): ...
    job = system_job("network analysis", actor=user)
    for row in entity_rows(viewer=job, schemas={"Address"}): ...
    counts = record_counts(viewer=user, by=("postcode_district", "month"), source_kinds={"intelligence"})
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator
from datetime import date, datetime
from typing import NamedTuple, TypeAlias

import pandas as pd
import pyarrow as pa
from django.db.models import Max, Q, QuerySet

from socmap.apps.core.bulk import IN_LIST, chunks
from socmap.apps.core.models import User
from socmap.apps.core.refusal import refuse
from socmap.apps.core.visibility import consult, decide
from socmap.apps.intel.models import Record, RecordEntity, RecordLink, Statement
from socmap.apps.intel.reads.counts import RecordCount, record_counts, record_ids
from socmap.apps.intel.reads.frame import fetch_frame, person_frame, person_rows
from socmap.apps.intel.reads.people import PersonCandidate, person_candidates, person_labels, record_reported
from socmap.apps.intel.reads.rule import STREAM, Reader, SystemJob, _rule, _scoped, system_job
from socmap.errors import InvalidInput

#: The model instances ``entity_list`` and ``entity_open`` return, for type hints in other apps.
Entity: TypeAlias = RecordEntity


# ------------------------------------------------------------------------------------------ entities


class EntityRow(NamedTuple):
    """An entity a record mentions: a person, address, phone, vehicle, event..."""

    id: str
    record_id: int
    key: str  # the record's own name for it (``subject1``)
    schema: str
    caption: str
    postcode: str
    identifier: str  # a phone, registration or account number, cleaned as ingest cleans it
    birth_date: str
    owner_id: int


ENTITY_FIELDS = EntityRow._fields


def _entities(
    viewer: Reader,
    *,
    schemas: Collection[str] | None,
    with_identifier: bool,
    records_after: int | None,
    records_upto: int | None,
    postcodes: Collection[str] | None = None,
) -> QuerySet[RecordEntity]:
    qs = _scoped(RecordEntity.objects.all(), viewer)
    if schemas is not None:
        qs = qs.filter(schema__in=sorted(schemas))
    if postcodes is not None:
        qs = qs.filter(postcode__in=sorted(postcodes))  # its own index
    if with_identifier:
        qs = qs.exclude(identifier="")
    if records_after is not None:
        qs = qs.filter(record_id__gt=records_after)
    if records_upto is not None:
        qs = qs.filter(record_id__lte=records_upto)
    return qs


def entity_rows(
    *,
    viewer: Reader,
    ids: Iterable[str] | None = None,
    schemas: Collection[str] | None = None,
    with_identifier: bool = False,
    records_after: int | None = None,
    records_upto: int | None = None,
    postcodes: Collection[str] | None = None,
) -> Iterator[EntityRow]:
    """Entities the reader may see: those of ``ids`` (any number, asked a slice at a time), or every
    one, of the ``schemas`` given; ``with_identifier``: only those with a phone, registration or
    account number; ``records_after``/``records_upto``: of records numbered in that range (a newer
    batch); ``postcodes``: only those whose postcode is one of these (as stored)."""
    qs = _entities(
        viewer,
        schemas=schemas,
        with_identifier=with_identifier,
        records_after=records_after,
        records_upto=records_upto,
        postcodes=postcodes,
    )
    if ids is None:
        yield from map(EntityRow._make, qs.values_list(*ENTITY_FIELDS).iterator(chunk_size=STREAM))
        return
    for part in chunks(ids, IN_LIST):
        yield from map(EntityRow._make, qs.filter(id__among=part).values_list(*ENTITY_FIELDS))


def entity_identifiers(*, viewer: Reader, schemas: Collection[str]) -> Iterator[tuple[str, str, str]]:
    """``(id, schema, identifier)`` of every entity the reader may see of the ``schemas`` given
    that carries a phone, registration or account number: all that resolving objects reads (the
    whole rows, for a million-row region's 1.1 million mentions, took twice as long)."""
    qs = _entities(viewer, schemas=schemas, with_identifier=True, records_after=None, records_upto=None)
    return qs.values_list("id", "schema", "identifier").iterator(chunk_size=STREAM)


def entity_ids(
    *,
    viewer: Reader,
    schemas: Collection[str] | None = None,
    records_after: int | None = None,
    records_upto: int | None = None,
) -> Iterator[str]:
    """Ids of every entity the reader may see, of the ``schemas`` given."""
    qs = _entities(
        viewer, schemas=schemas, with_identifier=False, records_after=records_after, records_upto=records_upto
    )
    return qs.values_list("id", flat=True).iterator(chunk_size=STREAM)


def entities_visible(*, viewer: Reader, ids: Iterable[str]) -> set[str]:
    """Which of ``ids`` the reader may see."""
    rule = _rule(viewer)
    out: set[str] = set()
    for part in chunks(ids, IN_LIST):
        out.update(RecordEntity.objects.filter(rule, id__among=part).values_list("id", flat=True))
    return out


def entity_captions(*, viewer: Reader, ids: Iterable[str]) -> dict[str, str]:
    """Entity id -> its caption (a person's name, an address...), for the ids the reader may see."""
    rule = _rule(viewer)
    out: dict[str, str] = {}
    for part in chunks(ids, IN_LIST):
        out.update(RecordEntity.objects.filter(rule, id__among=part).values_list("id", "caption"))
    return out


#: What a list of records says of each (``entity_list(listed=True)``): its name, date of birth and
#: handling, and its record's source, reference, grading and dates. A person's records are listed
#: this way, hundreds at a time; the search keys and the record's load history are not read.
LISTED_FIELDS = (
    *("record_id", "key", "schema", "caption", "birth_date", "owner_id", "handling", "conditions"),
    "compartment_id",
    *("record__record_key", "record__source_id", "record__source__title", "record__observed_on"),
    *("record__source_evaluation", "record__intelligence_assessment", "record__last_seen"),
)


def entity_list(
    *, viewer: Reader, ids: Iterable[str], schemas: Collection[str] | None = None, listed: bool = False
) -> list[Entity]:
    """The entities of ``ids`` the reader may see, with their record, source and owner, by id: for
    pages that show each with where it came from. ``listed``: only ``LISTED_FIELDS`` (a field
    outside them is read again when used, entity by entity, so only a page that keeps to them)."""
    rule = _rule(viewer)
    out: list[Entity] = []
    for part in chunks(ids, IN_LIST):
        qs = RecordEntity.objects.filter(rule, id__among=part)
        if schemas is not None:
            qs = qs.filter(schema__in=sorted(schemas))
        if listed:
            out.extend(qs.select_related("record", "record__source").only(*LISTED_FIELDS))
        else:
            # A record's row as received is shown on its own page, never with its entities: not read.
            out.extend(
                qs.select_related("record", "record__source", "owner").defer(
                    "record__raw", "record__raw_versions"
                )
            )
    return sorted(out, key=lambda e: e.id)


def entity_open(*, viewer: User, entity_id: str, justification: str) -> tuple[Entity, tuple[str, ...]]:
    """Open one entity: a logged consultation, or a logged refusal shown as absent (``NotVisible``).
    Returns it (with its record and source) and the handling conditions that travel with it."""
    found = RecordEntity.objects.select_related("record__source").filter(pk=entity_id).first()
    return consult(viewer, found, label="entity", justification=justification)


def entity_check(*, viewer: User, entity_id: str) -> None:
    """Refuse an entity the viewer may not see: shown as absent, and logged (nothing is consulted
    yet: a page checks before it reads)."""
    entity = RecordEntity.objects.filter(pk=entity_id).first()
    if entity is None or not decide(viewer, entity).visible:
        raise refuse(
            viewer, "No such entity", obj=entity, object_type="intel.recordentity", object_id=entity_id
        )


class EntityOrigin(NamedTuple):
    """Where an entity came from: its record's key in its source, and the source's name."""

    id: str
    key: str
    record_key: str
    source: str


def entity_origins(*, viewer: Reader, schemas: Collection[str]) -> Iterator[EntityOrigin]:
    """Every entity of the ``schemas`` with its record's key and source (to match ground truth)."""
    qs = _scoped(RecordEntity.objects.filter(schema__in=sorted(schemas)), viewer)
    return map(
        EntityOrigin._make,
        qs.values_list("id", "key", "record__record_key", "record__source__name").iterator(chunk_size=STREAM),
    )


# ------------------------------------------------------------------------------------------ records


def records_visible(*, viewer: Reader, ids: Iterable[int]) -> set[int]:
    """Which of the record ids the reader may see."""
    rule = _rule(viewer)
    out: set[int] = set()
    for part in chunks(ids, IN_LIST):
        out.update(Record.objects.filter(rule, id__among=part).values_list("id", flat=True))
    return out


def record_sources(*, viewer: Reader, ids: Iterable[int]) -> dict[int, str]:
    """Record id -> the title of its source, for the records the reader may see."""
    rule = _rule(viewer)
    out: dict[int, str] = {}
    for part in chunks(ids, IN_LIST):
        out.update(Record.objects.filter(rule, id__among=part).values_list("id", "source__title"))
    return out


def record_origins(*, viewer: Reader, ids: Iterable[int]) -> dict[int, tuple[str, date | None]]:
    """Record id -> (the title of its source, the day the source says it was reported), for the
    records the reader may see: ``record_sources`` and ``record_reported`` in one read."""
    rule = _rule(viewer)
    out: dict[int, tuple[str, date | None]] = {}
    for part in chunks(ids, IN_LIST):
        rows = Record.objects.filter(rule, id__among=part).values_list("id", "source__title", "observed_on")
        out.update((pk, (title, day)) for pk, title, day in rows)
    return out


def record_watermark(*, viewer: SystemJob) -> int:
    """The highest record id stored so far (records are numbered as they arrive): a run remembers it,
    and the next run reads only records above it."""
    return int(Record.objects.aggregate(m=Max("id"))["m"] or 0)


# ---------------------------------------------------------------------------------------- statements


class StatementRow(NamedTuple):
    """One property value of one entity, with its grading and handling."""

    id: int
    entity_id: str
    record_id: int
    schema: str
    prop: str
    value: str
    original: str
    grading: str
    handling: str
    conditions: str
    last_seen: datetime


STATEMENT_FIELDS = StatementRow._fields


def statement_rows(
    *,
    viewer: Reader,
    entity_ids: Iterable[str] | None = None,
    props: Collection[str] | None = None,
    schemas: Collection[str] | None = None,
    exclude_schemas: Collection[str] = (),
) -> Iterator[StatementRow]:
    """Statements the reader may see: of ``entity_ids`` (a slice at a time, in id order within a
    slice), or all of them; only of ``props`` or of entities of ``schemas``, if given."""
    qs = _scoped(Statement.objects.all(), viewer)
    if props is not None:
        qs = qs.filter(prop__in=sorted(props))
    if schemas is not None:
        qs = qs.filter(schema__in=sorted(schemas))
    if exclude_schemas:
        qs = qs.exclude(schema__in=sorted(exclude_schemas))
    if entity_ids is None:
        yield from map(StatementRow._make, qs.values_list(*STATEMENT_FIELDS).iterator(chunk_size=STREAM))
        return
    for part in chunks(entity_ids, IN_LIST):
        rows = qs.filter(entity_id__among=part).order_by("id").values_list(*STATEMENT_FIELDS)
        yield from map(StatementRow._make, rows)


class ValueRow(NamedTuple):
    entity_id: str
    value: str


def statement_values(*, viewer: Reader, prop: str) -> Iterator[ValueRow]:
    """Every value of one property the reader may see, with its entity (the themes of events, say):
    a lean stream for whole-store reads."""
    qs = _scoped(Statement.objects.filter(prop=prop), viewer)
    return map(ValueRow._make, qs.values_list("entity_id", "value").iterator(chunk_size=STREAM))


# --------------------------------------------------------------------------------------------- links


class LinkRow(NamedTuple):
    """A link a record asserts between two of its entities, with the schemata of both ends."""

    id: str
    schema: str
    source_entity_id: str
    target_entity_id: str
    source_schema: str
    target_schema: str
    grading: str
    observed_on: date | None
    record_id: int


LINK_FIELDS = (
    "id",
    "schema",
    "source_entity_id",
    "target_entity_id",
    "source_entity__schema",
    "target_entity__schema",
    "grading",
    "record__observed_on",
    "record_id",
)


#: ``link_table``'s columns, one per field of ``LINK_FIELDS`` (and of ``LinkRow``), in their order.
LINK_COLUMNS = [
    *("id", "schema", "source", "target", "source_schema", "target_schema"),
    *("grading", "observed_on", "record_id"),
]


def _links(viewer: Reader, *, current: bool) -> QuerySet[RecordLink]:
    qs = _scoped(RecordLink.objects.all(), viewer)
    if current:
        qs = qs.filter(record__erased_at__isnull=True, record__withdrawn_at__isnull=True)
    return qs


def link_table(*, viewer: Reader, current: bool = False) -> pd.DataFrame:
    """Every link the reader may see as one frame (``LINK_COLUMNS``), for an analysis of them all:
    ``link_rows`` without selection, as columns rather than a tuple per link (9.1 million links at
    five million source rows). ``observed_on`` is a datetime on PostgreSQL, text on SQLite."""
    rows = _links(viewer, current=current).values_list(*LINK_FIELDS)
    return fetch_frame(rows, LINK_COLUMNS, {"record_id": pa.int64(), "observed_on": pa.date32()})


def link_rows(
    *,
    viewer: Reader,
    ids: Iterable[str] | None = None,
    touching: Iterable[str] | None = None,
    from_entities: Iterable[str] | None = None,
    schemas: Collection[str] | None = None,
    target_schemas: Collection[str] | None = None,
    exclude_target_schemas: Collection[str] = (),
    observed_since: date | None = None,
    grading_at_least: str = "",
    current: bool = False,
) -> Iterator[LinkRow]:
    """Links the reader may see: those of ``ids``, or with either end in ``touching``, or going out
    of ``from_entities`` (each any number, asked a slice at a time), or every one.

    ``schemas``: of these link schemata; ``target_schemas``/``exclude_target_schemas``: to entities
    of (not of) these schemata; ``observed_since``: of records observed on or after the date;
    ``grading_at_least``: graded this well or better on both axes ("2B": 1A-2B);
    ``current``: only links of records neither erased nor withdrawn (current intelligence).
    """
    qs = _links(viewer, current=current)
    if schemas is not None:
        qs = qs.filter(schema__in=sorted(schemas))
    if target_schemas is not None:
        qs = qs.filter(target_entity__schema__in=sorted(target_schemas))
    if exclude_target_schemas:
        qs = qs.exclude(target_entity__schema__in=sorted(exclude_target_schemas))
    if observed_since is not None:
        qs = qs.filter(record__observed_on__gte=observed_since)
    if grading_at_least:
        grade = grading_at_least.strip().upper()
        qs = qs.filter(grading__regex=rf"^[1-{grade[0]}][A-{grade[1]}]")
    selected = [
        (name, values) for name, values in (("ids", ids), ("touching", touching)) if values is not None
    ]
    if from_entities is not None:
        selected.append(("from", from_entities))
    if len(selected) > 1:
        raise InvalidInput("Ask for links by ids, by the entities they touch, or by where they go from")
    if not selected:
        yield from map(LinkRow._make, qs.values_list(*LINK_FIELDS).iterator(chunk_size=STREAM))
        return
    how, values = selected[0]
    given: set[str] = set()  # a link between entities of two slices is found by both: given once
    for part in chunks(values, IN_LIST):
        if how == "ids":
            wheres = [Q(id__among=part)]
        elif how == "from":
            wheres = [Q(source_entity_id__among=part)]
        else:
            # Either end, asked as two queries: each an index scan of its end. Asked as one (OR),
            # PostgreSQL scanned every link of the store (95 ms of the largest group's page on the
            # medium demo, growing with the store).
            wheres = [Q(source_entity_id__among=part), Q(target_entity_id__among=part)]
        found = [row for where in wheres for row in qs.filter(where).values_list(*LINK_FIELDS)]
        for row in map(LinkRow._make, sorted(found)):
            if row.id not in given:
                given.add(row.id)
                yield row


# --------------------------------------------------------------------------------------- resolution


__all__ = [
    "Entity",
    "EntityOrigin",
    "EntityRow",
    "LinkRow",
    "PersonCandidate",
    "Reader",
    "RecordCount",
    "StatementRow",
    "SystemJob",
    "ValueRow",
    "entities_visible",
    "entity_captions",
    "entity_check",
    "entity_identifiers",
    "entity_ids",
    "entity_list",
    "entity_open",
    "entity_origins",
    "entity_rows",
    "link_rows",
    "link_table",
    "person_candidates",
    "person_frame",
    "person_labels",
    "person_rows",
    "record_counts",
    "record_ids",
    "record_origins",
    "record_reported",
    "record_sources",
    "record_watermark",
    "records_visible",
    "statement_rows",
    "statement_values",
    "system_job",
]
