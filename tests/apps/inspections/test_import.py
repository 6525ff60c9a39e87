"""Importing inspectorate pages into findings: the seed, messy variants, re-imports and bad input."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from socmap.apps.core.models import AuditAction, AuditEvent
from socmap.apps.inspections import services
from socmap.apps.inspections.models import Finding, FindingEvent
from socmap.errors import InvalidInput, NotAllowed
from tests import factories

SEED = (
    Path(__file__).resolve().parents[3]
    / "socmap/apps/inspections/demo_data/hmicfrs-recommendation-gloucestershire-8786.txt"
)
FIXTURES = Path(__file__).resolve().parents[2] / "engines/inspections/fixtures"


@pytest.fixture
def lead(force: object) -> object:
    return factories.user(force, "improvement_lead", username="lead")  # type: ignore[arg-type]


def _import(lead: object, text: str | bytes, source: str = "page.txt") -> services.ImportResult:
    return services.finding_import(actor=lead, data=text, source=source, subject=lead.organisation)  # type: ignore[arg-type,attr-defined]


@pytest.mark.django_db
def test_seed_page_imports_to_one_cause_of_concern_with_six_recommendations(lead: object) -> None:
    result = _import(lead, SEED.read_bytes(), SEED.name)
    coc = result.finding
    assert coc.kind == "cause_of_concern" and coc.reference == "8786"
    assert coc.diagnostics == [] and coc.unplaced_text == ""
    recs = list(coc.children.order_by("number"))
    assert [r.number for r in recs] == [1, 2, 3, 4, 5, 6]
    assert all(r.kind == "recommendation" for r in recs)
    assert recs[0].text.startswith("implement a structured process for assessing serious and organised crime")
    timeline = [(e.on, e.kind, e.status) for e in coc.events.order_by("position")]
    assert timeline == [
        (date(2017, 3, 2), "status", "awaiting-review"),
        (date(2018, 4, 6), "status", "being-progressed"),
        (date(2018, 4, 6), "comment", ""),
        (date(2018, 4, 26), "comment", ""),
        (date(2018, 5, 3), "status", "complete"),
    ]
    assert coc.status == "complete"
    comments = list(coc.events.filter(kind="comment").order_by("position"))
    assert comments[0].comment.startswith("This was assessed as part of the 2017 effectiveness inspection")
    assert "ROCTA" in comments[1].comment and "\n\n" in comments[1].comment
    assert AuditEvent.objects.filter(action=AuditAction.COLLECTION, object_id=str(coc.pk)).exists()


@pytest.mark.django_db
def test_importing_the_same_page_twice_leaves_one_finding(lead: object) -> None:
    first = _import(lead, SEED.read_bytes())
    again = _import(lead, SEED.read_text().replace("\n", "\r\n"))
    assert not again.created and again.events_added == 0 and again.events_known == 5
    assert again.recommendations_added == 0
    assert Finding.objects.filter(parent__isnull=True).count() == 1
    assert Finding.objects.count() == 7
    assert FindingEvent.objects.count() == 5
    assert again.finding.pk == first.finding.pk


@pytest.mark.django_db
def test_an_updated_page_adds_only_the_new_events(lead: object) -> None:
    _import(lead, SEED.read_text())
    updated = SEED.read_text() + "[on]1st June 2019 [status]being-progressed[/status][/on]\n"
    result = _import(lead, updated)
    assert result.events_added == 1 and result.events_known == 5
    assert FindingEvent.objects.count() == 6
    # The status moved backwards: kept as the current status, and flagged.
    assert result.finding.status == "being-progressed"
    assert any(d["code"] == "status-moved-backwards" for d in result.finding.diagnostics)


@pytest.mark.django_db
@pytest.mark.parametrize("fixture", sorted(p.name for p in FIXTURES.glob("*.txt") if "seed" not in p.name))
def test_messy_variants_import_without_losing_text(lead: object, fixture: str) -> None:
    raw = (FIXTURES / fixture).read_text(encoding="utf-8")
    result = _import(lead, raw, fixture)
    finding = result.finding
    assert finding is not None  # a national page imported for a force is that force's track
    assert finding.diagnostics == [
        {"severity": d.severity, "code": d.code, "message": d.message, "text": d.text, "line": d.line}
        for d in result.parsed.diagnostics
    ], "every repair is stored with the finding"
    assert finding.source_text == raw
    headings = " ".join(result.parsed.headings + result.parsed.header_noise)
    national = finding.national
    kept = " ".join(
        [headings, finding.title, finding.text, finding.unplaced_text, finding.url, finding.reference]
        + [finding.inspection.title if finding.inspection else ""]
        + [national.text if national else ""]
        + [c.text + " " + c.intro for c in finding.children.all()]
        + [f"{e.comment} {e.status} {e.date_text} {e.raw}" for e in finding.events.all()]
        + [str(d.get("text", "")) for d in finding.diagnostics]
    )
    stored = set(_words(kept))
    for word in _words(raw):
        assert word in stored, f"{fixture}: {word!r} was lost"


def _words(text: str) -> list[str]:
    import re

    # Letter runs and digit runs: punctuation the importer tidies ("; and") is not content.
    cleaned = re.sub(r"\[/?(on|status|comment)\]", " ", text)
    return re.findall(r"[^\W\d_]+|\d+", cleaned)


@pytest.mark.django_db
def test_unknown_status_is_kept_and_flagged(lead: object) -> None:
    page = SEED.read_text().replace("[status]complete[/status]", "[status]Partly Sorted[/status]")
    finding = _import(lead, page).finding
    assert finding.status == "partly-sorted"
    assert any(d["code"] == "unknown-status" for d in finding.diagnostics)


@pytest.mark.django_db
def test_unparsable_date_is_kept_as_written_and_flagged(lead: object) -> None:
    page = SEED.read_text().replace("3rd May 2018", "the Thursday after Easter")
    finding = _import(lead, page).finding
    odd = finding.events.get(on__isnull=True)
    assert "Thursday after Easter" in odd.date_text + odd.raw
    assert any(d["code"] == "unparsable-date" and d["severity"] == "error" for d in finding.diagnostics)


@pytest.mark.django_db
@pytest.mark.parametrize("text", ["", "   \n\n  ", b"\x00\x01binary\x00"])
def test_empty_or_binary_input_is_refused_and_nothing_is_stored(lead: object, text: str | bytes) -> None:
    with pytest.raises(InvalidInput) as err:
        _import(lead, text)
    assert err.value.fields
    assert not Finding.objects.exists()


@pytest.mark.django_db
def test_a_page_with_no_finding_text_is_refused(lead: object) -> None:
    with pytest.raises(InvalidInput):
        _import(lead, "Cause of concern\n\n")
    assert not Finding.objects.exists()


@pytest.mark.django_db
def test_partners_cannot_import_findings(partner_user: object) -> None:
    with pytest.raises(NotAllowed):
        services.finding_import(actor=partner_user, data=SEED.read_text(), source="x")  # type: ignore[arg-type]


@pytest.mark.django_db
def test_the_force_is_worked_out_from_the_page_address(lead: object) -> None:
    result = services.finding_import(actor=lead, data=SEED.read_text(), source="seed")  # type: ignore[arg-type]
    assert result.finding.subject == lead.organisation  # type: ignore[attr-defined]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "garbage",
    [
        "asdf qwerty lorem ipsum [on]foo[/on] bar",
        "Shopping list: eggs, milk [on]Tuesday[/on] and bread",
        "Lorem ipsum [on]soon [comment]whatever[/comment][/on]",
        "[on][/on]",
    ],
    ids=["words", "shopping", "comment-without-date", "empty-tags"],
)
def test_a_page_that_gives_only_errors_is_refused_and_nothing_stored(lead: object, garbage: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        _import(lead, garbage, "garbage.txt")
    assert "no inspection finding was recognised" in caught.value.message
    assert "garbage.txt" in caught.value.message
    assert not Finding.objects.exists() and not FindingEvent.objects.exists()
