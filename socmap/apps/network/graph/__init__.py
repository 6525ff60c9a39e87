"""Reading the network out of the database in bulk: canonical nodes and links the engine understands.

Nodes are canonical entities: people and objects as resolution joined them, and addresses joined here
by postcode, flat and house number and street (resolution leaves addresses alone). Links come from
the record links through ``linkmap.yaml``. Everything is read through intel's read API: for a
user, only the links and entities visible to them (filtered in the query, before anything is
built), so every id shown is a visible record's; for the analysis, as a named system job.
"""

from socmap.apps.network.graph.inputs import (
    EDGE_COLUMNS,
    FRAME_COLUMNS,
    GRADING,
    LINKMAP,
    POSTCODE,
    Canon,
    GraphInputs,
    LinkMap,
    address_key,
    analysis_inputs,
    build_inputs,
    default_config,
    link_frame,
    load_linkmap,
    person_themes,
)
from socmap.apps.network.graph.shown import (
    Filters,
    ViewEdge,
    ViewGraph,
    ViewNode,
    display_ids,
    neighbourhood,
    ocg_graph,
    schemas_for,
    visible_entity,
)

__all__ = [
    "EDGE_COLUMNS",
    "FRAME_COLUMNS",
    "GRADING",
    "LINKMAP",
    "POSTCODE",
    "Canon",
    "Filters",
    "GraphInputs",
    "LinkMap",
    "ViewEdge",
    "ViewGraph",
    "ViewNode",
    "address_key",
    "analysis_inputs",
    "build_inputs",
    "default_config",
    "display_ids",
    "link_frame",
    "load_linkmap",
    "neighbourhood",
    "ocg_graph",
    "person_themes",
    "schemas_for",
    "visible_entity",
]
