"""Inspection demo data: the 2025 South West SOC grades, the seed cause of concern, a few made-up
findings and a demo rapid improvement plan. Running it twice changes nothing."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from socmap.apps.core.models import Organisation, User
from socmap.apps.inspections import services
from socmap.apps.inspections.models import EvidenceKind, Finding, ImprovementPlan, InspectionKind

SEED_PAGE = Path(__file__).parent / "demo_data" / "hmicfrs-recommendation-gloucestershire-8786.txt"

SOC_2025_GRADES = [
    ("South West Regional Organised Crime Unit", "adequate"),
    ("Avon and Somerset Constabulary", "requires_improvement"),
    ("Devon and Cornwall Police", "requires_improvement"),
    ("Dorset Police", "requires_improvement"),
    ("Wiltshire Police", "requires_improvement"),
    ("Gloucestershire Constabulary", "inadequate"),
]

# Made-up findings in the shape of real pages (clearly marked as demo text).
MADE_UP = [
    """https://www.justiceinspectorates.gov.uk/hmicfrs/recommendation/gloucestershire/90001/

Area for improvement

[Demo finding] The force should make sure it has enough trained, skilled and experienced investigators to deal with serious and organised crime threats.

[on]12th June 2025 [status]awaiting-review[/status][/on][on]1st October 2025 [status]being-progressed[/status][/on][on]1st October 2025 [comment]Twenty investigators moved into specialist crime investigation roles.[/comment][/on]
""",
    """https://www.justiceinspectorates.gov.uk/hmicfrs/recommendation/gloucestershire/90002/

Area for improvement

[Demo finding] The force should make sure it uses regional organised crime unit capabilities fully and does not duplicate them at force level.

[on]12th June 2025 [status]awaiting-review[/status][/on]
""",
    """https://www.justiceinspectorates.gov.uk/hmicfrs/recommendation/gloucestershire/90003/

Innovative practice

[Demo finding] The force works with a local college on a five-year analytical apprenticeship scheme, which has recruited five additional intelligence analysts.

[on]12th June 2025 [status]no-further-action-needed[/status][/on]
""",
]


# Made-up recommendations to every force: one in Gloucestershire's own page (the force's progress
# against it), one as copied from the register's theme listings (no force: anyone may start tracking).
MADE_UP_NATIONAL = [
    """https://www.justiceinspectorates.gov.uk/hmicfrs/recommendation/gloucestershire/90010/

Recommendation

[Demo finding] By March 2026, all forces should make sure that every lead responsible officer for an organised crime group:

• has completed the national lead responsible officer training; and
• has the time to manage their groups, including:
    ◦ a review of their workload every quarter; and
    ◦ access to a regional organised crime unit adviser.

[on]12th June 2025 [status]awaiting-review[/status][/on][on]1st November 2025 [status]being-progressed[/status][/on][on]1st November 2025 [comment]Eighteen of twenty-two lead responsible officers are trained.[/comment][/on]
""",
    """[Demo] An inspection of how forces use partners' powers against organised crime (90011)

Recommendation

[Demo finding] Within twelve months, chief constables should make sure that partner agencies' powers (licensing, tenancy enforcement, benefit and tax checks) are considered for every adopted organised crime group.

[on]12th June 2025 [status]awaiting-review[/status][/on]
""",
]


@transaction.atomic
def build_demo_inspections() -> None:
    """The 2025 regional SOC inspection with its grades, findings imported from inspectorate pages,
    and Gloucestershire's improvement plan answering them (once)."""
    glos = Organisation.objects.get(name="Gloucestershire Constabulary")
    lead = User.objects.get(username="improvement")
    seed = _demo_findings(glos, lead)
    if ImprovementPlan.objects.filter(owner=glos).exists():
        return
    plan, lro, recs = _demo_plan(glos, lead, seed)
    _demo_delivery_actions(glos, lead, plan, lro, recs)


