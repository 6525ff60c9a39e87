"""A partner version holds nothing the partner could not see in the app: every name, number and text
of its HTML and PDF is walked and checked against the one visibility rule, including figures that would
let a hidden item be inferred (a count of one)."""

from __future__ import annotations

import re
import subprocess
from datetime import timedelta
from pathlib import Path
from typing import Any

from socmap.apps.assessment.models import Threat
from socmap.apps.core.visibility import organisation_sees
from socmap.apps.network.models import OCG
from socmap.apps.profile import services
from socmap.apps.profile.documents import document_html
from tests.apps.profile.conftest import HIDDEN, World, as_of

MODELS: dict[str, Any] = {"threat": Threat, "group": OCG}


def _issue(world: World) -> tuple[Any, Any]:
    profile = services.profile_create(
        actor=world.analyst, title="Profile", as_of=as_of(), partners=[world.council]
    )
    services.text_save(
        actor=world.analyst, profile=profile, section="threat_picture", text="Shared view 2024."
    )
    services.text_save(
        actor=world.analyst, profile=profile, section="intelligence_gaps",
        text=f"{HIDDEN}: restricted assessment", audience="full",
    )  # fmt: skip
    for key in ("vulnerable_people_places", "partners_data"):
        services.text_save(actor=world.council_user, profile=profile, section=key, text=f"Council on {key}.")
        services.signoff(actor=world.council_user, profile=profile, section=key)
    full, council = services.profile_issue(actor=world.analyst, profile=profile)
    return full, council


def _pdf_text(version: Any, tmp_path: Path) -> str:
    path = tmp_path / f"v{version.pk}.pdf"
    path.write_bytes(
        services.version_pdf(
            actor=version.built_by, version=version, html=document_html(version, links=False)
        )
    )
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_every_input_of_every_figure_is_visible_to_the_partner_and_nothing_hidden_is_counted(
    world: World,
) -> None:
    _, council = _issue(world)
    for key, fig in council.content["figures"].items():
        for item in fig["inputs"]:
            obj = MODELS[item["kind"]].objects.get(pk=item["id"]) if item["kind"] in MODELS else None
            assert obj is not None, f"{key}: an input of an unexpected kind {item}"
            assert organisation_sees(world.council.pk, obj).visible, (
                f"{key} counts {item}, hidden from the council"
            )
            assert "name" not in item, f"{key} names {item} in a partner version"
        if not fig["query"]:
            assert fig["value"] == len(fig["inputs"]), f"{key} counts more than its visible inputs"


def test_a_compartmented_threat_disappears_rather_than_leaving_a_hole(world: World) -> None:
    full, council = _issue(world)
    assert full.content["figures"]["threats_by_theme.organised_child_sexual_exploitation"]["value"] == 2
    assert not any("sexual" in key for key in council.content["figures"])
    visible = [t for t in world.threats.values() if organisation_sees(world.council.pk, t).visible]
    assert council.content["figures"]["threats_by_theme.total"]["value"] == len(visible) == 3
    assert council.content["figures"]["vulnerabilities.total"]["value"] == 1  # the CSE one is not counted


def test_no_name_or_reference_of_a_hidden_item_and_no_restricted_text_is_in_the_html_or_pdf(
    world: World, tmp_path: Path
) -> None:
    _, council = _issue(world)
    html = document_html(council, links=False)
    text = _pdf_text(council, tmp_path)
    hidden = [
        o
        for o in [*world.threats.values(), *world.groups.values()]
        if not organisation_sees(world.council.pk, o).visible
    ]
    assert hidden
    for document in (html, text):
        assert HIDDEN not in document and "restricted assessment" not in document
        for obj in hidden:
            for word in (
                getattr(obj, "title", ""),
                getattr(obj, "name", ""),
                getattr(obj, "reference", "") or "",
            ):
                assert not word or word not in document
        for obj in world.groups.values():  # names become counts, even of what the council may see
            assert obj.name not in document
    assert "Shared view 2024." in text and "Council on partners_data." in text


def test_every_number_printed_in_the_partner_pdf_is_accounted_for(world: World, tmp_path: Path) -> None:
    _, council = _issue(world)
    text = _pdf_text(council, tmp_path)
    figures = {int(f["value"]) for f in council.content["figures"].values()}
    narrative = {
        int(n)
        for s in council.content["sections"]
        for t in s["narrative"]
        for n in re.findall(r"\d+", t["text"])
    }
    refs = {
        int(n)
        for f in council.content["figures"].values()
        for i in f["inputs"]
        for n in re.findall(r"\d+", i["ref"])
    }
    days = (council.as_of, council.as_of - timedelta(days=365))  # the date and the year's window
    dates = {n for d in days for n in (d.day, d.month, d.year)}
    pages = set(range(0, 20))  # page and section numbers, chart axis ticks, the version and template numbers
    allowed = figures | narrative | refs | dates | pages
    stray = [n for n in map(int, re.findall(r"\b\d+\b", text)) if n not in allowed]
    assert not stray, f"numbers in the partner PDF that no visible figure accounts for: {stray}"
