"""Journey 1 (part): upload an extract, watch it finish, find a person by a misspelt name."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from socmap.apps.core.demo import DEMO_PASSWORD, build_demo_organisations
from socmap.apps.intel.demo import DEMO_SOURCES
from socmap.apps.intel.models import RecordEntity
from socmap.apps.intel.services import sources_ensure
from socmap.engines.synth import SynthConfig, generate

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_upload_progress_and_fuzzy_search(live_server: object, page: object, tmp_path: Path) -> None:
    region = tmp_path / "sw"
    generate(SynthConfig(seed=5, size="small"), out_dir=region)
    build_demo_organisations()
    file, name, title, kind, mapping, owner, handling = next(
        s for s in DEMO_SOURCES if s[1] == "intel-gloucestershire"
    )
    from socmap.apps.core.models import Organisation

    sources_ensure(
        [
            {
                "owner": Organisation.objects.get(name=owner),
                "name": name,
                "title": title,
                "kind": kind,
                "mapping_name": mapping,
                "handling": handling,
            }
        ]
    )
    with (region / file).open(newline="", encoding="utf-8") as handle:
        first = next(
            r for r in csv.DictReader(handle) if r["SubjectSurname"].strip() and r["SubjectForename"].strip()
        )
    surname = first["SubjectSurname"].strip()
    base = live_server.url  # type: ignore[attr-defined]
    page.goto(f"{base}/accounts/sign-in/")  # type: ignore[attr-defined]
    page.fill("#id_username", "analyst")  # type: ignore[attr-defined]
    page.fill("#id_password", DEMO_PASSWORD)  # type: ignore[attr-defined]
    page.click("button:has-text('Sign in')")  # type: ignore[attr-defined]
    page.goto(f"{base}/ingest/")  # type: ignore[attr-defined]
    page.select_option("#id_source", "intel-gloucestershire")  # type: ignore[attr-defined]
    page.set_input_files("#id_file", str(region / file))  # type: ignore[attr-defined]
    page.click("button:has-text('Upload and ingest')")  # type: ignore[attr-defined]
    page.wait_for_selector("#batch-progress .govuk-tag:has-text('Done')", timeout=60_000)  # type: ignore[attr-defined]
    assert int(page.inner_text("#rows-done").split()[0].replace(",", "")) > 0  # type: ignore[attr-defined]
    entity = RecordEntity.objects.filter(schema="Person", name_norm__icontains=surname.lower()).first()
    assert entity is not None
    misspelt = surname[0] + surname[2] + surname[1] + surname[3:] if len(surname) > 3 else surname + "e"
    page.goto(f"{base}/search/")  # type: ignore[attr-defined]
    if "Purpose of access" in page.title():  # type: ignore[attr-defined]
        page.fill("#id_purpose", "Browser test enquiry")  # type: ignore[attr-defined]
        page.click("button:has-text('Continue')")  # type: ignore[attr-defined]
    page.fill("#id_name", f"{first['SubjectForename'].split()[0]} {misspelt}")  # type: ignore[attr-defined]
    page.click("button:has-text('Search')")  # type: ignore[attr-defined]
    results = page.inner_text("table")  # type: ignore[attr-defined]
    assert surname.lower() in results.lower()
