"""A small world for the local profile: Gloucestershire with threats and groups in general and in a
CSE compartment, a council it shares its general P items with (not CSE), and an NHS trust with no
agreement. Markers in names let tests find anything hidden that leaks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest

from socmap.apps.assessment.models import Threat
from socmap.apps.core import clock
from socmap.apps.core.models import Compartment, Organisation, User
from tests import factories

HIDDEN = "HIDDENCSE"


@dataclass
class World:
    force: Organisation
    council: Organisation
    nhs: Organisation
    cse: Compartment
    analyst: User
    council_user: User
    nhs_user: User
    threats: dict[str, Any]
    groups: dict[str, Any]


def threat(
    owner: Organisation,
    by: User,
    title: str,
    *,
    theme: str = "county_lines",
    kind: str = "thematic",
    ocg: Any = None,
    compartment: Compartment | None = None,
    band: str = "high",
    tier: int = 1,
    score: str = "80",
) -> Threat:
    return Threat.objects.create(
        owner=owner,
        compartment=compartment,
        kind=kind,
        ocg=ocg,
        title=title,
        theme=theme,
        created_by=by,
        score=Decimal(score),
        band=band,
        band_label=band.capitalize(),
        tier=tier,
        status="approved",
        due_on=clock.today() + timedelta(days=90),
    )


def adopted(owner: Organisation, lro: User, name: str, **kwargs: Any) -> Any:
    group = factories.ocg(owner, name=name, **kwargs)
    group.status = "adopted"
    group.reference = f"GL-{group.pk:04d}"
    group.lead_force = owner
    group.lro = lro
    group.save(update_fields=["status", "reference", "lead_force", "lro"])
    return group


@pytest.fixture
def world(db: Any) -> World:
    force = factories.organisation(name="Gloucestershire Constabulary")
    council = factories.organisation("partner", "council", name="Cheltenham Borough Council")
    nhs = factories.organisation("partner", "nhs", name="Gloucestershire NHS Trust")
    cse = factories.compartment("CSE safeguarding")
    factories.agreement(force, council, handling_codes=("P",))
    analyst = factories.user(force, "analyst", "supervisor", username="gl.analyst")
    council_user = factories.user(council, "partner", username="cbc.officer")
    nhs_user = factories.user(nhs, "partner", username="nhs.officer")
    lro = factories.user(force, "lro", username="gl.lro")
    g1 = adopted(force, lro, "Eastgate Crew")
    g2 = adopted(force, lro, "Kingsholm Line", theme="firearms")
    g3 = adopted(force, lro, f"{HIDDEN} Group", theme="cse", compartment=cse)
    threats = {
        "g1": threat(force, analyst, "Eastgate Crew", kind="ocg", ocg=g1),
        "g2": threat(
            force,
            analyst,
            "Kingsholm Line",
            kind="ocg",
            ocg=g2,
            theme="firearms",
            band="medium",
            tier=2,
            score="50",
        ),
        "g3": threat(force, analyst, f"{HIDDEN} Group", kind="ocg", ocg=g3, theme="cse", compartment=cse),
        "vuln": threat(
            force, analyst, "Bitcoin ATMs in Gloucester", kind="vulnerability", theme="money_laundering"
        ),
        "hidden_vuln": threat(
            force, analyst, f"{HIDDEN} vulnerability", kind="vulnerability", theme="cse", compartment=cse
        ),
    }
    return World(
        force, council, nhs, cse, analyst, council_user, nhs_user, threats, {"g1": g1, "g2": g2, "g3": g3}
    )


def as_of() -> date:
    return clock.today()
