"""What a viewer may see of the network: the neighbourhood of an entity, a group's graph, display ids."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import Any

import pandas as pd

from socmap.apps.core.models import User
from socmap.apps.intel import reads
from socmap.apps.network.graph.inputs import (
    GRADING,
    Canon,
    LinkMap,
    build_inputs,
    default_config,
    link_frame,
    load_linkmap,
)
from socmap.engines import network
from socmap.errors import InvalidInput


@dataclass(frozen=True)
class ViewNode:
    id: str  # a record entity the viewer may see (for links to the entity page)
    key: str  # canonical key, never shown
    kind: str
    label: str
    offender: bool = False
    role: str = ""


@dataclass(frozen=True)
class ViewEdge:
    source: str
    target: str
    link_type: str
    grading: str
    observed_on: date | None
    weight: float
    record_id: int
    link_id: str
    schema: str = ""


#: Links the table under a network drawing lists.
TABLE_LINKS = 100


@dataclass(frozen=True)
class ViewGraph:
    """A part of the network as one viewer may see it: visible records only, visible ids only."""

    centre: str
    nodes: list[ViewNode]
    edges: list[ViewEdge]
    explanation: str

    @property
    def empty(self) -> bool:
        return not self.nodes

    @cached_property
    def table_edges(self) -> list[ViewEdge]:
        """The links the page's table lists: the strongest ``TABLE_LINKS`` (the largest group at a
        million rows has 499 links, and drawing every one was most of its page's time); the
        exports hold every one."""
        return sorted(self.edges, key=lambda e: (-e.weight, e.source, e.target, e.link_id))[:TABLE_LINKS]


@dataclass(frozen=True)
class Filters:
    hops: int = 1
    link_types: tuple[str, ...] = ()
    since: date | None = None
    min_grading: str = ""
    max_nodes: int = 150


def schemas_for(link_types: Iterable[str], linkmap: LinkMap, config: network.NetworkConfig) -> set[str]:
    """Link schemata whose links are of these link types; an unknown link type is an error naming it."""
    known = config.canonical_link_type()
    wanted = list(link_types)
    unknown = [t for t in wanted if t not in known]
    if unknown:
        raise InvalidInput(
            f"Unknown link type {', '.join(map(repr, unknown))}; "
            f"known: {', '.join(sorted(config.link_types))}.",
            fields={"link_types": [f"Unknown link type {t!r}" for t in unknown]},
        )
    names = {known[t] for t in wanted}
    schemas = {s for s, t in linkmap.links.items() if t in names}
    schemas |= {s for s, (t, _) in linkmap.through.items() if t in names}
    return schemas


def _link_filters(filters: Filters, linkmap: LinkMap, config: network.NetworkConfig) -> dict[str, Any]:
    """The explorer's filters as arguments of ``reads.link_rows``; a bad grading is explained."""
    usable = set(linkmap.links) | set(linkmap.through)
    if filters.link_types:
        usable &= schemas_for(filters.link_types, linkmap, config)
    grading = filters.min_grading.strip().upper()
    if grading and not GRADING.match(grading):
        raise InvalidInput(
            f"{filters.min_grading!r} is not a 3x5x2 grading like '2B'.",
            fields={"min_grading": ["Enter a grading like 2B"]},
        )
    return {"schemas": usable, "observed_since": filters.since, "grading_at_least": grading}


def _touching(viewer: User, ids: list[str], filters: dict[str, Any]) -> list[reads.LinkRow]:
    return list(reads.link_rows(viewer=viewer, touching=ids, current=True, **filters))


def visible_entity(viewer: User, entity_id: str) -> None:
    """Refuse (as absent, and logged) an entity the viewer may not see."""
    reads.entity_check(viewer=viewer, entity_id=entity_id)


def neighbourhood(viewer: User, entity_id: str, filters: Filters) -> ViewGraph:
    """Everything within ``hops`` links of an entity that the viewer may see, up to ``max_nodes``."""
    if filters.hops < 1:
        raise InvalidInput("Choose at least 1 hop.", fields={"hops": ["Choose at least 1 hop"]})
    config = default_config()
    linkmap = load_linkmap(config)
    link_filters = _link_filters(filters, linkmap, config)
    visible_entity(viewer, entity_id)
    canon = Canon(viewer)
    start = canon(entity_id)
    seen = {start}
    frontier = {start}
    rows: dict[str, tuple[Any, ...]] = {}
    for hop in range(filters.hops):
        ids = sorted({m for key in frontier for m in canon.members(key)})
        found = _touching(viewer, ids, link_filters)
        canon.load(end for row in found for end in (row[2], row[3]))
        nxt: set[str] = set()
        for row in found:
            rows[row[0]] = row
            for end in (canon(row[2]), canon(row[3])):
                if end not in seen:
                    nxt.add(end)
        seen |= nxt
        if len(seen) > filters.max_nodes:
            raise InvalidInput(
                f"Within {hop + 1} hop{'s' if hop else ''} of this entity there are more than "
                f"{filters.max_nodes} nodes, the most this page draws. Use fewer hops, fewer link types, "
                "a later 'seen since' date or a better minimum grading.",
                code="limit",
                fields={
                    "hops": [f"More than {filters.max_nodes} nodes: choose fewer hops or filter the links"]
                },
            )
        frontier = nxt
        if not frontier:
            break
    return _view(viewer, start, list(rows.values()), canon, linkmap, config, roles={})


