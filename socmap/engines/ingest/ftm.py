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

import hashlib
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from socmap.engines.ingest.types import EntityDraft, FtmStatement, Grading, LinkDraft, Value
from socmap.model.loader import Model, Schema
from socmap.model.types import VALUE_TYPES

FTM_KEY = "$ftm"  # the record-local key of the one entity an FtM record holds
UNMODELLED = "ftm:"  # prefix of a property socmap does not model, kept under FtM's name
SCHEMA_PROP = "ftm:schema"  # the FtM schema, when socmap's schema names another
FALLBACK = "UnknownEntity"
SOCMAP_KEY = "socmap"  # top-level key of an exported entity: socmap's own ids (not an FtM property)
#: Prefix of a statement holding a top-level key of an FtM entity other than its id, schema and
#: properties (``datasets``, ``referents``, ``first_seen``, ``target``, ``caption``...). The name says
#: the value's shape, so it comes back as it came: ``ftm:@first_seen`` a text, ``ftm:@datasets[]``
#: one item of a list of texts, ``ftm:@target=`` any other JSON value (as JSON text).
TOP = "ftm:@"
ENVELOPE = frozenset({"id", "schema", "properties", SOCMAP_KEY})
PROP_CHARS = 60  # the longest statement property the store holds
KEY_CHARS = 80  # the longest entity key the store holds: a longer FtM id keys no stub (nor link)

DEFAULT_GRADING = Grading("2", "C", "P", original="", scheme="3x5x2")
#: What FtM accepts as an entity id (``followthemoney.types.registry.entity``).
FTM_ID = re.compile(r"^[0-9a-zA-Z]([0-9a-zA-Z.\-]*[0-9a-zA-Z])?$")


def ftm_id(socmap_id: str) -> str:
    """The FtM id of a socmap entity or link: its own id when FtM accepts it (``000000000063.subject``),
    else that id with each other character as ``-`` and a short hash of it, so no two ids meet
    (``000000000063.payer_person`` -> ``000000000063.payer-person-1c4e0b9a``). Stable: the same
    socmap id always gives the same FtM id."""
    if FTM_ID.match(socmap_id):
        return socmap_id
    safe = re.sub(r"[^0-9a-zA-Z.\-]", "-", socmap_id).strip(".-")
    digest = hashlib.sha1(socmap_id.encode(), usedforsecurity=False).hexdigest()[:8]
    return f"{safe}-{digest}" if safe else f"socmap-{digest}"


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
    out: dict[str, Any] = {
        "id": str(obj.get("id") or ""),
        "schema": str(obj.get("schema") or ""),
        "properties": {k: sorted(str(v) for v in vs) for k, vs in sorted(props.items()) if vs},
    }
    for key, value in sorted(obj.items()):
        if key in ENVELOPE or value == []:
            continue
        texts = isinstance(value, list) and all(isinstance(v, str) for v in value)
        out[key] = sorted(set(value)) if texts else value
    return out


def top_level(obj: Mapping[str, Any]) -> dict[str, list[Value]]:
    """The statements of an FtM entity's top-level keys other than id, schema and properties, each
    under a name saying its shape (``TOP``); a key too long for a name goes whole, as JSON."""
    out: dict[str, list[Value]] = {}
    for key, value in obj.items():
        if key in ENVELOPE:
            continue
        if len(f"{TOP}{key}[]") > PROP_CHARS:
            items, prop = [json.dumps({key: value}, ensure_ascii=False, sort_keys=True)], f"{TOP}="
        elif isinstance(value, str):
            items, prop = [value], f"{TOP}{key}"
        elif isinstance(value, list) and all(isinstance(v, str) for v in value):
            items, prop = list(value), f"{TOP}{key}[]"
        else:
            items, prop = [json.dumps(value, ensure_ascii=False, sort_keys=True)], f"{TOP}{key}="
        for item in items:
            if Value(item, item) not in out.setdefault(prop, []):
                out[prop].append(Value(item, item))
    return out


