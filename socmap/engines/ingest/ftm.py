"""FollowTheMoney in and out without loss (ADR 0014).

One FtM entity is one record (its key the FtM id) holding one entity, ``FTM_KEY``, of the socmap
schema that stands for the FtM schema: the one of the same name, else the nearest of the FtM
schema's parents that socmap has by name, else by FtM name, else ``UnknownEntity``. Every value of
every property becomes a statement, exactly as received (the cleaned form beside it for matching):

- a property socmap models is stored under socmap's name for it;
- any other is stored as ``ftm:<property>``, and an FtM schema that is not the socmap schema's
  own FtM name as ``ftm:schema``; nothing is dropped or quarantined for being unknown.

A statement's identity is its value as received, so a changed value adds exactly one statement and
the same value again adds none. Links (Ownership, Directorship, Payment's ends…) keep their end ids
as statements; socmap's link schemata also get a network link between stubs keyed by those ids.
``entity_to_ftm`` writes such an entity back with the FtM id it came with.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from socmap.engines.ingest.types import EntityDraft, FtmStatement, Grading, LinkDraft, Value
from socmap.model.loader import Model, Schema
from socmap.model.types import VALUE_TYPES

FTM_KEY = "$ftm"  # the record-local key of the one entity an FtM record holds
UNMODELLED = "ftm:"  # prefix of a property socmap does not model, kept under FtM's name
SCHEMA_PROP = "ftm:schema"  # the FtM schema, when socmap's schema names another
FALLBACK = "UnknownEntity"
SOCMAP_KEY = "socmap"  # top-level key of an exported entity: socmap's own ids (not an FtM property)

DEFAULT_GRADING = Grading("2", "C", "P", original="", scheme="3x5x2")


def socmap_schema(model: Model, ftm_schema: Any) -> Schema:
    """The socmap schema for an FtM schema: by its own name, then its parents' names, then their
    FtM names (nearest first); never by the order socmap declares its schemata."""
    chain = [ftm_schema, *_ancestors(ftm_schema)]
    for s in chain:
        ours = model.schemata.get(s.name)
        if ours is not None and not ours.abstract and (ours.ftm or "") == s.name:
            return ours
    for s in chain:
        for ours in model.schemata.values():
            if ours.ftm == s.name and not ours.abstract and ours.is_link == bool(ftm_schema.edge):
                return ours
    return model.schemata[FALLBACK]


def _ancestors(schema: Any) -> list[Any]:
    """An FtM schema's parents, nearest first (breadth first over ``extends``)."""
    out: list[Any] = []
    todo = list(schema.extends)
    while todo:
        s = todo.pop(0)
        if s not in out:
            out.append(s)
            todo.extend(s.extends)
    return out


def property_names(model: Model, schema: Schema) -> dict[str, str]:
    """FtM property name -> socmap property name, for the properties ``schema`` models: the
    schema's own first (Person.full_name before Thing.name), then the first declared."""
    parent = model.schemata.get(schema.parent)
    inherited = set(parent.properties) if parent else set()
    out: dict[str, str] = {}
    for pname, prop in sorted(schema.properties.items(), key=lambda kv: kv[0] in inherited):
        if prop.ftm:
            out.setdefault(prop.ftm, pname)
    return out


def _clean(value: str, value_type: str) -> str:
    """The cleaned form kept beside the value (for matching); the value itself when it does not clean."""
    try:
        return VALUE_TYPES[value_type].clean(value)
    except ValueError:
        return value


def canonical_raw(obj: Mapping[str, Any]) -> dict[str, Any]:
    """What a record keeps of an FtM entity: id, schema and properties (values in a stable order),
    so an export of it read back is the same record, not a new version of it."""
    props = obj.get("properties") or {}
    return {
        "id": str(obj.get("id") or ""),
        "schema": str(obj.get("schema") or ""),
        "properties": {k: sorted(str(v) for v in vs) for k, vs in sorted(props.items()) if vs},
    }


