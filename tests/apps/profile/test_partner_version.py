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
from socmap.apps.core.models import AuditAction, AuditEvent, SharingAgreement
from socmap.apps.core.visibility import organisation_sees
from socmap.apps.intel.models import Record
from socmap.apps.network.models import OCG
from socmap.apps.partnership.models import BoardAction, Referral
from socmap.apps.places.models import Activity, Operation
from socmap.apps.profile import services
from socmap.apps.profile.documents import document_html
from tests.apps.profile.conftest import HIDDEN, Partners, World, as_of

MODELS: dict[str, Any] = {
    "threat": Threat,
    "group": OCG,
    "operation": Operation,
    "activity": Activity,
    "referral": Referral,
    "agreement": SharingAgreement,
    "action": BoardAction,
}


def _council_may_see(world: World, obj: Any) -> bool:
    """What the council sees in the app, by each app's rule (the visibility rule underneath)."""
    council = world.council.pk
    if isinstance(obj, Referral):  # the referral made to it is the disclosure to it
        return obj.to_organisation_id == council or organisation_sees(council, obj).visible
    if isinstance(obj, Activity):
        return organisation_sees(council, obj.operation).visible
    if isinstance(obj, SharingAgreement):
        return council in (obj.provider_id, obj.recipient_id)
    if isinstance(obj, BoardAction):
        return obj.meeting.board.members.filter(organisation_id=council, left_on__isnull=True).exists()
    return organisation_sees(council, obj).visible


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
    world: World, partners: Partners
) -> None:
    _, council = _issue(world)
    kinds = set()
    for key, fig in council.content["figures"].items():
        for item in fig["inputs"]:
            obj = MODELS[item["kind"]].objects.get(pk=item["id"]) if item["kind"] in MODELS else None
            assert obj is not None, f"{key}: an input of an unexpected kind {item}"
            assert _council_may_see(world, obj), f"{key} counts {item}, hidden from the council"
            assert "name" not in item, f"{key} names {item} in a partner version"
            kinds.add(item["kind"])
        for record in Record.objects.filter(pk__in=fig.get("records", [])):
            assert organisation_sees(world.council.pk, record).visible, f"{key} counts hidden {record}"
        if "records" in fig:
            assert fig["value"] == len(fig["records"]), f"{key} counts more than its visible records"
        elif not fig["query"]:
            assert fig["value"] == len(fig["inputs"]), f"{key} counts more than its visible inputs"
    assert kinds >= {"operation", "activity", "referral", "agreement", "action"}, kinds
    counted = {i for f in council.content["figures"].values() for i in f.get("records", [])}
    assert set(partners.records_seen) <= counted and not counted & set(partners.records_hidden)


def test_partnership_and_places_hidden_from_the_partner_are_neither_counted_nor_named(
    world: World, partners: Partners
) -> None:
    full, council = _issue(world)
    ids = {
        kind: {i["id"] for f in version.content["figures"].values() for i in f["inputs"] if i["kind"] == kind}
        for version in (full, council)
        for kind in MODELS
    }  # the last version's (the council's) sets win: checked against the full version's below
    full_ids = {k: {i["id"] for f in full.content["figures"].values() for i in f["inputs"] if i["kind"] == k}
                for k in MODELS}  # fmt: skip
    for kind, seen, hidden in (
        ("referral", partners.referral_seen, partners.referral_hidden),
        ("operation", partners.operation_seen, partners.operation_hidden),
        ("action", partners.action_seen, partners.action_hidden),
    ):
        assert {seen.pk, hidden.pk} <= full_ids[kind], f"the full version misses a {kind}"
        assert seen.pk in ids[kind] and hidden.pk not in ids[kind], f"the council's version and a {kind}"
    assert partners.agreement_hidden.pk in full_ids["agreement"]
    assert partners.agreement_hidden.pk not in ids["agreement"]
    figures = council.content["figures"]
    assert figures["vulnerable_places.phase.hold"]["value"] == 1  # the hidden operation is not a hole
    op = partners.operation_seen.pk  # the CSE report in its area is not counted for the council
    assert figures[f"vulnerable_places.{op}.since"]["records"] == [partners.records_seen[0]]
    assert figures["safeguarding_referrals.concern.total"]["value"] == 1
    assert not any("sexual" in key for key in figures)  # the CSE referral's concern has no row at all
    assert full.content["figures"]["vulnerable_places.phase.hold"]["value"] == 2


