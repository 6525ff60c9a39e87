from __future__ import annotations

import pytest
from django.test import Client, override_settings

from socmap.apps.core.models import AuditAction, AuditEvent
from tests import factories
from tests.conftest import signed_in


@pytest.mark.django_db
def test_pages_need_sign_in(client: Client) -> None:
    response = client.get("/documents/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/sign-in/")


@pytest.mark.django_db
def test_wrong_password_shows_a_govuk_error_summary_and_keeps_the_username(
    client: Client, analyst: object
) -> None:
    response = client.post("/accounts/sign-in/", {"username": "analyst", "password": "nope"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: Sign in" in html
    assert "There is a problem" in html
    assert "Enter a correct username and password" in html
    assert 'value="analyst"' in html


@pytest.mark.django_db
def test_empty_sign_in_names_each_missing_field(client: Client) -> None:
    html = client.post("/accounts/sign-in/", {"username": "", "password": ""}).content.decode()
    assert 'href="#id_username">Enter your username' in html
    assert 'href="#id_password">Enter your password' in html


@pytest.mark.django_db
@override_settings(AXES_FAILURE_LIMIT=3)
def test_repeated_failures_lock_the_account_even_for_the_right_password(
    client: Client, analyst: object
) -> None:
    for _ in range(3):
        client.post("/accounts/sign-in/", {"username": "analyst", "password": "wrong"})
    response = client.post("/accounts/sign-in/", {"username": "analyst", "password": factories.PASSWORD})
    assert response.status_code == 429
    assert "This account is locked" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED).count() >= 3
    assert not AuditEvent.objects.filter(action=AuditAction.LOGIN).exists()


@pytest.mark.django_db
def test_sign_out_needs_a_post(analyst: object) -> None:
    client = signed_in(analyst)
    assert client.get("/accounts/sign-out/").status_code == 405
    assert client.post("/accounts/sign-out/").status_code == 302
    assert client.get("/").status_code == 302


@pytest.mark.django_db
def test_pages_carry_a_content_security_policy_and_security_headers(analyst: object) -> None:
    response = signed_in(analyst).get("/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "no-store"
    assert "camera=()" in response["Permissions-Policy"]
    assert response["X-Request-ID"]
    html = response.content.decode()
    assert "<script>" not in html and " style=" not in html


@pytest.mark.django_db
@override_settings(SOCMAP_OTP_REQUIRED=True, OTP_TOTP_THROTTLE_FACTOR=0)
def test_two_factor_when_required_enrols_then_verifies(analyst: object) -> None:
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = signed_in(analyst)
    first = client.get("/documents/")
    assert first.status_code == 302 and first["Location"].startswith("/accounts/two-factor/")
    enrol = client.get("/accounts/two-factor/")
    assert "Set up your authenticator app" in enrol.content.decode() and "<svg" in enrol.content.decode()
    wrong = client.post("/accounts/two-factor/", {"token": "000000"})
    assert wrong.status_code == 400
    device = TOTPDevice.objects.get(user=analyst)
    code = f"{totp(device.bin_key, device.step, device.t0, device.digits):06d}"
    assert client.post("/accounts/two-factor/", {"token": code, "next": "/documents/"}).status_code == 302
    assert client.get("/documents/").status_code == 200


@pytest.mark.django_db
def test_error_pages_are_styled(analyst: object) -> None:
    response = signed_in(analyst).get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    assert "govuk-heading-l" in response.content.decode()


@pytest.mark.django_db
def test_every_answer_says_how_long_the_server_took(analyst: object) -> None:
    response = signed_in(analyst).get("/")
    name, _, duration = response["Server-Timing"].partition(";dur=")
    assert name == "app" and 0 < float(duration) < 60_000
