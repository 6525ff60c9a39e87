"""The whole small region resolved, and scored against its ground truth through the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from socmap.apps.core.demo import build_demo_organisations
from socmap.apps.intel.demo import build_demo_intel
from socmap.apps.intel.reads import system_job
from socmap.apps.resolution.models import Pair, PairState, ResolutionRun
from socmap.apps.resolution.services import quality_measure
from socmap.apps.resolution.truth import truth_load
from socmap.cli import app
from socmap.errors import InvalidInput


@pytest.mark.django_db
def test_model_merges_are_as_correct_as_the_evaluation_reports(region: Path, tmp_path: Path) -> None:
    build_demo_organisations()
    build_demo_intel(folder=region)
    ran = CliRunner().invoke(app, ["resolve", "run", "--full"])
    assert ran.exit_code == 0, ran.output
    run = ResolutionRun.objects.get()
    assert run.status == "done" and f"{run.auto_matched:,} merged by the model" in ran.output
    job = system_job("test evaluation")
    truth = truth_load(path=region / "truth" / "records.csv", job=job)
    assert len(truth) > 0.9 * run.records

    quality = quality_measure(truth=truth)
    e = quality.evaluation
    # Judged pair by pair against the truth, the model's own merges are right at the rate the
    # cluster-level evaluation reports for the clusters they make.
    assert quality.auto_matched > 1000
    assert quality.auto_precision >= 0.99
    assert e.pairwise_precision == pytest.approx(quality.auto_precision, abs=0.01)
    assert e.pairwise_f1 >= 0.9 and e.bcubed_f1 >= 0.9

    result = CliRunner().invoke(
        app, ["resolve", "evaluate", "--truth", str(region / "truth" / "records.csv"), "--json"]
    )
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output)
    assert figures["pairwise_f1"] == round(e.pairwise_f1, 4)
    assert figures["model_merges"] == quality.auto_matched
    # Across thresholds: the model's estimated precision of the stored pairs beside the measured.
    assert figures["chosen_threshold"] == run.upper_threshold
    by_threshold = {row["threshold"]: row for row in figures["thresholds"]}
    chosen = by_threshold[run.upper_threshold]
    assert abs(chosen["estimated_precision"] - chosen["precision"]) <= 0.01
    assert [row["pairs"] for row in figures["thresholds"]] == sorted(
        (row["pairs"] for row in figures["thresholds"]), reverse=True
    )
    table = CliRunner().invoke(app, ["resolve", "evaluate", "--truth", str(region / "truth" / "records.csv")])
    assert table.exit_code == 0 and f"{run.upper_threshold:g} (chosen)" in table.output

    # The simple shape, and a file that is neither: named clearly.
    simple = tmp_path / "truth.csv"
    pending = Pair.objects.filter(state=PairState.PENDING).values_list("left_id", flat=True)[:3]
    simple.write_text("entity_id,true_id\n" + "".join(f"{e},{e}\n" for e in pending))
    assert set(truth_load(path=simple, job=job)) == set(pending)
    bad = tmp_path / "other.csv"
    bad.write_text("name,dob\nA,1990\n")
    with pytest.raises(InvalidInput, match="expected columns entity_id,true_id"):
        truth_load(path=bad, job=job)
    refused = CliRunner().invoke(app, ["resolve", "evaluate", "--truth", str(bad)])
    assert refused.exit_code != 0 and "other.csv" in refused.output
