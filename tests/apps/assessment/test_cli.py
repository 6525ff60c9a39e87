"""'socmap assess': check a model file, list priorities, compare scores under another model."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from socmap import cli
from socmap.apps.assessment.models import Assessment
from socmap.cli import app
from socmap.engines.assess import DEFAULT_MODEL
from tests.apps.assessment.conftest import Region, approved, thematic

runner = CliRunner()


def test_model_check_accepts_the_shipped_model() -> None:
    result = runner.invoke(app, ["assess", "model", "check", str(DEFAULT_MODEL)])
    assert result.exit_code == 0 and "morile-v1.yaml is a valid scoring model" in result.output


def test_model_check_refuses_a_broken_file_with_its_line(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text(DEFAULT_MODEL.read_text().replace("from: 80, to: 150", "from: 90, to: 150"))
    result = runner.invoke(app, ["assess", "model", "check", str(broken)])
    assert result.exit_code == 2
    assert (
        "broken.yaml, line 146, bands.medium.from: gap: scores from 80 to 90 fall in no band" in result.output
    )


def test_list_and_rescore_show_what_the_user_may_see(
    region: Region, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cli.console, "width", 200)  # tables unwrapped, as in a wide terminal
    approved(region.analyst, region.supervisor, thematic(region.analyst, "Glos threat"), 3)
    approved(region.avon_analyst, region.avon_supervisor, thematic(region.avon_analyst, "Avon threat"), 2)
    listed = runner.invoke(app, ["assess", "list", "--as", "analyst"])
    assert listed.exit_code == 0, listed.output
    assert "Glos threat" in listed.output and "Avon threat" in listed.output
    assert (
        "Avon threat"
        not in runner.invoke(app, ["assess", "list", "--as", "analyst", "--band", "medium"]).output
    )
    v2 = tmp_path / "v2.yaml"
    v2.write_text(
        DEFAULT_MODEL.read_text()
        .replace("version: 1\n", "version: 2\n", 1)
        .replace("from: 80, to: 150", "from: 80, to: 140")
        .replace("from: 150, to: 243", "from: 140, to: 243")
    )
    before = list(Assessment.objects.values_list("score", "band"))
    result = runner.invoke(app, ["assess", "rescore", "--model", str(v2), "--as", "analyst"])
    assert result.exit_code == 0, result.output
    assert "moves from Medium to High" in result.output and "2 compared, 1 would change band" in result.output
    assert list(Assessment.objects.values_list("score", "band")) == before
