"""Journey 7, the register's way: import several pages at once, follow a recommendation made to every
force, start tracking it, and withdraw a page imported by mistake; at desktop and phone widths."""

from __future__ import annotations

from pathlib import Path

import pytest

from socmap.apps.inspections.models import Finding, NationalFinding
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
FIXTURES = Path(__file__).resolve().parents[1] / "engines/inspections/fixtures"


def assert_fits(page: object) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")  # type: ignore[attr-defined]
    assert not overflow, f"{page.url} scrolls sideways"  # type: ignore[attr-defined]


@pytest.mark.parametrize("width", [1280, 375])
def test_import_pages_track_a_national_finding_and_withdraw_a_mistake(
    live_server: object, page: object, width: int
) -> None:
    org = factories.organisation("force", name="Gloucestershire Constabulary")
    factories.user(org, "improvement_lead", username="anna")
    base = live_server.url  # type: ignore[attr-defined]
    page.set_viewport_size({"width": width, "height": 900})  # type: ignore[attr-defined]
    page.goto(f"{base}/accounts/sign-in/")  # type: ignore[attr-defined]
    page.fill("#id_username", "anna")  # type: ignore[attr-defined]
    page.fill("#id_password", factories.PASSWORD)  # type: ignore[attr-defined]
    page.click("button:has-text('Sign in')")  # type: ignore[attr-defined]

    page.goto(f"{base}/inspections/import/")  # type: ignore[attr-defined]
    files = ["undated_commentary.txt", "national_every_force.txt", "no_heading_unknown_kind.txt"]
    page.set_input_files("#id_pages", [str(FIXTURES / name) for name in files])  # type: ignore[attr-defined]
    page.click("button:has-text('Import')")  # type: ignore[attr-defined]
    page.wait_for_selector("h2:has-text('3 files, none refused')")  # type: ignore[attr-defined]
    rows = page.locator("table.govuk-table tbody tr")  # type: ignore[attr-defined]
    assert rows.count() == 3
    assert "(1 to check)" in rows.nth(2).inner_text()
    assert_fits(page)

    page.click("a:has-text('national_every_force.txt')")  # type: ignore[attr-defined]
    page.wait_for_selector("text=Made to every force")  # type: ignore[attr-defined]
    assert_fits(page)
    page.click("button:has-text('Track it for your organisation')")  # type: ignore[attr-defined]
    page.wait_for_selector("text=Your organisation now tracks national recommendation")  # type: ignore[attr-defined]
    national = NationalFinding.objects.get()
    assert Finding.objects.get(national=national).subject == org

    mistake = Finding.objects.get(reference="90017")
    page.goto(f"{base}/inspections/findings/{mistake.pk}/")  # type: ignore[attr-defined]
    page.click("summary:has-text('Withdraw this finding')")  # type: ignore[attr-defined]
    page.fill("#id_reason", "Not one of ours: imported by mistake")  # type: ignore[attr-defined]
    page.click("button:has-text('Withdraw')")  # type: ignore[attr-defined]
    page.wait_for_selector("h2:has-text('Withdrawn')")  # type: ignore[attr-defined]
    assert "Not one of ours: imported by mistake" in page.inner_text("main")  # type: ignore[attr-defined]
    assert_fits(page)
    page.goto(f"{base}/inspections/national/")  # type: ignore[attr-defined]
    assert_fits(page)
    violations = [m for m in page.console_messages if "Content Security Policy" in m]  # type: ignore[attr-defined]
    assert violations == []
