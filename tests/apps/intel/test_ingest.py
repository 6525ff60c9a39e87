"""Ingest end to end on the small synthetic region: nothing lost, nothing duplicated, grading kept."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path
from typing import Any

import phonenumbers
import pytest
from django.db import connection

from socmap.apps.core.demo import build_demo_organisations
from socmap.apps.core.models import AuditAction, AuditEvent, User
from socmap.apps.intel import reads, selectors, services, store
from socmap.apps.intel.demo import DEMO_SOURCES, build_demo_intel
from socmap.apps.intel.models import (
    Batch,
    BatchStatus,
    QuarantinedRow,
    Record,
    RecordEntity,
    RecordLink,
    Source,
    Statement,
)
from socmap.errors import InvalidInput, NotVisible
from tests.apps.intel.conftest import malformed, manifest_rows
from tests.conftest import signed_in


@pytest.fixture
def ingested(db: None, region: Path) -> list[Batch]:
    build_demo_organisations()
    return build_demo_intel(folder=region)


# A few sources are enough for most behaviours, and much quicker than the whole region.
SOME = {
    "intel-gloucestershire",
    "legacy-gloucestershire",
    "cdr",
    "safeguarding-cheltenham",
    "housing-cheltenham",
}


@pytest.fixture
def some(db: None, region: Path) -> list[Batch]:
    build_demo_organisations()
    return build_demo_intel(folder=region, only=SOME)


@pytest.mark.django_db
def test_the_small_region_ingests_with_nothing_lost(ingested: list[Batch], region: Path) -> None:
    rows = manifest_rows(region)
    bad = malformed(region)
    for (file, *_), batch in zip(DEMO_SOURCES, ingested, strict=True):
        assert batch.status == BatchStatus.DONE, batch.message
        assert batch.rows_done == rows[file], file
        stored = Record.objects.filter(batch=batch).count()
        quarantined = QuarantinedRow.objects.filter(batch=batch).count()
        assert stored + quarantined == rows[file], f"{file}: {stored} + {quarantined} != {rows[file]}"
        expected_bad = bad.get(file, set())
        held = set(QuarantinedRow.objects.filter(batch=batch).values_list("row", flat=True))
        assert expected_bad <= held, f"{file}: planted malformed rows {expected_bad - held} not quarantined"
        assert all(q.errors for q in QuarantinedRow.objects.filter(batch=batch))
    assert Statement.objects.count() > Record.objects.count()
    assert store.orphans() == {}


@pytest.mark.django_db
def test_re_ingesting_the_same_files_changes_no_counts(ingested: list[Batch], region: Path) -> None:
    counts = (
        Record.objects.count(),
        Statement.objects.count(),
        QuarantinedRow.objects.count(),
        Batch.objects.count(),
    )
    again = build_demo_intel(folder=region)
    assert [b.pk for b in again] == [b.pk for b in ingested]
    assert (
        Record.objects.count(),
        Statement.objects.count(),
        QuarantinedRow.objects.count(),
        Batch.objects.count(),
    ) == counts


@pytest.mark.django_db
def test_a_newer_extract_adds_exactly_the_changed_statements(
    some: list[Batch], region: Path, tmp_path: Path
) -> None:
    source = Source.objects.get(name="housing-cheltenham")
    first = Record.objects.filter(source=source).order_by("row").first()
    assert first is not None
    original = (region / "housing.csv").read_bytes()
    old_phone = str(first.raw.get("contact_phone", ""))
    assert old_phone, "the first housing row has a phone to change"
    newer = tmp_path / "housing.csv"
    new_phone = "07700 900123"
    newer.write_bytes(original.replace(old_phone.encode("cp1252"), new_phone.encode("cp1252"), 1))
    statements, records = Statement.objects.count(), Record.objects.count()
    user = User.objects.get(organisation=source.owner)
    start = services.batch_create(actor=user, source=source, path=newer, file_name="housing.csv")
    batch = services.batch_run(batch_id=start.batch.pk)
    assert Record.objects.count() == records
    assert batch.records_new == 0 and batch.statements_new == Statement.objects.count() - statements
    assert batch.statements_new == 1
    assert Statement.objects.filter(value="+447700900123", record=first).exists()
    first.refresh_from_db()
    assert first.last_batch_id == batch.pk and first.raw_versions
    assert store.orphans() == {}


@pytest.mark.django_db
def test_entities_stored_with_hashed_ids_keep_them_in_a_newer_extract(
    some: list[Batch], region: Path, tmp_path: Path
) -> None:
    """Entities and links stored before ids were numbered (hashed ids) are found by record and key,
    so a newer extract neither duplicates them nor leaves its new statements without an entity."""
    source = Source.objects.get(name="housing-cheltenham")
    first = Record.objects.filter(source=source).order_by("row").first()
    assert first is not None and first.links.exists()
    for entity in RecordEntity.objects.filter(record=first):
        hashed = hashlib.sha1(f"{source.name}|{first.record_key}|{entity.key}||".encode()).hexdigest()  # noqa: S324
        RecordEntity.objects.filter(pk=entity.pk).update(id=hashed)
        Statement.objects.filter(entity_id=entity.pk).update(entity_id=hashed)
        RecordLink.objects.filter(source_entity_id=entity.pk).update(source_entity_id=hashed)
        RecordLink.objects.filter(target_entity_id=entity.pk).update(target_entity_id=hashed)
    for link in RecordLink.objects.filter(record=first):
        RecordLink.objects.filter(pk=link.pk).update(id=hashlib.sha1(link.pk.encode()).hexdigest())  # noqa: S324
    entities = set(RecordEntity.objects.filter(record=first).values_list("id", flat=True))
    links = set(RecordLink.objects.filter(record=first).values_list("id", flat=True))
    old_phone = str(first.raw["contact_phone"])
    newer = tmp_path / "housing.csv"
    original = (region / "housing.csv").read_bytes()
    newer.write_bytes(original.replace(old_phone.encode("cp1252"), b"07700 900123", 1))
    user = User.objects.get(organisation=source.owner)
    start = services.batch_create(actor=user, source=source, path=newer, file_name="housing.csv")
    batch = services.batch_run(batch_id=start.batch.pk)
    assert batch.records_new == 0 and batch.statements_new == 1
    assert set(RecordEntity.objects.filter(record=first).values_list("id", flat=True)) == entities
    assert set(RecordLink.objects.filter(record=first).values_list("id", flat=True)) == links
    added = Statement.objects.get(value="+447700900123", record=first)
    assert added.entity_id in entities
    assert store.orphans() == {}


def test_entity_ids_grow_with_their_record_and_fit_the_column() -> None:
    assert store.entity_id(7, "person") == "000000000007.person"
    assert store.entity_id(7, "person") < store.entity_id(10, "address") < store.entity_id(123456, "a")
    long_key = store.entity_id(7, "k" * 80)
    assert len(long_key) == 40 and long_key.startswith("000000000007.")
    assert long_key != store.entity_id(7, "k" * 79)
    tag = store.link_tag("person", "address", "LivesAt")
    assert len(store.link_id(7, tag)) <= 40 and tag != store.link_tag("address", "person", "LivesAt")


@pytest.mark.django_db
def test_legacy_records_keep_their_5x5x5_grading_beside_the_mapped_one(some: list[Batch]) -> None:
    record = Record.objects.filter(source__name="legacy-gloucestershire").first()
    assert record is not None
    assert record.grading_scheme == "5x5x5" and record.original_grading
    assert record.source_evaluation in {"1", "2", "3"} and record.intelligence_assessment in set("ABCDE")
    analyst = User.objects.get(username="analyst")
    html = signed_in(analyst).get(f"/records/{record.pk}/").content.decode()
    assert record.original_grading in html and "mapped from 5x5x5" in html


@pytest.mark.django_db
def test_handling_c_conditions_travel_with_the_record(some: list[Batch]) -> None:
    record = Record.objects.filter(handling="C").exclude(conditions="").first()
    assert record is not None
    owner_user = User.objects.filter(organisation=record.owner).first()
    assert owner_user is not None
    html = signed_in(owner_user).get(f"/records/{record.pk}/").content.decode()
    assert record.conditions.split("\n")[0][:40] in html
    api = signed_in(owner_user).get(f"/api/v1/intel/records/{record.pk}").json()
    assert api["handling"] == "C" and api["conditions"]


@pytest.mark.django_db
def test_a_partner_sees_only_its_own_or_shared_records(some: list[Batch]) -> None:
    partner = User.objects.get(username="partner")
    council = partner.organisation
    assert council is not None
    own = Record.objects.filter(owner=council).first()
    other = Record.objects.exclude(owner=council).first()
    assert own is not None and other is not None
    client = signed_in(partner)
    assert client.get(f"/records/{own.pk}/").status_code == 200
    assert client.get(f"/records/{other.pk}/").status_code == 404
    assert client.get(f"/api/v1/intel/records/{other.pk}").status_code == 404
    person = other.entities.filter(schema="Person").exclude(caption="").first()
    if person is not None:
        hits = client.get("/api/v1/intel/people", {"name": person.caption}).json()
        assert all(h["record_id"] != other.pk for h in hits)
        assert other.pk not in [
            h.entity.record_id
            for h in selectors.person_search(viewer=partner, query=selectors.PersonQuery(name=person.caption))
        ]
    with pytest.raises(NotVisible):
        selectors.record_get(viewer=partner, record_id=other.pk, justification="x")


@pytest.mark.django_db
def test_search_finds_a_person_by_a_misspelt_name_and_logs_it(some: list[Batch]) -> None:
    analyst = User.objects.get(username="analyst")
    person = Record.objects.filter(owner=analyst.organisation).exclude(erased_at__isnull=False).first()
    assert person is not None
    entity = person.entities.filter(schema="Person").exclude(caption="").first()
    assert entity is not None
    name = entity.caption
    misspelt = name[:-2] + name[-1] + name[-2] if len(name) > 4 else name  # swap the last two letters
    hits = selectors.person_search(viewer=analyst, query=selectors.PersonQuery(name=misspelt))
    assert entity.pk in [h.entity.pk for h in hits]
    response = signed_in(analyst).get("/search/", {"name": misspelt})
    assert response.status_code == 200
    assert AuditEvent.objects.filter(action=AuditAction.CONSULTATION, object_type="search").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("schema", ["Phone", "Vehicle"])
def test_search_finds_a_person_by_a_phone_or_registration_as_typed(some: list[Batch], schema: str) -> None:
    """Typed as people type them (national format, spaces, lower case), or a phone's last digits."""
    analyst = User.objects.get(username="analyst")
    link = (
        RecordLink.objects.filter(
            owner=analyst.organisation, target_entity__schema=schema, source_entity__schema="Person"
        )
        .exclude(target_entity__identifier="")
        .select_related("target_entity")
        .first()
    )
    assert link is not None, f"a person linked to a {schema} in the sources of the test"
    stored = link.target_entity.identifier
    if schema == "Phone":
        national = phonenumbers.format_number(
            phonenumbers.parse(stored), phonenumbers.PhoneNumberFormat.NATIONAL
        )
        typed = [selectors.PersonQuery(phone=national), selectors.PersonQuery(phone=stored[-7:])]
    else:
        typed = [selectors.PersonQuery(vrm=f" {stored[:4].lower()} {stored[4:]} ")]
    for query in typed:
        hits = selectors.person_search(viewer=analyst, query=query)
        assert link.source_entity_id in [h.entity.pk for h in hits], query


