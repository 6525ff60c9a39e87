"""Improvement actions, their evidence, and live measures computed at the time of viewing."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from socmap.apps.inspections import selectors, services
from socmap.errors import InvalidInput, NotVisible
from tests import factories
from tests.conftest import signed_in

SEED = (
    Path(__file__).resolve().parents[3]
    / "socmap/apps/inspections/demo_data/hmicfrs-recommendation-gloucestershire-8786.txt"
)


@pytest.fixture
def lead(force: object) -> object:
    return factories.user(force, "improvement_lead", username="lead")  # type: ignore[arg-type]


@pytest.fixture
def action(lead: object) -> object:
    plan = services.plan_create(actor=lead, title="Rapid improvement plan")  # type: ignore[arg-type]
    finding = services.finding_import(actor=lead, data=SEED.read_text(), source="seed").finding  # type: ignore[arg-type]
    return services.action_create(
        actor=lead,
        plan=plan,
        title="Publish the SOC local profile",
        owner=lead,  # type: ignore[arg-type]
        due_on=timezone.localdate() + timedelta(days=30),
        findings=[finding],
    )


@pytest.mark.django_db
def test_a_live_measure_shows_the_value_computed_at_viewing_time(lead: object, action: object) -> None:
    services.evidence_add(actor=lead, action=action, kind="measure", measure="documents-held")  # type: ignore[arg-type]
    _, evidence = selectors.action_get(viewer=lead, action_id=action.pk)  # type: ignore[arg-type,attr-defined]
    assert evidence[0].reading is not None and evidence[0].reading.value == 0
    factories.document(lead, title="Local profile draft")  # type: ignore[arg-type]
    factories.document(lead, title="Partner return")  # type: ignore[arg-type]
    response = signed_in(lead).get(f"/improvement/actions/{action.pk}/")  # type: ignore[attr-defined]
    html = response.content.decode()
    assert 'data-measure="documents-held">2<' in html
    _, evidence = selectors.action_get(viewer=lead, action_id=action.pk)  # type: ignore[arg-type,attr-defined]
    assert evidence[0].reading.value == 2  # type: ignore[union-attr]
    assert evidence[0].reading.trend[0][1] == 0  # type: ignore[union-attr]
    assert evidence[0].reading.direction == "up"  # type: ignore[union-attr]


@pytest.mark.django_db
def test_open_findings_measure_follows_the_timeline(lead: object, action: object) -> None:
    from socmap.apps.core.measures import measure_read

    reading = measure_read("findings-open", organisation_id=lead.organisation_id)  # type: ignore[attr-defined]
    # The cause of concern is complete; its six recommendations have no status yet.
    assert reading.value == 6


@pytest.mark.django_db
def test_an_unknown_measure_or_bad_link_is_refused(lead: object, action: object) -> None:
    with pytest.raises(InvalidInput) as err:
        services.evidence_add(actor=lead, action=action, kind="measure", measure="made-up")  # type: ignore[arg-type]
    assert "measure" in err.value.fields
    with pytest.raises(InvalidInput):
        services.evidence_add(actor=lead, action=action, kind="link", url="javascript:alert(1)")  # type: ignore[arg-type]


@pytest.mark.django_db
def test_board_groups_actions_by_status_and_lists_overdue(lead: object, action: object) -> None:
    services.action_update(actor=lead, action=action, text="Drafted", status="in_progress", rag="red")  # type: ignore[arg-type]
    late = services.action_create(
        actor=lead,
        plan=action.plan,
        title="Late thing",
        owner=lead,  # type: ignore[arg-type,attr-defined]
        due_on=timezone.localdate() - timedelta(days=1),
    )
    board = selectors.action_board(viewer=lead)  # type: ignore[arg-type]
    columns = {status: [a.pk for a in actions] for status, _, actions in board.columns}
    assert columns["in_progress"] == [action.pk] and columns["not_started"] == [late.pk]  # type: ignore[attr-defined]
    assert [a.pk for a in board.overdue] == [late.pk]
    assert board.rag_counts == {"red": 1, "amber": 1}


@pytest.mark.django_db
def test_partner_without_agreement_cannot_see_findings_or_the_plan(
    partner_user: object, action: object
) -> None:
    client = signed_in(partner_user)
    finding = action.findings.first()  # type: ignore[attr-defined]
    assert client.get(f"/inspections/findings/{finding.pk}/").status_code == 404
    assert client.get(f"/improvement/actions/{action.pk}/").status_code == 404  # type: ignore[attr-defined]
    assert "Publish the SOC local profile" not in client.get("/improvement/").content.decode()
    assert client.get("/api/v1/inspections/findings").json()["total"] == 0
    assert client.get(f"/api/v1/inspections/findings/{finding.pk}").status_code == 404
    with pytest.raises(NotVisible):
        selectors.action_get(viewer=partner_user, action_id=action.pk)  # type: ignore[arg-type,attr-defined]


@pytest.mark.django_db
def test_exports_need_a_justification_and_are_audited(lead: object, action: object) -> None:
    from socmap.apps.core.models import AuditEvent

    client = signed_in(lead)
    assert client.post("/inspections/export/", {"justification": ""}).status_code == 400
    response = client.post("/inspections/export/?kind=recommendation", {"justification": "Board pack"})
    body = b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]
    assert body.count("\n") == 7  # header and six recommendations
    assert AuditEvent.objects.filter(object_id="inspection-findings", justification="Board pack").exists()
    plan_csv = client.post("/improvement/export/", {"justification": "Board pack"})
    assert "Publish the SOC local profile" in b"".join(plan_csv.streaming_content).decode()  # type: ignore[attr-defined]


@pytest.mark.django_db
def test_import_api_refuses_bad_input_clearly(lead: object) -> None:
    client = signed_in(lead)
    empty = client.post("/api/v1/inspections/import", {"text": ""}, content_type="application/json")
    assert empty.status_code == 400 and "text" in empty.json()["fields"]
    ok = client.post(
        "/api/v1/inspections/import",
        {"text": SEED.read_text(), "source": "api"},
        content_type="application/json",
    )
    assert ok.status_code == 200
    assert len(ok.json()["finding"]["recommendations"]) == 6


@pytest.mark.django_db
def test_status_over_time_counts_findings_by_their_latest_status(lead: object, action: object) -> None:
    series = selectors.findings_status_over_time(viewer=lead)  # type: ignore[arg-type]
    assert series.counts["complete"][-1] == 1
    assert signed_in(lead).get("/inspections/status-over-time/").status_code == 200
