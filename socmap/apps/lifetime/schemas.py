from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from ninja import Field, Schema


class OrderRuleOut(Schema):
    key: str
    name: str
    short: str
    act: str
    section: str
    rule: str
    applicants: list[str]
    courts: list[str]


class PowerRuleOut(Schema):
    key: str
    name: str
    owner_type: str
    owner: str
    law: str


class CatalogueOut(Schema):
    orders: list[OrderRuleOut]
    powers: list[PowerRuleOut]
    review_months: dict[str, int]
    workload_weights: dict[str, int]


class FiguresOut(Schema):
    officer: str
    groups: int
    individuals: int
    deputy_for: int
    open_actions: int
    overdue_actions: int
    overdue_reviews: int
    weighted_subjects: int
    weighted_actions: int
    weighted_overdue_reviews: int
    training: str | None = Field(None, description="current, expiring, lapsed or none; null when not shown")
    training_expires_on: date | None = None


class PlanOut(Schema):
    id: int
    title: str
    kind: str
    owner: str
    ocg_id: int | None
    individual_id: int | None
    lro: str | None
    deputy: str | None
    next_review_on: date | None
    review: str
    band: str
    open_actions: int
    overdue_actions: int


class WorkloadOut(Schema):
    figures: FiguresOut
    plans: list[PlanOut]


class ForceWorkloadOut(Schema):
    organisation: str
    officers: list[FiguresOut]
    plans: list[PlanOut]
    unplanned: list[str]


class PlanOpenIn(Schema):
    kind: str = Field(description="group or individual")
    subject_id: int


class AssignIn(Schema):
    lro: str = Field(description="Username of the lead responsible officer")
    deputy: str = Field("", description="Username of the deputy, or empty for none")
    reason: str


class ActionIn(Schema):
    p: str
    title: str
    due_on: date
    description: str = ""
    owner_person: str = Field("", description="Username of the owner, or empty when an organisation owns it")
    owner_organisation: str = Field("", description="Slug of the owning organisation, or empty")


class ActionUpdateIn(Schema):
    status: str
    outcome: str = ""
    evidence: str = ""


class ActionOut(Schema):
    id: int
    plan_id: int
    p: str
    title: str
    owner: str
    due_on: date
    status: str
    outcome: str


class ConsiderationIn(Schema):
    item: str
    reason: str


class ReviewIn(Schema):
    summary: str
    reviewed_on: date | None = None


class ReviewOut(Schema):
    plan_id: int
    reviewed_on: date
    next_review_on: date
    band: str


class OrderIn(Schema):
    kind: str
    entity_id: str
    status: str
    applicant: str = ""
    court: str = ""
    applied_on: date | None = None
    decided_on: date | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    amount: Decimal | None = None
    under_18: bool = False
    conditions_text: str = ""
    note: str = ""


class OrderStepIn(Schema):
    status: str
    on: date
    note: str = ""
    court: str | None = None
    ends_on: date | None = None
    conditions_text: str | None = None


class OrderOut(Schema):
    id: int
    plan_id: int
    kind: str
    name: str
    person: str
    status: str
    applicant: str
    court: str
    starts_on: date | None
    ends_on: date | None
    amount: Decimal | None


class PowerIn(Schema):
    power: str
    partner: str = Field(description="Slug of the partner organisation")
    requested_on: date
    entity_id: str = ""
    outcome: str = ""


class PowerUpdateIn(Schema):
    status: str
    outcome: str = ""


class PowerOut(Schema):
    id: int
    plan_id: int
    power: str
    name: str
    partner: str
    status: str
    requested_on: date
    outcome: str


class CustodyIn(Schema):
    entity_id: str
    expected_release_on: date | None = None
    received_on: date | None = None
    released_on: date | None = None
    establishment: str = ""
    prison_number: str = ""
    licence_conditions: str = ""


class ReleaseOut(Schema):
    custody_id: int
    entity_id: str
    person: str
    expected_release_on: date
    days: int
    establishment: str
    plans: list[int]
    orders_in_force: list[str]
    licence_conditions_recorded: bool


class DisruptionIn(Schema):
    on: date
    p: str
    activity: str
    impact: str
    description: str
    evidence: str
    rationale: str
    drugs: str = ""
    drugs_grams: Decimal | None = None
    cash_pounds: Decimal | None = None
    firearms: int | None = None
    ammunition: int | None = None
    archived_reason: str = ""
    handling: str = ""


class ValidationIn(Schema):
    decision: str = Field(description="validate or return")
    note: str = ""


class DisruptionOut(Schema):
    id: int
    plan_id: int
    owner: str
    on: date
    p: str
    activity: str
    impact: str
    status: str
    recorded_by: str
    validated_by: str | None


class ReturnCellOut(Schema):
    period_start: date
    period_end: date
    force: str = Field(description="A force or unit; empty for the region's total")
    p: str
    impact: str
    count: int


class ReturnOut(Schema):
    date_from: date
    date_to: date
    period: str
    total: int
    explanation: str
    cells: list[ReturnCellOut]


class ExportIn(Schema):
    justification: str


class NotificationOut(Schema):
    id: int
    kind: str
    title: str
    plan_id: int | None
    due_on: date
    created_at: datetime
    read: bool
