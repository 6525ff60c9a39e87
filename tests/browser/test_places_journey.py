"""Journey: a neighbourhood inspector opens Operation Endeavour, adds a school talk in the build phase
owned by the council, and sees it on the operation's timeline and chart; a force's head of crime sees
the investigator shortfall against the force's adopted groups."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from socmap.apps.core.demo import DEMO_PASSWORD, build_demo_organisations
from socmap.apps.core.models import Compartment, Organisation, User
from socmap.apps.network.models import OCG
from socmap.apps.places import services as places
from socmap.apps.places.models import Activity
from socmap.apps.workforce import services as workforce
from socmap.apps.workforce.demo import head_of_crime
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page: object, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/sign-in/")  # type: ignore[attr-defined]
    page.fill("#id_username", username)  # type: ignore[attr-defined]
    page.fill("#id_password", DEMO_PASSWORD)  # type: ignore[attr-defined]
    page.click("button:has-text('Sign in')")  # type: ignore[attr-defined]
    page.wait_for_load_state()  # type: ignore[attr-defined]


def _purpose(page: object, why: str) -> None:
    if "Purpose of access" in page.title():  # type: ignore[attr-defined]
        page.fill("#id_purpose", why)  # type: ignore[attr-defined]
        page.click("button:has-text('Continue')")  # type: ignore[attr-defined]


def _world() -> None:
    build_demo_organisations()
    glos = Organisation.objects.get(code="GL")
    lro = User.objects.get(username="lro")
    today = date.today()
    places.operation_create(
        actor=lro, owner=glos, name="Operation Endeavour",
        area=[places.AreaIn("GL50 4", "St Paul's", 51.908, -2.0745), places.AreaIn("GL51 0", "The Moors")],
        phases=[
            places.PhaseIn("clear", today - timedelta(days=300), today - timedelta(days=201)),
            places.PhaseIn("hold", today - timedelta(days=200), today - timedelta(days=101)),
            places.PhaseIn("build", today - timedelta(days=100), today + timedelta(days=200)),
        ],
        compartment=Compartment.objects.get(name="Operation Endeavour"),
    )  # fmt: skip
    for n in range(4):  # four adopted groups led by Gloucestershire: four investigators needed at least
        group = factories.ocg(glos, name=f"Cheltenham group {n}")
        OCG.objects.filter(pk=group.pk).update(
            status="adopted", lead_force=glos, lro=lro, reference=f"GL-J{n}", adopted_at=timezone.now()
        )
    workforce.member_create(
        actor=None, organisation=glos, first_name="Ian", last_name="Vestigator", role="investigator",
        pip_level="2", started_on=today - timedelta(days=900), qualified_on=today - timedelta(days=800),
    )  # fmt: skip
    head_of_crime(glos)


def test_inspector_adds_a_council_school_talk_and_head_of_crime_sees_the_shortfall(
    live_server: object, page: object
) -> None:
    _world()
    base = live_server.url  # type: ignore[attr-defined]
    build_day = (date.today() - timedelta(days=10)).strftime("%d/%m/%Y")

    _sign_in(page, base, "lro")
    page.goto(f"{base}/places/")  # type: ignore[attr-defined]
    page.click("#operation-list a:has-text('Operation Endeavour')")  # type: ignore[attr-defined]
    _purpose(page, "Running Operation Endeavour")
    assert "Operation Endeavour" in page.inner_text("h1")  # type: ignore[attr-defined]
    page.click("#add-activity")  # type: ignore[attr-defined]
    page.select_option("#id_kind", label="School talk")  # type: ignore[attr-defined]
    page.select_option("#id_phase", label="Build")  # type: ignore[attr-defined]
    page.select_option("#id_organisation", label="Cheltenham Borough Council")  # type: ignore[attr-defined]
    page.fill("#id_on", build_day)  # type: ignore[attr-defined]
    page.fill("#id_place", "Pittville School")  # type: ignore[attr-defined]
    page.click("#save-activity")  # type: ignore[attr-defined]
    page.wait_for_selector("text=Activity recorded")  # type: ignore[attr-defined]
    _purpose(page, "Running Operation Endeavour")
    row = page.locator("#timeline tbody tr", has_text="Pittville School").inner_text()  # type: ignore[attr-defined]
    assert "Build" in row and "School talk" in row and "Cheltenham Borough Council" in row
    assert Activity.objects.get().organisation.name == "Cheltenham Borough Council"
    page.wait_for_selector("#chart-measures svg")  # type: ignore[attr-defined]
    chart = page.inner_html("#chart-measures")  # type: ignore[attr-defined]
    assert "Activities" in chart and "School talk" in chart
    assert "Intelligence reports in the area" in page.inner_text("#measures-table")  # type: ignore[attr-defined]
    assert not [m for m in page.console_messages if m.startswith("error")]  # type: ignore[attr-defined]
    page.click("button:has-text('Sign out')")  # type: ignore[attr-defined]

    _sign_in(page, base, "head.of.crime")
    page.goto(f"{base}/workforce/")  # type: ignore[attr-defined]
    page.click("#region-table a:has-text('Gloucestershire Constabulary')")  # type: ignore[attr-defined]
    assert page.inner_text("#investigators").strip() == "1"  # type: ignore[attr-defined]
    assert "3 investigators short" in page.inner_text("#investigator-shortfall")  # type: ignore[attr-defined]
    page.click("a:has-text('People in the register')")  # type: ignore[attr-defined]
    assert "Ian Vestigator" in page.inner_text("#people-table")  # type: ignore[attr-defined]
