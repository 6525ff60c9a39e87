"""The network over the API: groups, a group's network, the network around an entity, exports."""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema

from socmap.apps.core.auth import viewer
from socmap.apps.core.schemas import ErrorOut
from socmap.apps.network import exports, selectors
from socmap.apps.network import graph as netgraph

router = Router(tags=["network"])


class OCGOut(Schema):
    id: int
    reference: str | None
    name: str
    status: str
    theme: str
    owner: str
    lead_force: str | None


class NodeOut(Schema):
    id: str
    kind: str
    label: str
    role: str


class EdgeOut(Schema):
    source: str
    target: str
    link_type: str
    grading: str
    observed_on: date | None
    weight: float
    record_id: int


class GraphOut(Schema):
    nodes: list[NodeOut]
    edges: list[EdgeOut]


class NeighbourhoodFilter(Schema):
    hops: int = 1
    link_types: list[str] = []
    since: date | None = None
    min_grading: str = ""
    purpose: str


class ExportIn(Schema):
    justification: str
    canonical: bool = False  # FtM: the resolved entities too, naming the records they merge


class NeighbourhoodExportIn(ExportIn):
    hops: int = 1
    link_types: list[str] = []
    since: date | None = None
    min_grading: str = ""


def _graph(g: netgraph.ViewGraph) -> dict[str, object]:
    return {
        "nodes": [{"id": n.id, "kind": n.kind, "label": n.label, "role": n.role} for n in g.nodes],
        "edges": [e.__dict__ for e in g.edges],
    }


@router.get("/network/groups", response={200: list[OCGOut]}, operation_id="network_ocg_list")
def ocg_list(
    request: HttpRequest, status: str = "", theme: str = "", force: str = "", page: int = 1
) -> list[dict[str, object]]:
    result = selectors.ocg_list(
        viewer=viewer(request),
        filters=selectors.OCGFilter(force=force, theme=theme, status=status),
        page=page,
    )
    return [
        {
            "id": o.pk,
            "reference": o.reference,
            "name": o.name,
            "status": o.status,
            "theme": o.theme,
            "owner": o.owner.name,
            "lead_force": o.lead_force.name if o.lead_force else None,
        }
        for o in result.items
    ]


@router.get(
    "/network/groups/{ocg_id}/network",
    response={200: GraphOut, 404: ErrorOut},
    operation_id="network_ocg_graph",
)
def ocg_graph(request: HttpRequest, ocg_id: int) -> dict[str, object]:
    return _graph(selectors.ocg_graph(viewer=viewer(request), ocg_id=ocg_id))


@router.get(
    "/network/entities/{entity_id}",
    response={200: GraphOut, 400: ErrorOut, 404: ErrorOut},
    operation_id="network_neighbourhood_get",
)
def neighbourhood(
    request: HttpRequest, entity_id: str, filters: Query[NeighbourhoodFilter]
) -> dict[str, object]:
    graph = selectors.neighbourhood(
        viewer=viewer(request),
        entity_id=entity_id,
        filters=netgraph.Filters(
            hops=filters.hops,
            link_types=tuple(filters.link_types),
            since=filters.since,
            min_grading=filters.min_grading,
            max_nodes=netgraph.Filters().max_nodes,
        ),
        justification=filters.purpose,
    )
    return _graph(graph)


@router.post(
    "/network/groups/{ocg_id}/export/{fmt}",
    response={200: None, 400: ErrorOut, 404: ErrorOut},
    operation_id="network_ocg_export",
)
def ocg_export(request: HttpRequest, ocg_id: int, fmt: str, payload: ExportIn) -> HttpResponse:
    user = viewer(request)
    graph = selectors.ocg_graph(viewer=user, ocg_id=ocg_id)
    body = exports.graph_export(
        viewer=user,
        graph=graph,
        fmt=fmt,
        what=f"ocg:{ocg_id}",
        justification=payload.justification,
        group=selectors.ocg_card(viewer=user, ocg_id=ocg_id),
        canonical=payload.canonical,
    )
    return HttpResponse(body, content_type=exports.FORMATS[fmt][1])


@router.post(
    "/network/entities/{entity_id}/export/{fmt}",
    response={200: None, 400: ErrorOut, 404: ErrorOut},
    operation_id="network_neighbourhood_export",
)
def neighbourhood_export(
    request: HttpRequest, entity_id: str, fmt: str, payload: NeighbourhoodExportIn
) -> HttpResponse:
    """The network around an entity, as the explorer draws it with these filters, in one format
    (``graphml``, ``i2``, ``ftm``): a disclosure, audited."""
    user = viewer(request)
    selectors.entity_check(viewer=user, entity_id=entity_id)
    filters = netgraph.Filters(
        hops=payload.hops,
        link_types=tuple(payload.link_types),
        since=payload.since,
        min_grading=payload.min_grading,
    )
    body = exports.graph_export(
        viewer=user,
        graph=netgraph.neighbourhood(user, entity_id, filters),
        fmt=fmt,
        what=f"entity:{entity_id}",
        justification=payload.justification,
        canonical=payload.canonical,
    )
    return HttpResponse(body, content_type=exports.FORMATS[fmt][1])