@pytest.mark.django_db
def test_reading_a_record_is_an_audited_consultation(some: list[Batch]) -> None:
    analyst = User.objects.get(username="analyst")
    record = Record.objects.filter(owner=analyst.organisation).first()
    assert record is not None
    signed_in(analyst, purpose="Operation Falcon").get(f"/records/{record.pk}/")
    assert AuditEvent.objects.filter(
        action=AuditAction.CONSULTATION,
        object_type="intel.record",
        object_id=str(record.pk),
        justification="Operation Falcon",
    ).exists()


@pytest.mark.django_db
def test_erasure_removes_content_and_is_logged(some: list[Batch]) -> None:
    admin = User.objects.get(username="admin")
    record = Record.objects.filter(owner=admin.organisation).first()
    assert record is not None
    services.record_erase(actor=admin, record=record, justification="Court order 2026/44")
    record.refresh_from_db()
    assert record.raw == {} and record.erased_at and not record.statements.exists()
    assert store.orphans() == {}
    assert AuditEvent.objects.filter(
        action=AuditAction.ERASURE, object_id=str(record.pk), justification="Court order 2026/44"
    ).exists()


@pytest.mark.django_db
def test_bad_files_are_refused_with_the_reason_and_store_nothing(
    some: list[Batch], region: Path, tmp_path: Path
) -> None:
    source = Source.objects.get(name="intel-gloucestershire")
    user = User.objects.get(username="analyst")
    before = (Record.objects.count(), QuarantinedRow.objects.count())
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(InvalidInput, match="empty"):
        services.batch_create(actor=user, source=source, path=empty, file_name="empty.csv")
    wrong = tmp_path / "custody.csv"
    shutil.copy(region / "custody.xlsx", wrong)
    start = services.batch_create(actor=user, source=source, path=wrong, file_name="custody.csv")
    with pytest.raises(InvalidInput):
        services.batch_run(batch_id=start.batch.pk)
    start.batch.refresh_from_db()
    assert start.batch.status == BatchStatus.REFUSED and start.batch.message
    assert (Record.objects.count(), QuarantinedRow.objects.count()) == before