def _put_top_level(out: dict[str, Any], statements: Iterable[FtmStatement]) -> None:
    """Top-level keys back from their statements: a list whole, a single value the latest given
    (statements come oldest first: a changed ``last_seen`` is a newer statement)."""
    for st in statements:
        name, said = st.prop[len(TOP) :], st.original or st.value
        if name == "=":
            out.update(json.loads(said))
        elif name.endswith("[]"):
            held = out.setdefault(name[:-2], [])
            if said not in held:
                held.append(said)
        elif name.endswith("="):
            out[name[:-1]] = json.loads(said)
        else:
            out[name] = said


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
    props.update(top_level(obj))
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
    stubs: dict[str, str] = {}  # FtM id -> socmap schema of the stub keyed by it
    for fname in raw_props:
        fprop = ftm_schema.properties.get(fname)
        if fprop is None or fprop.type.name != "entity":
            continue
        pname = names.get(fname)
        kind = ours.properties[pname].range[0] if pname and ours.properties[pname].range else FALLBACK
        for value in props.get(pname or f"{UNMODELLED}{fname}", []):
            if value.original != FTM_KEY and len(value.original) <= KEY_CHARS:
                # A stub keyed by the FtM id named, so what names an entity can be found from it
                # (a person's payments, sanctions, ownerships); resolution and exports join them.
                stubs.setdefault(value.original, "Address" if fname == "addressEntity" else kind)
    entities.extend(EntityDraft(key, schema, {}) for key, schema in stubs.items())
    links: list[LinkDraft] = []
    if ours.edge is not None:
        for src in props.get(ours.edge.source, []):
            for tgt in props.get(ours.edge.target, []):
                if src.original != tgt.original and src.original in stubs and tgt.original in stubs:
                    links.append(LinkDraft(ours.name, src.original, tgt.original, {}))
    for value in props.get(f"{UNMODELLED}addressEntity", []):
        if value.original not in stubs:
            continue  # an id too long to key a stub: kept as a statement only
        # An address given as an entity of its own is a link in socmap's network.
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
        if st.prop == SCHEMA_PROP or st.prop.startswith(TOP):
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
    _put_top_level(out, (st for st in statements if st.prop.startswith(TOP)))
    if socmap:
        out[SOCMAP_KEY] = dict(socmap)
    return out


def accepts(type_name: str, value: str) -> bool:
    """Whether FtM keeps this value of this type (``phone``, ``date``...) when it reads it."""
    from followthemoney.types import registry

    return registry.get(type_name).clean(value) is not None


def name_if_required(entity: dict[str, Any], caption: str) -> None:
    """Give an entity of a schema FtM requires a name of (Person, Company, Event) socmap's caption of
    it as its name, when it has none of its own."""
    from followthemoney import model as ftm_model

    schema = ftm_model.get(str(entity.get("schema") or ""))
    props = entity.setdefault("properties", {})
    if schema is not None and caption and "name" in schema.required and not props.get("name"):
        props["name"] = [caption]


def merge_entities(
    entity_id: str, entities: Sequence[Mapping[str, Any]], *, caption: str = ""
) -> dict[str, Any] | None:
    """One canonical FtM entity standing for several (the records resolution joined), as
    OpenSanctions writes one: FtM's common schema of theirs, the union of their values as they are
    given, and ``referents`` naming every id it merges (theirs, and those they name themselves).
    ``datasets`` are joined, ``first_seen`` is the earliest, ``last_seen``/``last_change`` the latest.
    ``None`` when there is nothing to merge."""
    from followthemoney import model as ftm_model
    from followthemoney.exc import InvalidData

    schemata = [ftm_model.get(str(e.get("schema") or "")) for e in entities]
    known = [s for s in schemata if s is not None]
    if not known:
        return None
    schema = known[0]
    for other in known[1:]:
        try:
            schema = ftm_model.common_schema(schema, other)
        except InvalidData:  # two schemata FtM cannot join (a Person and a Company): keep the first
            continue
    props: dict[str, list[str]] = {}
    referents: set[str] = set()
    datasets: set[str] = set()
    for entity in entities:
        referents.add(str(entity.get("id") or ""))
        referents.update(str(r) for r in entity.get("referents") or ())
        datasets.update(str(d) for d in entity.get("datasets") or ())
        for name, values in (entity.get("properties") or {}).items():
            if name not in schema.properties:
                continue
            held = props.setdefault(name, [])
            held.extend(v for v in values if v not in held)
    referents.discard("")
    referents.discard(entity_id)
    out: dict[str, Any] = {"id": entity_id, "schema": schema.name, "properties": props}
    out["referents"] = sorted(referents)
    if datasets:
        out["datasets"] = sorted(datasets)
    for key, pick in (("first_seen", min), ("last_seen", max), ("last_change", max)):
        seen = [str(e[key]) for e in entities if e.get(key)]
        if seen:
            out[key] = pick(seen)
    if caption:
        out["caption"] = caption
    if any(e.get("target") is True for e in entities):
        out["target"] = True
    return out
