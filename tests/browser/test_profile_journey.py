"""Journey 6 (local profile): an analyst builds a draft, a council user writes and signs off the
council's sections, the analyst issues the profile, and the council user downloads only the partner
version (the full version is not found for them)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from socmap.apps.core import clock
from socmap.apps.core.demo import DEMO_PASSWORD, build_demo_organisations
from socmap.apps.profile.models import Profile, ProfileVersion

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
TITLE = "Gloucestershire SOC local profile (journey)"


def _sign_in(page: object, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/sign-in/")  # type: ignore[attr-defined]
    page.fill("#id_username", username)  # type: ignore[attr-defined]
    page.fill("#id_password", DEMO_PASSWORD)  # type: ignore[attr-defined]
    page.click("button:has-text('Sign in')")  # type: ignore[attr-defined]


def _purpose(page: object, why: str) -> None:
    if "Purpose of access" in page.title():  # type: ignore[attr-defined]
        page.fill("#id_purpose", why)  # type: ignore[attr-defined]
        page.click("button:has-text('Continue')")  # type: ignore[attr-defined]


def _open(page: object, base: str, path: str, why: str) -> None:
    page.goto(f"{base}{path}")  # type: ignore[attr-defined]
    _purpose(page, why)
    if not page.url.endswith(path):  # type: ignore[attr-defined]
        page.goto(f"{base}{path}")  # type: ignore[attr-defined]


def _council_writes(page: object, base: str, profile_id: int, key: str, text: str) -> None:
    _open(page, base, f"/profile/{profile_id}/sections/{key}/", "Writing our section")
    page.fill("#id_text", text)  # type: ignore[attr-defined]
    page.click("#save-text")  # type: ignore[attr-defined]
    assert "Text saved" in page.inner_text("body")  # type: ignore[attr-defined]
    page.click("#sign-off")  # type: ignore[attr-defined]
    assert "Section signed off" in page.inner_text("body")  # type: ignore[attr-defined]


def test_analyst_drafts_the_council_signs_off_the_analyst_issues_the_council_downloads_its_version(
    live_server: object, page: object
) -> None:
    build_demo_organisations()
    base = live_server.url  # type: ignore[attr-defined]

    _sign_in(page, base, "analyst")
    _open(page, base, "/profile/new/", "Writing the local profile")
    page.fill("#id_title", TITLE)  # type: ignore[attr-defined]
    page.fill("#id_as_of", (clock.today() - timedelta(days=1)).strftime("%d/%m/%Y"))  # type: ignore[attr-defined]
    page.check("label:has-text('Cheltenham Borough Council')")  # type: ignore[attr-defined]
    page.click("button:has-text('Start the profile')")  # type: ignore[attr-defined]
    assert TITLE in page.inner_text("h1")  # type: ignore[attr-defined]
    profile = Profile.objects.get(title=TITLE)
    page.click("#profile-build")  # type: ignore[attr-defined]
    assert "Draft built" in page.inner_text("body")  # type: ignore[attr-defined]
    assert "1. The threat picture" in page.inner_text("#profile-document")  # type: ignore[attr-defined]
    page.click("button:has-text('Sign out')")  # type: ignore[attr-defined]

    _sign_in(page, base, "partner")
    _open(page, base, f"/profile/{profile.pk}/", "Writing our section")
    sections = page.inner_text("#profile-sections")  # type: ignore[attr-defined]
    assert "Vulnerable people and places" in sections and "The threat picture" not in sections
    _council_writes(
        page, base, profile.pk, "vulnerable_people_places", "Referrals cluster in **two estates**."
    )
    _council_writes(page, base, profile.pk, "partners_data", "We share community safety referrals.")
    page.click("button:has-text('Sign out')")  # type: ignore[attr-defined]

    _sign_in(page, base, "analyst")
    _open(page, base, f"/profile/{profile.pk}/", "Issuing the local profile")
    page.click("#profile-issue")  # type: ignore[attr-defined]
    assert "Version 1 issued" in page.inner_text("body")  # type: ignore[attr-defined]
    page.click("button:has-text('Sign out')")  # type: ignore[attr-defined]

    full = ProfileVersion.objects.get(profile=profile, audience__isnull=True, status="issued")
    mine = ProfileVersion.objects.get(profile=profile, audience__name="Cheltenham Borough Council")
    _sign_in(page, base, "partner")
    _open(page, base, f"/profile/{profile.pk}/", "Reading our version")
    versions = page.inner_text("#profile-versions")  # type: ignore[attr-defined]
    assert "Cheltenham Borough Council" in versions and "Full version" not in versions
    with page.expect_download() as download:  # type: ignore[attr-defined]
        page.click(f"a[href='/profile/versions/{mine.pk}/profile.pdf']")  # type: ignore[attr-defined]
    assert download.value.suggested_filename.endswith("cheltenham-borough-council.pdf")
    response = page.request.get(f"{base}/profile/versions/{full.pk}/profile.pdf")  # type: ignore[attr-defined]
    assert response.status == 404
