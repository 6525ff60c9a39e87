from __future__ import annotations

from datetime import date, datetime

from ninja import Schema


class FindingEventOut(Schema):
    on: date | None  # empty for undated commentary, or a date the page gave that could not be read
    date_text: str
    kind: str  # status, comment or withdrawn
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
    text: str  # lists kept: "• " item lines, "  ◦ " sub-item lines
    status: str
    url: str
    diagnostics: list[dict[str, object]]
    unplaced_text: str
    national: int | None  # the national finding this force's finding tracks
    withdrawn_at: datetime | None
    withdrawn_reason: str


class FindingDetailOut(FindingOut):
    events: list[FindingEventOut]
    recommendations: list[FindingOut]


class FindingListOut(Schema):
    items: list[FindingOut]
    page: int
    pages: int
    total: int


class TrackOut(Schema):
    finding: int
    subject: str
    status: str


class NationalFindingOut(Schema):
    id: int
    reference: str
    kind: str
    title: str
    text: str
    url: str
    status: str  # from the inspectorate's own timeline for the finding as a whole
    inspection: str | None
    diagnostics: list[dict[str, object]]
    unplaced_text: str
    withdrawn_at: datetime | None
    withdrawn_reason: str


class NationalFindingDetailOut(NationalFindingOut):
    events: list[FindingEventOut]
    tracks: list[TrackOut]  # the forces' own findings for it that the caller may see


class NationalFindingListOut(Schema):
    items: list[NationalFindingOut]
    page: int
    pages: int
    total: int


class FindingImportIn(Schema):
    text: str
    source: str = "api"
    subject: str = ""  # organisation slug; empty: from the page (a page made to every force needs none)


class FindingImportOut(Schema):
    finding: FindingDetailOut | None  # the force's finding; empty for a national page naming no force
    national: NationalFindingDetailOut | None  # when the page is made to every force
    outcome: str  # imported, updated or unchanged
    created: bool
    events_added: int
    events_known: int
    recommendations_added: int


class WithdrawIn(Schema):
    reason: str


class ActionOut(Schema):
    id: int
    reference: str
    title: str
    owner: str
    due_on: date
    status: str
    rag: str
    findings: list[str]