@pytest.mark.django_db
def test_an_upload_over_the_limit_is_refused(some: list[Batch], settings: object) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.SOCMAP_UPLOAD_MAX_BYTES = 100  # type: ignore[attr-defined]
    analyst = User.objects.get(username="analyst")
    response = signed_in(analyst).post(
        "/ingest/",
        {
            "source": "intel-gloucestershire",
            "file": SimpleUploadedFile("big.csv", b"x" * 500, content_type="text/csv"),
        },
    )
    assert response.status_code == 400
    assert "larger than the" in response.content.decode()


@pytest.mark.django_db
def test_only_the_owner_ingests_into_a_source(some: list[Batch], region: Path) -> None:
    partner = User.objects.get(username="partner")
    source = Source.objects.get(name="intel-gloucestershire")
    with pytest.raises(NotVisible):
        services.batch_create(
            actor=partner, source=source, path=region / "intel/gloucestershire.csv", file_name="x.csv"
        )


@pytest.mark.django_db
def test_a_fixed_quarantined_row_becomes_a_record(some: list[Batch], region: Path, tmp_path: Path) -> None:
    import csv

    source = Source.objects.get(name="intel-gloucestershire")
    user = User.objects.get(username="analyst")
    with (region / "intel/gloucestershire.csv").open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        header = list(reader.fieldnames or [])
        good = next(r for r in reader if r["SubjectDOB"] and r["IntelRef"])
    good["IntelRef"] = "GL-FIX-0001"
    good["SubjectDOB"] = "31-02-1990"  # no such day
    extract = tmp_path / "gloucestershire-fix.csv"
    with extract.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writeheader()
        writer.writerow(good)
    start = services.batch_create(actor=user, source=source, path=extract, file_name=extract.name)
    batch = services.batch_run(batch_id=start.batch.pk)
    assert batch.quarantined == 1 and batch.records_new == 0
    row = QuarantinedRow.objects.get(batch=batch)
    assert any(e["field"] for e in row.errors) and "1990" in row.raw_text
    still_bad = {**{k: str(v) for k, v in (row.raw or {}).items()}, "SubjectDOB": "30-02-1990"}
    with pytest.raises(InvalidInput) as refused:
        services.quarantine_resubmit(actor=user, row=row, fixed=still_bad)
    assert refused.value.fields
    fixed = {**still_bad, "SubjectDOB": "28-02-1990"}
    response = signed_in(user).post(
        f"/ingest/quarantine/{row.pk}/",
        {f"col-{i}": fixed.get(name, "") for i, name in enumerate(row.raw or {})},
    )
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.status == "resubmitted" and row.resolved_record is not None
    assert row.resolved_record.record_key == "GL-FIX-0001"
    assert Statement.objects.filter(
        record=row.resolved_record, prop="birth_date", value="1990-02-28"
    ).exists()
    assert store.orphans() == {}


