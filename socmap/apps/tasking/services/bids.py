"""Periods, the fairness rule, and bids: each write checked, then made in a transaction with its audit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from socmap.apps.assessment import selectors as assessment
from socmap.apps.core.audit import audit_record
from socmap.apps.core.models import AuditAction, Organisation, OrganisationKind, Role, User
from socmap.apps.core.refusal import refuse
from socmap.apps.core.services import require_role
from socmap.apps.tasking.models import Bid, BidStatus, FairnessMode, FourP, Impact, TaskingPeriod
from socmap.apps.tasking.register import capability_get, monday, register_current, week_index
from socmap.apps.tasking.services.duplicates import overlaps_for
from socmap.errors import Conflict, InvalidInput, NotAllowed, NotVisible

BIDDERS = (Role.ANALYST, Role.SUPERVISOR, Role.LRO, Role.TASKING)
MAX_TEXT = 5000


def period_create(*, actor: User, name: str, starts_on: date, weeks: int) -> TaskingPeriod:
    require_role(actor, Role.TASKING, action="open a tasking period")
    problems: dict[str, list[str]] = {}
    if not name.strip():
        problems["name"] = ["Enter a name for the period, e.g. 2026 to 2027"]
    elif TaskingPeriod.objects.filter(name=name.strip()).exists():
        problems["name"] = [f"There is already a period called {name.strip()!r}"]
    if not 1 <= weeks <= 104:
        problems["weeks"] = ["A period has from 1 to 104 weeks"]
    if problems:
        raise InvalidInput("The period cannot be opened: see fields", fields=problems)
    with transaction.atomic():
        period = TaskingPeriod.objects.create(
            name=name.strip(), starts_on=monday(starts_on), weeks=weeks, created_by=actor
        )
        audit_record(AuditAction.COLLECTION, actor=actor, obj=period, detail={"weeks": weeks})
    return period


def region_forces() -> list[Organisation]:
    return list(Organisation.objects.filter(kind=OrganisationKind.FORCE).exclude(code="").order_by("name"))


def fairness_set(
    *, actor: User, period: TaskingPeriod, mode: str, min_shares: dict[str, Any], tolerance: Any = 0.05
) -> TaskingPeriod:
    """The regional TCG's fairness rule. Shares are percentages by force code; refused, naming the field,
    when they cannot be met (over 100 % together, outside 0-100, an unknown force)."""
    require_role(actor, Role.TASKING, action="set the fairness rule")
    problems: dict[str, list[str]] = {}
    if mode not in FairnessMode.values:
        problems["mode"] = [f"Choose one of: {', '.join(FairnessMode.labels)}"]
    codes = {o.code: o for o in region_forces()}
    shares: dict[str, float] = {}
    for code, raw in min_shares.items():
        if raw in ("", None):
            continue
        field = f"share_{code}"
        if code not in codes:
            problems[field] = [f"{code!r} is not a force of the region"]
            continue
        try:
            value = Decimal(str(raw))
        except InvalidOperation:
            problems[field] = ["Enter the share as a number of per cent, like 10"]
            continue
        if not 0 <= value <= 100:
            problems[field] = [f"{codes[code].name}'s share must be between 0 % and 100 %"]
            continue
        shares[code] = float(value) / 100
    if mode == FairnessMode.MIN_SHARE and sum(shares.values()) > 1 + 1e-9:
        total = sum(shares.values())
        problems.setdefault("min_shares", []).append(
            f"The minimum shares add up to {total:.0%}: more than the whole capacity, "
            "so they cannot all be met"
        )
    try:
        tol = Decimal(str(tolerance))
    except InvalidOperation:
        tol = Decimal(-1)
    if not 0 <= tol <= 1:
        problems["tolerance"] = ["The tolerance is between 0 and 1 (0.05 for 5 %)"]
    if problems:
        raise InvalidInput("The fairness rule cannot be met: see fields", fields=problems)
    with transaction.atomic():
        before = {
            "mode": period.fairness,
            "min_shares": period.min_shares,
            "tolerance": str(period.tolerance),
        }
        period.fairness = mode
        period.min_shares = shares
        period.tolerance = tol
        period.save(update_fields=["fairness", "min_shares", "tolerance"])
        audit_record(
            AuditAction.ALTERATION,
            actor=actor,
            obj=period,
            detail={"before": before, "after": {"mode": mode, "min_shares": shares, "tolerance": str(tol)}},
        )
    return period


@dataclass(frozen=True)
class BidInput:
    threat_id: int | None
    capability: str
    first_week: date | None
    last_week: date | None
    weeks: int | None
    effort: Any
    outcome: str
    impact: str
    four_p: str = FourP.PURSUE
    aim: str = ""


def _threat_for(actor: User, threat_id: int | None, problems: dict[str, list[str]]) -> Any:
    if threat_id is None:
        problems["threat"] = ["Choose the threat the bid is against"]
        return None
    try:
        threat = assessment.threat_find(viewer=actor, threat_id=threat_id)
    except NotVisible:
        # A refusal, logged once here; the bidder is told beside the field only that there is no
        # such threat (the rest of the form's problems are shown with it).
        refuse(
            actor,
            "No such threat",
            object_type="assessment.threat",
            object_id=str(threat_id),
            reason="bid against a threat the bidder may not see",
        )
        problems["threat"] = ["There is no such threat you may see: choose one of your threats"]
        return None
    if threat.score is None:
        problems["threat"] = [f"{threat.title} has no score yet: submit its assessment before bidding"]
        return None
    return threat


def _check_aims(data: BidInput, problems: dict[str, list[str]]) -> None:
    """Add to ``problems`` what is wrong with what the bid aims at: outcome, impact, 4P strand."""
    if not data.outcome.strip():
        problems["outcome"] = ["Say what outcome you expect"]
    elif len(data.outcome) > MAX_TEXT:
        problems["outcome"] = [f"Keep it under {MAX_TEXT} characters"]
    if data.impact not in Impact.values:
        problems["impact"] = ["Choose the disruption the bid aims at: major, moderate or minor"]
    if data.four_p not in FourP.values:
        problems["four_p"] = ["Choose Pursue, Prevent, Protect or Prepare"]


def bid_check(*, actor: User, period: TaskingPeriod, data: BidInput) -> tuple[Any, dict[str, Any]]:
    """Check a bid; returns the threat and the cleaned values, or raises naming every field at fault."""
    problems: dict[str, list[str]] = {}
    org = actor.organisation
    if org is None or org.kind not in (OrganisationKind.FORCE, OrganisationKind.ROCU):
        raise NotAllowed("Only a force or the ROCU bids for capabilities")
    threat = _threat_for(actor, data.threat_id, problems)
    try:
        cap = capability_get(data.capability)
    except InvalidInput as exc:
        problems.update(exc.fields)
        cap = None
    today = timezone.localdate()
    first = monday(data.first_week) if data.first_week else None
    last = monday(data.last_week) if data.last_week else None
    period_end = period.starts_on + timedelta(weeks=period.weeks - 1)
    if first is None:
        problems["first_week"] = ["Enter the first week it may start"]
    elif first < monday(today):
        problems["first_week"] = [
            f"The first week ({first:%-d %B %Y}) is in the past: choose this week or later"
        ]
    elif not period.starts_on <= first <= period_end:
        problems["first_week"] = [
            f"The first week must be inside {period.name} "
            f"({period.starts_on:%-d %B %Y} to {period_end:%-d %B %Y})"
        ]
    if last is None:
        problems["last_week"] = ["Enter the last week it may run in"]
    elif first is not None and last < first:
        problems["last_week"] = ["The last week is before the first week"]
    elif not period.starts_on <= last <= period_end:
        problems["last_week"] = [f"The last week must be inside {period.name} (to {period_end:%-d %B %Y})"]
    weeks = data.weeks
    if weeks is None or weeks < 1:
        problems["weeks"] = ["Enter how many weeks it needs, 1 or more"]
    elif cap is not None and weeks < cap.min_weeks:
        problems["weeks"] = [f"{cap.label} is deployed for at least {cap.min_weeks} weeks"]
    elif first and last and weeks > (last - first).days // 7 + 1:
        problems["weeks"] = [f"{weeks} weeks do not fit between the first and the last week"]
    try:
        effort = Decimal(str(data.effort))
        if not effort.is_finite():
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        effort = Decimal(0)
        problems["effort"] = ["Enter the effort a week as a number"]
    if "effort" not in problems and effort <= 0:
        problems["effort"] = ["Enter the effort a week, more than nothing"]
    if cap is not None and "effort" not in problems:
        if cap.unit == "team-weeks" and effort != int(effort):
            problems["effort"] = ["Ask for whole teams: one team works one operation at a time"]
        elif first and last and "first_week" not in problems and "last_week" not in problems:
            start = week_index(period.starts_on, first)
            window = cap.capacity(period.starts_on, period.weeks)[
                start : week_index(period.starts_on, last) + 1
            ]
            most = max(window, default=0)
            need = float(effort) * (weeks or 1)
            if float(effort) > most:
                problems["effort"] = [
                    f"{effort.normalize():f} {cap.unit} a week is more than {cap.label} has in any "
                    "week of the "
                    f"window ({most:g} a week)"
                ]
            elif need > sum(window):
                problems["effort"] = [
                    f"{need:g} {cap.unit} is more than {cap.label} has in the whole window ({sum(window):g})"
                ]
    _check_aims(data, problems)
    if problems:
        first_problem = next(iter(problems.values()))[0]
        raise InvalidInput(f"The bid cannot be made: {first_problem}", fields=problems)
    return threat, {"first_week": first, "last_week": last, "weeks": weeks, "effort": effort, "cap": cap}


def bid_submit(*, actor: User, period: TaskingPeriod, data: BidInput, confirmed: bool = False) -> Bid:
    """Make a bid. Duplication is looked for first: unless ``confirmed``, a bid that overlaps another
    force's is refused with a ``Conflict`` naming each overlap, so the bidder sees the warning first."""
    require_role(actor, *BIDDERS, action="bid for a capability")
    threat, clean = bid_check(actor=actor, period=period, data=data)
    assert actor.organisation is not None  # bid_check refuses a user without one
    warnings = overlaps_for(
        viewer=actor,
        force=actor.organisation,
        period=period,
        threat_id=threat.pk,
        capability=clean["cap"],
        first_week=clean["first_week"],
        last_week=clean["last_week"],
        effort=float(clean["effort"]),
        weeks=clean["weeks"],
    )
    if warnings and not confirmed:
        raise Conflict(
            "Possible duplication: check before submitting",
            code="duplication",
            fields={"duplication": [w["words"] for w in warnings]},
        )
    with transaction.atomic():
        number = (Bid.objects.aggregate(n=Max("id"))["n"] or 0) + 1
        bid = Bid.objects.create(
            reference=f"{actor.organisation.code or 'TB'}-{number:04d}",
            period=period,
            owner=actor.organisation,
            handling=threat.handling,
            conditions=threat.conditions,
            compartment=threat.compartment,
            threat=threat,
            capability=clean["cap"].key,
            first_week=clean["first_week"],
            last_week=clean["last_week"],
            weeks=clean["weeks"],
            effort=clean["effort"],
            outcome=data.outcome.strip(),
            impact=data.impact,
            four_p=data.four_p,
            aim=data.aim.strip(),
            score=threat.score,
            band=threat.band,
            warnings=warnings,
            submitted_by=actor,
            submitted_at=timezone.now(),
        )
        audit_record(
            AuditAction.COLLECTION,
            actor=actor,
            obj=bid,
            detail={"threat": threat.pk, "capability": bid.capability, "warnings": len(warnings)},
        )
    return bid


def bid_withdraw(*, actor: User, bid: Bid, reason: str) -> Bid:
    if bid.owner_id != actor.organisation_id:
        raise NotAllowed("Only the force that made a bid withdraws it")
    require_role(actor, *BIDDERS, action="withdraw a bid")
    if bid.status == BidStatus.WITHDRAWN:
        raise Conflict("The bid is already withdrawn")
    if not reason.strip():
        raise InvalidInput("Say why the bid is withdrawn", fields={"reason": ["Enter a reason"]})
    with transaction.atomic():
        bid.status = BidStatus.WITHDRAWN
        bid.withdrawn_at = timezone.now()
        bid.save(update_fields=["status", "withdrawn_at"])
        audit_record(AuditAction.ALTERATION, actor=actor, obj=bid, justification=reason.strip())
    return bid


def capabilities_list() -> list[Any]:
    return list(register_current().capabilities)
