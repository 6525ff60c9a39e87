"""Every refusal is written to the audit log once, whichever page, API route or export refused.

The fourteen routes below once refused without a trace; tests/test_access_matrix.py checks every
route of socmap the same way.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone

from socmap.apps.core import services as core_services
from socmap.apps.core.models import AuditAction, AuditEvent, Compartment, Organisation, User
from socmap.apps.core.refusal import refusal_settle, refuse
from socmap.apps.inspections.models import Finding, ImprovementAction, ImprovementPlan
from socmap.apps.intel import services as intel_services
from socmap.apps.intel.models import Batch, QuarantinedRow, RecordEntity, Source
from socmap.errors import NotVisible
from tests import factories
from tests.conftest import signed_in

CSV = (
    "Referral ID,Council,Date Received,Referrer,Subject Type,Subject Forename,Subject Surname,Subject DOB,"
    "Address,Postcode,Contact Number,Concern,Associated Person,Associated Person Details,Outcome,Notes\n"
    "SR-1,Avon Council,03/01/2024,GP,Adult,Harold,Hiddenname,01/08/1976,"
    '"5 Hawthorn Drive, Bristol",BS3 3QD,07708621392,Neglect,,,Section 47 enquiry,None\n'
)


@dataclass
class Hidden:
    viewer: User
    document: int
    ocg: int
    finding: int
    action: int
    batch: int
    row: int
    entity: str
    source: str


@pytest.fixture
def hidden(db: None, tmp_path: object) -> Hidden:
    """Things Avon holds in a compartment it shares with nobody, and a Gloucestershire analyst."""
    glos = factories.organisation("force", name="Gloucestershire Constabulary")
    avon = factories.organisation("force", name="Avon and Somerset Constabulary")
    factories.agreement(avon, glos)  # general items only: nothing below is general
    secret = factories.compartment("Operation Nightjar")
    avon_user = factories.user(avon, "analyst", "improvement_lead")
    viewer = factories.user(glos, "analyst", "improvement_lead", "supervisor")
    doc = factories.document(avon_user, compartment=secret)
    ocg = factories.ocg(avon, compartment=secret)
    finding = Finding.objects.create(
        owner=avon,
        compartment=secret,
        subject=avon,
        kind="recommendation",
        reference="9",
        title="t",
        text="x",
    )
    plan = ImprovementPlan.objects.create(owner=avon, compartment=secret, title="Plan", created_by=avon_user)
    action = ImprovementAction.objects.create(
        plan=plan,
        reference="A1",
        title="Act",
        owner=avon_user,
        due_on=timezone.localdate() + timedelta(days=9),
        created_by=avon_user,
    )
    source = Source.objects.create(
        owner=avon,
        compartment=secret,
        name="nightjar",
        title="Nightjar",
        kind="safeguarding",
        mapping_name="safeguarding.yaml",
    )
    path = tmp_path / "nightjar.csv"  # type: ignore[operator]
    path.write_text(CSV)
    start = intel_services.batch_create(actor=avon_user, source=source, path=path, file_name="nightjar.csv")
    intel_services.batch_run(batch_id=start.batch.pk)
    batch = Batch.objects.get(pk=start.batch.pk)
    row = QuarantinedRow.objects.create(
        owner=avon, compartment=secret, batch=batch, source=source, row=99, raw_text="x", errors=["bad"]
    )
    entity = RecordEntity.objects.filter(owner=avon, schema="Person").first()
    assert entity is not None, batch.message
    return Hidden(viewer, doc.pk, ocg.pk, finding.pk, action.pk, batch.pk, row.pk, entity.pk, source.name)


def _routes(h: Hidden) -> list[tuple[str, str, dict[str, str]]]:
    """(method, path, data): the routes that once refused without logging."""
    return [
        ("GET", f"/network/entities/{h.entity}/", {}),
        ("GET", f"/api/v1/network/entities/{h.entity}?purpose=check", {}),
        ("POST", f"/network/entities/{h.entity}/export/graphml/", {"justification": "x"}),
        ("POST", f"/groups/{h.ocg}/export/graphml/", {"justification": "x"}),
        ("GET", f"/api/v1/network/groups/{h.ocg}/network", {}),
        ("GET", f"/documents/{h.document}/download/", {}),
        ("GET", f"/inspections/findings/{h.finding}/", {}),
        ("GET", f"/api/v1/inspections/findings/{h.finding}", {}),
        ("GET", f"/improvement/actions/{h.action}/", {}),
        ("GET", f"/ingest/batches/{h.batch}/", {}),
        ("GET", f"/api/v1/intel/batches/{h.batch}", {}),
        ("GET", f"/ingest/quarantine/{h.row}/", {}),
        ("GET", f"/api/v1/intel/sources/{h.source}/export.ftm?justification=x", {}),
        ("GET", f"/network/entities/{h.entity}/export/i2/", {}),
    ]


def _request(client: Client, method: str, path: str, data: dict[str, str]) -> object:
    return client.post(path, data) if method == "POST" else client.get(path)


@pytest.mark.django_db
def test_every_route_that_refused_without_a_trace_now_logs_the_refusal(hidden: Hidden) -> None:
    client = signed_in(hidden.viewer)
    unlogged = []
    for method, path, data in _routes(hidden):
        response = _request(client, method, path, data)
        assert response.status_code in (403, 404), (path, response.status_code)  # type: ignore[attr-defined]
        request_id = response["X-Request-ID"]  # type: ignore[index]
        events = AuditEvent.objects.filter(action=AuditAction.PERMISSION_DENIED, request_id=request_id)
        if events.count() != 1:
            unlogged.append(f"{method} {path}: {events.count()} refusal events")
    assert not unlogged, unlogged


@pytest.mark.django_db
def test_a_refusal_names_who_what_and_where_but_never_the_hidden_object(hidden: Hidden) -> None:
    response = signed_in(hidden.viewer).get(f"/documents/{hidden.document}/download/")
    event = AuditEvent.objects.get(request_id=response["X-Request-ID"])
    assert event.actor_id == hidden.viewer.pk
    assert (event.object_type, event.object_id) == ("core.document", str(hidden.document))
    assert event.object_owner == Organisation.objects.get(name="Avon and Somerset Constabulary")
    assert event.object_repr == ""
    assert event.detail["refused"] == "not found"
    assert event.detail["route"] == "core:document_download"


@pytest.mark.django_db
def test_a_refusal_rolled_back_with_its_transaction_is_logged_at_the_edge(analyst: User) -> None:
    with pytest.raises(NotVisible) as caught, transaction.atomic():
        raise refuse(analyst, "No such thing", object_type="core.document", object_id="77")
    assert not AuditEvent.objects.filter(action=AuditAction.PERMISSION_DENIED).exists()
    refusal_settle(caught.value)
    refusal_settle(caught.value)  # settling twice still logs once
    event = AuditEvent.objects.get(action=AuditAction.PERMISSION_DENIED)
    assert (event.actor_id, event.object_id) == (analyst.pk, "77")


@pytest.mark.django_db
def test_a_refusal_shown_beside_a_form_field_is_logged_too(analyst: User) -> None:
    other = factories.organisation("force")
    secret = Compartment.objects.create(name="Op X", slug="op-x")
    ocg = factories.ocg(other, compartment=secret)
    lro = factories.user(analyst.organisation, "lro")  # type: ignore[arg-type]
    client = signed_in(analyst)
    client.post(f"/groups/{ocg.pk}/", {"action": "archive", "reason": "gone"})
    assert AuditEvent.objects.filter(action=AuditAction.PERMISSION_DENIED, actor=analyst).count() == 1
    del lro


@pytest.mark.django_db
def test_a_document_refusal_via_the_service_is_logged_once(analyst: User) -> None:
    outsider = factories.user(factories.organisation("force"), "analyst")
    doc = core_services.document_upload(
        actor=analyst, handle=io.BytesIO(b"x\n"), filename="a.txt", title="Secret"
    )
    response = signed_in(outsider).get(f"/documents/{doc.pk}/")
    assert response.status_code == 404
    assert AuditEvent.objects.filter(action=AuditAction.PERMISSION_DENIED, actor=outsider).count() == 1
