"""A partner must never reach what was not shared with it: pages and API alike."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from ninja.testing import TestClient

from socmap.api import api
from socmap.apps.core.models import AuditAction, AuditEvent, Document
from tests import factories
from tests.conftest import signed_in

client_api = TestClient(api)


@pytest.fixture
def shared_and_private(analyst: object, partner_user: object) -> tuple[Document, Document]:
    endeavour = factories.compartment("Operation Endeavour")
    factories.agreement(
        analyst.organisation,
        partner_user.organisation,  # type: ignore[attr-defined]
        compartments=(endeavour,),
        includes_general=False,
        handling_codes=("P",),
    )
    shared = factories.document(analyst, title="Endeavour briefing", compartment=endeavour)  # type: ignore[arg-type]
    private = factories.document(analyst, title="SOC unit weekly summary")  # type: ignore[arg-type]
    return shared, private


@pytest.mark.django_db
def test_partner_sees_only_shared_documents_through_pages(
    partner_user: object, shared_and_private: tuple
) -> None:
    shared, private = shared_and_private
    client = signed_in(partner_user)
    listing = client.get("/documents/").content.decode()
    assert "Endeavour briefing" in listing and "SOC unit weekly summary" not in listing
    assert client.get(f"/documents/{shared.pk}/").status_code == 200
    hidden = client.get(f"/documents/{private.pk}/")
    assert hidden.status_code == 404
    assert "SOC unit weekly summary" not in hidden.content.decode()
    assert client.get(f"/documents/{private.pk}/download/").status_code == 404
    # Hidden looks exactly like absent.
    assert client.get("/documents/999999/").status_code == 404
    assert AuditEvent.objects.filter(action=AuditAction.PERMISSION_DENIED, object_id=str(private.pk)).exists()


@pytest.mark.django_db
def test_partner_search_does_not_find_unshared_documents(
    partner_user: object, shared_and_private: tuple
) -> None:
    listing = signed_in(partner_user).get("/documents/", {"q": "weekly"}).content.decode()
    assert "SOC unit weekly summary" not in listing


@pytest.mark.django_db
def test_partner_sees_only_shared_documents_through_the_api(
    partner_user: object, shared_and_private: tuple
) -> None:
    shared, private = shared_and_private
    listing = client_api.get("/documents", user=partner_user)
    assert [d["title"] for d in listing.json()["items"]] == ["Endeavour briefing"]
    assert client_api.get(f"/documents/{shared.pk}", user=partner_user).status_code == 200
    hidden = client_api.get(f"/documents/{private.pk}", user=partner_user)
    assert hidden.status_code == 404
    assert hidden.json() == {"message": "No such document", "code": "not_found", "fields": {}}


@pytest.mark.django_db
def test_downloading_a_shared_document_is_a_disclosure(
    partner_user: object, shared_and_private: tuple
) -> None:
    shared, _ = shared_and_private
    response = signed_in(partner_user, purpose="Endeavour planning").get(f"/documents/{shared.pk}/download/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"synthetic content\n"  # type: ignore[attr-defined]
    event = AuditEvent.objects.get(
        action=AuditAction.DISCLOSURE, object_type="core.document", object_id=str(shared.pk)
    )
    assert event.justification == "Endeavour planning"


@pytest.mark.django_db
def test_consulting_a_document_asks_for_a_purpose_first(analyst: object) -> None:
    doc = factories.document(analyst)  # type: ignore[arg-type]
    client = signed_in(analyst, purpose="")
    response = client.get(f"/documents/{doc.pk}/")
    assert response.status_code == 302 and response["Location"].startswith("/purpose/")
    assert client.post("/purpose/", {"purpose": "", "next": f"/documents/{doc.pk}/"}).status_code == 400
    done = client.post("/purpose/", {"purpose": "Op Falcon", "next": f"/documents/{doc.pk}/"})
    assert done["Location"] == f"/documents/{doc.pk}/"
    assert client.get(f"/documents/{doc.pk}/").status_code == 200


@pytest.mark.django_db
def test_purpose_redirect_never_leaves_the_site(analyst: object) -> None:
    response = signed_in(analyst, purpose="").post(
        "/purpose/", {"purpose": "x", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


@pytest.mark.django_db
def test_upload_rejects_bad_files_and_keeps_the_input(analyst: object) -> None:
    client = signed_in(analyst)
    response = client.post(
        "/documents/upload/",
        {
            "title": "Mystery",
            "handling": "C",
            "conditions": "",
            "file": SimpleUploadedFile("payload.exe", b"MZ\x90\x00", content_type="application/octet-stream"),
        },
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in html
    assert "is not a PDF, text, CSV, Word, spreadsheet or image file" in html
    assert "Handling code C needs its conditions" in html
    assert 'value="Mystery"' in html
    assert not Document.objects.exists()


@pytest.mark.django_db
def test_upload_of_an_empty_file_is_refused(analyst: object) -> None:
    response = signed_in(analyst).post(
        "/documents/upload/",
        {
            "title": "Empty",
            "handling": "P",
            "file": SimpleUploadedFile("empty.txt", b"", content_type="text/plain"),
        },
    )
    assert response.status_code == 400
    assert not Document.objects.exists()


@pytest.mark.django_db
def test_upload_stores_a_document_owned_by_the_uploader(analyst: object) -> None:
    response = signed_in(analyst).post(
        "/documents/upload/",
        {
            "title": "Notes",
            "handling": "P",
            "file": SimpleUploadedFile("notes.txt", b"hello", content_type="text/plain"),
        },
    )
    doc = Document.objects.get()
    assert response["Location"] == f"/documents/{doc.pk}/"
    assert doc.owner == analyst.organisation and doc.size == 5  # type: ignore[attr-defined]
    assert AuditEvent.objects.filter(action=AuditAction.COLLECTION, object_id=str(doc.pk)).exists()
