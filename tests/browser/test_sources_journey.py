"""Register a source, upload its mapping (a bad one first), preview a sample, then save the mapping."""

from __future__ import annotations

from pathlib import Path

import pytest

from socmap.apps.core.demo import DEMO_PASSWORD, build_demo_organisations
from socmap.apps.intel.models import MappingFile, Record, Source
from tests.apps.intel.test_sources import BAD, GOOD, SAMPLE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_register_a_source_upload_a_mapping_preview_and_commit(
    live_server: object, page: object, tmp_path: Path
) -> None:
    build_demo_organisations()
    (tmp_path / "bad.yaml").write_text(BAD, encoding="utf-8")
    (tmp_path / "lettings.yaml").write_text(GOOD, encoding="utf-8")
    (tmp_path / "lettings.csv").write_bytes(SAMPLE)
    base = live_server.url  # type: ignore[attr-defined]
    p: object = page
    p.goto(f"{base}/accounts/sign-in/")  # type: ignore[attr-defined]
    p.fill("#id_username", "analyst")  # type: ignore[attr-defined]
    p.fill("#id_password", DEMO_PASSWORD)  # type: ignore[attr-defined]
    p.click("button:has-text('Sign in')")  # type: ignore[attr-defined]
    p.goto(f"{base}/sources/")  # type: ignore[attr-defined]
    p.fill("#id_name", "lettings-cheltenham")  # type: ignore[attr-defined]
    p.fill("#id_title", "Lettings – Cheltenham")  # type: ignore[attr-defined]
    p.select_option("#id_kind", "housing")  # type: ignore[attr-defined]
    p.click("button:has-text('Register source')")  # type: ignore[attr-defined]
    p.wait_for_selector("h1:has-text('Mapping for Lettings')")  # type: ignore[attr-defined]
    assert Source.objects.get(name="lettings-cheltenham").mapping_name == "ftm.yaml"
    p.set_input_files("#id_mapping", str(tmp_path / "bad.yaml"))  # type: ignore[attr-defined]
    p.click("button:has-text('Check and preview')")  # type: ignore[attr-defined]
    summary = p.inner_text(".govuk-error-summary")  # type: ignore[attr-defined]
    assert "bad.yaml, line 11" in summary and "shoe_size" in summary
    p.set_input_files("#id_mapping", str(tmp_path / "lettings.yaml"))  # type: ignore[attr-defined]
    p.set_input_files("#id_sample", str(tmp_path / "lettings.csv"))  # type: ignore[attr-defined]
    p.click("button:has-text('Check and preview')")  # type: ignore[attr-defined]
    p.wait_for_selector("h2:has-text('Preview of lettings.yaml')")  # type: ignore[attr-defined]
    body = p.inner_text("main")  # type: ignore[attr-defined]
    assert "JO BLOGGS" in body and "Would be quarantined" in body and "31/02/1990" in body
    assert Record.objects.count() == 0 and MappingFile.objects.count() == 0  # the preview stored nothing
    p.click("button:has-text('Save this mapping')")  # type: ignore[attr-defined]
    p.wait_for_selector("text=Current mapping: lettings-cheltenham.yaml")  # type: ignore[attr-defined]
    assert Source.objects.get(name="lettings-cheltenham").mapping_name == "lettings-cheltenham.yaml"
    assert MappingFile.objects.get().text == GOOD
