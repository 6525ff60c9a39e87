"""Source mappings: YAML per source, validated on load, applied row by row.

A mapping error names the file, the line and the key, so the person editing the YAML can find it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from types import MappingProxyType

import yaml

from socmap.engines.ingest import transforms as tf
from socmap.engines.ingest.types import (
    EntitySpec,
    Grading,
    GradingSpec,
    LinkSpec,
    SourceMapping,
    TransformSpec,
    ValueSpec,
)
from socmap.errors import InvalidMapping
from socmap.model import yaml_lines
from socmap.model.loader import Model, load_model
from socmap.model.types import DATE_TYPES
from socmap.model.yaml_lines import Node, Problems

FORMATS = ("csv", "xlsx", "jsonl", "ftm")
ITEM = "$item"  # inside an entity with `for_each`, the column name that means "this item"


def _errors(file: str) -> Problems:
    return Problems(file, InvalidMapping)


_GRADING_RE = re.compile(r"^\s*(3x5x2|5x5x5)\s*:\s*(\S+)\s*[ /]\s*(\S+)\s*[ /]\s*(\S+)\s*$", re.IGNORECASE)


def grade(
    model: Model, scheme: str, source: str, intelligence: str, handling: str, conditions: str = ""
) -> Grading:
    """A 3x5x2 ``Grading`` from values under ``scheme``; raises ``ValueError`` naming the bad part."""
    g = model.gradings
    s, i, h = source.strip().upper(), intelligence.strip().upper(), handling.strip().upper()
    conditions = conditions.strip()
    if scheme == "5x5x5":
        original = f"{s} {i} {h}"
        if s not in g.from5_source:
            raise ValueError(f"5x5x5 source evaluation {source!r} is not one of A-E")
        if i not in g.from5_intelligence:
            raise ValueError(f"5x5x5 intelligence evaluation {intelligence!r} is not one of 1-5")
        if h not in g.from5_handling:
            raise ValueError(f"5x5x5 handling code {handling!r} is not one of 1-5")
        mapped = g.from5_handling[h]
        return Grading(
            source=g.from5_source[s],
            intelligence=g.from5_intelligence[i],
            handling=mapped.code,
            conditions="\n".join(c for c in (conditions, mapped.conditions) if c),
            original=original,
            scheme="5x5x5",
        )
    problems = []
    if s not in g.source:
        problems.append(f"source evaluation {source!r} is not one of {', '.join(g.source)}")
    if i not in g.intelligence:
        problems.append(f"intelligence assessment {intelligence!r} is not one of {', '.join(g.intelligence)}")
    if h not in g.handling:
        problems.append(f"handling code {handling!r} is not one of {', '.join(g.handling)}")
    if problems:
        raise ValueError("; ".join(problems))
    return Grading(s, i, h, conditions if h == "C" else "", original=f"{s} {i} {h}", scheme="3x5x2")


def parse_grading_text(model: Model, text: str) -> Grading:
    """``"3x5x2: 2 B P"`` or ``"5x5x5: B 2 4"``."""
    m = _GRADING_RE.match(text)
    if not m:
        raise ValueError(f"{text!r} is not a grading like '3x5x2: 2 B P'")
    return grade(model, m.group(1).lower(), m.group(2), m.group(3), m.group(4))


def load_mapping(path: Path, *, model: Model | None = None, text: str | None = None) -> SourceMapping:
    """Load and validate the mapping at ``path``; ``InvalidMapping`` names file, line and key.

    ``text``: the mapping's text, held elsewhere (an uploaded mapping); ``path`` then only names it.
    """
    model = model or load_model()
    file = path.name
    if text is None:
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise InvalidMapping(f"{file}: cannot be read: {exc}") from exc
        except UnicodeDecodeError as exc:
            raise InvalidMapping(f"{file}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    try:
        data = yaml_lines.load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f", line {mark.line + 1}" if mark is not None else ""
        raise InvalidMapping(f"{file}{where}: not valid YAML: {exc}") from exc
    errors = _errors(file)
    if not isinstance(data, Node):
        raise InvalidMapping(f"{file}, line 1: a mapping must be a YAML mapping of keys")
    allowed = {
        "source", "description", "format", "encoding", "delimiter", "sheet", "record_id",
        "observed_on", "grading", "entities", "links",
    }  # fmt: skip
    for key in data:
        if key not in allowed:
            errors.add(data, key, key, f"unknown key {key!r}")
    fmt = str(data.get("format") or "")
    if fmt not in FORMATS:
        errors.add(data, "format", "format", f"format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    columns: set[str] = set()
    record_id: ValueSpec | None = None
    if fmt == "ftm":
        record_id = ValueSpec(columns=("id",))
    elif "record_id" not in data or data.get("record_id") in (None, ""):
        errors.add(data, "record_id", "record_id", "missing record id (the column that identifies a row)")
    else:
        record_id = _value_spec(data, "record_id", "record_id", "identifier", errors, columns, set())
    observed = None
    if data.get("observed_on") is not None:
        observed = _value_spec(data, "observed_on", "observed_on", "date", errors, columns, set())
    grading = _grading_spec(model, data, errors, columns)
    entities: list[EntitySpec] = []
    keys: dict[str, str] = {}
    raw_entities = data.get("entities") or []
    if not isinstance(raw_entities, list):
        errors.add(data, "entities", "entities", "must be a list")
        raw_entities = []
    for n, item in enumerate(raw_entities):
        spec = _entity_spec(model, item, n, errors, columns)
        if spec is None and isinstance(item, Node) and item.get("key"):
            keys.setdefault(str(item["key"]), "")  # reported already; spare the links a second error
        if spec is not None:
            if spec.key in keys:
                errors.add(item, "key", f"entities[{n}].key", f"key {spec.key!r} used twice")
            keys[spec.key] = spec.schema
            entities.append(spec)
    links: list[LinkSpec] = []
    raw_links = data.get("links") or []
    if not isinstance(raw_links, list):
        errors.add(data, "links", "links", "must be a list")
        raw_links = []
    for n, item in enumerate(raw_links):
        link = _link_spec(model, item, n, keys, errors, columns)
        if link is not None:
            links.append(link)
    enc = data.get("encoding")
    if enc:
        import codecs

        try:
            codecs.lookup(str(enc))
        except LookupError:
            errors.add(data, "encoding", "encoding", f"unknown encoding {enc!r}")
    if fmt == "xlsx" and not data.get("sheet"):
        pass  # the first sheet is used
    errors.raise_if_any()
    if record_id is None:  # reported above; kept for the type checker
        raise InvalidMapping(f"{file}: missing record id")
    return SourceMapping(
        name=str(data.get("source") or path.stem),
        path=path,
        format=fmt,
        record_id=record_id,
        grading=grading,
        entities=tuple(entities),
        links=tuple(links),
        observed_on=observed,
        encoding=str(enc) if enc else None,
        delimiter=str(data["delimiter"]) if data.get("delimiter") else None,
        sheet=str(data["sheet"]) if data.get("sheet") else None,
        description=str(data.get("description") or ""),
        columns=frozenset(c for c in columns if c != ITEM),
    )


def _value_spec(
    parent: Node,
    key: str,
    path: str,
    value_type: str,
    errors: Problems,
    columns: set[str],
    extra_columns: set[str],
) -> ValueSpec | None:
    """A value spec: a column name, or {column|columns|constant|path, transforms, on_error}."""
    raw = parent.get(key)
    if isinstance(raw, str):
        columns.add(raw)
        return ValueSpec(columns=(raw,), line=parent.key_lines.get(key, parent.line))
    if not isinstance(raw, Node):
        errors.add(parent, key, path, "must be a column name or a mapping with column, columns or constant")
        return None
    ok = True
    for k in raw:
        if k not in ("column", "columns", "constant", "path", "transforms", "on_error"):
            errors.add(raw, k, f"{path}.{k}", f"unknown key {k!r}")
            ok = False
    cols: tuple[str, ...] = ()
    constant = None
    if "column" in raw or "path" in raw:
        cols = (str(raw.get("column") or raw.get("path")),)
    elif "columns" in raw:
        if not isinstance(raw["columns"], list) or not raw["columns"]:
            errors.add(raw, "columns", f"{path}.columns", "must be a non-empty list of column names")
            ok = False
        else:
            cols = tuple(str(c) for c in raw["columns"])
    elif "constant" in raw:
        constant = str(raw["constant"])
    else:
        errors.add(parent, key, path, "needs column, columns, path or constant")
        ok = False
    for c in cols:
        if c == ITEM and ITEM not in extra_columns:
            errors.add(
                raw, "column", f"{path}.column", f"{ITEM} is only allowed inside an entity with for_each"
            )
            ok = False
        columns.add(c)
    trs: list[TransformSpec] = []
    raw_trs = raw.get("transforms") or []
    if not isinstance(raw_trs, list):
        errors.add(raw, "transforms", f"{path}.transforms", "must be a list")
        raw_trs = []
    for n, t in enumerate(raw_trs):
        tpath = f"{path}.transforms[{n}]"
        name: str
        arg: object = None
        if isinstance(t, str):
            name = t
        elif isinstance(t, dict) and len(t) == 1:
            name, arg = next(iter(t.items()))
        else:
            errors.add(
                raw, "transforms", tpath, "a transform is a name or a one-key mapping {name: argument}"
            )
            ok = False
            continue
        if name not in tf.TRANSFORMS:
            errors.add(raw, "transforms", tpath, f"unknown transform {name!r}")
            ok = False
            continue
        if name in tf.NEEDS_ARG and arg in (None, ""):
            errors.add(raw, "transforms", tpath, f"transform {name!r} needs its {tf.NEEDS_ARG[name]}")
            ok = False
            continue
        if name in ("date", "time"):
            try:
                fmts, _ = tf.date_args(arg)
            except ValueError as exc:
                errors.add(raw, "transforms", tpath, str(exc))
                ok = False
                continue
            bad = [f for f in fmts if not tf.known_date_format(f)]
            if bad or not fmts:
                errors.add(
                    raw,
                    "transforms",
                    tpath,
                    f"date format(s) {bad or fmts!r} need day, month and year, once each",
                )
                ok = False
        if name == "name" and arg not in tf.NAME_PARTS:
            errors.add(raw, "transforms", tpath, f"name part must be one of {', '.join(tf.NAME_PARTS)}")
            ok = False
        if name == "regex":
            try:
                re.compile(str(arg))
            except (re.error, OverflowError, RecursionError) as exc:  # a repeat count too large, say
                errors.add(raw, "transforms", tpath, f"bad pattern: {exc}")
                ok = False
        trs.append(TransformSpec(name, _plain(arg)))
    on_error = str(raw.get("on_error") or "")
    if on_error not in ("", "keep", "quarantine"):
        errors.add(raw, "on_error", f"{path}.on_error", "on_error must be keep or quarantine")
        ok = False
    if value_type in DATE_TYPES and not any(t.name == "date" for t in trs) and constant is None:
        trs.append(TransformSpec("date", [tf.ISO]))
    if not ok:
        return None
    return ValueSpec(columns=cols, constant=constant, transforms=tuple(trs), on_error=on_error, line=raw.line)


def _plain(value: object) -> object:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _props(
    model: Model,
    schema: str,
    raw: object,
    path: str,
    errors: Problems,
    columns: set[str],
    extra: set[str],
    skip: tuple[str, ...] = (),
) -> dict[str, ValueSpec]:
    out: dict[str, ValueSpec] = {}
    if raw is None:
        return out
    if not isinstance(raw, Node):
        errors.add(None, "", path, "properties must be a mapping")
        return out
    sch = model.schemata.get(schema)
    for prop in raw:
        ppath = f"{path}.{prop}"
        if sch is None:
            continue
        p = sch.properties.get(prop)
        if p is None or prop in skip:
            errors.add(raw, prop, ppath, f"unknown property {prop!r} for schema {schema}")
            continue
        spec = _value_spec(raw, prop, ppath, p.type, errors, columns, extra)
        if spec is not None:
            out[prop] = spec
    return out


def _entity_spec(
    model: Model, item: object, n: int, errors: Problems, columns: set[str]
) -> EntitySpec | None:
    path = f"entities[{n}]"
    if not isinstance(item, Node):
        errors.add(None, "", path, "an entity must be a mapping with key, schema and properties")
        return None
    for k in item:
        if k not in ("key", "schema", "properties", "for_each", "when", "unless"):
            errors.add(item, k, f"{path}.{k}", f"unknown key {k!r}")
    key = str(item.get("key") or "")
    if not key:
        errors.add(item, "key", f"{path}.key", "missing key")
    schema = str(item.get("schema") or "")
    sch = model.schemata.get(schema)
    if sch is None:
        errors.add(item, "schema", f"{path}.schema", f"unknown schema {schema!r}")
    elif sch.abstract or sch.is_link:
        errors.add(
            item, "schema", f"{path}.schema", f"{schema} is {'abstract' if sch.abstract else 'a link'}"
        )
    for_each = None
    extra: set[str] = set()
    if "for_each" in item:
        for_each = _value_spec(item, "for_each", f"{path}.for_each", "text", errors, columns, set())
        extra.add(ITEM)
    props = _props(model, schema, item.get("properties"), f"{path}.properties", errors, columns, extra)
    when, unless = str(item.get("when") or ""), str(item.get("unless") or "")
    columns.update(c for c in (when, unless) if c)
    if not key or sch is None:
        return None
    return EntitySpec(key, schema, MappingProxyType(props), for_each, item.line, when, unless)


def _link_spec(
    model: Model, item: object, n: int, keys: Mapping[str, str], errors: Problems, columns: set[str]
) -> LinkSpec | None:
    path = f"links[{n}]"
    if not isinstance(item, Node):
        errors.add(None, "", path, "a link must be a mapping with schema, source and target")
        return None
    for k in item:
        if k not in ("schema", "source", "target", "properties"):
            errors.add(item, k, f"{path}.{k}", f"unknown key {k!r}")
    schema = str(item.get("schema") or "")
    sch = model.schemata.get(schema)
    if sch is None or sch.edge is None:
        errors.add(item, "schema", f"{path}.schema", f"unknown link schema {schema!r}")
        return None
    ends = []
    for end, prop in (("source", sch.edge.source), ("target", sch.edge.target)):
        key = str(item.get(end) or "")
        if key not in keys:
            errors.add(
                item, end, f"{path}.{end}", f"{end} {key!r} is not the key of an entity in this mapping"
            )
            continue
        ends.append(key)
        if not keys[key]:
            continue
        allowed = sch.properties[prop].range
        ent = model.schemata[keys[key]]
        if not any(ent.is_a(r, model) for r in allowed):
            errors.add(
                item, end, f"{path}.{end}", f"{schema} {end} must be {' or '.join(allowed)}, not {ent.name}"
            )
    props = _props(
        model, schema, item.get("properties"), f"{path}.properties", errors, columns, set(),
        skip=(sch.edge.source, sch.edge.target),
    )  # fmt: skip
    if len(ends) != 2:
        return None
    return LinkSpec(schema, ends[0], ends[1], MappingProxyType(props), item.line)


def _grading_spec(model: Model, data: Node, errors: Problems, columns: set[str]) -> GradingSpec:
    raw = data.get("grading")
    if raw is None:
        errors.add(data, "grading", "grading", "missing grading (columns or a default like '3x5x2: 2 B P')")
        return GradingSpec()
    if not isinstance(raw, Node):
        errors.add(data, "grading", "grading", "must be a mapping")
        return GradingSpec()
    known = {
        "scheme",
        "default",
        "conditions_default",
        "source",
        "intelligence",
        "handling",
        "conditions",
        "combined",
        "separator",
    }
    for k in raw:
        if k not in known:
            errors.add(raw, k, f"grading.{k}", f"unknown key {k!r}")
    scheme = str(raw.get("scheme") or "3x5x2")
    if scheme not in ("3x5x2", "5x5x5"):
        errors.add(raw, "scheme", "grading.scheme", "scheme must be 3x5x2 or 5x5x5")
    default = None
    if raw.get("default"):
        try:
            default = parse_grading_text(model, str(raw["default"]))
        except ValueError as exc:
            errors.add(raw, "default", "grading.default", str(exc))
        else:
            cond = str(raw.get("conditions_default") or "")
            if default.handling == "C" and not (cond or default.conditions):
                errors.add(
                    raw, "default", "grading.default", "a default with handling C needs conditions_default"
                )
            if cond:
                joined = "\n".join(c for c in (cond, default.conditions) if c)
                default = replace(default, conditions=joined)
    cols = {
        k: str(raw.get(k) or "") for k in ("source", "intelligence", "handling", "conditions", "combined")
    }
    for v in cols.values():
        if v:
            columns.add(v)
    has_split = all(cols[k] for k in ("source", "intelligence", "handling"))
    if not has_split and not cols["combined"] and not raw.get("default"):
        errors.add(
            raw,
            "grading",
            "grading",
            "needs source/intelligence/handling columns, a combined column, or a default",
        )
    if any(cols[k] for k in ("source", "intelligence", "handling")) and not has_split:
        errors.add(raw, "source", "grading", "source, intelligence and handling columns go together")
    return GradingSpec(
        scheme=scheme,
        default=default,
        default_conditions=str(raw.get("conditions_default") or ""),
        source=cols["source"],
        intelligence=cols["intelligence"],
        handling=cols["handling"],
        conditions=cols["conditions"],
        combined=cols["combined"],
        separator=str(raw.get("separator") or "/"),
    )
