"""'socmap inspections': importing pages from the command line, and withdrawing a finding."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from socmap.apps.inspections.models import Finding
from socmap.cli import app
from tests import factories

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
