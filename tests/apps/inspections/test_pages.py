"""The inspection pages and API for the register's shapes: many files at once, national findings,
lists shown as lists, and withdrawing a finding."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from socmap.apps.core.models import AuditAction, AuditEvent, Organisation, User
from socmap.apps.inspections import services
from socmap.apps.inspections.models import Finding, NationalFinding
from tests import factories
from tests.conftest import signed_in

FIXTURES = Path(__file__).resolve().parents[2] / "engines/inspections/fixtures"


def page(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def upload(name: str, data: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, page(name) if data is None else data, content_type="text/plain")


@pytest.fixture
def glos(force: Organisation) -> Organisation:
    return force


@pytest.fixture
def lead(glos: Organisation) -> User:
    return factories.user(glos, "improvement_lead", username="lead")


# --- the import page ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_import_page_takes_several_files_and_summarises_each(lead: User) -> None:
    files = [
        upload("undated_commentary.txt"),
        upload("garbage.txt", b"lorem ipsum [on]soon[/on] dolor"),
        upload("national_listing.txt"),
    ]
    response = signed_in(lead).post("/inspections/import/", {"pages": files, "text": "", "subject": ""})
    html = response.content.decode()
    assert response.status_code == 200
    assert "3 files, 1 refused" in html
    assert "Imported recommendation 8790" in html
    assert "Imported national recommendation 4822" in html
    assert "No inspection finding was recognised" in html
    assert (
        Finding.objects.filter(reference="8790").exists()
        and NationalFinding.objects.filter(reference="4822").exists()
    )


@pytest.mark.django_db
def test_one_file_goes_to_its_finding_and_a_national_page_needs_no_force(lead: User) -> None:
    client = signed_in(lead)
    response = client.post("/inspections/import/", {"pages": [upload("national_listing.txt")], "subject": ""})
    national = NationalFinding.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/inspections/national/{national.pk}/"
    shown = client.get(response["Location"]).content.decode()
    assert "Imported national recommendation 4822" in shown
    assert "Made to every force" in shown
    assert "<li>the force&#x27;s crime prevention work is co-ordinated with its partners;</li>" in shown
    assert "<li>advice to repeat victims of burglary; and</li>" in shown


@pytest.mark.django_db
def test_garbage_on_the_import_page_is_an_error_and_nothing_is_stored(lead: User) -> None:
    response = signed_in(lead).post(
        "/inspections/import/", {"text": "lorem ipsum [on]foo[/on] bar", "subject": ""}
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in html and "No inspection finding was recognised" in html
    assert "Success" not in html
    assert not Finding.objects.exists() and not NationalFinding.objects.exists()


@pytest.mark.django_db
def test_a_page_with_errors_is_imported_under_a_warning_not_a_success_banner(lead: User) -> None:
    client = signed_in(lead)
    response = client.post(
        "/inspections/import/", {"pages": [upload("no_heading_unknown_kind.txt")], "subject": ""}
    )
    html = client.get(response["Location"]).content.decode()
    assert "Important" in html and "(1 to check)" in html
    assert "govuk-notification-banner--success" not in html


@pytest.mark.django_db
def test_page_text_is_shown_as_text_never_as_markup(lead: User, glos: Organisation) -> None:
    text = (
        page("recommendation_list.txt")
        .decode()
        .replace("record every disruption", "record <script>alert(1)</script> every disruption")
    )
    finding = services.finding_import(actor=lead, data=text, source="x.txt", subject=glos).finding
    assert finding is not None
    html = signed_in(lead).get(f"/inspections/findings/{finding.pk}/").content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<li>serious crime prevention orders; and</li>" in html


# --- withdrawing from the page and the API -------------------------------------------------------


@pytest.fixture
def seeded(lead: User, glos: Organisation) -> Finding:
    finding = services.finding_import(
        actor=lead, data=page("seed_gloucestershire_8786.txt"), source="seed.txt", subject=glos
    ).finding
    assert finding is not None
    return finding


@pytest.mark.django_db
def test_withdraw_a_finding_from_its_page(lead: User, seeded: Finding) -> None:
    client = signed_in(lead)
    empty = client.post(f"/inspections/findings/{seeded.pk}/withdraw/", {"reason": ""})
    assert empty.status_code == 400 and "Enter the reason for withdrawing it" in empty.content.decode()
    done = client.post(f"/inspections/findings/{seeded.pk}/withdraw/", {"reason": "Wrong force's page"})
    assert done.status_code == 302
    html = client.get(done["Location"]).content.decode()
    assert "Withdrawn on" in html and "Wrong force&#x27;s page" in html
    assert "Withdraw this finding" not in html
    listed = client.get("/inspections/").content.decode()
    assert "8786" not in listed
    assert "8786" in client.get("/inspections/?status=withdrawn").content.decode()


@pytest.mark.django_db
def test_a_user_who_may_not_withdraw_is_refused(seeded: Finding, glos: Organisation) -> None:
    analyst = factories.user(glos, "analyst")
    response = signed_in(analyst).post(f"/inspections/findings/{seeded.pk}/withdraw/", {"reason": "Mine"})
    assert response.status_code == 403
    seeded.refresh_from_db()
    assert seeded.withdrawn_at is None
    assert AuditEvent.objects.filter(action=AuditAction.PERMISSION_DENIED, actor=analyst).exists()


@pytest.mark.django_db
def test_withdraw_through_the_api(lead: User, seeded: Finding) -> None:
    client = signed_in(lead)
    url = f"/api/v1/inspections/findings/{seeded.pk}/withdraw"
    blank = client.post(url, {"reason": " "}, content_type="application/json")
    assert blank.status_code == 400 and blank.json()["fields"]["reason"]
    done = client.post(url, {"reason": "Duplicate import"}, content_type="application/json")
    assert done.status_code == 200
    body = done.json()
    assert body["withdrawn_reason"] == "Duplicate import" and body["withdrawn_at"]
    assert body["events"][-1]["kind"] == "withdrawn"
    again = client.post(url, {"reason": "Again"}, content_type="application/json")
    assert again.status_code == 409
    assert client.get("/api/v1/inspections/findings").json()["total"] == 0


# --- national findings through the API, and who sees what ----------------------------------------


@pytest.mark.django_db
def test_the_api_imports_a_national_page_without_a_force(lead: User) -> None:
    client = signed_in(lead)
    body = client.post(
        "/api/v1/inspections/import",
        {"text": page("national_every_force.txt").decode(), "source": "n.txt"},
        content_type="application/json",
    ).json()
    assert body["finding"] is None and body["outcome"] == "imported"
    assert body["national"]["text"].startswith(
        "By 31 March 2016, every police force in England and Wales should"
    )
    assert [e["status"] for e in body["national"]["events"]] == ["awaiting-review", "being-progressed"]
    listed = client.get("/api/v1/inspections/national").json()
    assert [n["reference"] for n in listed["items"]] == [body["national"]["reference"]]


@pytest.mark.django_db
def test_a_partner_reads_the_national_text_but_no_force_progress(
    lead: User, glos: Organisation, partner_user: User
) -> None:
    services.finding_import(actor=lead, data=page("national_listing.txt"), source="n.txt", subject=glos)
    national = NationalFinding.objects.get()
    client = signed_in(partner_user)
    detail = client.get(f"/api/v1/inspections/national/{national.pk}").json()
    assert detail["reference"] == "4822" and detail["tracks"] == []
    track = national.tracks.get()
    assert client.get(f"/api/v1/inspections/findings/{track.pk}").status_code == 404
    html = client.get(f"/inspections/national/{national.pk}/").content.decode()
    assert "No force you can see tracks it yet" in html and "Track it for your organisation" not in html


@pytest.mark.django_db
def test_a_force_starts_tracking_a_national_finding_from_its_page(lead: User, glos: Organisation) -> None:
    national = services.finding_import(actor=lead, data=page("national_every_force.txt"), source="n").national
    assert national is not None
    client = signed_in(lead)
    response = client.post(f"/inspections/national/{national.pk}/track/")
    track = Finding.objects.get(national=national)
    assert response.status_code == 302 and response["Location"] == f"/inspections/findings/{track.pk}/"
    assert track.subject == glos
    assert (
        "Gloucestershire Constabulary" in client.get(f"/inspections/national/{national.pk}/").content.decode()
    )


@pytest.mark.django_db
def test_national_pages_need_a_signed_in_user(client: Client) -> None:
    assert client.get("/api/v1/inspections/national").status_code == 401
    assert client.get("/inspections/national/").status_code == 302


@pytest.mark.django_db
def test_the_findings_export_names_the_national_finding_a_force_tracks(
    lead: User, glos: Organisation
) -> None:
    services.finding_import(actor=lead, data=page("national_listing.txt"), source="n.txt", subject=glos)
    response = signed_in(lead).post("/inspections/export/", {"justification": "Board pack for the PCC"})
    body = b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]
    header, row = body.splitlines()[:2]
    assert header.split(",")[5] == "made_to_every_force"
    assert row.split(",")[5] == "4822"


@pytest.mark.django_db
def test_the_import_page_bounds_what_one_upload_may_hold(lead: User, monkeypatch: pytest.MonkeyPatch) -> None:
    from socmap.apps.inspections import forms

    monkeypatch.setattr(forms, "MAX_TOTAL_BYTES", 2_000_000)  # two pages of 1.5 MB are over a 2 MB bound
    pages = [upload("a.txt", b"x" * 1_500_000), upload("b.txt", b"y" * 1_500_000)]
    response = signed_in(lead).post("/inspections/import/", {"pages": pages})
    assert response.status_code == 400
    assert "import at most 2 MB at once" in response.content.decode()
    assert not Finding.objects.exists()


@pytest.mark.django_db
def test_every_refusal_on_the_new_routes_is_logged_once(
    lead: User, seeded: Finding, glos: Organisation
) -> None:
    avon = factories.organisation("force", name="Avon and Somerset Constabulary")
    factories.agreement(glos, avon)  # Avon sees Gloucestershire's general findings
    avon_lead = factories.user(avon, "improvement_lead")
    national = services.finding_import(actor=lead, data=page("national_every_force.txt"), source="n").national
    assert national is not None
    routes = [
        ("POST", f"/inspections/findings/{seeded.pk}/withdraw/", {"reason": "Not theirs"}, 403),
        ("POST", f"/api/v1/inspections/findings/{seeded.pk}/withdraw", {"reason": "Not theirs"}, 403),
        ("POST", "/inspections/findings/999999/withdraw/", {"reason": "x"}, 404),
        ("GET", "/inspections/national/999999/", {}, 404),
        ("GET", "/api/v1/inspections/national/999999", {}, 404),
        ("POST", "/inspections/national/999999/track/", {}, 404),
        ("POST", f"/inspections/national/{national.pk}/withdraw/", {"reason": "Not theirs"}, 403),
        ("POST", f"/api/v1/inspections/national/{national.pk}/withdraw", {"reason": "Not theirs"}, 403),
    ]
    client = signed_in(avon_lead)
    unlogged = []
    for method, path, data, status in routes:
        if method == "GET":
            response = client.get(path)
        elif path.startswith("/api/"):
            response = client.post(path, data, content_type="application/json")
        else:
            response = client.post(path, data)
        assert response.status_code == status, (path, response.status_code)
        events = AuditEvent.objects.filter(
            action=AuditAction.PERMISSION_DENIED, request_id=response["X-Request-ID"]
        )
        if events.count() != 1:
            unlogged.append(f"{method} {path}: {events.count()}")
    assert not unlogged, unlogged
    seeded.refresh_from_db()
    national.refresh_from_db()
    assert seeded.withdrawn_at is None and national.withdrawn_at is None
