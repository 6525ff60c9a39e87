"""The audit log is read through the visibility rule: an auditor sees the events of their own
organisation's users and the events about what their organisation owns, and another organisation's
events only under an agreement that names the "Audit log" compartment."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.test import Client

from socmap.apps.core import services
from socmap.apps.core.audit import audit_record
from socmap.apps.core.models import AuditAction, User
from tests import factories
from tests.conftest import signed_in


@dataclass
class Region:
    auditor: User
    own_analyst: User
    other_analyst: User


@pytest.fixture
def region(force: object, auditor: User) -> Region:
    """Gloucestershire (the auditor's force) and Avon, sharing intelligence both ways."""
    avon = factories.organisation("force", name="Avon and Somerset Constabulary")
    own = factories.user(force, "analyst", username="glos-analyst")  # type: ignore[arg-type]
    other = factories.user(avon, "analyst", username="avon-analyst")
    factories.agreement(avon, force, includes_general=True)  # type: ignore[arg-type]
    factories.agreement(force, avon, includes_general=True)  # type: ignore[arg-type]
    glos_doc = factories.document(own, title="Glos briefing on Operation Endeavour")
    avon_doc = factories.document(other, title="Avon briefing naming Harold Secretname")
    audit_record(AuditAction.CONSULTATION, actor=own, obj=glos_doc, justification="glos purpose")
    audit_record(AuditAction.CONSULTATION, actor=other, obj=avon_doc, justification="avon purpose")
    audit_record(AuditAction.CONSULTATION, actor=other, obj=glos_doc, justification="avon reads glos")
    audit_record(
        AuditAction.CONSULTATION,
        actor=other,
        object_type="search",
        object_id="person",
        object_repr="name Harold Secretname",
        justification="avon search",
    )
    return Region(auditor=auditor, own_analyst=own, other_analyst=other)


def _page_text(client: Client) -> str:
    response = client.get("/audit/", {"organisation": ""})
    assert response.status_code == 200
    return response.content.decode()


def _api_justifications(client: Client) -> set[str]:
    body = client.get("/api/v1/audit", {"per_page": 200}).json()
    return {item["justification"] for item in body["items"]}


def _csv_text(client: Client) -> str:
    response = client.post("/audit/export/", {"justification": "PSD review"})
    assert response.status_code == 200
    return b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]


@pytest.mark.django_db
def test_an_auditor_never_sees_another_organisations_own_events(region: Region) -> None:
    client = signed_in(region.auditor)
    for text in (_page_text(client), _csv_text(client), " ".join(_api_justifications(client))):
        assert "glos purpose" in text
        assert "avon purpose" not in text and "avon search" not in text
        assert "Harold Secretname" not in text


@pytest.mark.django_db
def test_an_auditor_sees_other_organisations_reading_what_their_force_owns(region: Region) -> None:
    client = signed_in(region.auditor)
    assert "avon reads glos" in _api_justifications(client)
    assert "avon reads glos" in _page_text(client)


@pytest.mark.django_db
def test_an_agreement_naming_the_audit_log_shares_the_providers_events(region: Region) -> None:
    client = signed_in(region.auditor)
    assert "avon purpose" not in _api_justifications(client)
    audit_log = services.audit_log_compartment()
    assert audit_log.slug == "audit-log" and audit_log.name == "Audit log"
    avon = region.other_analyst.organisation
    factories.agreement(avon, region.auditor.organisation, compartments=(audit_log,), includes_general=False)  # type: ignore[arg-type]
    seen = _api_justifications(client)
    assert {"avon purpose", "avon search"} <= seen


@pytest.mark.django_db
def test_the_object_of_an_event_is_shown_in_words(region: Region) -> None:
    client = signed_in(region.auditor)
    item = next(
        i for i in client.get("/api/v1/audit").json()["items"] if i["justification"] == "avon reads glos"
    )
    assert item["object"].startswith("Document ")
    assert item["object"].endswith(
        ": Glos briefing on Operation Endeavour (owned by Gloucestershire Constabulary)"
    )
    table = _page_text(client).split("<tbody", 1)[1]
    assert "Glos briefing on Operation Endeavour" in table
    assert "core.document" not in table


@pytest.mark.django_db
def test_a_search_is_recorded_in_words_not_as_a_dictionary(analyst: User) -> None:
    client = signed_in(analyst)
    client.get("/search/", {"name": "John Smith", "postcode": "GL1 1AA"})
    client.get("/api/v1/intel/people", {"name": "Jane Doe"})
    auditor = factories.user(analyst.organisation, "auditor")  # type: ignore[arg-type]
    items = signed_in(auditor).get("/api/v1/audit", {"object_type": "search"}).json()["items"]
    objects = sorted(i["object"] for i in items)
    assert objects == ["Search: name Jane Doe", "Search: name John Smith, postcode GL1 1AA"]
