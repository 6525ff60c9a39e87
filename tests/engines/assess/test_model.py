"""Loading scoring models: the shipped one is complete, broken ones are refused with file, line, reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from socmap.engines.assess import DEFAULT_MODEL, MODELS_DIR, load_scoring_model, parse_scoring_model
from socmap.errors import InvalidModel

SMALL = """\
name: tiny
version: 1
groups:
  harm: Harm
  likelihood: Likelihood
  organisation: Organisation
dimensions:
  harm:
    group: harm
    label: Harm
    weight: 2
    scale:
      0: {label: None, descriptor: No harm.}
      1: {label: Some, descriptor: Some harm.}
      2: {label: Much, descriptor: Much harm.}
  likelihood:
    group: likelihood
    label: Likelihood
    weight: 1
    scale:
      1: {label: Unlikely, descriptor: Unlikely.}
      2: {label: Likely, descriptor: Likely.}
  capacity:
    group: organisation
    label: Capacity
    weight: 1.5
    scale:
      0: {label: Full, descriptor: Full capacity.}
      1: {label: None, descriptor: No capacity.}
combine:
  impact: [harm]
  multiplier: likelihood
  adjust: [organisation]
bands:
  - {key: low, label: Low, tier: 2, from: 0, to: 4, reassess_months: 12}
  - {key: high, label: High, tier: 1, from: 4, to: 9.5, reassess_months: 3}
"""


def refused(text: str) -> str:
    with pytest.raises(InvalidModel) as info:
        parse_scoring_model(text, file="broken.yaml")
    return str(info.value)


def test_the_shipped_model_loads_with_a_descriptor_for_every_scale_point() -> None:
    model = load_scoring_model(DEFAULT_MODEL)
    assert model.name == "morile-sw" and model.version == 1
    assert {
        "physical_harm",
        "psychological_harm",
        "financial_harm",
        "community_harm",
        "scale_reach",
        "likelihood",
        "victim_vulnerability",
        "capacity",
        "capability",
        "confidence",
    } <= set(model.dimensions)
    for dim in model.dimensions.values():
        assert dim.question and len(dim.scale) >= 2
        assert all(p.label and len(p.descriptor) > 10 for p in dim.scale), dim.key
    assert [b.key for b in model.bands] == ["low", "medium", "high"]
    assert model.bands[0].lower == model.min_score and model.bands[-1].upper == model.max_score


def test_every_model_file_shipped_loads() -> None:
    files = sorted(MODELS_DIR.glob("*.yaml"))
    assert files
    for file in files:
        assert load_scoring_model(file).file == file.name


def test_a_small_model_loads_with_its_range_and_sha() -> None:
    model = parse_scoring_model(SMALL, file="tiny.yaml")
    assert (model.min_score, model.max_score) == (0, 9.5)
    assert len(model.sha256) == 64 and model.text == SMALL


def test_an_unknown_dimension_is_refused_with_file_and_line() -> None:
    message = refused(SMALL.replace("multiplier: likelihood", "multiplier: likeliness"))
    assert "broken.yaml, line 32, combine.multiplier: unknown dimension 'likeliness'" in message


def test_a_dimension_in_an_unknown_group_is_refused() -> None:
    message = refused(SMALL.replace("    group: harm\n", "    group: hurt\n"))
    assert "broken.yaml, line 9, dimensions.harm.group: unknown group 'hurt'" in message


def test_a_weight_that_does_not_parse_is_refused() -> None:
    message = refused(SMALL.replace("weight: 1.5", "weight: heavy"))
    assert "broken.yaml, line 26, dimensions.capacity.weight: the weight 'heavy' does not parse" in message


def test_a_negative_weight_is_refused() -> None:
    assert "does not parse as a positive number" in refused(SMALL.replace("weight: 2\n", "weight: -2\n"))


def test_a_gap_between_bands_is_refused() -> None:
    message = refused(SMALL.replace("from: 4, to: 9.5", "from: 5, to: 9.5"))
    assert "broken.yaml, line 36, bands.high.from: gap: scores from 4 to 5 fall in no band" in message


def test_overlapping_bands_are_refused() -> None:
    message = refused(SMALL.replace("from: 4, to: 9.5", "from: 3, to: 9.5"))
    assert (
        "broken.yaml, line 36, bands.high.from: overlap: 'high' starts at 3, before 'low' ends at 4"
        in message
    )


def test_bands_that_stop_short_of_the_highest_score_are_refused() -> None:
    message = refused(SMALL.replace("to: 9.5", "to: 9"))
    assert "line 36, bands.high.to: gap: the highest possible score is 9.5" in message


def test_a_scale_point_without_a_descriptor_is_refused() -> None:
    message = refused(SMALL.replace("1: {label: Some, descriptor: Some harm.}", "1: {label: Some}"))
    assert "line 14, dimensions.harm.scale.1.descriptor: 'descriptor' is required" in message


def test_every_problem_is_reported_at_once() -> None:
    message = refused(SMALL.replace("weight: 1.5", "weight: x").replace("group: harm\n", "group: nope\n"))
    assert message.startswith("broken.yaml: 2 problems")


def test_yaml_that_does_not_parse_names_its_line() -> None:
    assert refused(SMALL.replace("groups:\n", "groups: [\n")).startswith("broken.yaml, line")


def test_a_missing_file_is_refused_by_name(tmp_path: Path) -> None:
    with pytest.raises(InvalidModel, match=r"nothere\.yaml: cannot be read"):
        load_scoring_model(tmp_path / "nothere.yaml")
