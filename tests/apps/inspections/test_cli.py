"""'socmap inspections': importing pages from the command line, and withdrawing a finding."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from socmap import cli
from socmap.apps.inspections.models import Finding, NationalFinding
from socmap.cli import app
from tests import factories
from tests.engines.inspections.helpers import TAG

runner = CliRunner()
SEED = (
    Path(__file__).resolve().parents[3]
    / "socmap/apps/inspections/demo_data/hmicfrs-recommendation-gloucestershire-8786.txt"
)


@pytest.fixture
def lead(force: object) -> object:
    return factories.user(force, "improvement_lead", username="lead")  # type: ignore[arg-type]


@pytest.mark.django_db
def test_page_text_quoted_in_a_diagnostic_is_printed_as_text_not_markup(lead: object, tmp_path: Path) -> None:
    # An orphan [/comment] and a stray "[bold]" in the page: both are quoted back in the diagnostics.
    page = SEED.read_text(encoding="utf-8").replace(
        "[on]3rd May 2018", "[/comment] stray [bold]words[/bold] [on]3rd May 2018"
    )
    path = tmp_path / "orphan.txt"
    path.write_text(page, encoding="utf-8")
    result = runner.invoke(app, ["inspections", "import", str(path), "--as", "lead"])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code == 0, result.output
    assert "[/comment] with nothing open to close was ignored" in result.output
    assert "[bold]words[/bold]" in result.output
    assert Finding.objects.filter(reference="8786").count() == 1


# --- many messy pages in one run ----------------------------------------------------------------

TIMELINE = (
    "[on]2nd March 2017 [status]awaiting-review[/status][/on][on]6th April 2018 [comment]\n\n"
    "The force has started the work. {n} officers are trained.\n\n[/comment][/on]"
    "[on]3rd May 2018 [status]being-progressed[/status][/on]"
)


def _force_page(n: int) -> str:
    return (
        f"https://www.justiceinspectorates.gov.uk/hmicfrs/recommendation/gloucestershire/{7000 + n}/\n\n"
        f"Area for improvement\n\nThe force should improve how it records disruption number {n}.\n\n"
        + TIMELINE.format(n=n)
    )


def _cause_with_sub_items(n: int) -> str:
    return (
        f"https://www.justiceinspectorates.gov.uk/hmicfrs/recommendation/gloucestershire/{7000 + n}/\n\n"
        f"Cause of concern\n\nThe force does not understand threat {n} well enough.\n\nRecommendations\n\n"
        "The force should:\n\n• assess the threat, including:\n"
        "    ◦ organised child sexual exploitation; and\n"
        "    ◦ modern slavery;\n• produce a local profile with partners.\n\n" + TIMELINE.format(n=n)
    )


def _undated(n: int) -> str:
    return (
        f"https://www.justiceinspectorates.gov.uk/hmicfrs/recommendation/gloucestershire/{7000 + n}/\n\n"
        f"Recommendation\n\nBy 2019, the force should:\n"
        f"• review referral route {n}; and\n• brief its teams.\n\n"
        "Agreed this action is complete and the recommendation can be closed.\n\n" + TIMELINE.format(n=n)
    )


def _no_heading(n: int) -> str:
    return (
        f"https://www.justiceinspectorates.gov.uk/hmicfrs/recommendation/gloucestershire/{7000 + n}/\n\n"
        f"The force should, by March 2020, review its use of order type {n}.\n\n" + TIMELINE.format(n=n)
    )


def _national_listing(n: int) -> str:
    return (
        f"Thematic inspection of disruption {n} ({7000 + n})\n\nRecommendation\n\n"
        f"Within six months, all chief constables should review disruption {n} and make sure that:\n\n"
        "• partners are told; and\n• the impact is recorded.\n\n" + TIMELINE.format(n=n)
    )


BASES = [_force_page, _cause_with_sub_items, _undated, _no_heading, _national_listing]


def _cut_tag(text: str) -> str:
    return text[: text.rindex("[/status]") + 6]  # "[/stat": a tag cut at the end


def _closing_tags_lost(text: str) -> str:
    return text.replace("[/status][/on]", "", 1).replace("[/comment]", "", 1)


def _tags_stripped(text: str) -> str:
    return TAG.sub("\n", text)


def _noisy(text: str) -> str:
    return "404 Page not found\n\n" + text.replace(
        "[/on][on]", "[/on][/comment] stray [bold]words[/bold] [on]", 1
    )


def _windows(text: str) -> str:
    return text.replace("\n", "\r\n")


MESS = [_cut_tag, _closing_tags_lost, _tags_stripped, _noisy, _windows]


def messy_pages(folder: Path, count: int = 50) -> list[Path]:
    """``count`` pages, each one of the register's shapes made messy in one of five ways."""
    paths = []
    for n in range(count):
        base, mess = BASES[n % len(BASES)], MESS[(n // len(BASES)) % len(MESS)]
        path = folder / f"page-{n:02d}-{base.__name__.strip('_')}-{mess.__name__.strip('_')}.txt"
        text = mess(base(n))
        # Some saved by an old editor in Windows' own encoding, where every character has one.
        legacy = n % 7 == 0 and all(ord(c) < 0x2000 or c in "•’“”" for c in text)
        path.write_bytes(text.encode("cp1252" if legacy else "utf-8"))
        paths.append(path)
    return paths


@pytest.mark.django_db
def test_fifty_messy_pages_import_in_one_run_with_a_summary_per_file(
    lead: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cli.console, "width", 250)
    pages = messy_pages(tmp_path)
    result = runner.invoke(app, ["inspections", "import", str(tmp_path), "--as", "lead"])
    assert result.exit_code == 0, result.output
    assert "50 files imported as lead" in result.output
    assert "50 imported, 0 updated, 0 unchanged, 0 refused" in result.output
    for path in pages:
        assert path.name in result.output
    # Forty force pages are Gloucestershire's findings; ten listing pages are national, stored once each.
    assert Finding.objects.filter(parent__isnull=True).count() == 40
    assert NationalFinding.objects.count() == 10
    assert not Finding.objects.filter(status__contains="[").exists()  # no cut tag in a status
    again = runner.invoke(app, ["inspections", "import", *map(str, pages), "--as", "lead"])
    assert again.exit_code == 0, again.output
    assert "0 imported, 0 updated, 50 unchanged, 0 refused" in again.output


@pytest.mark.django_db
def test_a_refused_file_does_not_stop_the_others_and_the_exit_code_says_so(
    lead: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cli.console, "width", 250)
    first, garbage, last = tmp_path / "a.txt", tmp_path / "b-garbage.txt", tmp_path / "c.txt"
    first.write_text(_force_page(1), encoding="utf-8")
    garbage.write_text("lorem ipsum [on]soon[/on] dolor", encoding="utf-8")
    last.write_text(_undated(2), encoding="utf-8")
    missing = tmp_path / "missing.txt"
    result = runner.invoke(
        app, ["inspections", "import", str(first), str(garbage), str(missing), str(last), "--as", "lead"]
    )
    assert result.exit_code == 1, result.output
    assert "2 imported, 0 updated, 0 unchanged, 2 refused" in result.output
    assert "b-garbage.txt: refused – No inspection finding was recognised" in result.output
    assert "missing.txt: refused" in result.output
    assert Finding.objects.filter(reference__in=["7001", "7002"], parent__isnull=True).count() == 2


@pytest.mark.django_db
def test_withdraw_from_the_command_line_keeps_the_finding_with_its_reason(
    lead: object, tmp_path: Path
) -> None:
    path = tmp_path / "seed.txt"
    path.write_bytes(SEED.read_bytes())
    assert runner.invoke(app, ["inspections", "import", str(path), "--as", "lead"]).exit_code == 0
    result = runner.invoke(
        app, ["inspections", "withdraw", "8786", "--reason", "Imported [the wrong] page", "--as", "lead"]
    )
    assert result.exit_code == 0, result.output
    assert "Withdrawn cause of concern 8786" in result.output
    finding = Finding.objects.get(reference="8786")
    assert finding.withdrawn_reason == "Imported [the wrong] page" and finding.withdrawn_at is not None
    again = runner.invoke(app, ["inspections", "withdraw", "8786", "--reason", "Again", "--as", "lead"])
    assert again.exit_code == 2 and "already withdrawn" in again.output
    unknown = runner.invoke(app, ["inspections", "withdraw", "1", "--reason", "x", "--as", "lead"])
    assert unknown.exit_code == 2 and "No finding '1'" in unknown.output


@pytest.mark.django_db
def test_a_folder_without_pages_is_one_clear_refusal(lead: object, tmp_path: Path) -> None:
    result = runner.invoke(app, ["inspections", "import", str(tmp_path), "--as", "lead"])
    assert result.exit_code == 2 and "the folder holds no .txt pages" in result.output
