"""`socmap network evaluate`: the analysis scored against the region's planted groups, beside Louvain."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from socmap.apps.network.evaluation import evaluate_region
from socmap.apps.network.models import AnalysisRun
from socmap.cli import app
from socmap.errors import InvalidInput


@pytest.mark.django_db
def test_the_proposed_groups_beat_louvain_on_the_same_graph(analysed: AnalysisRun, region: Path) -> None:
    figures = evaluate_region(region)
    assert figures.people_mapped > 100 and figures.groups > 0
    for ev in (figures.ours, figures.louvain, figures.louvain_tested):
        assert 0.0 <= ev.nmi <= 1.0 and -1.0 <= ev.ari <= 1.0
    # Louvain's raw communities put members of the public in groups; our tests leave them out.
    assert figures.ours.member_precision > figures.louvain.member_precision
    # The issue's target, on this module's sources (custody, two forces' intelligence, calls, council).
    assert figures.ours.nmi >= figures.louvain.nmi + 0.1
    out = figures.as_dict()
    assert out["nmi_margin"] == pytest.approx(figures.ours.nmi - figures.louvain.nmi, abs=1e-4)
    assert out["louvain_groups"] == figures.louvain_groups
    assert "louvain_pi_precision" not in out  # Louvain alone proposes no Priority Individuals


@pytest.mark.django_db
def test_the_command_prints_one_json_line_and_refuses_a_folder_without_truth(
    analysed: AnalysisRun, region: Path, tmp_path: Path
) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["network", "evaluate", "--truth", str(region), "--json"])
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output)
    assert {"nmi", "louvain_nmi", "louvain_tested_nmi", "nmi_margin", "pi_recall"} <= set(figures)
    assert {"ari", "louvain_ari", "leiden_modularity_ari", "leiden_modularity_nmi"} <= set(figures)
    assert {"groups_proposed", "louvain_groups", "leiden_modularity_groups"} <= set(figures)
    table = runner.invoke(app, ["network", "evaluate", "--truth", str(region)])
    assert table.exit_code == 0, table.output
    for word in ("socmap", "Louvain", "Leiden-modularity", "NMI", "ARI", "Groups"):  # a table of methods
        assert word in table.output
    refused = runner.invoke(app, ["network", "evaluate", "--truth", str(tmp_path), "--json"])
    assert refused.exit_code != 0
    assert "truth" in refused.output and "socmap synth" in refused.output


@pytest.mark.django_db
def test_a_region_none_of_whose_records_are_stored_is_refused(tmp_path: Path, region: Path) -> None:
    folder = tmp_path / "other"
    (folder / "truth").mkdir(parents=True)
    for name in ("people.csv", "priority_individuals.csv"):
        (folder / "truth" / name).write_text((region / "truth" / name).read_text())
    (folder / "truth" / "records.csv").write_text("file,record_id,field,entity_kind,true_id,noise,eligible\n")
    with pytest.raises(InvalidInput, match="ingest the region first"):
        evaluate_region(folder)
