"""Resolve the demo region once it is ingested, so the review queue and entity pages have work in them."""

from __future__ import annotations

from collections.abc import Callable

from socmap.apps.resolution.models import ResolutionRun, RunKind
from socmap.apps.resolution.services import resolution_run


def build_demo_resolution(progress: Callable[[str], None] | None = None) -> ResolutionRun:
    """A full run with a freshly trained model, as the system (no user)."""
    return resolution_run(actor=None, kind=RunKind.FULL, retrain=True, progress=progress)
