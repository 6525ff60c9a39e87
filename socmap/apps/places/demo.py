"""Operation Endeavour for the demo: Gloucestershire's Clear, Hold, Build in Cheltenham (St Paul's and
The Moors), shared with Cheltenham Borough Council through the "Operation Endeavour" compartment.

A year of phases (clear, hold, build to six months ahead), activities of every partner, partners' own
monthly figures, and the force's neighbourhood intelligence reports in the area for the months
before, during and after, ingested like any other source so the operation's measures count them:
reports fall after the clear phase. Deterministic: the same day gives the same operation.
"""

from __future__ import annotations

import csv
import tempfile
from datetime import date, timedelta
from pathlib import Path

from django.db import transaction

from socmap.apps.core import clock
from socmap.apps.core.models import Compartment, Organisation, User
from socmap.apps.places import services
from socmap.apps.places.models import Operation
from socmap.apps.places.services import AreaIn, PhaseIn

NAME = "Operation Endeavour"
AREA = [
    AreaIn("GL50 4", "St Paul's", 51.9080, -2.0745),
    AreaIn("GL51 0", "The Moors", 51.9012, -2.1102),
]
HEADER = [
    "IntelRef", "DateOfReport", "SourceGrade", "IntelGrade", "HandlingCode", "HandlingConditions", "Details",
    "SubjectForename", "SubjectSurname", "SubjectNickname", "SubjectDOB", "SubjectAddressLine",
    "SubjectPostcode", "LinkedSubjectForename", "LinkedSubjectSurname", "LinkedSubjectDOB", "SubjectMobile",
    "LinkedVRM",
]  # fmt: skip
DETAILS = [
    "Dealing seen from a flat near the shops",
    "Young people gathering late, believed running drugs",
    "Cuckooed address: a vulnerable tenant has new visitors",
    "Cash handed over in the car park",
    "Knife carried by a runner",
]
FORENAMES = ["Kyle", "Jade", "Liam", "Mia", "Connor", "Ruby", "Tyler", "Amber"]
SURNAMES = ["Webb", "Hale", "Dunn", "Pike", "Rowe", "Marsh", "Kerr", "Nash"]
# (kind, organisation name, days after the clear phase starts, place)
ACTIVITIES = [
    ("enforcement", "Gloucestershire Constabulary", 3, "Warrant at a flat, St Paul's Road"),
    ("enforcement", "Gloucestershire Constabulary", 10, "Arrests at two addresses, The Moors"),
    ("drone", "Gloucestershire Constabulary", 17, "Over the Moors estate"),
    ("patrol", "Gloucestershire Constabulary", 24, "St Paul's shops"),
    ("housing", "Cheltenham Borough Homes", 40, "Closure order, Brooklyn Road"),
    ("enforcement", "Gloucestershire Constabulary", 60, "Stop and search operation, Hesters Way"),
    ("patrol", "Gloucestershire Constabulary", 95, "The Moors play area"),
    ("licensing", "Cheltenham Borough Council", 110, "Licence review of a late-night shop"),
    ("drone", "Gloucestershire Constabulary", 130, "Over St Paul's"),
    ("patrol", "Gloucestershire Constabulary", 150, "St Paul's Road"),
    ("school_talk", "Cheltenham Borough Council", 190, "Pittville School"),
    ("youth", "Cheltenham Borough Council", 210, "Youth club at the community centre"),
    ("environment", "Cheltenham Borough Council", 230, "Lighting and CCTV in the underpass"),
    ("school_talk", "Gloucestershire Constabulary", 250, "Cheltenham Academy"),
    ("other", "Gloucestershire Fire and Rescue Service", 270, "Home fire safety visits"),
    (
        "youth",
        "Gloucestershire Hospitals NHS Foundation Trust",
        300,
        "Youth worker in the emergency department",
    ),
    ("environment", "Cheltenham Borough Homes", 330, "Communal gardens cleared"),
]


def _month(day: date, offset: int) -> date:
    y, m = divmod(day.month - 1 + offset, 12)
    return date(day.year + y, m + 1, 1)