@pytest.mark.django_db
def test_ftm_export_is_audited_and_respects_visibility(some: list[Batch]) -> None:
    import json

    analyst = User.objects.get(username="analyst")
    client = signed_in(analyst)
    response = client.get(
        "/api/v1/intel/sources/intel-gloucestershire/export.ftm", {"justification": "NCA return"}
    )
    assert response.status_code == 200
    lines = [json.loads(line) for line in b"".join(response.streaming_content).decode().splitlines()]  # type: ignore[attr-defined]
    schemata = {line["schema"] for line in lines}
    assert "Person" in schemata and lines[0]["id"]
    assert AuditEvent.objects.filter(
        action=AuditAction.DISCLOSURE, object_id="ftm:intel-gloucestershire", justification="NCA return"
    ).exists()
    partner = signed_in(User.objects.get(username="partner"))
    hidden = partner.get("/api/v1/intel/sources/intel-gloucestershire/export.ftm", {"justification": "x"})
    assert hidden.status_code == 404
    assert client.get("/api/v1/intel/sources/intel-gloucestershire/export.ftm").status_code == 422


@pytest.mark.django_db
def test_person_records_feed_the_resolver_with_names_dates_addresses_and_phones(some: list[Batch]) -> None:
    rows = reads.person_rows(viewer=reads.system_job("test"))
    assert len(rows) == RecordEntity.objects.filter(schema="Person").count()
    with_all = [
        r for r in rows if r.get("last_name") and r.get("birth_date") and r.get("postcode") and r.get("phone")
    ]
    assert with_all, "intelligence subjects carry name, date of birth, postcode and phone"
    assert all(str(r["phone"]).startswith("+") for r in with_all)
    assert {r["source"] for r in rows} <= {s.name for s in Source.objects.all()}


