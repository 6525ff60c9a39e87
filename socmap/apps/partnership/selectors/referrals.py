"""Reads of safeguarding referrals: the referring organisation's own (the visibility rule), and those
made to the viewer's organisation (the referral itself is the disclosure to it)."""

from __future__ import annotations

import statistics
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet

from socmap.apps.core import clock
from socmap.apps.core.models import User
from socmap.apps.core.refusal import refuse
from socmap.apps.core.visibility import visible_filter
from socmap.apps.partnership.models import Arrangement, Referral


def _referrals(viewer: User) -> QuerySet[Referral]:
    if not viewer.is_authenticated or viewer.organisation_id is None or not viewer.is_active:
        return Referral.objects.none()
    return Referral.objects.filter(
        visible_filter(viewer) | Q(to_organisation_id=viewer.organisation_id)
    ).select_related("arrangement", "to_organisation", "owner", "referred_by", "outcome_by")


def due_date(referral: Referral) -> date:
    return referral.referred_on + timedelta(days=int(settings.SOCMAP_REFERRAL_OUTCOME_DAYS))


def referral_list(
    *,
    viewer: User,
    state: str = "",
    entity_id: str = "",
    threat_id: int | None = None,
    ocg_id: int | None = None,
) -> QuerySet[Referral]:
    qs = _referrals(viewer)
    if state == "awaiting":
        qs = qs.filter(outcome="")
    elif state == "overdue":
        cutoff = clock.today() - timedelta(days=int(settings.SOCMAP_REFERRAL_OUTCOME_DAYS))
        qs = qs.filter(outcome="", referred_on__lt=cutoff)
    elif state == "outcome":
        qs = qs.exclude(outcome="")
    if entity_id:
        qs = qs.filter(entity_id=entity_id)
    if threat_id is not None:
        qs = qs.filter(threat_id=threat_id)
    if ocg_id is not None:
        qs = qs.filter(ocg_id=ocg_id)
    return qs.order_by("-referred_on", "-id")


def referral_get(*, viewer: User, referral_id: int) -> Referral:
    found = _referrals(viewer).filter(pk=referral_id).first()
    if found is None:
        raise refuse(
            viewer, "No such referral", object_type="partnership.referral", object_id=str(referral_id)
        )
    return found


def arrangements() -> QuerySet[Arrangement]:
    """Safeguarding arrangements and their members are reference data every user may know."""
    return Arrangement.objects.prefetch_related("members").order_by("name")


def referral_figures(*, viewer: User, on: date | None = None) -> dict[str, Any]:
    """Referrals made and outcomes received this quarter, and the median days to an outcome."""
    on = on or clock.today()
    start = date(on.year, 3 * ((on.month - 1) // 3) + 1, 1)
    qs = _referrals(viewer)
    made = qs.filter(referred_on__gte=start, referred_on__lte=on).count()
    outcomes = qs.filter(outcome_on__gte=start, outcome_on__lte=on)
    days = [(r.outcome_on - r.referred_on).days for r in outcomes if r.outcome_on]
    return {
        "made": made,
        "outcomes": len(days),
        "median_days": float(statistics.median(days)) if days else None,
        "overdue": referral_list(viewer=viewer, state="overdue").count(),
    }


def _org_referrals(organisation_id: int) -> QuerySet[Referral]:
    return Referral.objects.filter(Q(owner_id=organisation_id) | Q(to_organisation_id=organisation_id))


def measure_referrals_made(organisation_id: int, as_of: datetime) -> int:
    day = as_of.date()
    return (
        _org_referrals(organisation_id)
        .filter(referred_on__gt=day - timedelta(days=91), referred_on__lte=day)
        .count()
    )


def measure_outcomes_received(organisation_id: int, as_of: datetime) -> int:
    day = as_of.date()
    return (
        _org_referrals(organisation_id)
        .filter(outcome_on__gt=day - timedelta(days=91), outcome_on__lte=day)
        .count()
    )


def measure_median_days(organisation_id: int, as_of: datetime) -> float | None:
    day = as_of.date()
    rows = _org_referrals(organisation_id).filter(
        outcome_on__gt=day - timedelta(days=91), outcome_on__lte=day
    )
    days = [(r.outcome_on - r.referred_on).days for r in rows if r.outcome_on]
    return float(statistics.median(days)) if days else None
