"""Sources and mappings in the service: checked on upload (file, line, reason), previewed, then saved."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from socmap.apps.core.models import User
from socmap.apps.intel import services, sources
from socmap.apps.intel.models import MappingFile, Record, Source, Statement
from socmap.errors import InvalidMapping
from tests.conftest import signed_in

GOOD = """source: lettings
format: csv
record_id: Ref
grading:
  default: "3x5x2: 2 B P"
entities:
  - key: tenant
    schema: Person
    properties:
      full_name: Tenant
      birth_date: DOB
"""
BAD = GOOD.replace("full_name: Tenant", "full_name: Tenant\n      shoe_size: Shoe")
SAMPLE = b"Ref,Tenant,DOB,Shoe\nL1,JO BLOGGS,1990-01-02,9\nL2,Ann Other,31/02/1990,7\n"


@pytest.fixture
def lettings(force: Any) -> Source:
    return services.source_register(
        actor=None, owner=force, name="lettings", title="Lettings", kind="housing", mapping_name="ftm.yaml"
    )


def test_a_bad_mapping_is_refused_naming_file_line_and_reason() -> None:
    with pytest.raises(InvalidMapping) as refused:
        sources.mapping_check(BAD, "lettings.yaml")
    assert "lettings.yaml" in str(refused.value) and "line 11" in str(refused.value)
    assert "unknown property 'shoe_size'" in str(refused.value)
    with pytest.raises(InvalidMapping, match=r"lettings\.yaml: not UTF-8"):
        sources.mapping_text(b"\xff\xfe", "lettings.yaml")


@pytest.mark.django_db
def test_the_preview_maps_the_first_rows_and_commits_nothing(tmp_path: Path) -> None:
    sample = tmp_path / "lettings.csv"
    sample.write_bytes(SAMPLE)
    rows = sources.mapping_preview(sources.mapping_check(GOOD, "lettings.yaml"), sample, "lettings.csv")
    assert [r.quarantined for r in rows] == [False, True]
    assert rows[0].entities[0].schema == "Person" and ("full_name", "JO BLOGGS") in rows[0].entities[0].values
    assert "31/02/1990" in rows[1].reasons[0]
    assert (Record.objects.count(), Statement.objects.count(), MappingFile.objects.count()) == (0, 0, 0)


@pytest.mark.django_db
def test_an_ftm_source_needs_no_mapping_and_an_uploaded_one_is_used(force: Any, analyst: User) -> None:
    source = services.source_register(
        actor=analyst, owner=force, name="aleph", title="Aleph", kind="other", mapping_name=""
    )
    assert source.mapping_name == "ftm.yaml" and sources.mapping_load(source.mapping_name).format == "ftm"
    saved = sources.mapping_save(actor=analyst, name="aleph.yaml", text=GOOD, file_name="anywhere.yaml")
    sources.source_mapping_set(actor=analyst, source=source, mapping_name=saved.name)
    assert sources.mapping_load(Source.objects.get(pk=source.pk).mapping_name).format == "csv"
    with pytest.raises(InvalidMapping):
        sources.mapping_save(actor=analyst, name="aleph.yaml", text=BAD, file_name="bad.yaml")


@pytest.mark.django_db
def test_the_pages_refuse_a_bad_mapping_preview_a_good_one_then_save_it(
    analyst: User, lettings: Source
) -> None:
    Source.objects.filter(pk=lettings.pk).update(owner=analyst.organisation)
    client = signed_in(analyst)
    url = "/sources/lettings/mapping/"
    bad = client.post(url, {"action": "preview", "mapping": SimpleUploadedFile("bad.yaml", BAD.encode())})
    assert bad.status_code == 400 and b"bad.yaml, line 11" in bad.content
    shown = client.post(
        url,
        {
            "action": "preview",
            "mapping": SimpleUploadedFile("good.yaml", GOOD.encode()),
            "sample": SimpleUploadedFile("lettings.csv", SAMPLE),
        },
    )
    assert (
        shown.status_code == 200
        and b"JO BLOGGS" in shown.content
        and b"Would be quarantined" in shown.content
    )
    assert MappingFile.objects.count() == 0 and Record.objects.count() == 0
    saved = client.post(
        url, {"action": "commit", "text": base64.b64encode(GOOD.encode()).decode(), "file_name": "g.yaml"}
    )
    assert saved.status_code == 302
    assert Source.objects.get(pk=lettings.pk).mapping_name == "lettings.yaml"
    listed = client.get("/sources/")
    assert listed.status_code == 200 and b"Lettings" in listed.content


@pytest.mark.django_db
def test_the_api_registers_a_source_refuses_a_bad_mapping_and_previews_before_saving(analyst: User) -> None:
    client = signed_in(analyst)
    made = client.post(
        "/api/v1/intel/sources",
        {"name": "aleph-api", "title": "Aleph", "kind": "other"},
        content_type="application/json",
    )
    assert made.status_code == 201 and made.json()["mapping_name"] == "ftm.yaml"
    again = client.post(
        "/api/v1/intel/sources", {"name": "aleph-api", "title": "Aleph"}, content_type="application/json"
    )
    assert again.status_code == 409
    url = "/api/v1/intel/sources/aleph-api/mapping"
    bad = client.post(url, {"mapping": SimpleUploadedFile("bad.yaml", BAD.encode())})
    assert bad.status_code == 400 and "bad.yaml, line 11" in bad.json()["fields"]["mapping"][0]
    shown = client.post(
        url,
        {
            "mapping": SimpleUploadedFile("m.yaml", GOOD.encode()),
            "sample": SimpleUploadedFile("s.csv", SAMPLE),
        },
    )
    body = shown.json()
    assert shown.status_code == 200 and not body["saved"] and body["mapping_name"] == "ftm.yaml"
    assert [r["quarantined"] for r in body["preview"]] == [False, True]
    assert MappingFile.objects.count() == 0 and Record.objects.count() == 0
    saved = client.post(url, {"mapping": SimpleUploadedFile("m.yaml", GOOD.encode()), "commit": "true"})
    assert saved.status_code == 200 and saved.json()["mapping_name"] == "aleph-api.yaml"
    assert client.get("/api/v1/intel/sources/aleph-api").json()["mapping_name"] == "aleph-api.yaml"
