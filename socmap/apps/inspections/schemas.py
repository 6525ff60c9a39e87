from __future__ import annotations

from datetime import date

from ninja import Schema


class FindingEventOut(Schema):
    on: date | None
    date_text: str
    kind: str
    status: str
    comment: str
    source: str


class FindingOut(Schema):
    id: int
    reference: str
    subject: str
    kind: str
    parent: str | None
    number: int | None
    title: str
    text: str
    status: str
    url: str
    diagnostics: list[dict[str, object]]
    unplaced_text: str


class FindingDetailOut(FindingOut):
    events: list[FindingEventOut]
    recommendations: list[FindingOut]


class FindingListOut(Schema):
    items: list[FindingOut]
    page: int
    pages: int
    total: int


class FindingImportIn(Schema):
    text: str
    source: str = "api"
    subject: str = ""  # organisation slug; empty: from the page


class FindingImportOut(Schema):
    finding: FindingDetailOut
    created: bool
    events_added: int
    events_known: int
    recommendations_added: int


class ActionOut(Schema):
    id: int
    reference: str
    title: str
    owner: str
    due_on: date
    status: str
    rag: str
    findings: list[str]
