"""Another force's unshared threats never appear: lists, pages, API, CSV export, charts and SVG."""

from __future__ import annotations

import pytest
from ninja.testing import TestClient

from socmap.apps.assessment import selectors
from socmap.apps.assessment.models import Threat
from socmap.apps.core.models import AuditEvent, User
from tests import factories
from tests.apps.assessment.conftest import Region, approved, thematic
from tests.conftest import signed_in

ALL = {"Glos county lines", "Avon fraud ring", "Avon CSE network", "Dorset cyber gang"}
# Who sees what: Avon shares its general items with Gloucestershire (not the CSE compartment), Dorset
# shares nothing with it; every force shares everything with the ROCU; the council sees nothing.
SEES = {
    "analyst": {"Glos county lines", "Avon fraud ring"},
    "rocu": ALL,
    "partner": set(),
}
HIDDEN_THEMES = {
    "analyst": ["Organised child sexual exploitation", "Cyber crime"],
    "rocu": [],
    "partner": ["Fraud"],
}


@pytest.fixture
def picture(region: Region) -> dict[str, Threat]:
    factories.user(
        factories.organisation("partner", name="Cheltenham Borough Council"), "partner", username="partner"
    )
    threats = {
        "Glos county lines": thematic(region.analyst, "Glos county lines", "county_lines"),
        "Avon fraud ring": thematic(region.avon_analyst, "Avon fraud ring", "fraud"),
        "Avon CSE network": thematic(region.avon_analyst, "Avon CSE network", "cse", compartment=region.cse),
        "Dorset cyber gang": thematic(factories.user(region.dorset, "analyst"), "Dorset cyber gang", "cyber"),
    }
    dorset_supervisor = factories.user(region.dorset, "supervisor")
    for level, threat in enumerate(threats.values(), start=1):
        supervisor = {region.glos.pk: region.supervisor, region.avon.pk: region.avon_supervisor}.get(
            threat.owner_id, dorset_supervisor
        )
        approved(threat.created_by, supervisor, threat, level)
    return threats


def _user(name: str) -> User:
    return User.objects.get(username=name)


@pytest.mark.parametrize("who", sorted(SEES))
def test_the_ranked_list_applies_visibility(picture: dict[str, Threat], who: str) -> None:
    page = selectors.threat_list(viewer=_user(who), filters=selectors.ThreatFilter())
    assert {t.title for t in page.items} == SEES[who]
    scores = [t.score for t in page.items]
    assert scores == sorted(scores, reverse=True)


def test_the_regional_list_ranks_threats_from_every_force_for_the_rocu(picture: dict[str, Threat]) -> None:
    page = selectors.threat_list(viewer=_user("rocu"), filters=selectors.ThreatFilter())
    assert [t.title for t in page.items] == [
        "Dorset cyber gang",
        "Avon CSE network",
        "Avon fraud ring",
        "Glos county lines",
    ]
    assert len({t.owner_id for t in page.items}) == 3


@pytest.mark.parametrize("who", sorted(SEES))
def test_the_list_page_applies_visibility(picture: dict[str, Threat], who: str) -> None:
    html = signed_in(_user(who)).get("/threats/").content.decode()
    assert {t for t in ALL if t in html} == SEES[who]
    results = html[html.index('id="threat-list"') :]  # the filter's theme options come before
    assert not any(theme in results for theme in HIDDEN_THEMES[who])


@pytest.mark.parametrize("who", sorted(SEES))
def test_a_hidden_threat_page_is_not_found(picture: dict[str, Threat], who: str) -> None:
    client = signed_in(_user(who))
    for title, threat in picture.items():
        expected = 200 if title in SEES[who] else 404
        assert client.get(f"/threats/{threat.pk}/").status_code == expected, title
        assert client.get(f"/threats/{threat.pk}/versions/1/").status_code == expected, title


@pytest.mark.parametrize("who", sorted(SEES))
def test_the_api_applies_visibility(picture: dict[str, Threat], who: str) -> None:
    from socmap.api import api

    client = TestClient(api)
    listed = client.get("/assessment/threats", user=_user(who)).json()
    assert {t["title"] for t in listed} == SEES[who]
    for title, threat in picture.items():
        response = client.get(f"/assessment/threats/{threat.pk}/assessments?purpose=test", user=_user(who))
        assert response.status_code == (200 if title in SEES[who] else 404)
        if response.status_code == 404:
            assert response.json() == {"message": "No such threat", "code": "not_found", "fields": {}}


