"""A small South West for tasking: two forces and the ROCU (codes as in the capability register),
a partner, threats with scores, groups with members, and a tasking period starting this week."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from socmap.apps.assessment import services as assessment
from socmap.apps.assessment.models import Threat
from socmap.apps.core import services as core
from socmap.apps.core.models import Organisation, User
from socmap.apps.network.models import OCG, OCGMember
from socmap.apps.tasking import services
from socmap.apps.tasking.models import Bid, TaskingPeriod
from socmap.apps.tasking.register import monday
from socmap.engines.assess import load_scoring_model
from tests import factories

MODEL = load_scoring_model()
_n = itertools.count(1)


@dataclass
class Region:
    glos: Organisation
    avon: Organisation
    rocu: Organisation
    council: Organisation
    glos_analyst: User
    avon_analyst: User
    tasking: User
    partner: User
    period: TaskingPeriod


def org(name: str, kind: str, code: str, partner_type: str = "") -> Organisation:
    return core.organisation_create(actor=None, name=name, kind=kind, code=code, partner_type=partner_type)


@pytest.fixture
def region(db: None) -> Region:
    """Gloucestershire and Avon share everything with the ROCU and with each other (so a force seeing
    only its own bids is tasking's rule, not a missing agreement); the council shares nothing."""
    glos = org("Gloucestershire Constabulary", "force", "GL")
    avon = org("Avon and Somerset Constabulary", "force", "AS")
    rocu = org("South West ROCU", "rocu", "SW")
    council = org("Cheltenham Borough Council", "partner", "", "council")
    for a, b in ((glos, rocu), (avon, rocu), (glos, avon), (avon, glos), (rocu, glos), (rocu, avon)):
        factories.agreement(a, b)
    tasking = factories.user(rocu, "tasking", "supervisor", username="rocu.tasking")
    period = services.period_create(
        actor=tasking, name="2026 to 2027", starts_on=monday(timezone.localdate()), weeks=26
    )
    return Region(
        glos=glos,
        avon=avon,
        rocu=rocu,
        council=council,
        glos_analyst=factories.user(glos, "analyst", "supervisor", username="glos.analyst"),
        avon_analyst=factories.user(avon, "analyst", "supervisor", username="avon.analyst"),
        tasking=tasking,
        partner=factories.user(council, "partner", username="council.officer"),
        period=period,
    )


def scored(actor: User, title: str = "", *, level: int = 3, ocg: OCG | None = None, **kw: Any) -> Threat:
    """A threat with a submitted assessment, so it has a standing score to bid against."""
    if ocg is not None:
        threat = assessment.threat_create(actor=actor, kind="ocg", ocg=ocg, **kw)
    else:
        threat = assessment.threat_create(
            actor=actor, kind="thematic", title=title or f"Threat {next(_n)}", theme="county_lines", **kw
        )
    draft = assessment.assessment_start(actor=actor, threat=threat)
    values = {k: max(d.lowest, min(d.highest, level)) for k, d in MODEL.dimensions.items()}
    data = assessment.AssessmentInput(values, dict.fromkeys(values, "From the records"), "medium")
    assessment.assessment_submit(actor=actor, assessment=draft, data=data)
    threat.refresh_from_db()
    return threat


def group(owner: Organisation, members: list[str], name: str = "") -> OCG:
    ocg = factories.ocg(owner, name=name or f"Group {next(_n)}")
    for entity_id in members:
        OCGMember.objects.create(ocg=ocg, entity_id=entity_id, joined_on=date(2025, 1, 1))
    return ocg


def week(period: TaskingPeriod, n: int) -> date:
    return period.starts_on + timedelta(weeks=n)


def bid_input(threat: Threat, period: TaskingPeriod, **kw: Any) -> services.BidInput:
    values: dict[str, Any] = {
        "threat_id": threat.pk,
        "capability": "covert_surveillance",
        "first_week": week(period, 1),
        "last_week": week(period, 6),
        "weeks": 3,
        "effort": 1,
        "outcome": "Evidence of supply to charge the principal",
        "impact": "major",
    }
    return services.BidInput(**(values | kw))


def make_bid(actor: User, threat: Threat, period: TaskingPeriod, *, confirmed: bool = True, **kw: Any) -> Bid:
    return services.bid_submit(
        actor=actor, period=period, data=bid_input(threat, period, **kw), confirmed=confirmed
    )
