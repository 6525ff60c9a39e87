"""Run in a process of its own by the kill tests, against a database of its own:

python -m tests.apps.core.kill_script resolution REGION [--now]   migrate, the region's people
                                                                 ingested, a full resolution run
                                                                 queued (--now: run here)
python -m tests.apps.core.kill_script people                      what resolution stored, as JSON
python -m tests.apps.core.kill_script upload-setup                migrate, a source and its ingester
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path

#: Sources whose people recur across systems (force intelligence, legacy, custody, a partner).
SOURCES = {"intel-gloucestershire", "legacy-gloucestershire", "safeguarding-cheltenham", "custody", "prison"}


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "socmap.settings")
    import django

    django.setup()


def resolution(region: Path, now: bool) -> None:
    from django.core.management import call_command

    call_command("migrate", "--no-input", verbosity=0)
    from socmap.apps.core.demo import build_demo_organisations
    from socmap.apps.intel.demo import build_demo_intel
    from socmap.apps.resolution.services import resolution_run
    from socmap.apps.resolution.tasks import run_resolution

    build_demo_organisations()
    build_demo_intel(folder=region, only=SOURCES)
    if now:
        run = resolution_run(actor=None, kind="full")
        assert run.status == "done", run.message
    else:
        run_resolution.enqueue(None, "full")


def _sha(rows: object) -> str:
    return hashlib.sha256(json.dumps(sorted(rows), sort_keys=True, default=str).encode()).hexdigest()  # type: ignore[call-overload]


def people() -> dict[str, object]:
    """Counts and digests of what resolution stored that do not depend on which run stored it."""
    from socmap.apps.core.chain import AUDIT_CHAIN, JUDGEMENT_CHAIN, chain_verify
    from socmap.apps.resolution.models import Judgement, Membership, Pair, ResolutionRun

    pairs = Pair.objects.values_list(
        "left_id", "right_id", "probability", "match_weight", "state", "explanation"
    )
    judgements = Judgement.objects.values_list("left_id", "right_id", "decision", "probability", "reason")
    groups: dict[str, list[str]] = {}
    for entity, canonical in Membership.objects.values_list("entity_id", "canonical_id"):
        groups.setdefault(canonical, []).append(entity)
    return {
        "pairs": Pair.objects.count(),
        "judgements": Judgement.objects.count(),
        "people": len(groups),
        "pair_digest": _sha([[a, b, round(p, 9), round(w, 6), s, e] for a, b, p, w, s, e in pairs]),
        "judgement_digest": _sha([[a, b, d, round(p or 0, 9), r] for a, b, d, p, r in judgements]),
        "people_digest": _sha([sorted(g) for g in groups.values()]),
        # What the runs report, summed: an interrupted run reports the merges it stored before it
        # stopped. (Its queued count is what awaited review when it stopped: the next run may attach
        # some of those by name, so the review queue itself is compared, in the pairs' states.)
        "runs_done": sorted(
            ResolutionRun.objects.filter(status="done").values_list("records", "candidate_pairs")
        ),
        "auto_matched": sum(ResolutionRun.objects.values_list("auto_matched", flat=True)),
        "awaiting_review": Pair.objects.filter(state="pending").count(),
        "chains_intact": chain_verify(JUDGEMENT_CHAIN).intact and chain_verify(AUDIT_CHAIN).intact,
    }


def upload_setup() -> None:
    from django.core.management import call_command

    call_command("migrate", "--no-input", verbosity=0)
    from socmap.apps.core.models import Handling
    from socmap.apps.core.services import token_create
    from socmap.apps.intel import services
    from socmap.apps.intel.models import SourceKind
    from tests import factories

    rocu = factories.organisation("rocu", name="South West Regional Organised Crime Unit")
    user = factories.user(rocu, "analyst", username="ingester")
    services.source_register(
        actor=None,
        owner=rocu,
        name="anpr",
        title="ANPR sightings",
        kind=SourceKind.ANPR,
        mapping_name="anpr.yaml",
        handling=Handling.P,
        conditions="",
    )
    _, secret = token_create(actor=user, name="upload")
    print(secret)


if __name__ == "__main__":
    _django()
    if sys.argv[1] == "resolution":
        resolution(Path(sys.argv[2]), now="--now" in sys.argv)
    elif sys.argv[1] == "people":
        print(json.dumps(people()))
    else:
        upload_setup()
