from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from socmap.apps.core.audit import audit_record
from socmap.apps.core.models import AuditAction, AuditEvent
from socmap.errors import NotAllowed
from tests import factories
from tests.conftest import signed_in


@pytest.mark.django_db
def test_audit_events_cannot_be_changed_or_deleted_through_the_application(analyst: object) -> None:
    event = audit_record(AuditAction.CONSULTATION, actor=analyst, object_type="x", object_id="1")
    event.justification = "rewritten"
    with pytest.raises(NotAllowed):
        event.save()
    with pytest.raises(NotAllowed):
        event.delete()
    with pytest.raises(NotAllowed):
        AuditEvent.objects.filter(pk=event.pk).update(justification="rewritten")
    with pytest.raises(NotAllowed):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get(pk=event.pk).justification == ""


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
@pytest.mark.parametrize(
    "statement", ["UPDATE core_auditevent SET justification = 'x'", "DELETE FROM core_auditevent"]
)
def test_postgresql_refuses_update_and_delete_of_the_audit_log_in_sql(
    analyst: object, statement: str
) -> None:
    audit_record(AuditAction.CONSULTATION, actor=analyst, object_type="x", object_id="1")
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement)
    assert AuditEvent.objects.filter(object_type="x").count() == 1


@pytest.mark.django_db
def test_signing_in_is_audited(client: object, analyst: object) -> None:
    response = client.post("/accounts/sign-in/", {"username": "analyst", "password": factories.PASSWORD})  # type: ignore[attr-defined]
    assert response.status_code == 302
    event = AuditEvent.objects.get(action=AuditAction.LOGIN)
    assert event.actor_username == "analyst"
    assert event.organisation_name == "Gloucestershire Constabulary"
    assert event.request_id


@pytest.mark.django_db
def test_a_failed_sign_in_is_audited_without_the_password(client: object, analyst: object) -> None:
    client.post("/accounts/sign-in/", {"username": "analyst", "password": "wrong-password"})  # type: ignore[attr-defined]
    event = AuditEvent.objects.get(action=AuditAction.LOGIN_FAILED)
    assert event.actor_username == "analyst"
    assert "wrong-password" not in str(event.detail) + event.object_repr + event.justification


@pytest.mark.django_db
def test_signing_out_is_audited(analyst: object) -> None:
    client = signed_in(analyst)
    client.post("/accounts/sign-out/")
    assert AuditEvent.objects.filter(action=AuditAction.LOGOUT, actor_username="analyst").exists()


@pytest.mark.django_db
def test_reading_a_document_is_a_consultation_with_the_stated_purpose(analyst: object) -> None:
    doc = factories.document(analyst)  # type: ignore[arg-type]
    client = signed_in(analyst, purpose="Operation Endeavour tasking")
    assert client.get(f"/documents/{doc.pk}/").status_code == 200
    event = AuditEvent.objects.get(action=AuditAction.CONSULTATION, object_id=str(doc.pk))
    assert event.justification == "Operation Endeavour tasking"
    assert event.object_type == "core.document"


@pytest.mark.django_db
def test_auditor_can_filter_the_log(auditor: object, analyst: object) -> None:
    audit_record(AuditAction.CONSULTATION, actor=analyst, object_type="intel.person", object_id="p-1")
    audit_record(AuditAction.CONSULTATION, actor=analyst, object_type="intel.person", object_id="p-2")
    client = signed_in(auditor)
    response = client.get("/audit/", {"object_type": "intel.person", "object_id": "p-2"})
    assert response.status_code == 200
    assert response.context["page"].total == 1


@pytest.mark.django_db
def test_only_auditors_read_the_log_and_refusal_is_audited(analyst: object) -> None:
    response = signed_in(analyst).get("/audit/")
    assert response.status_code == 403
    assert AuditEvent.objects.filter(action=AuditAction.PERMISSION_DENIED, actor_username="analyst").exists()


@pytest.mark.django_db
def test_exporting_the_log_needs_a_justification_and_is_itself_audited(auditor: object) -> None:
    client = signed_in(auditor)
    refused = client.post("/audit/export/", {"justification": ""})
    assert refused.status_code == 400
    assert "Enter a justification for the export" in refused.content.decode()
    assert not AuditEvent.objects.filter(action=AuditAction.DISCLOSURE, object_type="export").exists()

    response = client.post("/audit/export/?action=login", {"justification": "PSD review 2026/14"})
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]
    assert body.splitlines()[0].startswith("at,action,actor_username")
    export = AuditEvent.objects.get(action=AuditAction.DISCLOSURE, object_type="export")
    assert export.justification == "PSD review 2026/14"
    assert export.detail["filters"] == {"action": "login"}


@pytest.mark.django_db
def test_exported_csv_neutralises_spreadsheet_formulae(auditor: object) -> None:
    audit_record(AuditAction.COLLECTION, actor=auditor, object_type="x", justification='=HYPERLINK("evil")')
    response = signed_in(auditor).post("/audit/export/?object_type=x", {"justification": "check"})
    body = b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]
    assert "'=HYPERLINK" in body
