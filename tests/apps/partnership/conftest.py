from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest

from socmap.apps.core import clock
from socmap.apps.core.models import Organisation, User
from socmap.apps.partnership import services
from socmap.apps.partnership.models import SharingLead
from tests import factories


@dataclass
class Sides:
    police: Organisation
    council: Organisation
    police_lead: User
    council_lead: User
    council_second: User
    council_user: User
    admin: User
    analyst: User


def lead(person: User) -> SharingLead:
    return SharingLead.objects.create(organisation=person.organisation, person=person, named_at=clock.now())


@pytest.fixture
def sides(db: None) -> Sides:
    police = factories.organisation("force", name="Gloucestershire Constabulary")
    council = factories.organisation("partner", "council", name="Cheltenham Borough Council")
    s = Sides(
        police=police,
        council=council,
        police_lead=factories.user(police, "supervisor", username="police.lead"),
        council_lead=factories.user(council, "partner", username="council.lead"),
        council_second=factories.user(council, "partner", username="council.second"),
        council_user=factories.user(council, "partner", username="council.user"),
        admin=factories.user(police, "administrator", username="police.admin"),
        analyst=factories.user(police, "analyst", username="police.analyst"),
    )
    for p in (s.police_lead, s.council_lead, s.council_second):
        lead(p)
    factories.document(s.analyst, title="Police briefing")  # the police mark their items P
    return s


def proposal(s: Sides, **changes: Any) -> services.Proposal:
    today = clock.today()
    values: dict[str, Any] = {
        "provider": s.police,
        "recipient": s.council,
        "title": "Operation Endeavour",
        "purpose": "Clear, Hold, Build in Cheltenham",
        "legal_basis": "Crime and Disorder Act 1998 s115",
        "valid_from": today - timedelta(days=1),
        "valid_to": today + timedelta(days=365),
        "review_on": today + timedelta(days=180),
        "compartments": [],
        "includes_general": True,
        "handling_codes": ["P"],
    }
    values.update(changes)
    return services.Proposal(**values)