def ocg_graph(
    viewer: User, member_entity_ids: Iterable[str], roles: dict[str, str], canon: Canon | None = None
) -> ViewGraph:
    """A group's members the viewer may see, the links between them and the objects they share."""
    config = default_config()
    linkmap = load_linkmap(config)
    canon = canon or Canon(viewer)
    members = list(member_entity_ids)
    canon.load([*members, *roles])
    keys = {canon(e) for e in members}
    key_roles = {canon(e): r for e, r in roles.items()}
    ids = sorted({m for key in keys for m in canon.members(key)})
    found = _touching(viewer, ids, {"schemas": set(linkmap.links) | set(linkmap.through)})
    canon.load(end for row in found for end in (row[2], row[3]))
    frame = link_frame(found, canon)
    if len(frame):
        in_s, in_t = frame["sk"].isin(keys), frame["tk"].isin(keys)
        objects = pd.concat(
            [
                frame.loc[in_s & ~in_t, ["tk", "sk"]].set_axis(["o", "p"], axis=1),
                frame.loc[in_t & ~in_s, ["sk", "tk"]].set_axis(["o", "p"], axis=1),
            ]
        )
        shared = objects.drop_duplicates().groupby("o").size()
        shared_keys = set(shared[shared >= 2].index)
        keep = (in_s & in_t) | (in_s & frame["tk"].isin(shared_keys)) | (in_t & frame["sk"].isin(shared_keys))
        found = [found[i] for i in range(len(found)) if bool(keep.iloc[i])]
    view = _view(viewer, "", found, canon, linkmap, config, roles=key_roles, extra_keys=keys)
    return view


def _view(
    viewer: User,
    centre: str,
    rows: Sequence[tuple[Any, ...]],
    canon: Canon,
    linkmap: LinkMap,
    config: network.NetworkConfig,
    *,
    roles: dict[str, str],
    extra_keys: Iterable[str] = (),
) -> ViewGraph:
    frame = link_frame(rows, canon)
    inputs = build_inputs(frame, linkmap, config, canon, project=False)
    schema_of = dict(zip(frame["link_id"], frame["schema"], strict=True))
    keys = set(inputs.nodes["id"]) | ({centre} if centre else set()) | set(extra_keys)
    display = display_ids(viewer, keys, canon)
    keys = {k for k in keys if k in display}
    labels = reads.entity_captions(viewer=viewer, ids=display.values())
    kinds = dict(zip(inputs.nodes["id"], inputs.nodes["kind"], strict=True))
    offender = dict(zip(inputs.nodes["id"], inputs.nodes["offender"], strict=True))
    weights: list[float] = []
    if len(inputs.edges):
        built = network.build_graph(inputs.nodes, inputs.edges, config)
        weights = [float(w) for w in built.edges["weight"]]
    nodes = [
        ViewNode(
            id=display[k],
            key=k,
            kind=kinds.get(k, "person"),
            label=labels.get(display[k]) or kinds.get(k, "entity"),
            offender=bool(offender.get(k, False)),
            role=roles.get(k, ""),
        )
        for k in sorted(
            keys, key=lambda k: (kinds.get(k, "person") != "person", labels.get(display[k], ""), display[k])
        )
    ]
    edges = [
        ViewEdge(
            source=display[row.source_id],
            target=display[row.target_id],
            link_type=str(row.link_type),
            grading=str(row.grading or config.default_grading),
            observed_on=None if pd.isna(row.observed_on) else pd.Timestamp(row.observed_on).date(),
            weight=round(weights[i], 4) if weights else 0.0,
            record_id=int(inputs.record_of.get(row.evidence_id, 0)),
            link_id=str(row.evidence_id),
            schema=schema_of.get(row.evidence_id, ""),
        )
        for i, row in enumerate(inputs.edges.itertuples(index=False))
        if row.source_id in display and row.target_id in display
    ]
    explanation = f"{len(nodes)} entities and {len(edges)} links you may see"
    return ViewGraph(centre=display.get(centre, ""), nodes=nodes, edges=edges, explanation=explanation)


def display_ids(viewer: User, keys: Iterable[str], canon: Canon) -> dict[str, str]:
    """Canonical key -> its smallest member the viewer may see; keys with none are left out
    (``canon`` is the viewer's own: it answers what the viewer may see)."""
    members = {k: canon.members(k) for k in keys}
    ids = {m for ms in members.values() for m in ms}
    visible = (
        canon.visible(ids)
        if canon.viewer is viewer
        else reads.entities_visible(viewer=viewer, ids=sorted(ids))
    )
    out = {}
    for key, ms in members.items():
        seen = sorted(m for m in ms if m in visible)
        if seen:
            out[key] = seen[0]
    return out
