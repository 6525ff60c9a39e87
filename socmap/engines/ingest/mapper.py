"""Apply a source mapping to one raw row: a ``MappedRecord``, or a ``QuarantinedRow`` with every reason.

Which problems quarantine a row:
- the row's shape (wrong column count, broken quotes, invalid JSON) — reported by the reader;
- a missing record id, an unparsable grading, an observation date that is not a real date;
- any date that is impossible (``31/02/1990``), unparsable or in the future, in any field: a bad
  date is the usual sign of a shifted or corrupted row and dates drive resolution and retention.
Other values that fail cleaning (a phone, postcode or VRM that does not fit its type) are kept as
received, cleaned only of surrounding whitespace, and reported as a warning on the record: the fact
was recorded by the source and dropping it would lose intelligence. A mapping may override either
choice per property with ``on_error: keep | quarantine``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from itertools import product

from socmap.engines.ingest import transforms as tf
from socmap.engines.ingest.mapping import grade
from socmap.engines.ingest.types import (
    EntityDraft,
    Grading,
    LinkDraft,
    MappedRecord,
    QuarantinedRow,
    SourceMapping,
    Value,
    ValueSpec,
)
from socmap.errors import RowError
from socmap.model.loader import Model
from socmap.model.types import DATE_TYPES, VALUE_TYPES, collapse, validate_date


@dataclass
class RawRow:
    """One row as a reader saw it: its number, where it starts, its text and its fields."""

    row: int
    line: int
    text: str
    values: dict[str, str] | None
    errors: list[tuple[str, str]] = field(default_factory=list)  # (field, message) from the reader


@dataclass
class _Problems:
    file: str
    row: int
    line: int
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)

    def _where(self, message: str) -> str:
        return f"line {self.line}: {message}" if self.line else message

    def error(self, fld: str, message: str) -> None:
        self.errors.append(RowError(self.row, fld, self._where(message), self.file))

    def warn(self, fld: str, message: str) -> None:
        self.warnings.append(RowError(self.row, fld, self._where(message), self.file))


def _source_values(spec: ValueSpec, raw: Mapping[str, str], item: str | None) -> tuple[str, list[str]]:
    """(original text, values before transforms) of a spec on a row."""
    if spec.constant is not None:
        return spec.constant, [spec.constant]
    parts = []
    for col in spec.columns:
        text = item if col == "$item" else raw.get(col, "")
        if text is not None and text.strip():
            parts.append(text)
    original = " ".join(p.strip() for p in parts) if len(parts) > 1 else (parts[0] if parts else "")
    return original, [original] if original.strip() else []


def _values(
    spec: ValueSpec,
    value_type: str,
    raw: Mapping[str, str],
    where: str,
    problems: _Problems,
    today: date,
    item: str | None = None,
) -> tuple[Value, ...]:
    """The cleaned values of a spec on a row; every problem is reported to ``problems``.

    Source files repeat values a great deal (the same camera, phone number, date of birth, town),
    and cleaning them (date formats, phone numbers, names) is most of the cost of mapping a row, so
    results are remembered per spec: see ``_Memo``.
    """
    memo = _MEMOS.get(id(spec))
    if memo is None or memo.spec is not spec or memo.today != today:
        if len(_MEMOS) > _MEMO_SPECS:
            _MEMOS.clear()
        memo = _MEMOS[id(spec)] = _Memo(spec, today)
    if memo.on:
        key = (value_type, item, *[raw.get(c) for c in spec.columns])
        hit = memo.results.get(key)
        if hit is None:
            messages: list[str] = []
            hit = (_compute(spec, value_type, raw, today, item, messages), tuple(messages))
            memo.remember(key, hit)
        else:
            memo.hits += 1
        values, said = hit
    else:
        messages = []
        values = _compute(spec, value_type, raw, today, item, messages)
        said = tuple(messages)
    if said:
        quarantine = spec.on_error == "quarantine" or (not spec.on_error and value_type in DATE_TYPES)
        report = problems.error if quarantine else problems.warn
        for message in said:
            report(where, message)
    return values


_MEMO_SIZE = 50_000  # results kept per spec before starting afresh: memory stays bounded
_MEMO_TRIAL = 2_000  # lookups after which a spec whose values rarely repeat stops being remembered
_MEMO_SPECS = 10_000


class _Memo:
    """Cleaned values of one spec by its input (column values, for-each item, value type)."""

    __slots__ = ("hits", "lookups", "on", "results", "spec", "today")

    def __init__(self, spec: ValueSpec, today: date) -> None:
        self.spec = spec
        self.today = today  # a date's validity depends on today
        self.results: dict[tuple[object, ...], tuple[tuple[Value, ...], tuple[str, ...]]] = {}
        self.lookups = 0
        self.hits = 0
        self.on = True

    def remember(self, key: tuple[object, ...], hit: tuple[tuple[Value, ...], tuple[str, ...]]) -> None:
        self.lookups += 1
        if self.lookups == _MEMO_TRIAL and self.hits * 5 < _MEMO_TRIAL:  # ids, timestamps: unique
            self.on = False
            self.results.clear()
            return
        if len(self.results) >= _MEMO_SIZE:
            self.results.clear()
        self.results[key] = hit


_MEMOS: dict[int, _Memo] = {}


def _compute(
    spec: ValueSpec,
    value_type: str,
    raw: Mapping[str, str],
    today: date,
    item: str | None,
    messages: list[str],
) -> tuple[Value, ...]:
    original, values = _source_values(spec, raw, item)
    if not values:
        return ()
    vt = VALUE_TYPES[value_type]
    quarantine = spec.on_error == "quarantine" or (not spec.on_error and value_type in DATE_TYPES)
    try:
        for t in spec.transforms:
            values = tf.apply(t.name, t.arg, values)
    except ValueError as exc:
        messages.append(str(exc))
        return () if quarantine else (Value(collapse(original), original),)
    out: list[Value] = []
    for v in values:
        try:
            cleaned = vt.clean(v)
        except ValueError as exc:
            if not v.strip():
                continue
            messages.append(str(exc))
            if not quarantine:
                out.append(Value(collapse(v), original))
            continue
        problem = validate_date(cleaned, today=today) if value_type == "date" else vt.validate(cleaned)
        if problem:
            messages.append(problem)
            if quarantine:
                continue
        out.append(Value(cleaned, original))
    # Keep one of each cleaned value, in order.
    seen: set[str] = set()
    unique: list[Value] = []
    for got in out:
        if got.value not in seen:
            seen.add(got.value)
            unique.append(got)
    return tuple(unique)


def _grading(
    mapping: SourceMapping, model: Model, raw: Mapping[str, str], problems: _Problems
) -> Grading | None:
    spec = mapping.grading
    conditions = raw.get(spec.conditions, "").strip() if spec.conditions else ""
    parts: tuple[str, str, str] | None = None
    original = ""
    if spec.combined:
        original = raw.get(spec.combined, "").strip()
        if original:
            bits = [b for b in original.replace(spec.separator, " ").split() if b]
            if len(bits) != 3:
                problems.error(
                    spec.combined, f"grading {original!r} is not three parts separated by {spec.separator!r}"
                )
                return None
            parts = (bits[0], bits[1], bits[2])
    elif spec.source:
        values = (raw.get(spec.source, ""), raw.get(spec.intelligence, ""), raw.get(spec.handling, ""))
        if any(v.strip() for v in values):
            parts = (values[0], values[1], values[2])
    if parts is None:
        if spec.default is None:
            problems.error(
                spec.combined or spec.source or "grading", "no grading and the mapping has no default"
            )
            return None
        if conditions and spec.default.handling == "C":
            return Grading(
                spec.default.source,
                spec.default.intelligence,
                "C",
                conditions,
                spec.default.original,
                spec.default.scheme,
            )
        return spec.default
    try:
        g = grade(model, spec.scheme, *parts, conditions=conditions)
    except ValueError as exc:
        problems.error(spec.combined or spec.source, f"grading {' '.join(parts)!r}: {exc}")
        return None
    if original and g.scheme == "3x5x2":
        g = Grading(g.source, g.intelligence, g.handling, g.conditions, original, g.scheme)
    if g.handling == "C" and not g.conditions:
        fallback = spec.default_conditions or "Handling conditions were not recorded by the source."
        problems.warn(
            spec.conditions or spec.handling or spec.combined, "handling code C without conditions text"
        )
        g = Grading(g.source, g.intelligence, g.handling, fallback, g.original, g.scheme)
    return g


_STRICT: dict[int, tuple[ValueSpec, ValueSpec]] = {}


def _strict(spec: ValueSpec) -> ValueSpec:
    """The spec, quarantining a row on error unless it says otherwise (made once per spec)."""
    if spec.on_error:
        return spec
    held = _STRICT.get(id(spec))
    if held is None or held[0] is not spec:
        if len(_STRICT) > _MEMO_SPECS:
            _STRICT.clear()
        held = _STRICT[id(spec)] = (
            spec,
            ValueSpec(spec.columns, spec.constant, spec.transforms, "quarantine", spec.line),
        )
    return held[1]


def map_row(
    mapping: SourceMapping, model: Model, row: RawRow, *, file: str, today: date
) -> MappedRecord | QuarantinedRow:
    """Map one raw row. Every problem is collected; any error quarantines the row."""
    problems = _Problems(file, row.row, row.line)
    for fld, message in row.errors:
        problems.error(fld, message)
    raw = row.values
    if raw is None:
        return QuarantinedRow(row.row, row.text, None, tuple(problems.errors), row.line)

    record_key = ""
    rid = _values(mapping.record_id, "identifier", raw, "record_id", problems, today)
    if rid:
        record_key = rid[0].original.strip()
    else:
        col = mapping.record_id.columns[0] if mapping.record_id.columns else "record_id"
        problems.error(col, "missing record id")

    observed: date | None = None
    if mapping.observed_on is not None:
        where = mapping.observed_on.columns[0] if mapping.observed_on.columns else "observed_on"
        spec = _strict(mapping.observed_on)
        got = _values(spec, "date", raw, where, problems, today)
        if got:
            try:
                observed = date.fromisoformat(got[0].value)
            except ValueError:
                observed = None  # a partial date: no day to observe on

    grading = _grading(mapping, model, raw, problems)

    entities: list[EntityDraft] = []
    instances: dict[str, list[str]] = {}
    for spec_e in mapping.entities:
        schema = model.schemata[spec_e.schema]
        if (spec_e.when and not raw.get(spec_e.when, "").strip()) or (
            spec_e.unless and raw.get(spec_e.unless, "").strip()
        ):
            instances[spec_e.key] = []
            continue
        items: Iterable[str | None] = [None]
        if spec_e.for_each is not None:
            fe = _values(spec_e.for_each, "text", raw, f"{spec_e.key}.for_each", problems, today)
            items = [v.value for v in fe]
        keys: list[str] = []
        for n, item in enumerate(items, start=1):
            props: dict[str, tuple[Value, ...]] = {}
            has_data = False
            for pname, pspec in spec_e.properties.items():
                col = pspec.columns[0] if pspec.columns else pname
                where = col if col != "$item" else f"{spec_e.key}.{pname}"
                vals = _values(pspec, schema.properties[pname].type, raw, where, problems, today, item)
                if vals:
                    props[pname] = vals
                    has_data = has_data or pspec.constant is None
            if not has_data or any(r not in props for r in schema.required):
                continue
            key = spec_e.key if item is None else f"{spec_e.key}{n}"
            keys.append(key)
            entities.append(EntityDraft(key, spec_e.schema, props))
        instances[spec_e.key] = keys

    links: list[LinkDraft] = []
    for spec_l in mapping.links:
        schema = model.schemata[spec_l.schema]
        lprops: dict[str, tuple[Value, ...]] = {}
        for pname, pspec in spec_l.properties.items():
            col = pspec.columns[0] if pspec.columns else pname
            vals = _values(pspec, schema.properties[pname].type, raw, col, problems, today)
            if vals:
                lprops[pname] = vals
        for src, tgt in product(instances.get(spec_l.source, []), instances.get(spec_l.target, [])):
            if src != tgt:
                links.append(LinkDraft(spec_l.schema, src, tgt, lprops))

    if problems.errors or grading is None:
        return QuarantinedRow(row.row, row.text, raw, tuple(problems.errors), row.line, record_key)
    return MappedRecord(
        row=row.row,
        record_key=record_key,
        raw=raw,
        grading=grading,
        entities=tuple(entities),
        links=tuple(links),
        observed_on=observed,
        warnings=tuple(problems.warnings),
        line=row.line,
    )
