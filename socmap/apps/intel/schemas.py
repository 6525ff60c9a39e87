from __future__ import annotations

from datetime import date, datetime

from ninja import Schema


class BatchOut(Schema):
    id: int
    source: str
    file_name: str
    sha256: str
    status: str
    message: str
    rows_done: int
    rows_total: int | None
    records_new: int
    records_seen: int
    statements_new: int
    quarantined: int
    duplicate: bool = False


class HitOut(Schema):
    record_id: int
    entity: str
    name: str
    birth_date: str
    postcode: str
    source: str
    grading: str
    handling: str
    conditions: str
    score: int


class StatementOut(Schema):
    entity: str
    schema_name: str
    prop: str
    value: str
    original: str
    grading: str
    handling: str
    first_seen: datetime


class RecordOut(Schema):
    id: int
    source: str
    record_key: str
    owner: str
    grading: str
    original_grading: str
    grading_scheme: str
    handling: str
    conditions: list[str]
    observed_on: date | None
    statements: list[StatementOut]


class SourceIn(Schema):
    name: str
    title: str
    kind: str = "other"
    handling: str = "P"
    conditions: str = ""
    retention_days: int = 6 * 365
    mapping_name: str = ""  # empty: a FollowTheMoney source, which needs no mapping


class SourceOut(Schema):
    name: str
    title: str
    kind: str
    kind_label: str
    owner: str
    handling: str
    handling_label: str
    retention_days: int
    mapping_name: str


class PreviewEntityOut(Schema):
    key: str
    schema_name: str
    values: list[tuple[str, str]]


class PreviewRowOut(Schema):
    row: int
    line: int
    record_key: str
    quarantined: bool
    reasons: list[str]
    warnings: list[str]
    entities: list[PreviewEntityOut]
    links: list[str]


class MappingOut(Schema):
    source: str
    mapping_name: str
    saved: bool
    preview: list[PreviewRowOut]