def map_entity(
    model: Model, ftm_schema: Any, obj: Mapping[str, Any]
) -> tuple[tuple[EntityDraft, ...], tuple[LinkDraft, ...], list[tuple[str, str]]]:
    """(entities, links, problems) of one FtM entity; problems are (property, message) warnings."""
    ours = socmap_schema(model, ftm_schema)
    names = property_names(model, ours)
    problems: list[tuple[str, str]] = []
    props: dict[str, list[Value]] = {}
    if (ours.ftm or "") != ftm_schema.name:
        props[SCHEMA_PROP] = [Value(ftm_schema.name, ftm_schema.name)]
    raw_props = obj.get("properties") or {}
    for fname, values in raw_props.items():
        if not isinstance(values, list):
            values = [values]
        pname = names.get(fname)
        vtype = ours.properties[pname].type if pname else "text"
        key = pname or f"{UNMODELLED}{fname}"
        for v in values:
            if not isinstance(v, str):
                problems.append((fname, f"{v!r} is not text; kept as {json.dumps(v, ensure_ascii=False)}"))
                v = json.dumps(v, ensure_ascii=False)
            got = Value(_clean(v, vtype) if pname else v, v)
            if got not in props.setdefault(key, []):
                props[key].append(got)
    entities = [EntityDraft(FTM_KEY, ours.name, {k: tuple(v) for k, v in props.items()})]
    links: list[LinkDraft] = []
    if ours.edge is not None:
        src = props.get(ours.edge.source)
        tgt = props.get(ours.edge.target)
        if src and tgt:
            # Stubs keyed by the ends' FtM ids, so the network sees the link (resolution joins them).
            for key, pname in ((src[0].original, ours.edge.source), (tgt[0].original, ours.edge.target)):
                if key != FTM_KEY and all(e.key != key for e in entities):
                    entities.append(EntityDraft(key, ours.properties[pname].range[0], {}))
            if src[0].original != tgt[0].original:
                links.append(LinkDraft(ours.name, src[0].original, tgt[0].original, {}))
    for value in props.get(f"{UNMODELLED}addressEntity", []):
        # An address given as an entity of its own is a link in socmap's network.
        if value.original != FTM_KEY and all(e.key != value.original for e in entities[1:]):
            entities.append(EntityDraft(value.original, "Address", {}))
        schema = "LivesAt" if ours.name == "Person" else "UnknownLink"
        links.append(LinkDraft(schema, FTM_KEY, value.original, {}))
    return tuple(entities), tuple(links), problems


def entity_to_ftm(
    model: Model,
    ftm_id: str,
    schema_name: str,
    statements: Iterable[FtmStatement],
    *,
    socmap: Mapping[str, Any] | None = None,
    cleaned: bool = False,
) -> dict[str, Any] | None:
    """An entity held as statements, as the FtM entity it came as (``None``: no FtM equivalent).

    Values as received unless ``cleaned``; properties socmap models go back under their FtM name,
    ``ftm:`` ones under their own. ``socmap`` (socmap's ids) goes in a top-level key of its own.
    """
    from followthemoney import model as ftm_model

    ours = model.schemata.get(schema_name)
    statements = list(statements)
    ftm_name = next((s.original or s.value for s in statements if s.prop == SCHEMA_PROP), "")
    ftm_name = ftm_name or (ours.ftm if ours is not None else "")
    schema = ftm_model.get(ftm_name) if ftm_name else None
    if schema is None:
        return None
    props: dict[str, list[str]] = {}
    for st in statements:
        if st.prop == SCHEMA_PROP:
            continue
        if st.prop.startswith(UNMODELLED):
            name = st.prop[len(UNMODELLED) :]  # kept as it came, whether FtM knows it or not
        else:
            prop = ours.properties.get(st.prop) if ours is not None else None
            name = prop.ftm if prop is not None and prop.ftm in schema.properties else ""
        if not name:
            continue
        value = st.value if cleaned or not st.original else st.original
        if value not in props.setdefault(name, []):
            props[name].append(value)
    out: dict[str, Any] = {
        "id": ftm_id,
        "schema": schema.name,
        "properties": {k: v for k, v in props.items() if v},
    }
    if socmap:
        out[SOCMAP_KEY] = dict(socmap)
    return out
