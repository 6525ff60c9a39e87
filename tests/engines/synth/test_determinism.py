"""The same seed and parameters give byte-identical files; another seed gives different ones."""

from __future__ import annotations

import hashlib
import json
import pathlib

from socmap.engines.synth import SynthConfig, SynthResult, generate

from .conftest import SEED


def _hashes(root: pathlib.Path) -> dict[str, str]:
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def test_same_seed_gives_identical_files(small: SynthResult, tmp_path: pathlib.Path) -> None:
    again = generate(SynthConfig(seed=SEED, size="small"), tmp_path / "again")
    assert _hashes(again.out_dir) == _hashes(small.out_dir)
    assert again.files == small.files


def test_different_seed_gives_different_files(small: SynthResult, tmp_path: pathlib.Path) -> None:
    other = generate(SynthConfig(seed=SEED + 1, size="small"), tmp_path / "other")
    mine, theirs = _hashes(small.out_dir), _hashes(other.out_dir)
    assert mine.keys() == theirs.keys()
    differing = [name for name in mine if mine[name] != theirs[name]]
    assert "manifest.json" in differing
    assert all(name in differing for name in mine if name.endswith((".csv", ".jsonl", ".xlsx")))


def test_manifest_lists_every_file_with_its_hash(small: SynthResult) -> None:
    manifest = json.loads(small.manifest_path.read_text(encoding="utf-8"))
    on_disk = _hashes(small.out_dir)
    listed = {entry["path"]: entry["sha256"] for entry in manifest["files"]}
    assert listed == {name: digest for name, digest in on_disk.items() if name != "manifest.json"}
    assert manifest["seed"] == SEED
    assert manifest["parameters"]["rates"]["typo"] == 0.05