def _reports(folder: Path, clear: date, today: date) -> Path:
    """Reports in the area by month: steady before, rising while the clear phase works, then falling."""
    path = folder / "glos-endeavour-neighbourhood.csv"
    rows, n = [], 0
    for offset in range(-6, 13):
        first = _month(clear, offset)
        if first > today:
            break
        per_month = 22 if offset < 0 else 26 if offset < 3 else max(6, 20 - 3 * (offset - 2))
        for i in range(per_month):
            day = min(first + timedelta(days=(i * 29) // per_month), today)
            sector = "GL50 4" if i % 2 else "GL51 0"
            postcode = f"{sector}{'ABDEFGHJ'[i % 8]}{'LNPQRSTU'[(i // 8) % 8]}"
            rows.append(
                [f"END-{n:05d}", f"{day:%d-%m-%Y}", "2", "B", "P", "", DETAILS[n % len(DETAILS)],
                 FORENAMES[n % 8], SURNAMES[(n // 8) % 8], "", f"{1 + n % 28:02d}-0{1 + n % 9}-200{n % 7}",
                 f"{1 + n % 60} Moors Road", postcode, "", "", "", "", ""]
            )  # fmt: skip
            n += 1
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(HEADER)
        out.writerows(rows)
    return path


def _ingest_reports(glos: Organisation, clear: date, today: date) -> None:
    from socmap.apps.intel import services as intel

    analyst = User.objects.filter(organisation=glos, role_grants__role__in=intel.INGESTERS).first()
    if analyst is None:
        return
    source = intel.source_register(
        actor=None, owner=glos, name="glos-endeavour-neighbourhood", kind="intelligence",
        title="Gloucestershire neighbourhood intelligence (Cheltenham)", mapping_name="intel_gloucestershire.yaml",
    )  # fmt: skip
    with tempfile.TemporaryDirectory() as folder:
        path = _reports(Path(folder), clear, today)
        start = intel.batch_create(actor=analyst, source=source, path=path, file_name=path.name)
        intel.batch_run(batch_id=start.batch.pk)


def _targets(glos: Organisation) -> list[int]:
    from socmap.apps.network.selectors import adopted_subjects

    groups, _people = adopted_subjects()
    return [g.pk for g in groups if g.lead_force_id == glos.pk][:2]


def _measures(op: Operation, clear: date, today: date) -> None:
    council = Organisation.objects.filter(name="Cheltenham Borough Council").first()
    housing = Organisation.objects.filter(name="Cheltenham Borough Homes").first()
    for offset in range(-6, 13):
        month = _month(clear, offset)
        if month > today:
            break
        if council is not None:
            asb = 48 if offset < 0 else max(15, 52 - 4 * offset)
            services.measure_enter(
                actor=None,
                op=op,
                organisation=council,
                name="Anti-social behaviour reports",
                month=month,
                value=asb,
            )
        if housing is not None and offset >= 0:
            services.measure_enter(
                actor=None, op=op, organisation=housing, name="Tenancy enforcement actions", month=month,
                value=max(1, 6 - offset // 2),
            )  # fmt: skip


@transaction.atomic
def build_demo_places() -> Operation | None:
    """Create Operation Endeavour (once)."""
    existing = Operation.objects.filter(name=NAME).first()
    if existing is not None:
        return existing
    glos = Organisation.objects.filter(code="GL").first()
    if glos is None:
        return None
    today = clock.today()
    clear = _month(today, -12)
    hold, build = clear + timedelta(days=92), clear + timedelta(days=183)
    phases = [
        PhaseIn("clear", clear, hold - timedelta(days=1)),
        PhaseIn("hold", hold, build - timedelta(days=1)),
        PhaseIn("build", build, build + timedelta(days=365)),
    ]
    _ingest_reports(glos, clear, today)
    op = services.operation_create(
        actor=None, owner=glos, name=NAME, area=AREA, phases=phases, targets=_targets(glos),
        compartment=Compartment.objects.filter(name=NAME).first(),
        description="Clear the organised crime groups out of St Paul's and The Moors, hold the area so others "
        "cannot move in, then build with the council, schools, NHS, housing, fire and the OPCC.",
    )  # fmt: skip
    for kind, org_name, days, place in ACTIVITIES:
        org = Organisation.objects.filter(name=org_name).first()
        on = clear + timedelta(days=days)
        if org is not None and on <= today:
            services.activity_add(actor=None, op=op, kind=kind, on=on, place=place, organisation=org)
    _measures(op, clear, today)
    return op