def _demo_findings(glos: Organisation, lead: User) -> Any:
    """The inspection, its grades and the findings imported from pages; returns the seed page's import."""
    inspection = services.inspection_create(
        actor=None,
        title="An inspection of the South West region's response to serious and organised crime",
        kind=InspectionKind.SOC,
        fieldwork_start=date(2024, 7, 1),
        fieldwork_end=date(2024, 7, 31),
        published_on=date(2025, 6, 12),
    )
    for name, grade in SOC_2025_GRADES:
        org = Organisation.objects.filter(name=name).first()
        if org is not None:
            services.grade_record(
                actor=None,
                inspection=inspection,
                organisation=org,
                grade=grade,
                question="Tackling serious and organised crime",
            )
    seed = services.finding_import(
        actor=lead, data=SEED_PAGE.read_bytes(), source=SEED_PAGE.name, subject=glos
    )
    for i, page in enumerate(MADE_UP, start=1):
        services.finding_import(
            actor=lead, data=page, source=f"demo-finding-{i}.txt", subject=glos, inspection=inspection
        )
    for i, page in enumerate(MADE_UP_NATIONAL, start=1):
        services.finding_import(actor=lead, data=page, source=f"demo-national-{i}.txt")
    return seed


def _demo_plan(glos: Organisation, lead: User, seed: Any) -> tuple[Any, User, dict[int | None, Finding]]:
    """The improvement plan and its first actions, on the seed page's recommendations."""
    plan = services.plan_create(
        actor=lead,
        title="Gloucestershire Rapid Improvement Plan (GRIP) – demo",
        description="Demo plan: how the force will improve its response to serious and organised crime over "
        "the next 12 months.",
    )
    today = timezone.localdate()
    analyst = User.objects.get(username="analyst")
    lro = User.objects.get(username="lro")
    partner = User.objects.get(username="partner")
    recs = {f.number: f for f in Finding.objects.filter(parent=seed.finding)}
    a1 = services.action_create(
        actor=lead,
        plan=plan,
        title="Assess every SOC threat with the structured scoring model each quarter",
        owner=analyst,
        due_on=today + timedelta(days=60),
        rag="amber",
        findings=[recs[1]],
    )
    services.evidence_add(
        actor=lead,
        action=a1,
        kind=EvidenceKind.MEASURE,
        measure="consultations-90-days",
        note="Until threat assessments are recorded, intelligence use stands in.",
    )
    a2 = services.action_create(
        actor=lead,
        plan=plan,
        title="Produce the SOC local profile with partners",
        owner=analyst,
        due_on=today - timedelta(days=14),
        rag="red",
        findings=[recs[2]],
    )
    services.action_update(
        actor=lead,
        action=a2,
        text="Partner data requests sent; two returns outstanding.",
        status="in_progress",
        rag="red",
    )
    a3 = services.action_create(
        actor=lead,
        plan=plan,
        title="Council licensing and tenancy powers considered for every adopted OCG",
        owner=partner,
        due_on=today + timedelta(days=120),
        rag="green",
        findings=[recs[6]],
    )
    services.evidence_add(
        actor=lead,
        action=a3,
        kind=EvidenceKind.LINK,
        url="https://www.college.police.uk/app",
        note="Guidance used for partner powers.",
    )
    return plan, lro, recs


def _demo_delivery_actions(
    glos: Organisation, lead: User, plan: Any, lro: User, recs: dict[int | None, Finding]
) -> None:
    """Actions on the inspection's other findings: investigators moved, ROCU capabilities bid for."""
    today = timezone.localdate()
    investigators = Finding.objects.get(subject=glos, reference="90001")
    rocu = Finding.objects.get(subject=glos, reference="90002")
    a4 = services.action_create(
        actor=lead,
        plan=plan,
        title="Move 20 investigators into specialist crime investigation roles",
        owner=lro,
        due_on=today - timedelta(days=40),
        rag="green",
        findings=[investigators],
    )
    services.action_update(
        actor=lead, action=a4, text="Completed: 20 investigators in post.", status="complete", rag="green"
    )
    a5 = services.action_create(
        actor=lead,
        plan=plan,
        title="Bid for ROCU capabilities through regional tasking, not force duplicates",
        owner=lro,
        due_on=today + timedelta(days=30),
        rag="amber",
        findings=[rocu, recs[5]],
    )
    services.evidence_add(actor=lead, action=a5, kind=EvidenceKind.MEASURE, measure="actions-overdue")
    services.evidence_add(actor=lead, action=a5, kind=EvidenceKind.MEASURE, measure="findings-open")
