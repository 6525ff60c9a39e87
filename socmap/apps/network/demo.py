"""Analyse the demo region once it is resolved, and adopt two groups so the LRO's pages have work."""

from __future__ import annotations

from collections.abc import Callable

from socmap.apps.core import selectors as core_selectors
from socmap.apps.core.models import Compartment
from socmap.apps.network import services
from socmap.apps.network.models import OCG, AnalysisRun, OCGStatus, RunStatus

LEAD_FORCE = "gloucestershire-constabulary"


def build_demo_network(
    progress: Callable[[str], None] | None = None, adopt: int = 2, reuse: bool = False
) -> AnalysisRun:
    """A run as the system; then the demo analyst adopts up to ``adopt`` groups with the demo LRO.

    ``reuse``: adopt from the last finished run if there is one (the scale bench, whose timed run
    is already made: a second took nine minutes at five million source rows).
    """
    last = AnalysisRun.objects.filter(status=RunStatus.DONE).order_by("-id").first() if reuse else None
    run = last or services.analysis_run(actor=None, progress=progress)
    analyst = core_selectors.active_user(username="analyst")
    lro = core_selectors.active_user(username="lro")
    force = core_selectors.organisation_find(name_or_slug=LEAD_FORCE)
    if OCG.objects.filter(status=OCGStatus.ADOPTED).exists():
        return run
    candidates = list(OCG.objects.filter(status=OCGStatus.PROPOSED, owner=force).order_by("id")[:adopt])
    if len(candidates) < adopt:
        candidates += list(OCG.objects.filter(status=OCGStatus.PROPOSED).exclude(owner=force).order_by("id"))
    # The first is one of Operation Endeavour's Cheltenham groups: the council, a partner in that
    # operation, sees its plan and owns actions under it.
    endeavour = Compartment.objects.filter(name="Operation Endeavour").first()
    for number, ocg in enumerate(candidates[:adopt]):
        services.ocg_assess(
            actor=analyst,
            ocg=ocg,
            assessment="Demo: links show a continuing group in serious crime; roles as suggested.",
        )
        services.ocg_adopt(
            actor=analyst, ocg=ocg, lead_force=force, lro=lro, compartment=endeavour if number == 0 else None
        )
    return run
