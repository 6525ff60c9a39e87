"""Journey 3 (part): open a proposed OCG, see its network, adopt it with an LRO, download its GraphML."""

from __future__ import annotations

from pathlib import Path

import pytest

from socmap.apps.core.demo import DEMO_PASSWORD, build_demo_organisations
from socmap.apps.intel.demo import build_demo_intel
from socmap.apps.network import services
from socmap.apps.network.models import OCG, OCGStatus
from socmap.apps.resolution.services import resolution_run
from socmap.engines.synth import SynthConfig, generate

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_open_view_adopt_and_export_a_proposed_group(
    live_server: object, page: object, tmp_path: Path
) -> None:
    region = tmp_path / "sw"
    generate(SynthConfig(seed=11, size="small"), out_dir=region)
    build_demo_organisations()
    build_demo_intel(folder=region, only={"custody", "intel-gloucestershire", "cdr"})
    resolution_run(actor=None, kind="full")
    assert services.analysis_run(actor=None).status == "done"
    ocg = OCG.objects.filter(status=OCGStatus.PROPOSED).order_by("id").first()
    assert ocg is not None
    base = live_server.url  # type: ignore[attr-defined]
    page.goto(f"{base}/accounts/sign-in/")  # type: ignore[attr-defined]
    page.fill("#id_username", "analyst")  # type: ignore[attr-defined]
    page.fill("#id_password", DEMO_PASSWORD)  # type: ignore[attr-defined]
    page.click("button:has-text('Sign in')")  # type: ignore[attr-defined]
    page.goto(f"{base}/groups/?status=proposed")  # type: ignore[attr-defined]
    page.click(f"#ocg-list a:has-text('{ocg.name}')")  # type: ignore[attr-defined]
    if "Purpose of access" in page.title():  # type: ignore[attr-defined]
        page.fill("#id_purpose", "Assessing a proposed group")  # type: ignore[attr-defined]
        page.click("button:has-text('Continue')")  # type: ignore[attr-defined]
    assert "proposed because" in page.inner_text("#ocg-explanation")  # type: ignore[attr-defined]
    assert "Principal" in page.inner_text("#ocg-members")  # type: ignore[attr-defined]
    page.wait_for_selector("#network-graph[data-drawn]")  # type: ignore[attr-defined]
    assert int(page.get_attribute("#network-graph", "data-drawn")) >= 4  # type: ignore[attr-defined]
    page.click("#adopt summary")  # type: ignore[attr-defined]
    page.select_option("#id_lead_force", "gloucestershire-constabulary")  # type: ignore[attr-defined]
    page.select_option("#id_lro", label=page.inner_text("#id_lro option:has-text('Gloucestershire')"))  # type: ignore[attr-defined]
    page.click("#adopt button:has-text('Adopt')")  # type: ignore[attr-defined]
    page.wait_for_selector("text=Adopted as GL-OCG-0001")  # type: ignore[attr-defined]
    assert "GL-OCG-0001" in page.inner_text(".moj-identity-bar")  # type: ignore[attr-defined]
    page.click("#ocg-exports a:has-text('GraphML')")  # type: ignore[attr-defined]
    page.fill("#id_justification", "Briefing the tasking group")  # type: ignore[attr-defined]
    with page.expect_download() as info:  # type: ignore[attr-defined]
        page.click("button:has-text('Export')")  # type: ignore[attr-defined]
    saved = tmp_path / "group.graphml"
    info.value.save_as(saved)
    text = saved.read_text()
    assert text.startswith("<?xml") and "<graphml" in text and text.count("<node ") >= 4
    assert info.value.suggested_filename == "socmap-gl-ocg-0001.graphml"
    assert not [m for m in page.console_messages if m.startswith("error")]  # type: ignore[attr-defined]
