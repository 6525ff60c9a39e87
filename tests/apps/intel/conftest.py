from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from socmap.engines.synth import SynthConfig, generate


@pytest.fixture(scope="session")
def region(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small synthetic South West region, generated once per test session."""
    out = tmp_path_factory.mktemp("region") / "sw"
    generate(SynthConfig(seed=11, size="small"), out_dir=out)
    return out


def manifest_rows(region: Path) -> dict[str, int]:
    manifest = json.loads((region / "manifest.json").read_text())
    files = manifest["files"]
    items = files.items() if isinstance(files, dict) else ((f["path"], f) for f in files)
    return {path: int(info["rows"]) for path, info in items}


def malformed(region: Path) -> dict[str, set[int]]:
    out: dict[str, set[int]] = {}
    with (region / "truth" / "malformed.csv").open() as handle:
        for row in csv.DictReader(handle):
            out.setdefault(row["file"], set()).add(int(row["row"]))
    return out
