"""FollowTheMoney out of the statement store: a source's entities as they came (ADR 0014).

An entity that arrived as FtM goes back with the FtM id it came with (its record's key), every
statement's value as received and the FtM schema it had; socmap's own ids travel in a top-level
``socmap`` key, which is not an FtM property, so reading the export back adds nothing. Entities
mapped from other formats export as before, under socmap's own ids.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from socmap.apps.core.models import User
from socmap.apps.core.visibility import filter_visible
from socmap.apps.intel.models import RecordEntity, RecordLink
from socmap.apps.intel.selectors import source_get
from socmap.engines.ingest import CanonicalEntity, FtmStatement, export_ftm
from socmap.engines.ingest import ftm as engine
from socmap.errors import InvalidInput
from socmap.model.loader import load_model


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
    ).select_related("record")
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

    def lines() -> Iterator[dict[str, object]]:
        others: list[CanonicalEntity] = []
        held = entities.prefetch_related("statements").order_by("record_id", "key")
        for entity in held.iterator(chunk_size=2000):
            statements = tuple(
                FtmStatement(
                    prop=s.prop,
                    value=s.value,
                    original=s.original,
                    source=source.name,
                    record=entity.record.record_key,
                    grading=s.grading,
                )
                for s in entity.statements.all()
            )
            if entity.key == engine.FTM_KEY:
                ids = {"id": entity.pk, "record": entity.record_id, "source": source.name}
                out = engine.entity_to_ftm(
                    model, entity.record.record_key, entity.schema, statements, socmap=ids, cleaned=cleaned
                )
                if out is not None:
                    yield out
            elif statements:  # not a stub standing for another FtM entity's end
                others.append(CanonicalEntity(id=entity.pk, schema=entity.schema, statements=statements))
            if len(others) >= 2000:
                yield from export_ftm(others, model=model)
                others = []
        yield from export_ftm(others, model=model)
        yield from export_ftm(_links(links, source.name), model=model)

    return (json.dumps(item, ensure_ascii=False) + "\n" for item in lines())


def _links(links: object, source_name: str) -> Iterator[CanonicalEntity]:
    schemata = load_model().schemata
    for link in links.select_related("record").iterator(chunk_size=2000):  # type: ignore[attr-defined]
        edge = schemata[link.schema].edge if link.schema in schemata else None
        if edge is None:
            continue
        ends = ((edge.source, link.source_entity_id), (edge.target, link.target_entity_id))
        yield CanonicalEntity(
            id=link.pk,
            schema=link.schema,
            statements=tuple(
                FtmStatement(
                    prop=prop,
                    value=value,
                    source=source_name,
                    record=link.record.record_key,
                    grading=link.grading,
                )
                for prop, value in ends
            ),
        )
