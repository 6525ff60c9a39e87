"""FollowTheMoney of resolved entities (ADR 0014): a person as the records it merges, each as it came,
and, when asked, the canonical entity standing for them, as OpenSanctions writes one: the union of
their values and ``referents`` naming the records it merges.

Resolution is read here, above intel: intel writes each record's entities as they came
(``intel.ftm.bundle_get``); which records are one person is resolution's to say.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from socmap.apps.core.models import User
from socmap.apps.core.services import export_audited
from socmap.apps.intel import ftm as intel_ftm
from socmap.apps.intel import reads
from socmap.apps.resolution.selectors.caches import member_list
from socmap.engines.ingest import ftm as engine


def canonical_id(display_id: str) -> str:
    """The FtM id of a canonical entity: made from the id the viewer knows it by (its smallest member
    the viewer may see), never from a record hidden from them; the same in every export while the
    entity keeps that record, whatever else joins it or leaves it."""
    digest = hashlib.sha1(f"socmap canonical {display_id}".encode(), usedforsecurity=False).hexdigest()
    return f"socmap-{digest[:24]}"


def canonical_entities(
    bundle: intel_ftm.Bundle,
    clusters: Mapping[str, Sequence[str]],
    *,
    captions: Mapping[str, str] | None = None,
) -> list[dict[str, Any]]:
    """One canonical FtM entity per cluster (display id -> its record entity ids), merging the members
    that went out in ``bundle`` (the viewer's); a cluster none of whose members went out gives none."""
    held: dict[str, dict[str, Any]] = {}
    for item in bundle.entities:
        ids = item.get(engine.SOCMAP_KEY) or {}
        if "id" in ids:
            held[str(ids["id"])] = item
    out = []
    for display, members in clusters.items():
        went = [held[m] for m in members if m in held]
        merged = engine.merge_entities(canonical_id(display), went, caption=(captions or {}).get(display, ""))
        if merged is not None:
            merged[engine.SOCMAP_KEY] = {"entity": display, "records": len(went)}
            out.append(merged)
    return out


def person_check(*, viewer: User, entity_id: str) -> None:
    """Refuse, as absent and logged, a person the viewer may not see (before asking why they export)."""
    reads.entity_check(viewer=viewer, entity_id=entity_id)


def person_export(
    *, viewer: User, entity_id: str, justification: str, canonical: bool = False, cleaned: bool = False
) -> Iterator[str]:
    """A person as FtM JSON lines: every record of them the viewer may see, each as it came, what
    those records link them to (addresses, vehicles, events, people, companies) with the links, and,
    if ``canonical``, the resolved person merging the records. Audited as a disclosure before any
    line leaves; a person the viewer may not see is refused as absent, and the refusal logged."""
    reads.entity_check(viewer=viewer, entity_id=entity_id)
    members = member_list(viewer=viewer, entity_id=entity_id)
    ids = [m.id for m in members]
    links, naming = intel_ftm.related_of(viewer=viewer, entity_ids=ids)
    bundle = intel_ftm.bundle_get(viewer=viewer, entity_ids=[*ids, *naming], link_ids=links, cleaned=cleaned)
    items = list(bundle.entities)
    if canonical:
        names = [m.caption for m in members if m.caption]
        captions = {ids[0]: max(sorted(set(names)), key=names.count)} if names else {}
        items[:0] = canonical_entities(bundle, {ids[0]: ids}, captions=captions)
    export_audited(
        actor=viewer,
        what=f"ftm-person:{ids[0]}",
        justification=justification,
        count=len(items),
        detail={"records": len(ids), "links": bundle.links, "canonical": canonical},
    )
    return intel_ftm.ftm_lines(items)
