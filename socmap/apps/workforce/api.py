"""The workforce register over the API: counts for everyone, names for the organisation's own
managers, and the register's writes (a person added, a course passed)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status

from socmap.apps.core.auth import viewer
from socmap.apps.core.schemas import ErrorOut
from socmap.apps.workforce import alerts as workforce_alerts
from socmap.apps.workforce import capability as cap
from socmap.apps.workforce import selectors, services
from socmap.apps.workforce.models import Member

router = Router(tags=["workforce"])
ERRORS: dict[int, Any] = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut}


class WorkforceRoleCountOut(Schema):
    role: str
    label: str
    in_post: int
    in_training: int
    vacancies: int
    establishment: int


class WorkforceDemandOut(Schema):
    band: str
    label: str
    groups: int
    per_group: float
    needed: float


class WorkforceCapabilityOut(Schema):
    organisation: str
    on: date
    roles: list[WorkforceRoleCountOut]
    investigators: int
    adopted_groups: int
    investigators_needed: float
    investigator_shortfall: float
    financial_investigators_accredited: int
    financial_investigator_posts: int
    financial_investigator_shortfall: int
    money_laundering_or_fraud_groups: int
    analysts: int
    apprentices: int
    demand: list[WorkforceDemandOut]


class WorkforceMemberIn(Schema):
    first_name: str
    last_name: str
    role: str
    pip_level: str = "none"
    apprentice: bool = False
    started_on: date
    qualified_on: date | None = None
    capability: str = ""
    team: str = ""
    tasking_hours: Decimal = Decimal(0)


class WorkforceMemberOut(Schema):
    id: int
    name: str
    role: str
    role_label: str
    pip_level: str
    pip_level_label: str
    apprentice: bool
    started_on: date
    qualified_on: date | None
    left_on: date | None


class WorkforceTrainingIn(Schema):
    course: str
    passed_on: date
    expires_on: date | None = None


class WorkforceTrainingOut(Schema):
    id: int
    course: str
    course_label: str
    passed_on: date
    expires_on: date | None


class WorkforceAlertOut(Schema):
    id: int
    title: str
    due_on: date
    member_id: int


def _capability(c: cap.Capability) -> dict[str, Any]:
    return {
        "organisation": c.organisation.name,
        "on": c.on,
        "roles": [vars(r) for r in c.roles],
        "investigators": c.investigators,
        "adopted_groups": c.groups,
        "investigators_needed": c.investigators_needed,
        "investigator_shortfall": c.investigator_shortfall,
        "financial_investigators_accredited": c.fi_accredited,
        "financial_investigator_posts": c.fi_establishment,
        "financial_investigator_shortfall": c.fi_shortfall,
        "money_laundering_or_fraud_groups": c.fi_groups,
        "analysts": c.analysts,
        "apprentices": c.apprentices,
        "demand": [vars(d) for d in c.demand],
    }


def _member(m: Member) -> dict[str, Any]:
    return {
        "id": m.pk,
        "name": m.name,
        "role": m.role,
        "role_label": m.get_role_display(),
        "pip_level": m.pip_level,
        "pip_level_label": m.get_pip_level_display(),
        "apprentice": m.apprentice,
        "started_on": m.started_on,
        "qualified_on": m.qualified_on,
        "left_on": m.left_on,
    }


@router.get(
    "/workforce/region", response={200: list[WorkforceCapabilityOut]}, operation_id="workforce_region_get"
)
def region_get(request: HttpRequest) -> list[dict[str, Any]]:
    """Each force's and the regional unit's counts today (no names; demand is on each organisation)."""
    viewer(request)
    return [_capability(c) for c in cap.region()]


@router.get(
    "/workforce/{slug}/capability",
    response={200: WorkforceCapabilityOut, 404: ErrorOut},
    operation_id="workforce_capability_get",
)
def capability_get(request: HttpRequest, slug: str) -> dict[str, Any]:
    """An organisation's counts against the demand of the adopted groups the caller may see."""
    user = viewer(request)
    org = selectors.organisation_find(slug=slug)
    return _capability(cap.capability_get(viewer=user, organisation=org))


@router.get(
    "/workforce/{slug}/people",
    response={200: list[WorkforceMemberOut], **ERRORS},
    operation_id="workforce_member_list",
)
def member_list(request: HttpRequest, slug: str) -> list[dict[str, Any]]:
    """The people of the register by name: the organisation's own managers only (403 otherwise)."""
    user = viewer(request)
    org = selectors.organisation_find(slug=slug)
    return [_member(m) for m in selectors.member_list(viewer=user, organisation_id=org.pk)]


@router.post(
    "/workforce/{slug}/people",
    response={201: WorkforceMemberOut, **ERRORS},
    operation_id="workforce_member_create",
)
def member_create(request: HttpRequest, slug: str, payload: WorkforceMemberIn) -> Status[dict[str, Any]]:
    """Add a person to the organisation's register (its own managers). 400 names each bad field."""
    user = viewer(request)
    org = selectors.organisation_find(slug=slug)
    member = services.member_create(actor=user, organisation=org, **payload.dict())
    return Status(201, _member(member))


@router.post(
    "/workforce/people/{member_id}/training",
    response={201: WorkforceTrainingOut, **ERRORS},
    operation_id="workforce_training_record",
)
def training_record(
    request: HttpRequest, member_id: int, payload: WorkforceTrainingIn
) -> Status[dict[str, Any]]:
    """Record a course a person of the caller's register passed (the one record lifetime reads too)."""
    user = viewer(request)
    member = selectors.member_get(viewer=user, member_id=member_id)
    r = services.training_record(actor=user, member=member, **payload.dict())
    return Status(
        201,
        {
            "id": r.pk,
            "course": r.course,
            "course_label": r.get_course_display(),
            "passed_on": r.passed_on,
            "expires_on": r.expires_on,
        },
    )


@router.get("/workforce/alerts", response={200: list[WorkforceAlertOut]}, operation_id="workforce_alert_list")
def alert_list(request: HttpRequest) -> list[dict[str, Any]]:
    """The caller's own training alerts, unread first."""
    user = viewer(request)
    return [
        {"id": a.pk, "title": a.title, "due_on": a.due_on, "member_id": a.member_id}
        for a in workforce_alerts.alerts_for(viewer=user)[:200]
    ]
