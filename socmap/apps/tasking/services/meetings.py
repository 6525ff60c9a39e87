"""Tasking meetings: a force's TCG or the region's TTCG, its agenda built from the priority list, the
bids and the overdue re-assessments, its decisions (which feed the allocation) and actions."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from socmap.apps.assessment import selectors as assessment
from socmap.apps.core.audit import audit_record
from socmap.apps.core.models import AuditAction, OrganisationKind, Role, User
from socmap.apps.core.services import require_role
from socmap.apps.tasking.models import (
    Bid,
    BidStatus,
    DecisionKind,
    Meeting,
    MeetingAction,
    MeetingDecision,
    MeetingLevel,
    TaskingPeriod,
)
from socmap.apps.tasking.register import register_current
from socmap.apps.tasking.services.allocation import override_set
from socmap.engines import render
from socmap.errors import InvalidInput, NotAllowed

CHAIRS = (Role.TASKING, Role.SUPERVISOR)
AGENDA_THREATS = 10


def agenda_build(*, viewer: User, level: str, period: TaskingPeriod | None) -> dict[str, Any]:
    """The agenda: the priority list and the overdue re-assessments the organiser may see, and the bids
    of the period (the region's at a TTCG, the force's own at a force TCG)."""
    own = level == MeetingLevel.FORCE
    top = assessment.threat_list(
        viewer=viewer, filters=assessment.ThreatFilter(own=own), per_page=AGENDA_THREATS
    )
    overdue = assessment.threat_list(
        viewer=viewer, filters=assessment.ThreatFilter(own=own, overdue=True), per_page=AGENDA_THREATS
    )
    labels = {c.key: c.label for c in register_current().capabilities}
    bids_out: list[dict[str, Any]] = []
    if period is not None:
        from socmap.apps.tasking.selectors import bid_list

        for b in bid_list(viewer=viewer, period=period, own=own, per_page=200).items:
            bids_out.append(
                {
                    "bid": b.pk,
                    "reference": b.reference,
                    "force": b.owner.name,
                    "capability": labels.get(b.capability, b.capability),
                    "weeks": f"{b.first_week:%-d %B} to {b.last_week:%-d %B %Y}",
                    "duplication": len(b.warnings or []),
                }
            )
    return {
        "priorities": [
            {
                "threat": t.pk,
                "title": t.title,
                "score": str(t.score.normalize()) if t.score else "",
                "band": t.band_label,
                "owner": t.owner.name,
            }
            for t in top.items
        ],
        "bids": bids_out,
        "overdue": [
            {
                "threat": t.pk,
                "title": t.title,
                "due_on": t.due_on.isoformat() if t.due_on else "",
                "owner": t.owner.name,
            }
            for t in overdue.items
        ],
    }


def meeting_create(
    *,
    actor: User,
    level: str,
    title: str,
    held_on: date | None,
    period: TaskingPeriod | None,
    chair: str = "",
    attendees: str = "",
) -> Meeting:
    require_role(actor, *CHAIRS, action="record a tasking meeting")
    org = actor.organisation
    problems: dict[str, list[str]] = {}
    if level not in MeetingLevel.values:
        problems["level"] = ["Choose a force TCG or the regional TTCG"]
    elif org is None or (level == MeetingLevel.REGIONAL) != (org.kind == OrganisationKind.ROCU):
        problems["level"] = ["The ROCU holds the regional TTCG; a force holds its own TCG"]
    if not title.strip():
        problems["title"] = ["Enter a title, e.g. Regional TTCG, March"]
    if held_on is None:
        problems["held_on"] = ["Enter the date of the meeting"]
    if problems:
        raise InvalidInput("The meeting cannot be recorded: see fields", fields=problems)
    assert org is not None and held_on is not None
    with transaction.atomic():
        meeting = Meeting.objects.create(
            organisation=org,
            level=level,
            title=title.strip(),
            held_on=held_on,
            period=period,
            chair=chair.strip(),
            attendees=attendees.strip(),
            agenda=agenda_build(viewer=actor, level=level, period=period),
            created_by=actor,
        )
        audit_record(AuditAction.COLLECTION, actor=actor, obj=meeting)
    return meeting


def _own(actor: User, meeting: Meeting) -> None:
    if meeting.organisation_id != actor.organisation_id:
        raise NotAllowed("Only the organisation that held the meeting records its minutes")


def decision_record(
    *, actor: User, meeting: Meeting, kind: str, text: str, bid: Bid | None = None, owner: str = ""
) -> MeetingDecision:
    """A decision of the meeting. Funding or not funding a bid is kept by the allocation as an override."""
    require_role(actor, *CHAIRS, action="record a tasking decision")
    _own(actor, meeting)
    problems: dict[str, list[str]] = {}
    if kind not in DecisionKind.values:
        problems["kind"] = ["Choose what was decided"]
    if not text.strip():
        problems["text"] = ["Write the decision and its reason"]
    if kind in (DecisionKind.FUND, DecisionKind.NOT_FUND):
        if bid is None:
            problems["bid"] = ["Choose the bid the decision is about"]
        elif bid.status != BidStatus.SUBMITTED:
            problems["bid"] = ["That bid was withdrawn"]
        elif meeting.level != MeetingLevel.REGIONAL:
            problems["kind"] = ["Capabilities are allocated at the regional TTCG"]
    if problems:
        raise InvalidInput("The decision cannot be recorded: see fields", fields=problems)
    with transaction.atomic():
        decision = MeetingDecision.objects.create(
            meeting=meeting,
            kind=kind,
            bid=bid,
            threat_id=bid.threat_id if bid else None,
            text=text.strip(),
            owner=owner.strip(),
            recorded_by=actor,
            recorded_at=timezone.now(),
        )
        if bid is not None and kind in (DecisionKind.FUND, DecisionKind.NOT_FUND):
            override_set(actor=actor, bid=bid, fund=kind == DecisionKind.FUND, reason=text, meeting=meeting)
        audit_record(AuditAction.COLLECTION, actor=actor, obj=meeting, detail={"decision": decision.pk})
    return decision


def action_record(
    *, actor: User, meeting: Meeting, text: str, owner: str, due_on: date | None = None
) -> MeetingAction:
    require_role(actor, *CHAIRS, action="record a tasking action")
    _own(actor, meeting)
    problems: dict[str, list[str]] = {}
    if not text.strip():
        problems["text"] = ["Write the action"]
    if not owner.strip():
        problems["owner"] = ["Name who owns the action"]
    if due_on is not None and due_on < meeting.held_on:
        problems["due_on"] = ["The action is due after the meeting"]
    if problems:
        raise InvalidInput("The action cannot be recorded: see fields", fields=problems)
    with transaction.atomic():
        action = MeetingAction.objects.create(
            meeting=meeting,
            text=text.strip(),
            owner=owner.strip(),
            due_on=due_on,
            recorded_by=actor,
            recorded_at=timezone.now(),
        )
        audit_record(AuditAction.COLLECTION, actor=actor, obj=meeting, detail={"action": action.pk})
    return action


def minutes_pdf(*, actor: User, meeting: Meeting, html: str) -> bytes:
    """The minutes as PDF: a disclosure, audited."""
    _own(actor, meeting)
    pdf = render.html_to_pdf(html)
    audit_record(
        AuditAction.DISCLOSURE, actor=actor, obj=meeting, detail={"format": "pdf", "bytes": len(pdf)}
    )
    return pdf
