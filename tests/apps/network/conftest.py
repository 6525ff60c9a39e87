from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import override_settings

from socmap.apps.core.demo import build_demo_organisations
from socmap.apps.intel.demo import build_demo_intel
from socmap.apps.network import services
from socmap.apps.network.models import AnalysisRun
from socmap.apps.resolution.services import resolution_run
from socmap.engines.synth import SynthConfig, generate
from tests.conftest import committed

# Sources enough for groups to appear (custody co-arrests, intelligence associates, calls), and the
# council's own safeguarding and housing records for the partner. Quicker than the whole region.
SOME = {
    "custody",
    "intel-gloucestershire",
    "intel-devon-and-cornwall",
    "cdr",
    "safeguarding-cheltenham",
    "housing-cheltenham",
}


@pytest.fixture(scope="session")
def region(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small synthetic South West region, generated once per test session."""
    out = tmp_path_factory.mktemp("region") / "sw"
    generate(SynthConfig(seed=11, size="small"), out_dir=out)
    return out


@pytest.fixture(scope="module")
def _analysed_once(
    django_db_setup: None, django_db_blocker: Any, region: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[int]:
    """Ingest, resolve and analyse once per module; each test then runs in its own rolled-back
    transaction on top of it, and the data is flushed when the module is done."""
    fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Model files go to a temporary folder, not the checkout's var/.
    with (
        django_db_blocker.unblock(),
        override_settings(VAR_DIR=tmp_path_factory.mktemp("var"), PASSWORD_HASHERS=fast),
        committed(),
    ):
        build_demo_organisations()
        build_demo_intel(folder=region, only=SOME)
        resolution_run(actor=None, kind="full")
        run = services.analysis_run(actor=None)
        assert run.status == "done", run.message
        yield run.pk


@pytest.fixture
def analysed(_analysed_once: int, db: None) -> AnalysisRun:
    return AnalysisRun.objects.get(pk=_analysed_once)
