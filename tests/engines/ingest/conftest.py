"""One small synthetic region per session (seed 7), and the shipped mappings."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from socmap.engines.ingest import MAPPINGS_DIR
from socmap.engines.synth import SynthConfig, generate

# Mapping name -> file in the synthetic region.
SOURCES = {
    "intel_avon_and_somerset": "intel/avon_and_somerset.csv",
    "intel_devon_and_cornwall": "intel/devon_and_cornwall.csv",
    "intel_dorset": "intel/dorset.csv",
    "intel_gloucestershire": "intel/gloucestershire.csv",
    "intel_wiltshire": "intel/wiltshire.csv",
    "custody": "custody.xlsx",
    "anpr": "anpr.csv",
    "cdr": "cdr.csv",
    "financial": "financial.jsonl",
    "prison": "prison.csv",
    "safeguarding": "safeguarding.csv",
    "housing": "housing.csv",
    "legacy": "legacy.csv",
}


@pytest.fixture(scope="session")
def region(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("ingest") / "sw-small"
    generate(SynthConfig(seed=7, size="small"), out_dir=out)
    return out


@pytest.fixture(scope="session")
def malformed(region: Path) -> dict[str, dict[int, dict[str, str]]]:
    out: dict[str, dict[int, dict[str, str]]] = {}
    with (region / "truth" / "malformed.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            out.setdefault(row["file"], {})[int(row["row"])] = row
    return out


@pytest.fixture(scope="session")
def manifest_rows(region: Path) -> dict[str, int]:
    import json

    data = json.loads((region / "manifest.json").read_text(encoding="utf-8"))
    return {f["path"]: int(f["rows"]) for f in data["files"]}


def mapping_path(name: str) -> Path:
    return MAPPINGS_DIR / f"{name}.yaml"
