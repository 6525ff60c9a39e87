"""The review queue as decisions about people: how many items, how good the clusters, how fast.

    # the demo built in the database DATABASE_URL names (``socmap demo --size medium``)
    .venv/bin/python bench/review.py demo [--round-trip]
    # tuning: synthetic regions through the ingest engine, several seeds, sizes and noise levels
    .venv/bin/python bench/review.py synth --size small --size medium --seed 2026 --seed 7 --noisy

``demo`` prints one JSON line: queue items and pending pairs the review queue holds for the demo
analyst and for every record (a system read), the pairwise and B-cubed scores of the stored
clusters against the region's ground truth (as ``socmap resolve evaluate``), the merge threshold
of the last run, and the server time of building the queue (median of five). With
``--round-trip`` it also times, through Django's test client in this process (server time, no
network): the queue page, the first item's page, a bulk "same person" on it answered with the next
item (HTMX), and the undo, which restores the memberships (checked by digest); ``--repeat N``
decides and undoes N times (each undo followed to the item it shows, untimed, as a browser does)
and prints the median (a shared machine's load makes one run noisy) and how many pairs the last
decision's re-scoring settled. ``--rescore-check N`` decides the first pair of each of the first N
items as the region's truth says (rolled back) and counts the pairs each decision's re-scoring
settled that agree with the truth and that do not.

``synth`` prints one JSON line per region and merge threshold: the clusters formed at that
threshold (the run's own clustering, as the app stores it) scored against truth, and the queue
items the pairs in the review band make (grouped as the app groups them), for each review floor.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

#: Merge thresholds and review floors the synth sweep reports (the calibrated point is added).
THRESHOLDS = (0.8, 0.9, 0.95, 0.99)
FLOORS = (0.5, 0.6, 0.7, 0.8)


def _load() -> str:
    out = subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout  # noqa: S607
    return out.split("load average:")[-1].strip()


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def _digest() -> str:
    from socmap.apps.resolution.models import Membership

    digest = hashlib.sha256()
    for row in Membership.objects.order_by("entity_id").values_list("entity_id", "canonical_id"):
        digest.update("|".join(row).encode())
    return digest.hexdigest()


def _timed(call: Any, repeat: int = 5) -> tuple[Any, float]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = call()
        times.append(time.perf_counter() - started)
    return result, statistics.median(times)


def _round_trip(analyst: Any, repeat: int = 1) -> dict[str, Any]:
    from django.test import Client

    from socmap.apps.resolution.selectors import review

    client = Client()
    client.force_login(analyst)
    session = client.session
    session["socmap_purpose"] = "Review queue benchmark"
    session.save()
    _, queue_s = _timed(lambda: client.get("/review/"))
    first = review.review_items(viewer=analyst)[0]
    _, item_s = _timed(lambda: client.get(f"/review/people/{first.key}/"))
    from socmap.apps.resolution.models import Judgement
    from socmap.apps.resolution.services.learning import VERSION

    before = _digest()
    decide_times, undo_times, restored, settled = [], [], True, 0
    for _ in range(repeat):
        # The item as it stands now (each undo gives its pairs a new version).
        item = next(i for i in review.review_items(viewer=analyst) if i.key == first.key)
        last = Judgement.objects.order_by("-id").values_list("id", flat=True).first() or 0
        started = time.perf_counter()
        decided = client.post(
            f"/review/people/{item.key}/",
            {"decision": "match", "pair": [f"{p.id}:{p.version}" for p in item.pairs]},
            HTTP_HX_REQUEST="true",
        )
        decide_times.append(time.perf_counter() - started)
        settled = Judgement.objects.filter(id__gt=last, model_version=VERSION).count()
        started = time.perf_counter()
        undone = client.post("/review/decisions/undo/", {"reason": "Benchmark: undo straight after deciding"})
        undo_times.append(time.perf_counter() - started)
        restored = restored and _digest() == before
        # The browser follows the undo to the item (untimed), as an analyst sees it before deciding
        # again: the next decision starts from a page shown, as the first did.
        client.get(undone["Location"])
    return {
        "queue_page_ms": _ms(queue_s),
        "item_page_ms": _ms(item_s),
        "decision_and_next_item_ms": _ms(statistics.median(decide_times)),
        "decision_and_next_item_ms_each": [_ms(t) for t in decide_times],
        "decision_status": decided.status_code,
        "pairs_re_scored_by_decision": settled,
        "undo_ms": _ms(statistics.median(undo_times)),
        "undo_status": undone.status_code,
        "undo_restores_memberships": restored,
        "item_pairs": len(first.pairs),
    }


def _rescore_check(analyst: Any, truth: dict[str, str], items: int) -> dict[str, Any]:
    """An analyst who always decides right, on the first ``items`` items: the item's first pair
    decided by the truth, then every pair the decision's re-scoring settled compared with the
    truth; each decision rolled back (the database is left as it was)."""
    from django.db import transaction

    from socmap.apps.resolution.selectors import review
    from socmap.apps.resolution.services.review import judgement_batch_decide

    counts = {"same_right": 0, "same_wrong": 0, "apart_right": 0, "apart_wrong": 0}
    for item in review.review_items(viewer=analyst)[:items]:
        first = item.pairs[0]
        same = truth.get(first.left_id) is not None and truth.get(first.left_id) == truth.get(first.right_id)
        with transaction.atomic():
            result = judgement_batch_decide(
                actor=analyst,
                versions={first.id: first.version},
                decision="match" if same else "no_match",
                reason="Benchmark: decided by the region's truth",
            )
            for j in result.judgements[len(result.judgements) - result.rescored :]:
                joined = j.decision == "match"
                right = (truth.get(j.left_id) == truth.get(j.right_id)) == joined
                counts[f"{'same' if joined else 'apart'}_{'right' if right else 'wrong'}"] += 1
            transaction.set_rollback(True)
    return {f"rescored_{k}": v for k, v in counts.items()} | {"rescore_checked_items": items}


def demo(args: argparse.Namespace) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "socmap.settings")
    import django

    django.setup()
    from socmap.apps.core.models import User
    from socmap.apps.intel.demo import region_dir
    from socmap.apps.intel.reads import system_job
    from socmap.apps.resolution.models import Pair, PairState
    from socmap.apps.resolution.selectors import review
    from socmap.apps.resolution.services import quality_measure
    from socmap.apps.resolution.truth import truth_load

    analyst = User.objects.get(username=args.analyst)
    every, every_s = _timed(lambda: review.review_items(viewer=None), repeat=3)
    mine, mine_s = _timed(lambda: review.review_items(viewer=analyst))
    job = system_job("review queue benchmark")
    truth = truth_load(path=region_dir() / "truth" / "records.csv", job=job)
    quality = quality_measure(truth=truth)
    e = quality.evaluation
    figures: dict[str, Any] = {
        "bench": "review",
        "data": "demo",
        "person_records": e.records,
        "merge_threshold": review.merge_threshold(),
        "queue_items": len(every),
        "queue_pairs": sum(len(i.pairs) for i in every),
        "pending_pairs": Pair.objects.filter(state=PairState.PENDING).count(),
        "largest_item_pairs": max((len(i.pairs) for i in every), default=0),
        "analyst_items": len(mine),
        "pairwise_precision": round(e.pairwise_precision, 4),
        "pairwise_recall": round(e.pairwise_recall, 4),
        "pairwise_f1": round(e.pairwise_f1, 4),
        "bcubed_f1": round(e.bcubed_f1, 4),
        "queue_build_ms_every_record": _ms(every_s),
        "queue_build_ms_analyst": _ms(mine_s),
    }
    if args.round_trip:
        figures.update(_round_trip(analyst, args.repeat))
    if args.rescore_check:
        figures.update(_rescore_check(analyst, truth, args.rescore_check))
    figures["load_average"] = _load()
    print(json.dumps(figures), flush=True)


def _synth_region(size: str, seed: int, noisy: bool, tmp: Path) -> tuple[Any, dict[str, str]]:
    from bench.resolve_synth import frame_via_engine
    from socmap.apps.intel.demo import DEMO_SOURCES
    from socmap.engines.synth import SynthConfig, generate
    from socmap.engines.synth.types import NoiseRates

    noise = NoiseRates(typo=0.1, phonetic=0.08, nickname=0.1, missing_field=0.16) if noisy else NoiseRates()
    region = tmp / f"{size}-{seed}-{'noisy' if noisy else 'standard'}"
    generate(SynthConfig(seed=seed, size=size, noise=noise), out_dir=region)
    return frame_via_engine(region, [(f, s, m) for f, s, _, _, m, *_ in DEMO_SOURCES])


def _sweep(name: dict[str, Any], frame: Any, truth: dict[str, str]) -> None:
    from collections import Counter

    from socmap.apps.resolution.selectors.review import QueuePair, items_group
    from socmap.engines import resolve

    config = resolve.ResolveConfig(keep_above=0.5, memory_limit="2GB", retain_values=False)
    frame = resolve.prepare_records(frame)
    scored = resolve.score_pairs(frame, resolve.train(frame, config), config)
    calibrated = resolve.operating_point(scored, config).upper_threshold
    # The app's run guards its merges with dates of birth (ADR 20): so does the sweep.
    births = dict(zip(frame["record_id"].astype(str), frame["birth_date"], strict=True))
    pairs = scored.pairs
    lefts, rights = pairs["record_id_l"].astype(str).tolist(), pairs["record_id_r"].astype(str).tolist()
    probs = pairs["match_probability"].astype(float).tolist()
    for threshold in sorted({*THRESHOLDS, calibrated}):
        at = dataclasses.replace(config, upper_threshold=threshold)
        clusters = resolve.cluster_scored(frame["record_id"], scored, at, births=births)
        e = resolve.evaluate({k: v for k, v in clusters.cluster_of.items() if k in truth}, truth)
        sizes = Counter(clusters.cluster_of.values())
        for floor in FLOORS:
            if floor >= threshold:
                continue
            band = [
                QueuePair(i, a, b, p, 0)
                for i, (a, b, p) in enumerate(zip(lefts, rights, probs, strict=True))
                if floor <= p < threshold
            ]
            items = items_group(band, clusters.cluster_of, dict(sizes), set(), threshold)
            print(
                json.dumps(
                    {
                        "bench": "review",
                        "data": "synth",
                        **name,
                        "person_records": len(frame),
                        "threshold": threshold,
                        "calibrated": threshold == calibrated,
                        "review_floor": floor,
                        "queue_items": len(items),
                        "queue_pairs": sum(len(i.pairs) for i in items),
                        "pairwise_precision": round(e.pairwise_precision, 4),
                        "pairwise_recall": round(e.pairwise_recall, 4),
                        "pairwise_f1": round(e.pairwise_f1, 4),
                        "load_average": _load(),
                    }
                ),
                flush=True,
            )


def synth(args: argparse.Namespace) -> None:
    tmp = Path(tempfile.mkdtemp())
    os.environ.update(
        {"SOCMAP_VAR_DIR": str(tmp / "var"), "DATABASE_URL": "", "DJANGO_SETTINGS_MODULE": "socmap.settings"}
    )
    import django

    django.setup()
    for size in args.size or ["small"]:
        for seed in args.seed or [2026]:
            for noisy in (False, True) if args.noisy else (False,):
                frame, truth = _synth_region(size, seed, noisy, tmp)
                _sweep(
                    {"size": size, "seed": seed, "noise": "doubled" if noisy else "standard"}, frame, truth
                )


def main() -> None:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    on_demo = sub.add_parser("demo", help="the demo region in the database DATABASE_URL names")
    on_demo.add_argument("--analyst", default="analyst")
    on_demo.add_argument("--round-trip", action="store_true", help="time the pages and a decision with undo")
    on_demo.add_argument("--repeat", type=int, default=1, help="decide and undo this many times (median)")
    on_demo.add_argument(
        "--rescore-check", type=int, default=0, help="check re-scoring against the truth on this many items"
    )
    on_synth = sub.add_parser("synth", help="sweep thresholds on synthetic regions (engine path)")
    on_synth.add_argument("--size", action="append")
    on_synth.add_argument("--seed", action="append", type=int)
    on_synth.add_argument("--noisy", action="store_true", help="also with record noise doubled")
    args = parser.parse_args()
    (demo if args.command == "demo" else synth)(args)


if __name__ == "__main__":
    main()
