"""Administering an organisation: roles, deactivation, two-factor reset, tokens; audited with reasons;
and an administrator sees no intelligence by being one."""

from __future__ import annotations

import pytest
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from socmap.apps.core import administration as admin_services
from socmap.apps.core import services as core
from socmap.apps.core.models import AuditEvent
from socmap.apps.core.visibility import can_see
from socmap.errors import InvalidInput, NotAllowed, NotVisible
from tests import factories
from tests.apps.partnership.conftest import Sides


def test_an_administrator_sees_no_intelligence_by_being_one(sides: Sides) -> None:
    avon = factories.organisation("force")
    doc = factories.document(factories.user(avon, "analyst"), title="Avon only")
    assert not can_see(sides.admin, doc)


def test_a_deactivated_user_cannot_sign_in_or_use_a_token(sides: Sides) -> None:
    _, secret = core.token_create(actor=sides.analyst, name="script")
    assert core.token_authenticate(secret) == sides.analyst
    admin_services.user_set_active(
        actor=sides.admin, user=sides.analyst, active=False, reason="Left the force"
    )
    sides.analyst.refresh_from_db()
    assert core.token_authenticate(secret) is None
    signed = Client().post(
        "/accounts/sign-in/", {"username": sides.analyst.username, "password": factories.PASSWORD}
    )
    assert signed.status_code == 200 and "_auth_user_id" not in signed.wsgi_request.session
    api = Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert api.status_code == 401
    event = AuditEvent.objects.filter(object_type="core.user", object_id=str(sides.analyst.pk)).order_by(
        "-chain_seq"
    )[0]
    assert event.justification == "Left the force" and event.detail["step"] == "deactivated"


def test_deactivation_needs_a_reason_and_the_administrator_role(sides: Sides) -> None:
    with pytest.raises(InvalidInput) as caught:
        admin_services.user_set_active(actor=sides.admin, user=sides.analyst, active=False, reason=" ")
    assert "reason" in caught.value.fields
    with pytest.raises(NotAllowed):
        admin_services.user_set_active(actor=sides.analyst, user=sides.admin, active=False, reason="x")


def test_administrators_administer_their_own_organisation_and_partners_only(sides: Sides) -> None:
    avon_user = factories.user(factories.organisation("force"), "analyst")
    with pytest.raises(NotVisible):
        admin_services.user_set_active(actor=sides.admin, user=avon_user, active=False, reason="x")
    users = set(admin_services.administered_users(viewer=sides.admin))
    assert sides.council_user in users and avon_user not in users


def test_roles_and_totp_reset_are_audited_with_reasons(sides: Sides) -> None:
    admin_services.user_roles_set(
        actor=sides.admin, user=sides.analyst, roles=["analyst", "lro"], reason="Promoted"
    )
    assert sides.analyst.role_grants.count() == 2
    with pytest.raises(InvalidInput):
        admin_services.user_roles_set(
            actor=sides.admin, user=sides.council_user, roles=["analyst"], reason="x"
        )
    TOTPDevice.objects.create(user=sides.analyst, name="phone", confirmed=True)
    assert admin_services.user_totp_reset(actor=sides.admin, user=sides.analyst, reason="Lost phone") == 1
    assert not TOTPDevice.objects.filter(user=sides.analyst).exists()
    reasons = set(
        AuditEvent.objects.filter(object_type="core.user", object_id=str(sides.analyst.pk)).values_list(
            "justification", flat=True
        )
    )
    assert {"Promoted", "Lost phone"} <= reasons


def test_tokens_listed_and_revoked_by_the_administrator(sides: Sides) -> None:
    token, secret = core.token_create(actor=sides.council_user, name="upload")
    assert token in admin_services.administered_tokens(viewer=sides.admin)
    admin_services.token_revoke_for(actor=sides.admin, token_id=token.pk, reason="Laptop stolen")
    assert core.token_authenticate(secret) is None
    outsider = factories.user(factories.organisation("force"), "administrator")
    other, _ = core.token_create(actor=sides.analyst, name="x")
    with pytest.raises(NotVisible):
        admin_services.token_revoke_for(actor=outsider, token_id=other.pk, reason="no")


def test_organisation_and_compartment_changes_are_audited(sides: Sides) -> None:
    admin_services.organisation_update(
        actor=sides.admin,
        organisation=sides.council,
        name="Cheltenham Borough Council",
        kind="partner",
        partner_type="housing",
        code="CBC",
        reason="Housing arm",
    )
    sides.council.refresh_from_db()
    assert sides.council.partner_type == "housing"
    with pytest.raises(InvalidInput) as caught:
        admin_services.organisation_update(
            actor=sides.admin,
            organisation=sides.council,
            name="X",
            kind="partner",
            partner_type="",
            code="",
            reason="x",
        )
    assert "partner_type" in caught.value.fields
    comp = factories.compartment("CSE safeguarding")
    admin_services.compartment_update(
        actor=sides.admin, compartment=comp, description="New", reason="Clearer"
    )
    assert AuditEvent.objects.filter(object_type="core.compartment", justification="Clearer").exists()
