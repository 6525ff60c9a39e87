"""API shapes of partnership. Organisations are named by slug, people by username, compartments by
slug; every kind, stage and outcome is given as its code and its label."""

from __future__ import annotations

from datetime import date, datetime

from ninja import Schema


class AgreementIn(Schema):
    provider: str
    recipient: str
    title: str
    purpose: str = ""
    legal_basis: str = ""
    valid_from: date | None = None
    valid_to: date | None = None
    review_on: date | None = None
    compartments: list[str] = []
    includes_general: bool = False
    handling_codes: list[str] = []
    conditions: str = ""


class AgreementOut(Schema):
    id: int
    title: str
    provider: str
    recipient: str
    stage: str
    stage_label: str
    valid_from: date
    valid_to: date | None
    review_on: date | None
    purpose: str
    legal_basis: str
    compartments: list[str]
    includes_general: bool
    handling_codes: list[str]
    conditions: str
    proposed_by: str | None
    provider_approved_by: str | None
    recipient_approved_by: str | None
    revoked_at: datetime | None
    revoke_reason: str


class AgreementDetailOut(AgreementOut):
    shared_counts: dict[str, int]


class ReasonIn(Schema):
    reason: str = ""


class RenewIn(Schema):
    valid_to: date | None = None
    review_on: date | None = None


class BoardOut(Schema):
    id: int
    name: str
    chair: str
    members: list[str]


class QuarterOut(Schema):
    start: date
    meetings: int
    partner_attendance: int
    senior_attendance: int
    actions_due: int
    actions_done: int


class PackOut(Schema):
    board: str
    made_on: date
    priorities: list[str]
    disruptions: list[dict[str, str | int]]
    disruption_total: int
    overdue_actions: list[str]
    quarters: list[QuarterOut]
    referrals: dict[str, float | int | None]


class MeetingIn(Schema):
    held_on: date | None = None
    title: str = ""
    agenda: str = ""


class MeetingOut(Schema):
    id: int
    board_id: int
    held_on: date
    title: str


class AttendanceIn(Schema):
    organisation: str
    name: str = ""
    seniority: str = ""


class BoardActionIn(Schema):
    description: str = ""
    owner_organisation: str = ""
    due_on: date | None = None


class BoardActionOut(Schema):
    id: int
    description: str
    owner_organisation: str
    due_on: date
    completed_on: date | None


class CompleteIn(Schema):
    note: str = ""


class ReferralIn(Schema):
    arrangement: str
    to_organisation: str
    concern: str
    subject: str = ""
    summary: str = ""
    referred_on: date | None = None
    entity_id: str = ""
    threat_id: int | None = None
    ocg_id: int | None = None


class ReferralOut(Schema):
    id: int
    arrangement: str
    owner: str
    to_organisation: str
    referred_by: str
    referred_on: date
    due_on: date
    concern: str
    concern_label: str
    subject: str
    summary: str
    outcome: str
    outcome_label: str
    outcome_on: date | None


class OutcomeIn(Schema):
    outcome: str = ""
    outcome_on: date | None = None
    note: str = ""


class AdminUserOut(Schema):
    id: int
    username: str
    name: str
    organisation: str | None
    roles: list[str]
    active: bool


class AdminTokenOut(Schema):
    id: int
    holder: str
    name: str
    prefix: str
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None
