from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from socmap.apps.core.models import AuditAction, AuditEvent
from socmap.apps.profile import services
from socmap.apps.profile.models import Profile, ProfileVersion, SectionText
from socmap.errors import NotAllowed
from tests.apps.profile.conftest import HIDDEN, World, as_of

SCRIPT = '<script>alert("x")</script> and <b>bold</b>'


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    session = client.session
    session["socmap_purpose"] = "Profile tests"
    session.save()
    return client


def _start(world: World) -> Profile:
    client = _client(world.analyst)
    response = client.post(
        "/profile/new/",
        {
            "title": "Gloucestershire profile",
            "as_of": as_of().strftime("%d/%m/%Y"),
            "partners": [world.council.pk],
        },
    )
    assert response.status_code == 302, response.content[:500]
    return Profile.objects.get(title="Gloucestershire profile")


def test_a_bad_date_is_refused_beside_its_field_with_the_input_kept(world: World) -> None:
    response = _client(world.analyst).post("/profile/new/", {"title": "Kept title", "as_of": "31/02/2026"})
    body = response.content.decode()
    assert response.status_code == 400 and "There is a problem" in body and "Kept title" in body


def test_a_partner_sees_only_the_sections_it_writes(world: World) -> None:
    profile = _start(world)
    body = _client(world.council_user).get(f"/profile/{profile.pk}/").content.decode()
    assert "Vulnerable people and places" in body and "Partners&#x27; data" in body
    assert "The threat picture" not in body and "Build the draft" not in body
    assert (
        _client(world.council_user).get(f"/profile/{profile.pk}/sections/threat_picture/").status_code == 404
    )
    assert _client(world.nhs_user).get(f"/profile/{profile.pk}/").status_code == 404


def test_narrative_with_script_is_kept_as_text_and_never_run(world: World) -> None:
    profile = _start(world)
    client = _client(world.council_user)
    url = f"/profile/{profile.pk}/sections/partners_data/"
    assert client.post(url, {"action": "text", "text": SCRIPT, "audience": "all"}).status_code == 302
    assert SectionText.objects.get(profile=profile).text == SCRIPT
    body = client.get(url).content.decode()
    assert "<script>alert" not in body and "&lt;script&gt;alert" in body
    services.signoff(actor=world.council_user, profile=profile, section="partners_data")
    services.text_save(
        actor=world.council_user, profile=profile, section="vulnerable_people_places", text="Ok"
    )
    services.signoff(actor=world.council_user, profile=profile, section="vulnerable_people_places")
    council = services.profile_issue(actor=world.analyst, profile=profile)[1]
    document = client.get(f"/profile/versions/{council.pk}/document/").content.decode()
    assert "<script>alert" not in document and "&lt;script&gt;alert" in document and "<b>bold" not in document


def test_a_signoff_by_a_user_of_another_organisation_is_refused_and_logged(world: World) -> None:
    profile = _start(world)
    services.text_save(
        actor=world.council_user, profile=profile, section="partners_data", text="Shared data."
    )
    with pytest.raises(NotAllowed, match="Only Cheltenham Borough Council signs off this section"):
        services.signoff(actor=world.analyst, profile=profile, section="partners_data")
    assert AuditEvent.objects.filter(action=AuditAction.PERMISSION_DENIED, actor=world.analyst).exists()
    response = _client(world.nhs_user).post(
        f"/profile/{profile.pk}/sections/partners_data/", {"action": "signoff"}
    )
    assert response.status_code == 404


def test_issue_waits_for_the_council_sign_off_then_the_council_downloads_only_its_version(
    world: World,
) -> None:
    profile = _start(world)
    analyst = _client(world.analyst)
    assert analyst.post(f"/profile/{profile.pk}/build/").status_code == 302
    analyst.post(f"/profile/{profile.pk}/issue/")
    assert not ProfileVersion.objects.filter(profile=profile, status="issued").exists()
    for key in ("vulnerable_people_places", "partners_data"):
        services.text_save(actor=world.council_user, profile=profile, section=key, text=f"About {key}.")
        services.signoff(actor=world.council_user, profile=profile, section=key)
    assert analyst.post(f"/profile/{profile.pk}/issue/").status_code == 302
    full = ProfileVersion.objects.get(profile=profile, status="issued", audience=None)
    mine = ProfileVersion.objects.get(profile=profile, status="issued", audience=world.council)
    council = _client(world.council_user)
    listing = council.get(f"/profile/{profile.pk}/").content.decode()
    assert f"/profile/versions/{mine.pk}/" in listing and f"/profile/versions/{full.pk}/" not in listing
    assert council.get(f"/profile/versions/{full.pk}/profile.pdf").status_code == 404
    pdf = council.get(f"/profile/versions/{mine.pk}/profile.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert council.get(f"/profile/versions/{full.pk}/profile.docx").status_code == 404
    docx = council.get(f"/profile/versions/{mine.pk}/profile.docx")
    assert docx.status_code == 200 and docx.content.startswith(b"PK")  # a DOCX is a zip
    assert docx["Content-Type"].endswith("wordprocessingml.document")
    assert council.get(f"/profile/versions/{mine.pk}/figures/threats_by_theme.total/").status_code == 200
    assert council.get(f"/profile/versions/{full.pk}/figures/threats_by_theme.total/").status_code == 404
    page = council.get(f"/profile/versions/{mine.pk}/").content.decode()
    assert HIDDEN not in page and f"/profile/versions/{mine.pk}/profile.docx" in page
    assert AuditEvent.objects.filter(action=AuditAction.DISCLOSURE, actor=world.council_user).count() == 4
