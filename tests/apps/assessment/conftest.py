from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from socmap.apps.assessment import services
from socmap.apps.assessment.models import Assessment, Threat
from socmap.apps.core.models import Compartment, Organisation, User
from socmap.engines.assess import load_scoring_model
from tests import factories

MODEL = load_scoring_model()


@dataclass
class Region:
    glos: Organisation
    avon: Organisation
    dorset: Organisation
    rocu: Organisation
    cse: Compartment
    analyst: User
    supervisor: User
    other_supervisor: User
    avon_analyst: User
    avon_supervisor: User
    rocu_user: User


@pytest.fixture
def region(db: None) -> Region:
    """Three forces and the ROCU: Avon shares its general items with Gloucestershire, Dorset shares
    nothing, every force shares everything with the ROCU."""
    glos = factories.organisation("force", name="Gloucestershire Constabulary")
    avon = factories.organisation("force", name="Avon and Somerset Constabulary")
    dorset = factories.organisation("force", name="Dorset Police")
    rocu = factories.organisation("rocu", name="South West ROCU")
    cse = factories.compartment("CSE safeguarding")
    factories.agreement(avon, glos)  # general items only, not the CSE compartment
    for force in (glos, avon, dorset):
        factories.agreement(force, rocu, compartments=(cse,))
    return Region(
        cse=cse,
        glos=glos,
        avon=avon,
        dorset=dorset,
        rocu=rocu,
        analyst=factories.user(glos, "analyst", username="analyst"),
        supervisor=factories.user(glos, "supervisor", username="supervisor"),
        other_supervisor=factories.user(glos, "supervisor", "analyst", username="supervisor2"),
        avon_analyst=factories.user(avon, "analyst", username="avon.analyst"),
        avon_supervisor=factories.user(avon, "supervisor", username="avon.supervisor"),
        rocu_user=factories.user(rocu, "tasking", username="rocu"),
    )


def values(level: int = 2, **overrides: int) -> dict[str, int]:
    """Every dimension at ``level`` (clamped to its scale), with overrides."""
    out = {k: max(d.lowest, min(d.highest, level)) for k, d in MODEL.dimensions.items()}
    return out | overrides


def entered(
    level: int = 2, *, rationale: str = "Seen in the evidence", **overrides: Any
) -> services.AssessmentInput:
    vals = values(level, **overrides)
    return services.AssessmentInput(
        values=vals, rationales=dict.fromkeys(vals, rationale), confidence="medium"
    )


def thematic(
    actor: User, title: str = "County lines into Gloucester", theme: str = "county_lines", **kw: Any
) -> Threat:
    return services.threat_create(actor=actor, kind="thematic", title=title, theme=theme, **kw)


def submitted(actor: User, threat: Threat, level: int = 2, **overrides: int) -> Assessment:
    draft = services.assessment_start(actor=actor, threat=threat)
    return services.assessment_submit(actor=actor, assessment=draft, data=entered(level, **overrides))


def approved(actor: User, supervisor: User, threat: Threat, level: int = 2, **overrides: int) -> Assessment:
    done = submitted(actor, threat, level, **overrides)
    return services.assessment_approve(actor=supervisor, assessment=done, comment="Agreed")
