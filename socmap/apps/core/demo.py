"""The South West demo region: organisations, compartments, sharing agreements and a login per role.

Later parts of socmap add their own demo data on top (intelligence, groups, assessments, findings).
Running it twice changes nothing: every step looks for what it would create first.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from socmap.apps.core import services
from socmap.apps.core.models import Compartment, Document, Organisation, Role, SharingAgreement, User

DEMO_PASSWORD = "SouthWest-demo-2026"  # noqa: S105 - synthetic demo logins, printed on purpose  # nosec B105
REGION = "South West"

FORCES = [
    ("Avon and Somerset Constabulary", "AS"),
    ("Devon and Cornwall Police", "DC"),
    ("Dorset Police", "DO"),
    ("Gloucestershire Constabulary", "GL"),
    ("Wiltshire Police", "WI"),
]
ROCU = ("South West Regional Organised Crime Unit", "SW")
NATIONAL = ("National Crime Agency", "NCA")
PARTNERS = [
    ("Cheltenham Borough Council", "council"),
    ("Gloucestershire Hospitals NHS Foundation Trust", "nhs"),
    ("Cheltenham Borough Homes", "housing"),
    ("Gloucestershire Fire and Rescue Service", "fire"),
    ("Office of the Police and Crime Commissioner for Gloucestershire", "other"),
]
COMPARTMENTS = [
    ("CSE safeguarding", "Organised child sexual exploitation: victims and safeguarding referrals"),
    ("Operation Endeavour", "Clear, Hold, Build in Cheltenham with partners"),
    ("Modern slavery", "Modern slavery and labour exploitation"),
]


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    organisation: str
    password: str


# (username, first, last, organisation name, role, job title)
DEMO_USERS = [
    ("analyst", "Priya", "Shah", "Gloucestershire Constabulary", Role.ANALYST, "SOC analyst"),
    (
        "intel.officer",
        "Tom",
        "Hughes",
        "Avon and Somerset Constabulary",
        Role.INTELLIGENCE_OFFICER,
        "Intelligence officer",
    ),
    ("lro", "Sarah", "Collins", "Gloucestershire Constabulary", Role.LRO, "Neighbourhood inspector"),
    ("supervisor", "Mark", "Davies", "Gloucestershire Constabulary", Role.SUPERVISOR, "Detective inspector"),
    (
        "tasking",
        "Helen",
        "Moore",
        "South West Regional Organised Crime Unit",
        Role.TASKING,
        "Regional tasking manager",
    ),
    ("partner", "Gareth", "Lloyd", "Cheltenham Borough Council", Role.PARTNER, "Community safety officer"),
    (
        "improvement",
        "Anna",
        "Wright",
        "Gloucestershire Constabulary",
        Role.IMPROVEMENT_LEAD,
        "Improvement lead",
    ),
    ("auditor", "James", "Patel", "Gloucestershire Constabulary", Role.AUDITOR, "Professional standards"),
    ("admin", "Claire", "Evans", "Gloucestershire Constabulary", Role.ADMINISTRATOR, "Force IT"),
]


def _org(name: str, kind: str, *, code: str = "", partner_type: str = "") -> Organisation:
    existing = Organisation.objects.filter(name=name).first()
    if existing:
        return existing
    return services.organisation_create(
        actor=None, name=name, kind=kind, code=code, partner_type=partner_type, region=REGION
    )


def _agreement(provider: Organisation, recipient: Organisation, title: str, **kwargs: object) -> None:
    if SharingAgreement.objects.filter(provider=provider, recipient=recipient, title=title).exists():
        return
    services.agreement_create(actor=None, provider=provider, recipient=recipient, title=title, **kwargs)  # type: ignore[arg-type]


@transaction.atomic
def _police_agreements(
    forces: list[Organisation],
    rocu: Organisation,
    *,
    valid_from: date,
    compartments: list[Compartment],
    approved_by: User,
) -> None:
    """Every force shares with the ROCU and the ROCU with it (compartments too); forces with each other."""
    police_conditions = "Police use only. Do not disclose further without the owner's consent."
    for force in forces:
        _agreement(
            force,
            rocu,
            "Regional intelligence sharing",
            valid_from=valid_from,
            includes_general=True,
            compartments=compartments,
            conditions=police_conditions,
            approved_by=approved_by,
        )
        _agreement(
            rocu,
            force,
            "Regional intelligence sharing",
            valid_from=valid_from,
            includes_general=True,
            compartments=compartments,
            conditions=police_conditions,
            approved_by=approved_by,
        )
        for other in forces:
            if other != force:
                _agreement(
                    force,
                    other,
                    "South West force-to-force sharing",
                    valid_from=valid_from,
                    includes_general=True,
                    conditions=police_conditions,
                    approved_by=approved_by,
                )


def build_demo_organisations() -> list[DemoLogin]:
    """Create the region's organisations, compartments, agreements and one user per role."""
    forces = [_org(name, "force", code=code) for name, code in FORCES]
    rocu = _org(ROCU[0], "rocu", code=ROCU[1])
    _org(NATIONAL[0], "national", code=NATIONAL[1])
    partners = {pt: _org(name, "partner", partner_type=pt) for name, pt in PARTNERS}
    comps = {
        name: services.compartment_create(actor=None, name=name, description=d) for name, d in COMPARTMENTS
    }

    admin = _user(DEMO_USERS[-1])
    today = timezone.localdate()
    start = date(today.year - 1, 4, 1)
    all_comps = list(comps.values())
    _police_agreements(forces, rocu, valid_from=start, compartments=all_comps, approved_by=admin)
    glos = next(f for f in forces if f.code == "GL")
    _agreement(
        glos,
        partners["council"],
        "Operation Endeavour partnership",
        valid_from=start,
        compartments=[comps["Operation Endeavour"]],
        handling_codes=["P"],
        approved_by=admin,
    )
    _agreement(
        partners["council"],
        glos,
        "Council community safety referrals",
        valid_from=start,
        includes_general=True,
        handling_codes=["P"],
        approved_by=admin,
    )
    _agreement(
        glos,
        partners["nhs"],
        "CSE safeguarding (2024 pilot)",
        valid_from=date(today.year - 2, 1, 1),
        valid_to=date(today.year - 1, 1, 1),
        compartments=[comps["CSE safeguarding"]],
        handling_codes=["P"],
        approved_by=admin,
    )
    _agreement(
        glos,
        partners["fire"],
        "Operation Endeavour fire safety visits",
        valid_from=today + timedelta(days=30),
        compartments=[comps["Operation Endeavour"]],
        handling_codes=["P"],
        approved_by=admin,
    )

    logins = [DemoLogin(u[0], Role(u[4]).label, u[3], DEMO_PASSWORD) for u in DEMO_USERS]
    for spec in DEMO_USERS:
        _user(spec)
    _documents(glos, comps)
    return logins


