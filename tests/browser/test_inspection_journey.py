"""Journey 7: import the inspectorate's page, link it to a new improvement action, see it on the board."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from socmap.apps.inspections import services
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SEED = (
    Path(__file__).resolve().parents[2]
    / "socmap/apps/inspections/demo_data/hmicfrs-recommendation-gloucestershire-8786.txt"
)


def test_import_link_and_see_on_the_board(live_server: object, page: object) -> None:
    org = factories.organisation("force", name="Gloucestershire Constabulary")
    lead = factories.user(org, "improvement_lead", username="anna")
    services.plan_create(actor=lead, title="Rapid improvement plan")
    base = live_server.url  # type: ignore[attr-defined]
    page.goto(f"{base}/accounts/sign-in/")  # type: ignore[attr-defined]
    page.fill("#id_username", "anna")  # type: ignore[attr-defined]
    page.fill("#id_password", factories.PASSWORD)  # type: ignore[attr-defined]
    page.click("button:has-text('Sign in')")  # type: ignore[attr-defined]
    page.goto(f"{base}/inspections/import/")  # type: ignore[attr-defined]
    page.set_input_files("#id_pages", str(SEED))  # type: ignore[attr-defined]
    page.click("button:has-text('Import')")  # type: ignore[attr-defined]
    page.wait_for_selector("text=Imported cause of concern 8786")  # type: ignore[attr-defined]
    assert page.locator(".moj-timeline__item").count() == 5  # type: ignore[attr-defined]
    page.click("text=Add an improvement action")  # type: ignore[attr-defined]
    page.fill("#id_title", "Adopt a structured threat assessment process")  # type: ignore[attr-defined]
    page.select_option("#id_owner", label="anna (Gloucestershire Constabulary)")  # type: ignore[attr-defined]
    due = (timezone.localdate() + timedelta(days=45)).isoformat()
    page.fill("#id_due_on", due)  # type: ignore[attr-defined]
    page.click("button:has-text('Add action')")  # type: ignore[attr-defined]
    page.wait_for_selector("h1:has-text('A001 Adopt a structured threat assessment process')")  # type: ignore[attr-defined]
    assert "8786" in page.inner_text(".govuk-summary-list")  # type: ignore[attr-defined]
    page.click("a:has-text('Improvement plan')")  # type: ignore[attr-defined]
    card = page.wait_for_selector(".socmap-board-card:has-text('A001')")  # type: ignore[attr-defined]
    assert "Answers 8786" in card.inner_text()
    violations = [m for m in page.console_messages if "Content Security Policy" in m]  # type: ignore[attr-defined]
    assert violations == []
