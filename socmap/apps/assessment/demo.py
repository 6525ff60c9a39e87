"""Assessed threats for the demo region: every force and the ROCU, every theme, every band.

Some are approved, some overdue for re-assessment, some submitted and waiting for a supervisor, one
still a draft. Groups the network analysis proposed are assessed from their suggestions. Everything
goes through the services (so it is audited like real work); only the approval dates of the overdue
ones are moved into the past afterwards, as synthetic history. Running it twice changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from socmap.apps.assessment import services
from socmap.apps.assessment.models import Assessment, Status, Threat
from socmap.apps.core import services as core
from socmap.apps.core.demo import DEMO_PASSWORD
from socmap.apps.core.models import Compartment, Organisation, Role, User
from socmap.apps.network.models import OCG, OCGStatus

# Values by level: harm dimensions, victim vulnerability, likelihood, organisational position.
PROFILES = {
    "high": {"harm": 3, "vulnerability": 4, "likelihood": 4, "organisation": 2},
    "medium": {"harm": 2, "vulnerability": 3, "likelihood": 3, "organisation": 2},
    "low": {"harm": 1, "vulnerability": 1, "likelihood": 2, "organisation": 1},
}


@dataclass(frozen=True)
class Spec:
    code: str  # owning organisation's code
    title: str
    kind: str
    theme: str
    level: str  # PROFILES key
    state: str  # "approved", "overdue", "submitted" or "draft"
    regional: bool = False
    compartment: str = ""


SPECS = [
    Spec("GL", "County lines: Birmingham line into Gloucester", "thematic", "county_lines", "high", "approved"),
    Spec("GL", "Organised CSE linked to Cheltenham town centre", "thematic", "cse", "high", "submitted",
         compartment="CSE safeguarding"),
    Spec("GL", "Drones over HMP Eastwood Park", "vulnerability", "other", "low", "overdue"),
    Spec("AS", "Firearms supply in Bristol", "thematic", "firearms", "high", "approved"),
    Spec("AS", "Modern slavery in hand car washes", "thematic", "modern_slavery", "medium", "overdue",
         compartment="Modern slavery"),
    Spec("AS", "Romance fraud targeting older people", "thematic", "fraud", "medium", "submitted"),
    Spec("DC", "Labour exploitation on farms", "thematic", "modern_slavery", "medium", "approved"),
    Spec("DC", "Small boats landing on the south Devon coast", "vulnerability", "immigration", "medium", "overdue"),
    Spec("DC", "Organised burglary of farm machinery", "thematic", "acquisitive", "low", "approved"),
    Spec("DO", "County lines into Bournemouth", "thematic", "county_lines", "high", "overdue"),
    Spec("DO", "Bitcoin ATMs open to money laundering", "vulnerability", "money_laundering", "low", "approved"),
    Spec("DO", "Ransomware against local businesses", "thematic", "cyber", "medium", "draft"),
    Spec("WI", "Cash-intensive businesses laundering drug money", "thematic", "money_laundering", "medium",
         "approved"),
    Spec("WI", "Organised theft of catalytic converters", "thematic", "acquisitive", "low", "overdue"),
    Spec("WI", "Cyber-enabled fraud call centre", "thematic", "cyber", "low", "submitted"),
    Spec("SW", "Regional firearms supply network", "thematic", "firearms", "high", "approved", regional=True),
    Spec("SW", "Organised immigration crime along the M5", "thematic", "immigration", "medium", "approved",
         regional=True),
    Spec("SW", "Online child sexual exploitation networks", "thematic", "cse", "high", "approved", regional=True,
         compartment="CSE safeguarding"),
]  # fmt: skip


# The other organisations' demo assessors and supervisors: (first name, last name) pairs.
NAMES = {
    "AS": (("Rachel", "Owen"), ("Sam", "Price")),
    "DC": (("Kerry", "Tremayne"), ("Paul", "Rowe")),
    "DO": (("Lucy", "Hardy"), ("Ian", "Baxter")),
    "WI": (("Omar", "Hussain"), ("Jo", "Fletcher")),
    "SW": (("Helen", "Moore"), ("Neil", "Carter")),
}


def _people(org: Organisation) -> tuple[User, User]:
    """The organisation's demo assessor and supervisor (Gloucestershire's are the demo logins)."""
    if org.code == "GL":
        return User.objects.get(username="analyst"), User.objects.get(username="supervisor")
    analyst_name, supervisor_name = NAMES.get(org.code, (("Alex", "Morgan"), ("Chris", "Lewis")))
    if org.code == "SW":
        assessor = User.objects.get(username="tasking")
    else:
        assessor = _user(f"analyst.{org.code.lower()}", org, Role.ANALYST, "SOC analyst", analyst_name)
    supervisor = _user(
        f"supervisor.{org.code.lower()}", org, Role.SUPERVISOR, "Detective inspector", supervisor_name
    )
    return assessor, supervisor


def _user(username: str, org: Organisation, role: str, title: str, name: tuple[str, str]) -> User:
    found = User.objects.filter(username=username).first()
    if found is not None:
        return found
    return core.user_create(
        actor=None, username=username, password=DEMO_PASSWORD, organisation=org, roles=[role],
        first_name=name[0], last_name=name[1], job_title=title, check_password=False,
    )  # fmt: skip


def _values(level: str) -> dict[str, int]:
    model = services.model_current()
    profile = PROFILES[level]
    out = {}
    for key, dim in model.dimensions.items():
        group = dim.group if dim.group in profile else "harm"
        out[key] = max(dim.lowest, min(dim.highest, profile[group]))
    return out


def _rationales(values: dict[str, int]) -> dict[str, str]:
    model = services.model_current()
    out = {}
    for key, value in values.items():
        point = model.dimensions[key].point(value)
        out[key] = f"Demo rationale: {point.descriptor if point else value}"
    return out


def _assess(assessor: User, supervisor: User, threat: Threat, values: dict[str, int], state: str) -> None:
    draft = services.assessment_start(actor=assessor, threat=threat, justification="Demo threat assessment")
    values = {k: int(draft.suggestions.get(k, {}).get("value", v)) for k, v in values.items()}
    data = services.AssessmentInput(
        values=values,
        rationales=_rationales(values),
        confidence="medium",
        summary="Synthetic demo assessment.",
        sources=(f"ocg:{threat.ocg_id}",) if threat.ocg_id else (),
    )
    if state == "draft":
        services.assessment_save(actor=assessor, assessment=draft, data=data)
        return
    done = services.assessment_submit(actor=assessor, assessment=draft, data=data)
    if state == "submitted":
        return
    done = services.assessment_approve(
        actor=supervisor, assessment=done, comment="Agreed at the demo tasking meeting"
    )
    if state == "overdue":
        # Synthetic history: approved long enough ago for its re-assessment to be overdue now.
        band = next(b for b in services.stored_model(done.model).bands if b.key == done.band)
        decided = timezone.now() - timedelta(days=31 * band.reassess_months + 20)
        due = services.add_months(timezone.localdate(decided), band.reassess_months)
        Assessment.objects.filter(pk=done.pk).update(decided_at=decided, due_on=due)
        services.threat_refresh(done.threat)


@transaction.atomic
def build_demo_assessment(groups_per_force: int = 1) -> int:
    """Create the demo's assessed threats; returns how many threats there are afterwards."""
    orgs = {o.code: o for o in Organisation.objects.exclude(code="")}
    compartments = {c.name: c for c in Compartment.objects.all()}
    for spec in SPECS:
        org = orgs.get(spec.code)
        if org is None or Threat.objects.filter(title=spec.title).exists():
            continue
        assessor, supervisor = _people(org)
        threat = services.threat_create(
            actor=assessor,
            kind=spec.kind,
            title=spec.title,
            theme=spec.theme,
            level="regional" if spec.regional else "force",
            description="Synthetic demo threat.",
            compartment=compartments.get(spec.compartment),
        )
        _assess(assessor, supervisor, threat, _values(spec.level), spec.state)
    # Groups the network analysis proposed: assessed from their suggestions, as an analyst would.
    for code in ("GL", "AS", "DC", "DO", "WI"):
        org = orgs.get(code)
        if org is None:
            continue
        groups = (
            OCG.objects.filter(owner=org, threat__isnull=True)
            .exclude(status=OCGStatus.ARCHIVED)
            .order_by("id")
        )
        for ocg in groups[:groups_per_force]:
            assessor, supervisor = _people(org)
            threat = services.threat_create(actor=assessor, kind="ocg", ocg=ocg)
            _assess(assessor, supervisor, threat, _values("medium"), "approved")
    return Threat.objects.count()


def demo_summary() -> dict[str, int]:
    """Counts the demo prints: threats by state."""
    today = timezone.localdate()
    return {
        "threats": Threat.objects.count(),
        "approved": Threat.objects.filter(status=Status.APPROVED).count(),
        "awaiting approval": Threat.objects.filter(status=Status.SUBMITTED).count(),
        "overdue": Threat.objects.filter(due_on__lt=today).count(),
    }
