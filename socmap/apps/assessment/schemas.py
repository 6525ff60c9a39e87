from __future__ import annotations

from datetime import date, datetime
from typing import Any

from ninja import Schema


class ThreatOut(Schema):
    id: int
    title: str
    kind: str
    theme: str
    level: str
    owner: str
    ocg_id: int | None
    score: str | None
    band: str
    tier: int | None
    status: str
    due_on: date | None
    overdue: bool


class ThreatIn(Schema):
    kind: str
    title: str = ""
    theme: str = ""
    level: str = "force"
    description: str = ""
    ocg_id: int | None = None
    individual_id: int | None = None
    handling: str = ""  # empty: the subject's (P for a thematic threat)
    conditions: str = ""


class AssessmentIn(Schema):
    values: dict[str, Any] = {}
    rationales: dict[str, str] = {}
    confidence: str = ""
    summary: str = ""
    sources: list[str] = []


class AssessmentOut(Schema):
    threat_id: int
    number: int
    status: str
    model: str
    values: dict[str, Any]
    rationales: dict[str, str]
    suggestions: dict[str, Any]
    confidence: str
    sources: list[dict[str, str]]
    score: str | None
    band: str
    tier: int | None
    explanation: dict[str, Any]
    assessor: str
    supervisor: str | None
    submitted_at: datetime | None
    decided_at: datetime | None
    decision_comment: str
    due_on: date | None


class DecisionIn(Schema):
    comment: str = ""


class ExportIn(Schema):
    justification: str


class ScalePointOut(Schema):
    value: int
    label: str
    descriptor: str


class DimensionOut(Schema):
    key: str
    label: str
    group: str
    question: str
    weight: str
    scale: list[ScalePointOut]


class BandOut(Schema):
    key: str
    label: str
    tier: int
    lower: str
    upper: str
    reassess_months: int


class ModelOut(Schema):
    name: str
    version: int
    title: str
    sha256: str
    dimensions: list[DimensionOut]
    bands: list[BandOut]
