"""Entity resolution on the synthetic region, through the real path: generate, ingest, resolve, score.

    .venv/bin/python bench/resolve_synth.py --size small      # or medium; large needs a faster ingest

Prints one JSON line with pairwise and B-cubed precision, recall and F1 against the ground truth,
blocking recall, and the seconds for ingest and for resolution.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

# Which truth field each mapping's entity key stands for, where their names differ (synthetic data only).
TRUTH_FIELD = {
    "subject1": "subject_1",
    "subject2": "subject_2",
    "linked": "subject_2",
    "associate": "subject_2",
    "payer_person": "payer",
    "payee_person": "payee",
    "associated": "associated_person",
}
PER_FILE = {
    "custody.xlsx": {"subject": "detainee"},
    "legacy.csv": {"associate": "associate"},
    "prison.csv": {"associate": "associate"},
}


def truth_for(region: Path) -> dict[tuple[str, str, str], str]:
    out = {}
    with (region / "truth" / "records.csv").open(newline="") as handle:
        for row in csv.DictReader(handle):
            if row["entity_kind"] == "person":
                out[(row["file"], row["record_id"], row["field"])] = row["true_id"]
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", default="small")
    parser.add_argument("--threshold", type=float, default=None)
    args = parser.parse_args()
    tmp = tempfile.mkdtemp()
    os.environ.update(
        {
            "SOCMAP_VAR_DIR": str(Path(tmp) / "var"),
            "DATABASE_URL": "",
            "DJANGO_SETTINGS_MODULE": "socmap.settings",
        }
    )
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import django

    django.setup()
    import pandas as pd
    from django.core.management import call_command

    from socmap.apps.core.demo import build_demo_organisations
    from socmap.apps.intel.demo import DEMO_SOURCES, build_demo_intel
    from socmap.apps.intel.models import RecordEntity
    from socmap.apps.intel.selectors import person_records
    from socmap.engines import resolve
    from socmap.engines.synth import SynthConfig, generate

    region = Path(tmp) / "region"
    generate(SynthConfig(seed=2026, size=args.size), out_dir=region)
    call_command("migrate", "--no-input", verbosity=0)
    build_demo_organisations()
    started = time.perf_counter()
    build_demo_intel(folder=region)
    ingest_seconds = time.perf_counter() - started

    files = {name: file for file, name, *_ in DEMO_SOURCES}
    truth_rows = truth_for(region)
    truth: dict[str, str] = {}
    for entity_id, key, record_key, source in RecordEntity.objects.filter(schema="Person").values_list(
        "id", "key", "record__record_key", "record__source__name"
    ):
        file = files[source]
        field = PER_FILE.get(file, {}).get(key) or TRUTH_FIELD.get(key, key)
        true_id = truth_rows.get((file, record_key, field))
        if true_id:
            truth[entity_id] = true_id
    frame = pd.DataFrame(person_records())
    started = time.perf_counter()
    config = (
        resolve.ResolveConfig()
        if args.threshold is None
        else resolve.ResolveConfig(upper_threshold=args.threshold)
    )
    model = resolve.train(frame, config)
    pairs = resolve.score_pairs(frame, model, config)
    scored = pairs.pairs
    positive = scored[scored["match_probability"] >= config.upper_threshold][["record_id_l", "record_id_r"]]
    clusters = resolve.cluster(frame["record_id"], positive.itertuples(index=False, name=None))
    resolve_seconds = time.perf_counter() - started
    known = {k: v for k, v in clusters.cluster_of.items() if k in truth}
    evaluation = resolve.evaluate(known, truth, candidates=scored)
    print(
        json.dumps(
            {
                "bench": "resolve_synth",
                "size": args.size,
                "person_records": len(frame),
                "with_truth": len(truth),
                "ingest_seconds": round(ingest_seconds, 1),
                "resolve_seconds": round(resolve_seconds, 1),
                "threshold": config.upper_threshold,
                **{
                    k: (round(v, 4) if isinstance(v, float) else v)
                    for k, v in vars(evaluation).items()
                    if isinstance(v, int | float)
                },
                "peak_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
