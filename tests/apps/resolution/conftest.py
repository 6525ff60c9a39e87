from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from socmap.apps.core.demo import build_demo_organisations
from socmap.apps.intel.demo import build_demo_intel
from socmap.apps.resolution.models import ResolutionRun
from socmap.apps.resolution.services import resolution_run
from tests.apps.intel.conftest import region  # noqa: F401 - the session's small synthetic region

# Enough sources for people to recur across systems (force intelligence, legacy, custody, a partner).
SOME = {"intel-gloucestershire", "legacy-gloucestershire", "safeguarding-cheltenham", "custody", "prison"}


@pytest.fixture(scope="session")
def model_cache(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The person model trained by the first test that needs one, reused by the rest of the session."""
    return {"dir": tmp_path_factory.mktemp("resolve-model")}


@pytest.fixture
def resolved(db: None, region: Path, settings: Any, model_cache: dict[str, Path]) -> ResolutionRun:  # noqa: F811
    build_demo_organisations()
    build_demo_intel(folder=region, only=SOME)
    if "model" in model_cache:
        settings.SOCMAP_RESOLVE_MODEL = str(model_cache["model"])
    run = resolution_run(actor=None, kind="full")
    assert run.status == "done", run.message
    if "model" not in model_cache:
        model_cache["model"] = Path(shutil.copy(run.model_path, model_cache["dir"] / "person-model.json"))
    return run
