"""FollowTheMoney out of the statement store (ADR 0014): a source's entities, or any entities and
links a viewer may see (a person, a group, a network view), as they came.

An entity that arrived as FtM goes back with the FtM id it came with (its record's key), every
statement's value as received and the FtM schema it had; socmap's own ids travel in a top-level
``socmap`` key, which is not an FtM property, so reading the export back adds nothing. A link that
arrived as FtM (an Ownership, a Payment, a Person's ``addressEntity``) goes back as the entity that
carried it, pointing at the FtM ids it named; the entities at its ends go with it when the viewer
may see them. Entities and links mapped from other formats go out under socmap's own ids, made
acceptable to FtM (``engine.ftm_id``), with their links as FtM link schemata.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Model as DbModel
from django.db.models import Prefetch, Q, QuerySet

from socmap.apps.core.bulk import IN_LIST, chunks
from socmap.apps.core.models import User
from socmap.apps.core.visibility import filter_visible
from socmap.apps.intel.models import RecordEntity, RecordLink, Statement
from socmap.apps.intel.selectors import source_get
from socmap.engines.ingest import CanonicalEntity, FtmStatement, export_ftm
from socmap.engines.ingest import ftm as engine
from socmap.errors import InvalidInput
from socmap.model.loader import Model, load_model

#: socmap schemata FtM has no entity for, and how their value travels instead: the property whose
#: value it is, and the FtM property of the entity at the other end of the link that takes it
#: (a phone's number goes on the person who uses it, as FtM keeps phones).
CARRIED = {"Phone": ("number", "phone")}
#: Links between two such entities, as the FtM schema that holds both values (calls between phones).
CARRIED_LINKS = {"Called": ("Call", "callerNumber", "receiverNumber")}


def ftm_lines(items: Iterable[dict[str, Any]]) -> Iterator[str]:
    """FtM entity dicts as JSON lines, text as it is (not escaped to ASCII)."""
    return (json.dumps(item, ensure_ascii=False) + "\n" for item in items)


@dataclass
class Bundle:
    """Entities and links as FtM entity dicts, and the FtM id each record entity went out under
    (for a stub standing for an FtM entity at a link's end, the FtM id it stands for)."""

    entities: list[dict[str, Any]] = field(default_factory=list)
    ids: dict[str, str] = field(default_factory=dict)
    links: int = 0


def _visible(model: type[DbModel], viewer: User, ids: Iterable[str]) -> list[Any]:
    out: list[Any] = []
    for part in chunks(sorted(set(ids))):
        qs: QuerySet[Any] = model.objects.filter(id__in=part, record__erased_at__isnull=True)  # type: ignore[attr-defined]
        out.extend(filter_visible(qs, viewer).select_related("record__source"))
    return out


def _holders(viewer: User, record_ids: Iterable[int]) -> dict[int, str]:
    """Record id -> the id of the FtM entity it holds, for the records that came as FtM."""
    out: dict[int, str] = {}
    for part in chunks(sorted(set(record_ids))):
        qs = RecordEntity.objects.filter(record_id__in=part, key=engine.FTM_KEY)
        out.update(filter_visible(qs, viewer).values_list("record_id", "id"))
    return out


def _stubs(viewer: User, record_ids: Iterable[int]) -> list[RecordEntity]:
    """The stubs of FtM records: entities keyed by the FtM ids their FtM entity names."""
    out: list[RecordEntity] = []
    for part in chunks(sorted(set(record_ids))):
        qs = RecordEntity.objects.filter(record_id__in=part).exclude(key=engine.FTM_KEY)
        out.extend(filter_visible(qs, viewer).select_related("record"))
    return out


def _stands_for(viewer: User, stubs: Iterable[RecordEntity]) -> set[str]:
    """The FtM entities that stubs stand for (same source, record key = the stub's key)."""
    wanted: dict[int, set[str]] = defaultdict(set)
    for stub in stubs:
        wanted[stub.record.source_id].add(stub.key)
    found: set[str] = set()
    for source_id, keys in wanted.items():
        for part in chunks(sorted(keys)):
            qs = RecordEntity.objects.filter(
                key=engine.FTM_KEY,
                record__source_id=source_id,
                record__record_key__in=part,
                record__erased_at__isnull=True,
            )
            found.update(filter_visible(qs, viewer).values_list("id", flat=True))
    return found


def _statements(viewer: User, entity_ids: Iterable[str]) -> dict[str, list[Statement]]:
    out: dict[str, list[Statement]] = defaultdict(list)
    for part in chunks(sorted(set(entity_ids))):
        qs = filter_visible(Statement.objects.filter(entity_id__in=part), viewer).order_by("id")
        for st in qs:
            out[st.entity_id].append(st)
    return out


def _said(entity: RecordEntity, statements: Iterable[Statement]) -> tuple[FtmStatement, ...]:
    source, key = entity.record.source.name, entity.record.record_key
    return tuple(
        FtmStatement(
            prop=s.prop, value=s.value, original=s.original, source=source, record=key, grading=s.grading
        )
        for s in statements
    )


def entity_dict(
    model: Model, entity: RecordEntity, statements: Iterable[Statement], *, cleaned: bool = False
) -> dict[str, Any] | None:
    """One record entity as FtM: as it came if it came as FtM, else under its socmap id made
    acceptable to FtM (``None``: a schema FtM has no entity for, such as a phone)."""
    ids = {"id": entity.pk, "record": entity.record_id, "source": entity.record.source.name}
    said = _said(entity, statements)
    if entity.key == engine.FTM_KEY:
        return engine.entity_to_ftm(
            model, entity.record.record_key, entity.schema, said, socmap=ids, cleaned=cleaned
        )
    out = next(
        export_ftm([CanonicalEntity(engine.ftm_id(entity.pk), entity.schema, said)], model=model), None
    )
    if out is None:
        return None
    engine.name_if_required(out, entity.caption)
    out[engine.SOCMAP_KEY] = ids
    return out


def bundle_get(
    *, viewer: User, entity_ids: Iterable[str], link_ids: Iterable[str] = (), cleaned: bool = False
) -> Bundle:
    """The entities and links of these ids the viewer may see, as FtM; nothing of a record the viewer
    may not see leaves, not even its id. Not audited: the caller audits the export it makes of it.

    A link's ends go with it. An FtM link (or an ``addressEntity``) goes as the FtM entity that
    carried it; an FtM entity goes with the FtM entities it names (an Ownership's owner and asset, a
    person's address), when the viewer may see them: one step, so the stream names no id it lacks
    unless the viewer may not see that entity.
    """
    model = load_model()
    links = _visible(RecordLink, viewer, link_ids)
    wanted = set(entity_ids) | {e for link in links for e in (link.source_entity_id, link.target_entity_id)}
    entities = {e.id: e for e in _visible(RecordEntity, viewer, wanted)}
    holders = _holders(viewer, {e.record_id for e in entities.values()} | {x.record_id for x in links})
    more = {holders[link.record_id] for link in links if link.record_id in holders}
    entities |= {e.id: e for e in _visible(RecordEntity, viewer, more - set(entities))}
    born = {e.record_id for e in entities.values() if e.key == engine.FTM_KEY}
    stubs = {e.id: e for e in entities.values() if e.record_id in holders and e.key != engine.FTM_KEY}
    stubs |= {e.id: e for e in _stubs(viewer, born)}
    named = _stands_for(viewer, stubs.values())
    entities |= {e.id: e for e in _visible(RecordEntity, viewer, named - set(entities))}
    said = _statements(viewer, [e for e in entities if e not in stubs])
    bundle = Bundle()
    dicts: dict[str, dict[str, Any]] = {}
    for entity in sorted(entities.values(), key=lambda e: (e.record_id, e.key)):
        if entity.id in stubs:
            bundle.ids[entity.id] = entity.key  # the FtM id of the entity it stands for
            continue
        out = entity_dict(model, entity, said.get(entity.id, ()), cleaned=cleaned)
        if out is not None:
            bundle.ids[entity.id] = out["id"]
            dicts[entity.id] = out
    bundle.entities.extend(dicts.values())
    native = [link for link in links if link.record_id not in holders]
    for item in _links(model, native, entities, said, dicts, bundle.ids):
        bundle.entities.append(item)
        bundle.links += 1
    return bundle


def _links(
    model: Model,
    links: list[RecordLink],
    entities: dict[str, RecordEntity],
    said: dict[str, list[Statement]],
    dicts: dict[str, dict[str, Any]],
    ids: dict[str, str],
) -> Iterator[dict[str, Any]]:
    """socmap-native links as FtM link schemata between the ids their ends went out under; a link to
    an entity FtM has none for puts its value on the entity at the other end (``CARRIED``)."""

    def carried(entity_id: str) -> list[str]:
        """The cleaned values (E.164 for a phone) FtM accepts: FtM drops the others when read."""
        entity = entities.get(entity_id)
        prop = CARRIED.get(entity.schema) if entity is not None else None
        values = [s.value for s in said.get(entity_id, ()) if prop and s.prop == prop[0]]
        return [v for v in values if engine.accepts("phone", v)]

    for link in sorted(links, key=lambda x: x.pk):
        ends = (link.source_entity_id, link.target_entity_id)
        kinds = [entities[e].schema if e in entities else "" for e in ends]
        socmap = {"link": link.pk, "record": link.record_id, "source": link.record.source.name}
        if link.schema in CARRIED_LINKS and all(k in CARRIED for k in kinds):
            schema, first, second = CARRIED_LINKS[link.schema]
            props = {first: carried(ends[0]), second: carried(ends[1])}
            props |= {"date": list(link.properties.get("date") or [])}
            props = {k: v for k, v in props.items() if v}
            yield {
                "id": engine.ftm_id(link.pk),
                "schema": schema,
                "properties": props,
                engine.SOCMAP_KEY: socmap,
            }
            continue
        for here, there, kind in ((ends[0], ends[1], kinds[1]), (ends[1], ends[0], kinds[0])):
            if kind in CARRIED and here in dicts:
                target = dicts[here]["properties"].setdefault(CARRIED[kind][1], [])
                target.extend(v for v in carried(there) if v not in target)
        edge = model.schemata[link.schema].edge if link.schema in model.schemata else None
        if edge is None or not all(e in dicts for e in ends):
            continue  # an end FtM cannot hold (a phone, carried above) or not exported
        values = [
            FtmStatement(prop=edge.source, value=ids[ends[0]]),
            FtmStatement(prop=edge.target, value=ids[ends[1]]),
        ]
        values += [
            FtmStatement(prop=p, value=str(v)) for p, vs in sorted(link.properties.items()) for v in vs
        ]
        for out in export_ftm(
            [CanonicalEntity(engine.ftm_id(link.pk), link.schema, tuple(values))], model=model
        ):
            out[engine.SOCMAP_KEY] = socmap
            yield out


def related_of(*, viewer: User, entity_ids: Iterable[str]) -> tuple[list[str], list[str]]:
    """What names these entities, as the viewer may see it: (ids of the links with an end at one of
    them, ids of the FtM entities naming one of those that came as FtM by its FtM id: an Ownership,
    a Payment, a Sanction...). Found through the stubs keyed by the FtM id in the same source."""
    ids = set(entity_ids)
    by_source: dict[int, set[str]] = defaultdict(set)
    for entity in _visible(RecordEntity, viewer, ids):
        if entity.key == engine.FTM_KEY:
            by_source[entity.record.source_id].add(entity.record.record_key)
    naming: set[int] = set()
    for source_id, keys in by_source.items():
        for part in chunks(sorted(keys)):
            qs = RecordEntity.objects.filter(
                record__source_id=source_id, key__in=part, record__erased_at__isnull=True
            )
            naming.update(filter_visible(qs, viewer).values_list("record_id", flat=True))
    links: set[str] = set()
    for part in chunks(sorted(ids), IN_LIST // 2):  # each id is asked for twice: half a slice
        touching = RecordLink.objects.filter(
            Q(source_entity_id__in=part) | Q(target_entity_id__in=part), record__erased_at__isnull=True
        )
        links.update(filter_visible(touching, viewer).values_list("id", flat=True))
    return sorted(links), sorted(_holders(viewer, naming).values())


def source_export(
    *, viewer: User, source_name: str, justification: str, limit: int = 1_000_000, cleaned: bool = False
) -> Iterator[str]:
    """A source's entities and links, as the viewer may see them, as FollowTheMoney JSON lines.

    Exporting is a disclosure: audited with its justification before any line leaves.
    """
    from socmap.apps.core.services import export_audited

    source = source_get(viewer=viewer, name=source_name)
    entities = filter_visible(
        RecordEntity.objects.filter(record__source=source, record__erased_at__isnull=True), viewer
    ).select_related("record__source")
    links = filter_visible(
        RecordLink.objects.filter(record__source=source, record__erased_at__isnull=True), viewer
    ).exclude(record__entities__key=engine.FTM_KEY)
    count = entities.count() + links.count()
    if count > limit:
        raise InvalidInput(
            f"{count} entities match; the export limit is {limit}", fields={"source": ["Too large"]}
        )
    export_audited(actor=viewer, what=f"ftm:{source.name}", justification=justification, count=count)
    model = load_model()

    def lines() -> Iterator[dict[str, Any]]:
        in_order = Prefetch("statements", queryset=filter_visible(Statement.objects.order_by("id"), viewer))
        held = entities.prefetch_related(in_order).order_by("record_id", "key")
        for entity in held.iterator(chunk_size=2000):
            statements = list(entity.statements.all())
            if entity.key != engine.FTM_KEY and not statements:
                continue  # a stub standing for another FtM entity's end
            out = entity_dict(model, entity, statements, cleaned=cleaned)
            if out is not None:
                yield out
        yield from export_ftm(_source_links(links, source.name), model=model)

    return ftm_lines(lines())


def _source_links(links: QuerySet[RecordLink], source_name: str) -> Iterator[CanonicalEntity]:
    schemata = load_model().schemata
    for link in links.select_related("record").iterator(chunk_size=2000):
        edge = schemata[link.schema].edge if link.schema in schemata else None
        if edge is None:
            continue
        ends = ((edge.source, link.source_entity_id), (edge.target, link.target_entity_id))
        values = [(prop, engine.ftm_id(value)) for prop, value in ends]
        values += [(p, str(v)) for p, vs in sorted(link.properties.items()) for v in vs]
        yield CanonicalEntity(
            id=engine.ftm_id(link.pk),
            schema=link.schema,
            statements=tuple(
                FtmStatement(
                    prop=p, value=v, source=source_name, record=link.record.record_key, grading=link.grading
                )
                for p, v in values
            ),
        )
