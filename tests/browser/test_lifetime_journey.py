"""Journey 4, lifetime management: as the LRO, open a group from the workload, add a Prevent action
owned by the council, record a moderate disruption with a seizure; a supervisor validates it; it is in
the regional return; and the group's disruption timeline is drawn beside its threat score."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from socmap.apps.assessment import services as assessment
from socmap.apps.core.demo import DEMO_PASSWORD, build_demo_organisations
from socmap.apps.core.models import Compartment, Organisation, User
from socmap.apps.lifetime import services
from socmap.apps.lifetime.models import Disruption, PlanAction
from socmap.apps.network import services as network
from socmap.apps.network.models import OCGMember
from socmap.engines.assess import load_scoring_model
from tests import factories
from tests.apps.lifetime.conftest import PRISONERS, ingest_prison

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page: object, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/sign-in/")  # type: ignore[attr-defined]
    page.fill("#id_username", username)  # type: ignore[attr-defined]
    page.fill("#id_password", DEMO_PASSWORD)  # type: ignore[attr-defined]
    page.click("button:has-text('Sign in')")  # type: ignore[attr-defined]


def _purpose(page: object, why: str) -> None:
    if "Purpose of access" in page.title():  # type: ignore[attr-defined]
        page.fill("#id_purpose", why)  # type: ignore[attr-defined]
        page.click("button:has-text('Continue')")  # type: ignore[attr-defined]


def _group(tmp_path: Path) -> str:
    """An Operation Endeavour group of three prisoners, adopted with the demo LRO, its threat approved."""
    glos = Organisation.objects.get(code="GL")
    analyst, lro, supervisor = (User.objects.get(username=u) for u in ("analyst", "lro", "supervisor"))
    people = ingest_prison(analyst, tmp_path, PRISONERS)
    group = factories.ocg(
        glos, name="Brook Street crew", compartment=Compartment.objects.get(name="Operation Endeavour")
    )
    for entity_id, role in zip(people, ("principal", "lieutenant", "member"), strict=True):
        OCGMember.objects.create(ocg=group, entity_id=entity_id, role=role, joined_on=date(2024, 1, 1))
    network.ocg_assess(
        actor=analyst, ocg=group, assessment="A continuing group supplying drugs in Cheltenham"
    )
    network.ocg_adopt(actor=analyst, ocg=group, lead_force=glos, lro=lro)
    model = load_scoring_model()
    threat = assessment.threat_create(actor=analyst, kind="ocg", ocg=group)
    draft = assessment.assessment_start(actor=analyst, threat=threat)
    values = {k: d.values[len(d.values) // 2] for k, d in model.dimensions.items()}
    done = assessment.assessment_submit(
        actor=analyst,
        assessment=draft,
        data=assessment.AssessmentInput(values, dict.fromkeys(values, "Records"), "high"),
    )
    assessment.assessment_approve(actor=supervisor, assessment=done)
    group.refresh_from_db()
    services.plan_open(actor=lro, ocg=group)
    return str(group)


def test_lro_adds_a_council_action_records_a_disruption_and_sees_it_validated_in_the_return(
    live_server: object, page: object, tmp_path: Path
) -> None:
    build_demo_organisations()
    title = _group(tmp_path)
    base = live_server.url  # type: ignore[attr-defined]

    _sign_in(page, base, "lro")
    page.wait_for_url(f"{base}/lifetime/")  # type: ignore[attr-defined]  # the LRO lands on the workload
    assert "My workload" in page.inner_text("h1")  # type: ignore[attr-defined]
    page.click(f"#my-plans a:has-text('{title}')")  # type: ignore[attr-defined]
    _purpose(page, "Managing my group")
    assert title in page.inner_text("#plan-title")  # type: ignore[attr-defined]

    page.click("#actions-prevent a:has-text('Add a Prevent action')")  # type: ignore[attr-defined]
    assert page.is_checked("input[name='p'][value='prevent']")  # type: ignore[attr-defined]
    page.fill("#id_title", "School talks on county lines grooming")  # type: ignore[attr-defined]
    page.check("input[name='owner_kind'][value='organisation']")  # type: ignore[attr-defined]
    page.select_option("#id_owner_organisation", label="Cheltenham Borough Council (Council)")  # type: ignore[attr-defined]
    page.fill("#id_due_on", "31/12/2030")  # type: ignore[attr-defined]
    page.click("button:has-text('Add the action')")  # type: ignore[attr-defined]
    page.wait_for_selector("text=Added the Prevent action")  # type: ignore[attr-defined]
    assert "Cheltenham Borough Council" in page.inner_text("#actions-prevent")  # type: ignore[attr-defined]
    assert PlanAction.objects.get().owner_organisation.name == "Cheltenham Borough Council"  # type: ignore[union-attr]

    page.click("a:has-text('Record a disruption')")  # type: ignore[attr-defined]
    page.fill("#id_on", date.today().strftime("%d/%m/%Y"))  # type: ignore[attr-defined]
    page.check("input[name='p'][value='pursue']")  # type: ignore[attr-defined]
    page.select_option("#id_activity", label="Seizure of drugs")  # type: ignore[attr-defined]
    page.fill("#id_description", "Warrant at the Brook Street address")  # type: ignore[attr-defined]
    page.fill("#id_drugs", "Crack cocaine")  # type: ignore[attr-defined]
    page.fill("#id_drugs_grams", "250")  # type: ignore[attr-defined]
    page.check("input[name='impact'][value='moderate']")  # type: ignore[attr-defined]
    page.fill("#id_evidence", "Exhibit list and custody records")  # type: ignore[attr-defined]
    page.fill("#id_rationale", "The line stopped running for two weeks")  # type: ignore[attr-defined]
    page.click("button:has-text('Record the disruption')")  # type: ignore[attr-defined]
    page.wait_for_selector("text=a supervisor validates it")  # type: ignore[attr-defined]
    assert "Awaiting validation" in page.inner_text("#disruption-table")  # type: ignore[attr-defined]
    page.click("button:has-text('Sign out')")  # type: ignore[attr-defined]

    _sign_in(page, base, "supervisor")
    page.goto(f"{base}/lifetime/disruptions/")  # type: ignore[attr-defined]
    page.click("#awaiting-validation a:has-text('Seizure of drugs')")  # type: ignore[attr-defined]
    _purpose(page, "Validating disruptions")
    page.check("input[name='decision'][value='validate']")  # type: ignore[attr-defined]
    page.click("button:has-text('Record the decision')")  # type: ignore[attr-defined]
    page.wait_for_selector("text=Disruption validated")  # type: ignore[attr-defined]
    assert Disruption.objects.get().status == "validated"
    page.goto(f"{base}/lifetime/return/")  # type: ignore[attr-defined]
    assert page.inner_text("#return-total").strip() == "1"  # type: ignore[attr-defined]
    pursue = page.locator("#return-region tbody tr", has_text="Pursue").inner_text()  # type: ignore[attr-defined]
    assert pursue.split()[1:] == [
        "0",
        "1",
        "0",
        "0",
        "0",
        "1",
    ]  # major, moderate, minor, none, negative, total
    page.wait_for_selector("#chart-return svg")  # type: ignore[attr-defined]
    page.click("button:has-text('Sign out')")  # type: ignore[attr-defined]

    _sign_in(page, base, "lro")
    page.click(f"#my-plans a:has-text('{title}')")  # type: ignore[attr-defined]
    _purpose(page, "Managing my group")
    page.wait_for_selector("#chart-timeline svg")  # type: ignore[attr-defined]
    chart = page.inner_html("#chart-timeline")  # type: ignore[attr-defined]
    assert "Threat score" in chart and "Disruptions" in chart
    assert "Seizure of drugs" in page.inner_text("#disruption-table")  # type: ignore[attr-defined]
    assert "Validated" in page.inner_text("#disruption-table")  # type: ignore[attr-defined]
    assert len(page.locator("#score-table tbody tr").all()) == 1  # type: ignore[attr-defined]
    assert not [m for m in page.console_messages if m.startswith("error")]  # type: ignore[attr-defined]
