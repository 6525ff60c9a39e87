"""One small synthetic region per test session: generating it takes about a second."""

from __future__ import annotations

import csv
import os
import pathlib
from collections.abc import Callable

import pytest

from socmap.engines.synth import SynthConfig, SynthResult, generate

SEED = int(os.environ.get("SOCMAP_SYNTH_TEST_SEED", "42"))  # try other seeds without editing


@pytest.fixture(scope="session")
def small(tmp_path_factory: pytest.TempPathFactory) -> SynthResult:
    """The ``small`` region for seed 42, with default rates."""
    return generate(SynthConfig(seed=SEED, size="small"), tmp_path_factory.mktemp("synth") / "small")


@pytest.fixture(scope="session")
def truth(small: SynthResult) -> Callable[[str], list[dict[str, str]]]:
    """Read one truth file as dictionaries (cached for the session)."""
    cache: dict[str, list[dict[str, str]]] = {}

    def read(name: str) -> list[dict[str, str]]:
        if name not in cache:
            cache[name] = read_csv(small.out_dir / "truth" / name)
        return cache[name]

    return read


def read_csv(path: pathlib.Path, encoding: str = "utf-8", delimiter: str = ",") -> list[dict[str, str]]:
    with path.open(encoding=encoding, newline="") as handle:
        return list(csv.DictReader(handle, delimiter=delimiter))
