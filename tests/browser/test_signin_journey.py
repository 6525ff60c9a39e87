from __future__ import annotations

import pytest

from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sign_in_see_home_and_sign_out(live_server: object, page: object) -> None:
    org = factories.organisation("force", name="Gloucestershire Constabulary")
    factories.user(org, "analyst", username="priya")
    page.goto(f"{live_server.url}/")  # type: ignore[attr-defined]
    assert page.title().startswith("Sign in")  # type: ignore[attr-defined]
    page.fill("#id_username", "priya")  # type: ignore[attr-defined]
    page.fill("#id_password", factories.PASSWORD)  # type: ignore[attr-defined]
    page.click("button:has-text('Sign in')")  # type: ignore[attr-defined]
    page.wait_for_selector("h1:has-text('Welcome')")  # type: ignore[attr-defined]
    assert "Gloucestershire Constabulary" in page.inner_text("header")  # type: ignore[attr-defined]
    # GOV.UK Frontend ran: it marks the body once its JavaScript is up (our CSP allows no inline script).
    page.wait_for_selector("body.govuk-frontend-supported")  # type: ignore[attr-defined]
    violations = [m for m in page.console_messages if "Content Security Policy" in m]  # type: ignore[attr-defined]
    assert violations == []
    page.click("button:has-text('Sign out')")  # type: ignore[attr-defined]
    page.wait_for_selector("h1:has-text('Sign in to socmap')")  # type: ignore[attr-defined]


def test_failed_sign_in_shows_the_error_summary(live_server: object, page: object) -> None:
    org = factories.organisation("force")
    factories.user(org, "analyst", username="priya")
    page.goto(f"{live_server.url}/accounts/sign-in/")  # type: ignore[attr-defined]
    page.fill("#id_username", "priya")  # type: ignore[attr-defined]
    page.fill("#id_password", "not-the-password")  # type: ignore[attr-defined]
    page.click("button:has-text('Sign in')")  # type: ignore[attr-defined]
    summary = page.wait_for_selector(".govuk-error-summary")  # type: ignore[attr-defined]
    assert "There is a problem" in summary.inner_text()
    assert page.title().startswith("Error: ")  # type: ignore[attr-defined]
    # GOV.UK's error summary takes focus so screen readers announce it.
    page.wait_for_function("document.activeElement.classList.contains('govuk-error-summary')")  # type: ignore[attr-defined]
