"""A new model version never rewrites a stored score; re-scoring compares without writing."""

from __future__ import annotations

from pathlib import Path

import pytest

from socmap.apps.assessment import selectors, services
from socmap.apps.assessment.models import Assessment, ScoringModelVersion
from socmap.engines.assess import DEFAULT_MODEL, load_scoring_model
from socmap.errors import Conflict
from tests.apps.assessment.conftest import Region, approved, submitted, thematic


def _v2(tmp_path: Path, *, version: int = 2) -> Path:
    """The shipped model with physical harm weighted 5 (so the top band reaches 275), as ``version``."""
    text = DEFAULT_MODEL.read_text().replace("version: 1\n", f"version: {version}\n", 1)
    text = text.replace("    weight: 3\n", "    weight: 5\n", 1).replace("to: 243", "to: 275")
    path = tmp_path / "morile-v2.yaml"
    path.write_text(text)
    return path


def test_a_model_change_leaves_stored_assessments_untouched(
    region: Region, settings: object, tmp_path: Path
) -> None:
    threat = thematic(region.analyst)
    first = approved(region.analyst, region.supervisor, threat, 3)
    stored = Assessment.objects.filter(pk=first.pk).values().get()
    settings.SOCMAP_ASSESS_MODEL = str(_v2(tmp_path))  # type: ignore[attr-defined]
    second = services.assessment_start(actor=region.analyst, threat=threat)
    assert str(second.model) == "morile-sw v2"
    assert Assessment.objects.filter(pk=first.pk).values().get() == stored
    assert str(first.model) == "morile-sw v1" and first.score == 141
    assert ScoringModelVersion.objects.count() == 2


def test_rescoring_with_a_new_model_compares_without_writing(region: Region, tmp_path: Path) -> None:
    threat = thematic(region.analyst)
    approved(region.analyst, region.supervisor, threat, 3)
    before = list(Assessment.objects.values_list("pk", "score", "band", "explanation"))
    rows = selectors.rescore_compare(viewer=region.analyst, model=load_scoring_model(_v2(tmp_path)))
    assert [(r.old_score, r.new_score, r.old_band) for r in rows] == [(141, 159, "Medium")]
    assert rows[0].note == "moves from Medium to High"
    assert list(Assessment.objects.values_list("pk", "score", "band", "explanation")) == before


def test_a_changed_model_file_must_carry_a_new_version(
    region: Region, settings: object, tmp_path: Path
) -> None:
    submitted(region.analyst, thematic(region.analyst))
    settings.SOCMAP_ASSESS_MODEL = str(_v2(tmp_path, version=1))  # type: ignore[attr-defined]
    with pytest.raises(Conflict, match="needs a new version number"):
        services.assessment_start(actor=region.analyst, threat=thematic(region.analyst, "Another"))
