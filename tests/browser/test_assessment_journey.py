"""Journey 3 (the rest): assess a proposed OCG from suggestions, submit it, approve it as a supervisor,
and find it ranked in the regional list beside other forces' threats."""

from __future__ import annotations

import re

import pytest

from socmap.apps.assessment import services
from socmap.apps.assessment.models import Status, Threat
from socmap.apps.core.demo import DEMO_PASSWORD, build_demo_organisations
from socmap.apps.core.models import Organisation, User
from socmap.engines.assess import load_scoring_model
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
MODEL = load_scoring_model()


def _sign_in(page: object, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/sign-in/")  # type: ignore[attr-defined]
    page.fill("#id_username", username)  # type: ignore[attr-defined]
    page.fill("#id_password", DEMO_PASSWORD)  # type: ignore[attr-defined]
    page.click("button:has-text('Sign in')")  # type: ignore[attr-defined]


def _purpose(page: object, why: str) -> None:
    if "Purpose of access" in page.title():  # type: ignore[attr-defined]
        page.fill("#id_purpose", why)  # type: ignore[attr-defined]
        page.click("button:has-text('Continue')")  # type: ignore[attr-defined]


def _avon_threats() -> None:
    """Two assessed threats of another force, shared with Gloucestershire, to rank against."""
    avon = Organisation.objects.get(code="AS")
    analyst = factories.user(avon, "analyst", username="avon.analyst")
    supervisor = factories.user(avon, "supervisor", username="avon.supervisor")
    for title, level in (("Avon firearms supply", 4), ("Avon fraud ring", 1)):
        threat = services.threat_create(actor=analyst, kind="thematic", title=title, theme="firearms")
        draft = services.assessment_start(actor=analyst, threat=threat)
        chosen = {k: max(d.lowest, min(d.highest, level)) for k, d in MODEL.dimensions.items()}
        data = services.AssessmentInput(chosen, dict.fromkeys(chosen, "Seen in Avon's records"), "high")
        done = services.assessment_submit(actor=analyst, assessment=draft, data=data)
        services.assessment_approve(actor=supervisor, assessment=done)


def test_assess_a_proposed_group_submit_approve_and_find_it_ranked(live_server: object, page: object) -> None:
    build_demo_organisations()
    glos = Organisation.objects.get(code="GL")
    group = factories.ocg(glos, name="Brook Street crew", themes={"county_lines": 4, "firearms": 1})
    _avon_threats()
    base = live_server.url  # type: ignore[attr-defined]

    _sign_in(page, base, "analyst")
    page.goto(f"{base}/threats/new/")  # type: ignore[attr-defined]
    page.check("input[name='kind'][value='ocg']")  # type: ignore[attr-defined]
    page.select_option("#id_ocg", str(group.pk))  # type: ignore[attr-defined]
    page.click("button:has-text('Record and assess')")  # type: ignore[attr-defined]
    _purpose(page, "Assessing a proposed group")
    assert "Assess Brook Street crew" in page.inner_text("h1")  # type: ignore[attr-defined]
    # Suggestions are pre-filled, each with where it came from; the analyst checks and completes the rest.
    assert "involve firearms" in page.inner_text("#suggestion-physical_harm")  # type: ignore[attr-defined]
    assert page.is_checked("#id_value_physical_harm-5")  # type: ignore[attr-defined]  # 4 – Critical
    for key, dim in MODEL.dimensions.items():
        if not page.locator(f"input[name='value_{key}']:checked").count():  # type: ignore[attr-defined]
            page.check(f"input[name='value_{key}'][value='{dim.values[len(dim.values) // 2]}']")  # type: ignore[attr-defined]
        page.fill(f"#id_rationale_{key}", f"{dim.label}: read from the group's records and events")  # type: ignore[attr-defined]
    page.check("input[name='confidence'][value='medium']")  # type: ignore[attr-defined]
    page.click("button:has-text('Submit for approval')")  # type: ignore[attr-defined]
    page.wait_for_selector("text=Submitted for approval: score")  # type: ignore[attr-defined]
    threat = Threat.objects.get(ocg=group)
    assert threat.status == Status.SUBMITTED and threat.score is not None
    steps = page.inner_text("#score-steps")  # type: ignore[attr-defined]
    assert steps.strip().endswith(f"= {threat.score.normalize():f}")

    page.click("button:has-text('Sign out')")  # type: ignore[attr-defined]
    _sign_in(page, base, "supervisor")
    page.goto(f"{base}/threats/")  # type: ignore[attr-defined]
    page.click("#awaiting-approval a:has-text('Brook Street crew')")  # type: ignore[attr-defined]
    _purpose(page, "Approving assessments")
    page.check("input[name='decision'][value='approve']")  # type: ignore[attr-defined]
    page.fill("#id_comment", "Agreed: adopt and allocate an LRO")  # type: ignore[attr-defined]
    page.click("button:has-text('Record decision')")  # type: ignore[attr-defined]
    page.wait_for_selector("text=Approved: re-assessment due")  # type: ignore[attr-defined]
    threat.refresh_from_db()
    assert threat.status == Status.APPROVED and threat.latest.supervisor == User.objects.get(
        username="supervisor"
    )  # type: ignore[union-attr]

    page.goto(f"{base}/threats/")  # type: ignore[attr-defined]
    rows = page.locator("#threat-list tbody tr").all_inner_texts()  # type: ignore[attr-defined]
    titles = [
        next(t for t in ("Avon firearms supply", "Brook Street crew", "Avon fraud ring") if t in r)
        for r in rows
    ]
    assert titles == ["Avon firearms supply", "Brook Street crew", "Avon fraud ring"]  # ranked by score
    assert re.match(r"^2\s+Brook Street crew", rows[1])
    page.wait_for_selector("#chart-theme svg")  # type: ignore[attr-defined]
    assert not [m for m in page.console_messages if m.startswith("error")]  # type: ignore[attr-defined]