def test_a_compartmented_threat_disappears_rather_than_leaving_a_hole(
    world: World, partners: Partners
) -> None:
    full, council = _issue(world)
    assert full.content["figures"]["threats_by_theme.organised_child_sexual_exploitation"]["value"] == 2
    assert not any("sexual" in key for key in council.content["figures"])
    visible = [t for t in world.threats.values() if organisation_sees(world.council.pk, t).visible]
    assert council.content["figures"]["threats_by_theme.total"]["value"] == len(visible) == 3
    assert council.content["figures"]["vulnerabilities.total"]["value"] == 1  # the CSE one is not counted


def test_no_name_or_reference_of_a_hidden_item_and_no_restricted_text_is_in_the_html_or_pdf(
    world: World, partners: Partners, tmp_path: Path
) -> None:
    _, council = _issue(world)
    html = document_html(council, links=False)
    text = _pdf_text(council, tmp_path)
    hidden = [
        o
        for o in [*world.threats.values(), *world.groups.values()]
        if not organisation_sees(world.council.pk, o).visible
    ] + [partners.operation_hidden]
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
        for ref in (f"SR{partners.referral_hidden.pk}", f"OP{partners.operation_hidden.pk}",
                    f"SA{partners.agreement_hidden.pk}", f"BA{partners.action_hidden.pk}",
                    *(f"R{r}" for r in partners.records_hidden)):  # fmt: skip
            assert not re.search(rf"\b{ref}\b", document), f"{ref} is in the council's version"
        assert world.nhs.name not in document  # its agreement, board and referral are hidden
        assert "Child A" not in document and "Late-night shop" not in document  # never a person or a text
    assert "Shared view 2024." in text and "Council on partners_data." in text


def test_every_number_printed_in_the_partner_pdf_is_accounted_for(
    world: World, partners: Partners, tmp_path: Path
) -> None:
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
    } | {int(r) for f in council.content["figures"].values() for r in f.get("records", [])}
    ops = [partners.operation_seen]  # the visible operation's phase dates and area code
    phases = {n for op in ops for p in op.phases.all() for d in (p.starts_on, p.ends_on)
              for n in (d.day, d.month, d.year)} | {50, 4}  # fmt: skip
    days = (council.as_of, council.as_of - timedelta(days=365))  # the date and the year's window
    dates = {n for d in days for n in (d.day, d.month, d.year)}
    pages = set(range(0, 20))  # page and section numbers, chart axis ticks, the version and template numbers
    allowed = figures | narrative | refs | dates | pages | phases
    stray = [n for n in map(int, re.findall(r"\b\d+\b", text)) if n not in allowed]
    assert not stray, f"numbers in the partner PDF that no visible figure accounts for: {stray}"


def _docx_text(data: bytes) -> tuple[str, list[str], str]:
    """(every paragraph and table cell, the level-1 headings, the page header) of a DOCX."""
    import io

    from docx import Document

    doc = Document(io.BytesIO(data))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    paragraphs = [p.text for p in doc.paragraphs]
    headings = [p.text for p in doc.paragraphs if p.style is not None and p.style.name == "Heading 1"]
    return "\n".join(paragraphs + cells), headings, doc.sections[0].header.paragraphs[0].text


def test_the_partner_docx_has_every_heading_the_marking_and_nothing_hidden(
    world: World, partners: Partners
) -> None:
    _, council = _issue(world)
    text, headings, header = _docx_text(services.version_docx(actor=world.council_user, version=council))
    assert header == "OFFICIAL-SENSITIVE: partner version for Cheltenham Borough Council"
    titles = [f"{i}. {s['title']}" for i, s in enumerate(council.content["sections"], start=1)]
    assert headings[: len(titles)] == titles and "Lineage of the figures" in headings
    assert HIDDEN not in text and "restricted assessment" not in text and world.nhs.name not in text
    for ref in (f"SR{partners.referral_hidden.pk}", f"OP{partners.operation_hidden.pk}",
                f"SA{partners.agreement_hidden.pk}", f"BA{partners.action_hidden.pk}",
                *(f"R{r}" for r in partners.records_hidden)):  # fmt: skip
        assert not re.search(rf"\b{ref}\b", text), f"{ref} is in the council's DOCX"
    for obj in world.groups.values():
        assert obj.name not in text
    assert "Council on partners_data." in text and f"SR{partners.referral_seen.pk}" in text
    assert AuditEvent.objects.filter(
        action=AuditAction.DISCLOSURE, actor=world.council_user, detail__format="docx"
    ).exists()
