"""Reads of resolution runs: the list on the runs page, and whether one is under way."""

from __future__ import annotations

from django.db.models import QuerySet

from socmap.apps.core.models import User
from socmap.apps.resolution.models import ResolutionRun, RunStatus

RUNS_SHOWN = 50


def run_list(*, viewer: User, limit: int = RUNS_SHOWN) -> list[ResolutionRun]:
    """The latest runs, newest first (runs hold counts and timings, no record's values)."""
    del viewer  # every role that may open the runs page may see every run
    return list(_runs()[:limit])


def run_latest(*, viewer: User) -> ResolutionRun | None:
    """The latest run, if any."""
    del viewer
    return _runs().first()


def run_busy(*, viewer: User, queued: bool = True) -> bool:
    """Whether a run is under way (or, with ``queued``, waiting to start)."""
    del viewer
    states = [RunStatus.QUEUED, RunStatus.RUNNING] if queued else [RunStatus.RUNNING]
    return ResolutionRun.objects.filter(status__in=states).exists()


def _runs() -> QuerySet[ResolutionRun]:
    return ResolutionRun.objects.select_related("created_by")
