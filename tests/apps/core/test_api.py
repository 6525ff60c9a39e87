from __future__ import annotations

import pytest
from django.test import Client

from socmap.apps.core import services
from tests.conftest import signed_in


@pytest.mark.django_db
def test_health_answers_without_authentication(client: Client) -> None:
    body = client.get("/api/v1/health").json()
    assert body["status"] == "ok" and body["database"] in {"sqlite", "postgresql"}


@pytest.mark.django_db
def test_api_without_credentials_is_a_401_json(client: Client) -> None:
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"
    assert "Bearer" in response.json()["message"]


@pytest.mark.django_db
def test_a_personal_token_authenticates_until_revoked(client: Client, analyst: object) -> None:
    token, secret = services.token_create(actor=analyst, name="script")  # type: ignore[arg-type]
    assert token.hashed != secret and secret not in token.hashed
    me = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert me.status_code == 200
    assert me.json()["roles"] == ["analyst"]
    services.token_revoke(actor=analyst, token_id=token.pk)  # type: ignore[arg-type]
    revoked = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert revoked.status_code == 401 and revoked.json()["code"] == "unauthenticated"


@pytest.mark.django_db
@pytest.mark.parametrize("header", ["Bearer nonsense", "Bearer smp_00000000_xxx", "Basic abc", "Bearer "])
def test_malformed_or_unknown_tokens_are_401(client: Client, analyst: object, header: str) -> None:
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401


@pytest.mark.django_db
def test_token_is_shown_once_on_creation_through_the_api(analyst: object) -> None:
    client = signed_in(analyst)
    created = client.post("/api/v1/tokens", {"name": "nightly"}, content_type="application/json")
    assert created.status_code == 201
    assert created.json()["secret"].startswith("smp_")
    listed = client.get("/api/v1/tokens").json()
    assert "secret" not in listed[0]


@pytest.mark.django_db
def test_invalid_payload_names_the_field(analyst: object) -> None:
    client = signed_in(analyst)
    response = client.post("/api/v1/tokens", {"name": "   "}, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["fields"] == {"name": ["Enter a name"]}
    missing = client.post("/api/v1/tokens", {}, content_type="application/json")
    assert missing.status_code == 422 and "name" in missing.json()["fields"]
    garbage = client.post("/api/v1/tokens", "{not json", content_type="application/json")
    assert garbage.status_code in (400, 422)


@pytest.mark.django_db
def test_audit_api_is_for_auditors_only(analyst: object, auditor: object) -> None:
    assert signed_in(analyst).get("/api/v1/audit").status_code == 403
    assert signed_in(auditor).get("/api/v1/audit").status_code == 200


@pytest.mark.django_db
def test_openapi_document_is_served(analyst: object) -> None:
    client = signed_in(analyst)
    schema = client.get("/api/v1/openapi.json")
    assert schema.status_code == 200
    assert "/api/v1/documents" in schema.json()["paths"]
    assert client.get("/api/v1/docs").status_code == 200
