"""The API's shapes for resolution: pairs, judgements, canonical entities."""

from __future__ import annotations

from ninja import Schema


class PairOut(Schema):
    id: int
    left: str
    right: str
    left_name: str
    right_name: str
    probability: float | None
    state: str
    version: int


class JudgementIn(Schema):
    decision: str
    reason: str = ""
    version: int | None = None


class UndoIn(Schema):
    reason: str
    version: int | None = None


class JudgementOut(Schema):
    id: int
    decision: str
    pair: PairOut
    left_entity: str
    right_entity: str


class ValueOut(Schema):
    prop: str
    value: str
    grading: str
    handling: str
    source: str
    record_id: int


class EventOut(Schema):
    id: str
    schema_name: str
    date: str
    time: str
    summary: str
    description: str
    reference: str
    grading: str
    handling: str
    source: str
    record_id: int


class EntityOut(Schema):
    id: str
    schema_name: str
    caption: str
    records: list[int]
    conditions: list[str]
    values: list[ValueOut]
    events: list[EventOut]
    events_total: int


class PersonHitOut(Schema):
    """A person the search found, as the caller may see them (their visible records only)."""

    id: str
    name: str
    other_names: list[str]
    birth_dates: list[str]
    postcodes: list[str]
    records: int
    sources: list[str]
    score: float
