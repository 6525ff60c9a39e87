"""Load the vocabulary (schemata, links, gradings) from YAML into frozen dataclasses, once.

The loader fails fast with ``InvalidModel`` naming the file and the key: an unknown parent, a
missing caption or required property, an edge without source or target, an unknown value type.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from socmap.errors import InvalidModel
from socmap.model.types import VALUE_TYPES

MODEL_DIR = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Property:
    name: str
    type: str
    ftm: str = ""
    range: tuple[str, ...] = ()  # for entity properties: the schemata it may point at


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    directed: bool = True


@dataclass(frozen=True)
class Schema:
    name: str
    parent: str
    abstract: bool
    ftm: str
    caption: tuple[str, ...]
    required: tuple[str, ...]
    properties: Mapping[str, Property]  # own and inherited
    edge: Edge | None = None
    file: str = ""

    @property
    def is_link(self) -> bool:
        return self.edge is not None

    def is_a(self, name: str, model: Model) -> bool:
        """True if this schema is ``name`` or descends from it."""
        current: Schema | None = self
        while current is not None:
            if current.name == name:
                return True
            current = model.schemata.get(current.parent) if current.parent else None
        return False


@dataclass(frozen=True)
class HandlingMap:
    code: str
    conditions: str = ""


@dataclass(frozen=True)
class Gradings:
    """3x5x2 labels and the configurable 5x5x5 -> 3x5x2 table."""

    source: Mapping[str, str]
    intelligence: Mapping[str, str]
    handling: Mapping[str, str]
    from5_source: Mapping[str, str]
    from5_intelligence: Mapping[str, str]
    from5_handling: Mapping[str, HandlingMap]


@dataclass(frozen=True)
class Model:
    schemata: Mapping[str, Schema]
    gradings: Gradings
    files: tuple[str, ...] = field(default=())

    def get(self, name: str) -> Schema | None:
        return self.schemata.get(name)


def _read_yaml(path: Path) -> Any:
    try:
        with path.open(encoding="utf-8") as fh:
            return yaml.safe_load(fh)
    except yaml.YAMLError as exc:
        raise InvalidModel(f"{path.name}: not valid YAML: {exc}", fields={path.name: [str(exc)]}) from exc


def _fail(file: str, key: str, message: str) -> InvalidModel:
    return InvalidModel(f"{file}: {key}: {message}", fields={f"{file}:{key}": [message]})


def _load_schemata(schema_dir: Path) -> tuple[dict[str, Schema], list[str]]:
    raw: dict[str, tuple[str, dict[str, Any]]] = {}
    files: list[str] = []
    for path in sorted(schema_dir.glob("*.yaml")):
        files.append(path.name)
        data = _read_yaml(path) or {}
        if not isinstance(data, dict):
            raise _fail(path.name, "(top)", "must be a mapping of schema names")
        for name, body in data.items():
            if not isinstance(body, dict):
                raise _fail(path.name, str(name), "must be a mapping")
            if name in raw:
                raise _fail(path.name, str(name), f"declared twice (also in {raw[name][0]})")
            raw[str(name)] = (path.name, body)

    built: dict[str, Schema] = {}

    def build(name: str, seen: tuple[str, ...] = ()) -> Schema:
        if name in built:
            return built[name]
        file, body = raw[name]
        parent = str(body.get("extends") or "")
        inherited: dict[str, Property] = {}
        if parent:
            if parent not in raw:
                raise _fail(file, f"{name}.extends", f"unknown parent {parent!r}")
            if parent in seen:
                raise _fail(file, f"{name}.extends", "inheritance cycle")
            inherited = dict(build(parent, (*seen, name)).properties)
        own = body.get("properties") or {}
        if not isinstance(own, dict):
            raise _fail(file, f"{name}.properties", "must be a mapping")
        for pname, pbody in own.items():
            key = f"{name}.properties.{pname}"
            if not isinstance(pbody, dict) or "type" not in pbody:
                raise _fail(file, key, "needs a type")
            ptype = str(pbody["type"])
            if ptype not in VALUE_TYPES:
                raise _fail(file, f"{key}.type", f"unknown value type {ptype!r}")
            rng = pbody.get("range") or ()
            rng_t = (rng,) if isinstance(rng, str) else tuple(str(r) for r in rng)
            if ptype == "entity" and not rng_t:
                raise _fail(file, f"{key}.range", "an entity property needs a range")
            inherited[str(pname)] = Property(str(pname), ptype, str(pbody.get("ftm") or ""), rng_t)
        caption = tuple(str(c) for c in body.get("caption") or ())
        required = tuple(str(c) for c in body.get("required") or ())
        abstract = bool(body.get("abstract", False))
        if not caption:
            if parent and built[parent].caption:
                caption = built[parent].caption
            else:
                raise _fail(file, f"{name}.caption", "missing caption")
        for c in caption:
            if c not in inherited:
                raise _fail(file, f"{name}.caption", f"caption property {c!r} is not a property")
        for r in required:
            if r not in inherited:
                raise _fail(file, f"{name}.required", f"required property {r!r} is not a property")
        edge: Edge | None = None
        edge_body = body.get("edge")
        if edge_body is not None:
            if not isinstance(edge_body, dict):
                raise _fail(file, f"{name}.edge", "must be a mapping with source and target")
            for end in ("source", "target"):
                prop = edge_body.get(end)
                if not prop:
                    raise _fail(file, f"{name}.edge.{end}", f"edge without {end}")
                if not isinstance(prop, str) or prop not in inherited or inherited[prop].type != "entity":
                    raise _fail(file, f"{name}.edge.{end}", f"{prop!r} is not an entity property")
            edge = Edge(
                str(edge_body["source"]), str(edge_body["target"]), bool(edge_body.get("directed", True))
            )
        schema = Schema(
            name=name,
            parent=parent,
            abstract=abstract,
            ftm=str(body.get("ftm") or "") if "ftm" in body else (built[parent].ftm if parent else ""),
            caption=caption,
            required=required,
            properties=MappingProxyType(inherited),
            edge=edge,
            file=file,
        )
        built[name] = schema
        return schema

    for name in raw:
        build(name)
    # Ranges must name schemata.
    for schema in built.values():
        for prop in schema.properties.values():
            for r in prop.range:
                if r not in built:
                    raise _fail(
                        schema.file, f"{schema.name}.properties.{prop.name}.range", f"unknown schema {r!r}"
                    )
    return built, files


def _str_map(file: str, key: str, value: Any) -> dict[str, str]:
    if not isinstance(value, dict) or not value:
        raise _fail(file, key, "must be a non-empty mapping")
    return {str(k): str(v) for k, v in value.items()}


def _load_gradings(path: Path) -> Gradings:
    file = path.name
    data = _read_yaml(path)
    if not isinstance(data, dict):
        raise _fail(file, "(top)", "must be a mapping")
    source = _str_map(file, "source", data.get("source"))
    intel = _str_map(file, "intelligence", data.get("intelligence"))
    handling = _str_map(file, "handling", data.get("handling"))
    table = data.get("from_5x5x5")
    if not isinstance(table, dict):
        raise _fail(file, "from_5x5x5", "missing the 5x5x5 mapping table")
    f_source = _str_map(file, "from_5x5x5.source", table.get("source"))
    f_intel = _str_map(file, "from_5x5x5.intelligence", table.get("intelligence"))
    for k, v in f_source.items():
        if v not in source:
            raise _fail(file, f"from_5x5x5.source.{k}", f"maps to unknown source grade {v!r}")
    for k, v in f_intel.items():
        if v not in intel:
            raise _fail(file, f"from_5x5x5.intelligence.{k}", f"maps to unknown intelligence grade {v!r}")
    f_hand_raw = table.get("handling")
    if not isinstance(f_hand_raw, dict) or not f_hand_raw:
        raise _fail(file, "from_5x5x5.handling", "must be a non-empty mapping")
    f_hand: dict[str, HandlingMap] = {}
    for k, v in f_hand_raw.items():
        key = f"from_5x5x5.handling.{k}"
        if not isinstance(v, dict) or str(v.get("code")) not in handling:
            raise _fail(file, key, "needs a known handling code")
        code = str(v["code"])
        conditions = str(v.get("conditions") or "")
        if code == "C" and not conditions:
            raise _fail(file, f"{key}.conditions", "handling C needs conditions text")
        f_hand[str(k)] = HandlingMap(code, conditions)
    return Gradings(
        source=MappingProxyType(source),
        intelligence=MappingProxyType(intel),
        handling=MappingProxyType(handling),
        from5_source=MappingProxyType(f_source),
        from5_intelligence=MappingProxyType(f_intel),
        from5_handling=MappingProxyType(f_hand),
    )


def load_model_from(directory: Path) -> Model:
    """Load a model from ``directory`` (``schema/*.yaml`` and ``gradings.yaml``), uncached."""
    schema_dir = directory / "schema"
    if not schema_dir.is_dir():
        raise InvalidModel(f"{directory}: no schema/ directory")
    schemata, files = _load_schemata(schema_dir)
    gradings_path = directory / "gradings.yaml"
    if not gradings_path.is_file():
        raise InvalidModel(f"{directory}: no gradings.yaml")
    gradings = _load_gradings(gradings_path)
    return Model(schemata=MappingProxyType(schemata), gradings=gradings, files=(*files, "gradings.yaml"))


def schema_words(name: str) -> str:
    """A schema's name as words: "IntelligenceReport" -> "intelligence report"."""
    return "".join(f" {c.lower()}" if c.isupper() else c for c in name).strip()


@functools.cache
def load_model() -> Model:
    """The shipped vocabulary, loaded once per process."""
    return load_model_from(MODEL_DIR)
