"""Plain data in and out of the ingest engine."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from socmap.errors import RowError


@dataclass(frozen=True)
class Grading:
    """A 3x5x2 grading. ``scheme`` is the scheme the source used; ``original`` is what it said.

    A 5x5x5 grading is mapped to 3x5x2 through ``socmap/model/gradings.yaml`` on import; the mapped
    values are in ``source``/``intelligence``/``handling`` and the original (``"B 2 4"``) is kept.
    """

    source: str
    intelligence: str
    handling: str
    conditions: str = ""
    original: str = ""
    scheme: str = "3x5x2"

    @property
    def code(self) -> str:
        """``"2B P"``: the usual written form."""
        return f"{self.source}{self.intelligence} {self.handling}"


@dataclass(frozen=True)
class Value:
    """One property value: cleaned, and exactly as received."""

    value: str
    original: str


@dataclass(frozen=True)
class EntityDraft:
    key: str  # record-local, e.g. "subject1"
    schema: str
    properties: Mapping[str, tuple[Value, ...]]


@dataclass(frozen=True)
class LinkDraft:
    schema: str
    source: str  # EntityDraft key
    target: str  # EntityDraft key
    properties: Mapping[str, tuple[Value, ...]]


@dataclass(frozen=True)
class MappedRecord:
    row: int
    record_key: str
    raw: Mapping[str, str]
    grading: Grading
    entities: tuple[EntityDraft, ...]
    links: tuple[LinkDraft, ...]
    observed_on: date | None
    # Values that failed cleaning in a non-essential field: kept as received, with the reason.
    warnings: tuple[RowError, ...] = ()
    line: int = 0  # physical line (CSV/JSON lines) or sheet row (XLSX) where the row starts
    # A statement is known by its value as received, not its cleaned form: "NDR" and "Ndr" are two
    # (FollowTheMoney streams, which must come back byte for byte).
    exact: bool = False


@dataclass(frozen=True)
class QuarantinedRow:
    row: int
    raw_text: str
    raw: Mapping[str, str] | None
    errors: tuple[RowError, ...]
    line: int = 0
    record_key: str = ""


# ---- mapping specification (loaded from YAML by mapping.load_mapping) ----


@dataclass(frozen=True)
class TransformSpec:
    name: str
    arg: object = None


@dataclass(frozen=True)
class ValueSpec:
    """Where a value comes from (columns joined by a space, or a constant) and how it is cleaned."""

    columns: tuple[str, ...] = ()
    constant: str | None = None
    transforms: tuple[TransformSpec, ...] = ()
    on_error: str = ""  # "quarantine" or "keep"; "" = by value type (dates quarantine)
    line: int = 0


@dataclass(frozen=True)
class EntitySpec:
    key: str
    schema: str
    properties: Mapping[str, ValueSpec]
    for_each: ValueSpec | None = None  # one entity per value (e.g. co-accused split on "; ")
    line: int = 0
    when: str = ""  # a column that must be filled for the entity to exist
    unless: str = ""  # a column that must be empty (a payer with a company number is not a person)


@dataclass(frozen=True)
class LinkSpec:
    schema: str
    source: str
    target: str
    properties: Mapping[str, ValueSpec]
    line: int = 0


@dataclass(frozen=True)
class GradingSpec:
    scheme: str = "3x5x2"
    default: Grading | None = None
    default_conditions: str = ""
    source: str = ""
    intelligence: str = ""
    handling: str = ""
    conditions: str = ""
    combined: str = ""  # one column holding e.g. "2/B/C"
    separator: str = "/"


@dataclass(frozen=True)
class SourceMapping:
    """How one source file becomes records, entities and links."""

    name: str
    path: Path
    format: str  # csv, xlsx, jsonl, ftm
    record_id: ValueSpec
    grading: GradingSpec
    entities: tuple[EntitySpec, ...] = ()
    links: tuple[LinkSpec, ...] = ()
    observed_on: ValueSpec | None = None
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    description: str = ""
    columns: frozenset[str] = field(default_factory=frozenset)  # every column the mapping reads


@dataclass(frozen=True)
class FtmStatement:
    """One value of a canonical entity, for export."""

    prop: str
    value: str
    original: str = ""
    source: str = ""
    record: str = ""
    grading: str = ""


@dataclass(frozen=True)
class CanonicalEntity:
    """A canonical entity (or link) with its statements, as the app holds it after resolution.

    For a link schema, the statements of its edge properties hold the ids of the canonical
    entities at either end.
    """

    id: str
    schema: str
    statements: tuple[FtmStatement, ...]


@dataclass(frozen=True)
class InputLimits:
    """Bounds on what one source file may hold, so one file cannot exhaust the worker or the store.

    Over a row's bound (a value too long, too many cells, JSON nested too deep) the row is
    quarantined with the reason and its values cut short, marked as cut; over a file's bound (rows,
    or an XLSX that would unpack too large: a zip bomb) the file is refused before any row is read.
    """

    max_value_chars: int = 32_768  # one cell or field: more than a page of text
    max_row_chars: int = 1_048_576  # one row's raw text, as kept in quarantine
    max_cells: int = 2_000  # cells (columns) in one row
    max_rows: int = 5_000_000  # data rows in one file
    max_json_depth: int = 32  # nesting of one JSON lines object
    max_unpacked_bytes: int = 1 << 30  # an XLSX workbook's members, uncompressed, together
    max_pack_ratio: int = 200  # uncompressed / compressed size of any one member of an XLSX
