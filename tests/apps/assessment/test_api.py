"""The assessment API: JSON errors that name the field, and the workflow's refusals as status codes."""

from __future__ import annotations

from typing import Any

from ninja.testing import TestClient

from socmap.apps.assessment.models import Threat
from socmap.apps.core.models import User
from tests.apps.assessment.conftest import Region, values


def client() -> TestClient:
    from socmap.api import api

    return TestClient(api)


def payload(level: int = 2, **overrides: Any) -> dict[str, Any]:
    vals = values(level)
    return {
        "values": vals,
        "rationales": dict.fromkeys(vals, "From the records"),
        "confidence": "high",
    } | overrides


def create(user: User, **kw: Any) -> dict[str, Any]:
    body = {"kind": "thematic", "title": "Modern slavery in car washes", "theme": "modern_slavery"} | kw
    response = client().post("/assessment/threats", json=body, user=user)
    assert response.status_code == 201, response.json()
    return dict(response.json())


def test_the_model_is_published_with_every_descriptor(region: Region) -> None:
    body = client().get("/assessment/model", user=region.analyst).json()
    assert body["name"] == "morile-sw" and [b["key"] for b in body["bands"]] == ["high", "medium", "low"]
    assert all(p["descriptor"] for d in body["dimensions"] for p in d["scale"])


def test_recording_a_threat_opens_a_draft_with_suggestions(region: Region) -> None:
    threat = create(region.analyst)
    versions = (
        client()
        .get(f"/assessment/threats/{threat['id']}/assessments?purpose=test", user=region.analyst)
        .json()
    )
    assert (
        versions[0]["status"] == "draft" and versions[0]["suggestions"]["victim_vulnerability"]["value"] == 4
    )


def test_bad_threat_input_names_the_fields(region: Region) -> None:
    response = client().post(
        "/assessment/threats", json={"kind": "thematic", "theme": "weather"}, user=region.analyst
    )
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"title", "theme"}


def test_submitting_without_a_rationale_names_the_field(region: Region) -> None:
    threat = create(region.analyst)
    body = payload(rationales={})
    response = client().post(
        f"/assessment/threats/{threat['id']}/assessments/1/submit", json=body, user=region.analyst
    )
    assert response.status_code == 400
    assert response.json()["fields"]["rationale_physical_harm"] == [
        "Say why you chose this value for physical harm"
    ]


def test_a_value_outside_its_scale_names_the_field(region: Region) -> None:
    threat = create(region.analyst)
    body = payload(values=values(2) | {"likelihood": 7})
    response = client().put(
        f"/assessment/threats/{threat['id']}/assessments/1", json=body, user=region.analyst
    )
    assert response.status_code == 400
    assert response.json()["fields"] == {
        "value_likelihood": ["Likelihood: 7 is outside its scale; choose one of 1, 2, 3, 4"]
    }


def test_the_workflow_over_the_api(region: Region) -> None:
    threat = create(region.other_supervisor)
    url = f"/assessment/threats/{threat['id']}/assessments/1"
    submitted = client().post(f"{url}/submit", json=payload(3), user=region.other_supervisor).json()
    assert (
        submitted["score"] == "141" and submitted["explanation"]["steps"][-1]["formula"] == "126 + 15 = 141"
    )
    own = client().post(f"{url}/approve", json={}, user=region.other_supervisor)
    assert own.status_code == 403 and own.json()["code"] == "own_assessment"
    assert client().post(f"{url}/approve", json={}, user=region.analyst).status_code == 403
    approved = client().post(f"{url}/approve", json={"comment": "Agreed"}, user=region.supervisor).json()
    assert approved["status"] == "approved" and approved["supervisor"] == "supervisor"
    edit = client().put(url, json=payload(4), user=region.other_supervisor)
    assert edit.status_code == 409 and edit.json()["code"] == "approved_is_final"
    again = client().post(f"/assessment/threats/{threat['id']}/assessments", user=region.other_supervisor)
    assert again.status_code == 201 and again.json()["number"] == 2
    listed = client().get("/assessment/threats?scope=force", user=region.analyst).json()
    assert [(t["title"], t["score"], t["band"]) for t in listed] == [
        ("Modern slavery in car washes", "141", "medium")
    ]
    assert Threat.objects.get(pk=threat["id"]).latest.number == 2  # type: ignore[union-attr]