@pytest.mark.parametrize("who", sorted(SEES))
def test_the_csv_export_applies_visibility_and_is_audited(picture: dict[str, Threat], who: str) -> None:
    response = signed_in(_user(who)).post("/threats/export/", {"justification": "Tasking meeting"})
    body = b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]
    assert {t for t in ALL if t in body} == SEES[who]
    event = AuditEvent.objects.filter(object_type="export", object_id="threat priorities").get()
    assert event.justification == "Tasking meeting" and event.detail["count"] == len(SEES[who])


def test_the_api_export_applies_visibility(picture: dict[str, Threat]) -> None:
    from socmap.api import api

    body = TestClient(api).post(
        "/assessment/threats/export", json={"justification": "Briefing"}, user=_user("analyst")
    )
    assert {t for t in ALL if t in body.content.decode()} == SEES["analyst"]


@pytest.mark.parametrize("who", sorted(SEES))
def test_the_svg_chart_applies_visibility(picture: dict[str, Threat], who: str) -> None:
    response = signed_in(_user(who)).get("/threats/chart/theme.svg")
    svg = response.content.decode()
    assert response["Content-Type"] == "image/svg+xml" and svg.startswith("<svg")
    assert not any(theme in svg for theme in HIDDEN_THEMES[who])
    rows = selectors.distribution(viewer=_user(who), filters=selectors.ThreatFilter())
    assert sum(r["threats"] for r in rows) == len(SEES[who])


def test_a_force_user_cannot_reassess_another_forces_shared_threat(picture: dict[str, Threat]) -> None:
    from socmap.api import api

    avon = picture["Avon fraud ring"]
    response = TestClient(api).post(f"/assessment/threats/{avon.pk}/assessments", user=_user("analyst"))
    assert (
        response.status_code == 403
        and "Only Avon and Somerset Constabulary assesses" in response.json()["message"]
    )


def test_an_assessor_may_cite_only_sources_it_may_see(region: Region) -> None:
    from socmap.apps.assessment import services
    from socmap.errors import InvalidInput
    from tests.apps.assessment.conftest import entered

    hidden = factories.document(region.avon_analyst, title="Avon CSE notes", compartment=region.cse)
    draft = services.assessment_start(actor=region.analyst, threat=thematic(region.analyst))
    data = entered(2)
    data = type(data)(
        data.values, data.rationales, data.confidence, sources=(f"document:{hidden.pk}", "ocg:999")
    )
    with pytest.raises(InvalidInput) as info:
        services.assessment_save(actor=region.analyst, assessment=draft, data=data)
    assert info.value.fields["sources"] == [
        f"document:{hidden.pk} is not a document you may see",
        "ocg:999 is not a ocg you may see",
    ]


def test_a_reader_sees_only_the_cited_sources_it_may_see(region: Region) -> None:
    from socmap.apps.assessment import services
    from tests.apps.assessment.conftest import entered

    shared = factories.document(region.avon_analyst, title="Avon briefing")
    hidden = factories.document(region.avon_analyst, title="Avon CSE notes", compartment=region.cse)
    threat = thematic(region.avon_analyst, "Avon fraud ring", "fraud")
    draft = services.assessment_start(actor=region.avon_analyst, threat=threat)
    data = entered(2)
    cited = (f"document:{shared.pk}", f"document:{hidden.pk}")
    services.assessment_save(
        actor=region.avon_analyst,
        assessment=draft,
        data=type(data)(data.values, data.rationales, "high", sources=cited),
    )
    html = signed_in(region.analyst).get(f"/threats/{threat.pk}/").content.decode()
    assert f"/documents/{shared.pk}/" in html and f"/documents/{hidden.pk}/" not in html
    own = signed_in(region.avon_analyst).get(f"/threats/{threat.pk}/").content.decode()
    assert f"/documents/{hidden.pk}/" in own
