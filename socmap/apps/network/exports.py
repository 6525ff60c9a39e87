"""Exports of a network as the viewer sees it: GraphML, i2 Analyst's Notebook, FollowTheMoney, and the
national OCG return. Every export is a disclosure, audited with its justification before any byte
leaves; an empty selection is refused with a clear message and nothing is written or audited.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator, Mapping
from xml.sax.saxutils import escape, quoteattr  # nosec B406 # escapes text written into GraphML; nothing is parsed

from socmap.apps.core.exports import csv_lines, csv_text
from socmap.apps.core.models import User
from socmap.apps.core.services import export_audited
from socmap.apps.intel import ftm as intel_ftm
from socmap.apps.network import selectors
from socmap.apps.network.graph import Canon, ViewGraph
from socmap.apps.resolution import ftm as resolution_ftm
from socmap.engines.ingest import ftm as ftm_engine
from socmap.errors import InvalidInput

FORMATS = {
    "graphml": ("GraphML", "application/graphml+xml", "graphml"),
    "i2": ("i2 Analyst's Notebook import (CSV and import specification)", "application/zip", "zip"),
    "ftm": ("FollowTheMoney entities", "application/x-ndjson", "ftm.json"),
}


def _refuse_empty(graph: ViewGraph, what: str) -> None:
    if graph.empty:
        raise InvalidInput(
            f"There is nothing to export: {what} has no entities you may see. Nothing was written.",
            code="empty",
            fields={"justification": ["Nothing to export"]},
        )


def graph_export(
    *,
    viewer: User,
    graph: ViewGraph,
    fmt: str,
    what: str,
    justification: str,
    group: selectors.GroupCard | None = None,
    canonical: bool = False,
) -> bytes:
    """One network in one format, after auditing the disclosure (a group's FtM names the group;
    ``canonical``: FtM with the resolved entities too, naming the records they merge)."""
    if fmt not in FORMATS:
        raise InvalidInput(
            f"Unknown export format {fmt!r}; use {', '.join(FORMATS)}", fields={"format": ["Unknown"]}
        )
    _refuse_empty(graph, what)
    export_audited(
        actor=viewer,
        what=f"network-{fmt}:{what}",
        justification=justification,
        count=len(graph.nodes) + len(graph.edges),
        detail={
            "nodes": len(graph.nodes),
            "links": len(graph.edges),
            "canonical": canonical and fmt == "ftm",
        },
    )
    if fmt == "graphml":
        return "".join(graphml(graph)).encode()
    if fmt == "i2":
        return i2_bundle(graph)
    return "".join(ftm_lines(graph, group, viewer=viewer, canonical=canonical)).encode()


def graphml(graph: ViewGraph) -> Iterator[str]:
    yield '<?xml version="1.0" encoding="UTF-8"?>\n'
    yield '<graphml xmlns="http://graphml.graphdrawing.org/xmlns">\n'
    keys = (
        ("label", "node", "string"),
        ("kind", "node", "string"),
        ("role", "node", "string"),
        ("link_type", "edge", "string"),
        ("grading", "edge", "string"),
        ("observed_on", "edge", "string"),
        ("weight", "edge", "double"),
        ("record", "edge", "string"),
    )
    for name, scope, kind in keys:
        yield f'  <key id="{name}" for="{scope}" attr.name="{name}" attr.type="{kind}"/>\n'
    yield '  <graph id="network" edgedefault="undirected">\n'
    for node in graph.nodes:
        yield f"    <node id={quoteattr(node.id)}>"
        yield f'<data key="label">{escape(node.label)}</data><data key="kind">{node.kind}</data>'
        if node.role:
            yield f'<data key="role">{node.role}</data>'
        yield "</node>\n"
    for i, edge in enumerate(graph.edges):
        yield f'    <edge id="e{i}" source={quoteattr(edge.source)} target={quoteattr(edge.target)}>'
        yield (
            f'<data key="link_type">{edge.link_type}</data><data key="grading">{escape(edge.grading)}</data>'
            f'<data key="observed_on">{edge.observed_on or ""}</data><data key="weight">{edge.weight}</data>'
            f'<data key="record">{edge.record_id}</data></edge>\n'
        )
    yield "  </graph>\n</graphml>\n"


I2_COLUMNS = [
    "Entity1 Identity",
    "Entity1 Type",
    "Entity1 Label",
    "Link Type",
    "Link Date",
    "Link Grading",
    "Link Strength",
    "Link Reference",
    "Entity2 Identity",
    "Entity2 Type",
    "Entity2 Label",
]


def i2_bundle(graph: ViewGraph) -> bytes:
    """A zip of ``network.csv`` (one row per link, both ends in it) and ``network.ximp``, the import
    specification that tells Analyst's Notebook which column is which."""
    nodes = {n.id: n for n in graph.nodes}
    rows: list[list[object]] = []
    linked: set[str] = set()
    for edge in graph.edges:
        a, b = nodes[edge.source], nodes[edge.target]
        linked |= {a.id, b.id}
        rows.append(
            [
                a.id,
                a.kind.title(),
                a.label,
                edge.link_type.replace("_", " "),
                edge.observed_on or "",
                edge.grading,
                edge.weight,
                f"record {edge.record_id}",
                b.id,
                b.kind.title(),
                b.label,
            ]
        )
    for node in graph.nodes:  # entities with no link still import, as a row without a second end
        if node.id not in linked:
            rows.append([node.id, node.kind.title(), node.label, "", "", "", "", "", "", "", ""])
    spec = "\n".join(
        [
            '<?xml version="1.0" encoding="UTF-8"?>',
            "<!-- socmap import specification for i2 Analyst's Notebook: one link per row. -->",
            '<ImportSpecification name="socmap network" dataFile="network.csv" delimiter=","',
            '                      headerRow="true">',
            '  <Entity end="1" identity="Entity1 Identity" type="Entity1 Type" label="Entity1 Label"/>',
            '  <Entity end="2" identity="Entity2 Identity" type="Entity2 Type" label="Entity2 Label"/>',
            '  <Link type="Link Type" dateTime="Link Date" strength="Link Strength" label="Link Type"',
            '        attributes="Link Grading,Link Reference" direction="none"/>',
            '  <TypeMap Person="Person" Address="Address" Phone="Telephone" Vehicle="Vehicle"',
            '           Account="Account" Company="Organisation"/>',
            "</ImportSpecification>",
            "",
        ]
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bundle:
        bundle.writestr("network.csv", csv_text(I2_COLUMNS, rows))
        bundle.writestr("network.ximp", spec)
    return out.getvalue()


def ftm_group(
    group: selectors.GroupCard, graph: ViewGraph, ids: Mapping[str, str] | None = None
) -> Iterator[dict[str, object]]:
    """The group as an FtM ``Organization``, its members' ``Membership`` of it, and, for a sub-group,
    its own ``Membership`` of the group it is part of (FtM has no parent-group property). A member
    is named by ``ids`` (node id -> the FtM id it went out under: its canonical entity's, or its
    record's), else by its socmap id."""
    cards = [group, group.parent] if group.parent else [group]
    for card in cards:
        props: dict[str, list[str]] = {"name": [card.name], "topics": ["crime"]}
        if card.reference:
            props["registrationNumber"] = [card.reference]
        yield {"id": card.id, "schema": "Organization", "properties": props}
    if group.parent:
        yield {
            "id": f"{group.id}-part-of-{group.parent.id}",
            "schema": "Membership",
            "properties": {"member": [group.id], "organization": [group.parent.id], "role": ["sub-group"]},
        }
    for node in graph.nodes:
        if node.kind == "person" and node.role:
            member = (ids or {}).get(node.id) or ftm_engine.ftm_id(node.id)
            yield {
                "id": ftm_engine.ftm_id(f"{group.id}-member-{node.id}"),
                "schema": "Membership",
                "properties": {"member": [member], "organization": [group.id], "role": [node.role]},
            }


def ftm_lines(
    graph: ViewGraph, group: selectors.GroupCard | None = None, *, viewer: User, canonical: bool = False
) -> Iterator[str]:
    """The network as FtM: every record the viewer may see of every entity drawn, each as it came
    (with the FtM id it arrived with, or socmap's), every link drawn as its FtM link schema with
    its properties, what the FtM entities name, and, if ``canonical``, one entity per person (and per
    object drawn from several records) merging its records, naming them as ``referents``."""
    canon = Canon(viewer)
    canon.load(node.key for node in graph.nodes)
    clusters = {node.id: sorted(canon.members(node.key)) for node in graph.nodes}
    bundle = intel_ftm.bundle_get(
        viewer=viewer,
        entity_ids=sorted({m for members in clusters.values() for m in members}),
        link_ids=[edge.link_id for edge in graph.edges],
    )
    items: list[dict[str, object]] = list(bundle.entities)
    ids = {node.id: bundle.ids[node.id] for node in graph.nodes if node.id in bundle.ids}
    if canonical:
        merged = {n.id: clusters[n.id] for n in graph.nodes if n.kind == "person" or len(clusters[n.id]) > 1}
        made = resolution_ftm.canonical_entities(
            bundle, merged, captions={n.id: n.label for n in graph.nodes}
        )
        items[:0] = made
        ids |= {str(item[ftm_engine.SOCMAP_KEY]["entity"]): str(item["id"]) for item in made}
    if group:
        items.extend(ftm_group(group, graph, ids))
    return intel_ftm.ftm_lines(items)


RETURN_COLUMNS = [
    "reference",
    "name",
    "lead_force",
    "status",
    "theme",
    "lro",
    "adopted_on",
    "members_visible",
    "principal",
    "parent_reference",
    "parent_name",
]


def national_return(*, viewer: User, justification: str) -> Iterator[str]:
    """The national OCG return: one row per adopted group the viewer may see."""
    groups = list(selectors.adopted_ocgs(viewer=viewer))
    if not groups:
        raise InvalidInput(
            "There is nothing to export: no adopted groups that you may see. Nothing was written.",
            code="empty",
            fields={"justification": ["Nothing to export"]},
        )
    export_audited(actor=viewer, what="national OCG return", justification=justification, count=len(groups))
    rows = selectors.return_rows(viewer=viewer, groups=groups)
    return csv_lines(RETURN_COLUMNS, ([row[c] for c in RETURN_COLUMNS] for row in rows))
