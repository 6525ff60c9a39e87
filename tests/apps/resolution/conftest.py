from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import override_settings

from socmap.apps.core.demo import build_demo_organisations
from socmap.apps.intel.demo import build_demo_intel
from socmap.apps.resolution.models import ResolutionRun
from socmap.apps.resolution.services import resolution_run
from tests.apps.intel.conftest import region  # noqa: F401 - the session's small synthetic region
from tests.conftest import committed

# Enough sources for people to recur across systems (force intelligence, legacy, custody, a partner).
SOME = {"intel-gloucestershire", "legacy-gloucestershire", "safeguarding-cheltenham", "custody", "prison"}


@pytest.fixture(scope="module")
def _resolved_once(
    django_db_setup: None,
    django_db_blocker: Any,
    region: Path,  # noqa: F811
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[int]:
    """Ingest and resolve once per module; each test then runs in its own rolled-back transaction
    on top of it, and the data is flushed when the module is done."""
    fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with (
        django_db_blocker.unblock(),
        override_settings(VAR_DIR=tmp_path_factory.mktemp("var"), PASSWORD_HASHERS=fast),
        committed(),
    ):
        build_demo_organisations()
        build_demo_intel(folder=region, only=SOME)
        run = resolution_run(actor=None, kind="full")
        assert run.status == "done", run.message
        yield run.pk


@pytest.fixture
def resolved(_resolved_once: int, db: None) -> ResolutionRun:
    # The review queue is kept per process and only ever caught up: it assumes the database moves
    # forward, and each test's rollback moves it back. Each test starts from the region as built.
    from socmap.apps.resolution.selectors import review_queue

    review_queue._queue = None
    review_queue._visible.clear()
    review_queue._for_viewer.clear()
    return ResolutionRun.objects.get(pk=_resolved_once)
