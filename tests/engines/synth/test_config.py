"""Bad parameters give one clear InvalidInput listing every problem, and nothing is written."""

from __future__ import annotations

import pathlib

import pytest

from socmap.engines.synth import NoiseRates, SynthConfig, generate
from socmap.errors import InvalidInput


def test_negative_size_is_refused_and_nothing_written(tmp_path: pathlib.Path) -> None:
    out = tmp_path / "out"
    with pytest.raises(InvalidInput) as caught:
        generate(SynthConfig(seed=1, size=-5), out)
    assert "size" in caught.value.fields
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []


def test_zero_size_is_refused() -> None:
    with pytest.raises(InvalidInput) as caught:
        SynthConfig(size=0).validate()
    assert caught.value.fields["size"] == ["The size must be a positive number of records, not 0."]


def test_unknown_size_name_is_refused() -> None:
    with pytest.raises(InvalidInput) as caught:
        SynthConfig(size="huge").validate()
    assert "Unknown size 'huge'" in caught.value.fields["size"][0]


def test_every_problem_is_listed_in_one_error(tmp_path: pathlib.Path) -> None:
    out = tmp_path / "busy"
    out.mkdir()
    (out / "keep.txt").write_text("someone else's file")
    config = SynthConfig(seed=1, size=-1, noise=NoiseRates(typo=1.5, dob_swap=-0.1))
    with pytest.raises(InvalidInput) as caught:
        generate(config, out)
    assert set(caught.value.fields) == {"size", "rate.typo", "rate.dob_swap", "out"}
    assert caught.value.message.startswith("Cannot generate synthetic data: 4 problems")
    assert [p.name for p in out.iterdir()] == ["keep.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["busy"]


def test_non_empty_folder_without_force_is_refused(tmp_path: pathlib.Path) -> None:
    (tmp_path / "keep.txt").write_text("x")
    with pytest.raises(InvalidInput) as caught:
        SynthConfig(size="small").validate(tmp_path)
    assert "not empty" in caught.value.fields["out"][0]
    SynthConfig(size="small").validate(tmp_path, force=True)


def test_cli_text_is_parsed() -> None:
    config = SynthConfig.from_cli(7, "5_000", {"typo": "0.1", "twins": "2%"})
    assert config.size == 5000
    assert config.noise.typo == 0.1
    assert config.noise.twins == pytest.approx(0.02)
    assert SynthConfig.from_cli(7, "Medium", {}).size == "medium"


def test_cli_text_that_cannot_be_parsed_is_refused_with_every_reason() -> None:
    with pytest.raises(InvalidInput) as caught:
        SynthConfig.from_cli(7, "lots", {"typo": "often", "sparkle": "0.1", "nickname": "3"})
    assert set(caught.value.fields) == {"size", "rate.typo", "rate.sparkle", "rate.nickname"}
    assert "is not a number" in caught.value.fields["rate.typo"][0]
    assert "Unknown rate 'sparkle'" in caught.value.fields["rate.sparkle"][0]


def test_force_replaces_the_dataset_and_leaves_other_files(tmp_path: pathlib.Path) -> None:
    out = tmp_path / "region"
    out.mkdir()
    (out / "notes.txt").write_text("analyst's notes")
    result = generate(SynthConfig(seed=5, size=1_000), out, force=True)
    assert (out / "notes.txt").read_text() == "analyst's notes"
    assert (out / "manifest.json").is_file() and result.manifest_path == out / "manifest.json"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["region"]  # no staging folder left behind
