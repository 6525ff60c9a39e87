"""``socmap sources add|list|show``: a mapping anywhere, checked first; FtM sources need none."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from socmap.apps.core.models import User
from socmap.apps.intel.models import MappingFile, Source
from socmap.cli import app
from tests.apps.intel.test_sources import BAD, GOOD

runner = CliRunner()


@pytest.mark.django_db
def test_sources_add_list_show(analyst: User, tmp_path: Path) -> None:
    bad = tmp_path / "elsewhere" / "bad.yaml"
    bad.parent.mkdir()
    bad.write_text(BAD, encoding="utf-8")
    refused = runner.invoke(
        app, ["sources", "add", "lettings", "--title", "Lettings", "--mapping", str(bad), "--as", "analyst"]
    )
    assert refused.exit_code == 2
    assert "bad.yaml, line 11" in refused.output and "unknown property 'shoe_size'" in refused.output
    assert not Source.objects.filter(name="lettings").exists() and not MappingFile.objects.exists()
    good = tmp_path / "elsewhere" / "good.yaml"
    good.write_text(GOOD, encoding="utf-8")
    added = runner.invoke(
        app,
        ["sources", "add", "lettings", "--title", "Lettings", "--kind", "housing", "--mapping", str(good),
         "--retention-days", "365", "--as", "analyst"],
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    source = Source.objects.get(name="lettings")
    assert (source.mapping_name, source.retention_days, source.owner_id) == (
        "lettings.yaml",
        365,
        analyst.organisation_id,
    )
    ftm = runner.invoke(app, ["sources", "add", "aleph", "--title", "Aleph [red]x[/]", "--as", "analyst"])
    assert ftm.exit_code == 0 and Source.objects.get(name="aleph").mapping_name == "ftm.yaml"
    listed = runner.invoke(app, ["sources", "list", "--as", "analyst"])
    assert listed.exit_code == 0 and "lettings" in listed.output
    assert "Aleph" in listed.output and "[red]" in listed.output  # data, never read as markup
    shown = runner.invoke(app, ["sources", "show", "lettings", "--as", "analyst"])
    assert shown.exit_code == 0 and "lettings.yaml (csv, valid)" in shown.output and "Housing" in shown.output
    missing = runner.invoke(app, ["sources", "show", "nowhere", "--as", "analyst"])
    assert missing.exit_code == 2 and "No source called 'nowhere'" in missing.output
