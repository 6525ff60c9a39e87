"""The partnership API: field errors named, refusals logged, a deactivated user's token refused."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client

from socmap.apps.core import services as core
from socmap.apps.core.models import AuditAction, AuditEvent, User
from socmap.apps.partnership.models import Arrangement, ArrangementKind
from tests.apps.partnership.conftest import Sides


def _api(user: User) -> tuple[Client, dict[str, str]]:
    _, secret = core.token_create(actor=user, name="api test")
    return Client(), {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def _post(user: User, path: str, body: dict[str, Any]) -> Any:
    client, auth = _api(user)
    return client.post(f"/api/v1{path}", json.dumps(body), content_type="application/json", **auth)


def test_propose_approve_and_revoke_over_the_api(sides: Sides) -> None:
    body = {
        "provider": sides.police.slug,
        "recipient": sides.council.slug,
        "title": "API agreement",
        "purpose": "Safeguarding",
        "legal_basis": "DPA 2018 Part 3",
        "valid_from": "2026-01-01",
        "valid_to": "2025-01-01",
        "compartments": [],
        "includes_general": False,
        "handling_codes": ["C"],
    }
    bad = _post(sides.council_lead, "/partnership/agreements", body)
    assert bad.status_code == 400
    assert {"valid_to", "compartments", "handling_codes"} <= set(bad.json()["fields"])
    body |= {"valid_to": "2027-12-31", "includes_general": True, "handling_codes": ["P"]}
    made = _post(sides.council_lead, "/partnership/agreements", body)
    assert made.status_code == 201 and made.json()["stage"] == "awaiting"
    pk = made.json()["id"]
    own = _post(sides.council_lead, f"/partnership/agreements/{pk}/approve", {})
    assert own.status_code == 403
    assert _post(sides.police_lead, f"/partnership/agreements/{pk}/approve", {}).json()["stage"] == "awaiting"
    done = _post(sides.council_second, f"/partnership/agreements/{pk}/approve", {}).json()
    assert done["stage"] == "in_force" and done["provider_approved_by"] == "police.lead"
    assert _post(sides.police_lead, f"/partnership/agreements/{pk}/revoke", {"reason": ""}).status_code == 400
    gone = _post(sides.police_lead, f"/partnership/agreements/{pk}/revoke", {"reason": "Ended"}).json()
    assert gone["stage"] == "revoked" and gone["revoke_reason"] == "Ended"


def test_a_referral_to_a_non_member_is_refused_naming_the_field(sides: Sides) -> None:
    mash = Arrangement.objects.create(name="MASH", kind=ArrangementKind.MASH_CHILDREN)
    mash.members.add(sides.police)
    body = {
        "arrangement": "MASH",
        "to_organisation": sides.council.slug,
        "concern": "cce",
        "subject": "A",
        "summary": "B",
    }
    bad = _post(sides.analyst, "/partnership/referrals", body)
    assert bad.status_code == 400 and "to_organisation" in bad.json()["fields"]
    mash.members.add(sides.council)
    made = _post(sides.analyst, "/partnership/referrals", body)
    assert made.status_code == 201
    outcome = _post(
        sides.council_user,
        f"/partnership/referrals/{made.json()['id']}/outcome",
        {"outcome": "early_help", "outcome_on": made.json()["referred_on"]},
    )
    assert outcome.status_code == 200 and outcome.json()["outcome_label"] == "Early help offered"


def test_administration_over_the_api(sides: Sides) -> None:
    client, auth = _api(sides.analyst)
    assert client.get("/api/v1/admin/users", **auth).status_code == 403
    assert AuditEvent.objects.filter(action=AuditAction.PERMISSION_DENIED, actor=sides.analyst).exists()
    client, victim_auth = _api(sides.council_user)
    assert client.get("/api/v1/me", **victim_auth).status_code == 200
    gone = _post(sides.admin, f"/admin/users/{sides.council_user.pk}/deactivate", {"reason": "Left"})
    assert gone.status_code == 200 and gone.json()["active"] is False
    assert client.get("/api/v1/me", **victim_auth).status_code == 401
    tokens = Client().get("/api/v1/admin/tokens", **_api(sides.admin)[1]).json()
    assert {t["holder"] for t in tokens} >= {"council.user", "police.analyst"}