@pytest.mark.django_db
def test_the_integrity_check_finds_rows_that_lost_their_parent(some: list[Batch]) -> None:
    """The bulk tables have no foreign-key constraints: this check stands in for them."""
    assert store.orphans() == {}
    entity = RecordEntity.objects.filter(statements__isnull=False, schema="Person").first()
    assert entity is not None
    with connection.cursor() as cursor:  # behind the ORM's back, as a constraint would have refused
        cursor.execute("DELETE FROM intel_recordentity WHERE id = %s", [entity.pk])
    found = store.orphans()
    assert found["statement without its entity, or of another record's entity"] == entity.statements.count()


@pytest.mark.django_db
def test_the_api_ingests_once_and_refuses_empty_or_unknown_input(some: list[Batch], region: Path) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = signed_in(User.objects.get(username="analyst"))
    body = (region / "intel/gloucestershire.csv").read_bytes()
    before = Record.objects.count()

    def post(source: str, name: str, content: bytes) -> Any:
        upload = SimpleUploadedFile(name, content, content_type="text/csv")
        return client.post("/api/v1/intel/ingest", {"source": source, "file": upload})

    again = post("intel-gloucestershire", "gloucestershire.csv", body)
    assert again.status_code == 200 and again.json()["duplicate"] is True
    empty = post("intel-gloucestershire", "empty.csv", b"")
    assert empty.status_code == 400 and "empty" in empty.json()["message"]
    unknown = post("no-such-source", "x.csv", body)
    assert unknown.status_code == 404
    assert Record.objects.count() == before


@pytest.mark.django_db
def test_the_ingest_page_counts_statements_from_the_batches_a_viewer_may_list(some: list[Batch]) -> None:
    from django.db.models import Sum

    from socmap.apps.intel import selectors

    for username in ("analyst", "partner"):
        user = User.objects.get(username=username)
        listed = Batch.objects.filter(source__in=selectors.source_list(viewer=user))
        expected = listed.aggregate(n=Sum("statements_new"))["n"] or 0
        page = signed_in(user).get("/ingest/").content.decode()
        assert f"{expected:,} statements added by the extracts below" in page
    everyone = Batch.objects.aggregate(n=Sum("statements_new"))["n"]
    partner = User.objects.get(username="partner")
    assert selectors.batch_statements(viewer=partner) < everyone