def demo_logins() -> list[DemoLogin]:
    """Every login of the built demo: the personas first, then the users each app's demo added (the
    council's information-sharing lead, lifetime management officers, the head of crime…)."""
    personas = [u[0] for u in DEMO_USERS]
    users = {u.username: u for u in User.objects.filter(is_active=True, organisation__isnull=False)
             .select_related("organisation").order_by("organisation__name", "username")}  # fmt: skip
    ordered = [users[name] for name in personas if name in users]
    ordered += [u for name, u in users.items() if name not in personas]
    return [
        DemoLogin(
            u.username,
            ", ".join(Role(r).label for r in sorted(u.role_set()) if r in Role.values),
            u.organisation.name if u.organisation else "",
            DEMO_PASSWORD,
        )
        for u in ordered
    ]


def _user(spec: tuple[str, str, str, str, str, str]) -> User:
    username, first, last, org_name, role, title = spec
    existing = User.objects.filter(username=username).first()
    if existing:
        return existing
    return services.user_create(
        actor=None,
        username=username,
        password=DEMO_PASSWORD,
        organisation=Organisation.objects.get(name=org_name),
        roles=[role],
        first_name=first,
        last_name=last,
        job_title=title,
        email=f"{username}@example.org",
    )


def _documents(glos: Organisation, comps: dict[str, Compartment]) -> None:
    if Document.objects.filter(owner=glos).exists():
        return
    analyst = User.objects.get(username="analyst")
    samples = [
        ("Operation Endeavour partnership briefing", "Operation Endeavour", "P", ""),
        ("SOC unit weekly intelligence summary", None, "C", "Police use only; not for partners."),
        ("CSE safeguarding case review notes", "CSE safeguarding", "C", "Safeguarding leads only."),
    ]
    for title, comp, handling, conditions in samples:
        body = f"{title}\n\nSynthetic demo document. No real person or intelligence.\n".encode()
        services.document_upload(
            actor=analyst,
            handle=io.BytesIO(body),
            filename=f"{title.lower().replace(' ', '-')}.txt",
            title=title,
            description="Demo document",
            handling=handling,
            conditions=conditions,
            compartment=comps[comp] if comp else None,
        )
