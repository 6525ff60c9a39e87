"""National scale on PostgreSQL: the region at 1,000,000 and 5,000,000 source rows, stage by stage.

    .venv/bin/python bench/scale.py --work /srv/scale                       # 1M and 5M, every stage
    .venv/bin/python bench/scale.py --work /srv/scale --sizes 1000000 --stages generate,ingest

For each size, a database of its own (``socmap_scale_<rows>`` on the server of ``--server``) and a
folder of its own under ``--work``. Each stage runs in a fresh child process, so its peak memory
(``VmHWM`` of the child, and of the mapping processes it forks) is its own:

- ``generate``: the synthetic region (seed 2026) with its ground truth;
- ``ingest``: every file through the real ingest path (``build_demo_intel``), then ``ANALYZE``;
- ``resolve``: a full resolution run with a newly trained model (``resolution_run``, the path of
  ``socmap resolve run --full``), and its pairwise F1 against the ground truth;
- ``network``: a network analysis run (``analysis_run``, the path of ``socmap network run``);
- ``rest``: the rest of the demo (threats, tasking, lifetime, partnership, profile), untimed, so the
  load bench finds the pages it walks;
- ``explain``: every analyst page fetched once with the query plans of its SQL (``EXPLAIN``), and
  any sequential scan of a table over 100,000 rows named;
- ``load``: ``bench/load.py`` (locust, 20 users) against ``socmap serve`` on that database.

A stage that finished is not run again (its line is kept in ``<work>/results.jsonl``, with the
commit it ran on and the load average), so a run cut short resumes; ``--fresh`` starts again. The
last lines compare each size with the first: the growth factor of each stage's time (target: no
worse than the growth in rows, ×5) and each page's p95 at the larger size over the smaller
(target: 1.5 or less).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
STAGES = ("generate", "ingest", "resolve", "network", "rest", "explain", "load")
TIMED = ("ingest", "resolve", "network")
SERVER = "postgres://postgres@127.0.0.1:5432"
BIG_TABLE_ROWS = 100_000
UPLOAD_MAX_BYTES = 2 << 30


def _peak_mib() -> float:
    """Peak resident memory of this process (VmHWM: ru_maxrss survives exec) and of its children."""
    own = 0
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            own = int(line.split()[1])
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return round(max(own, children) / 1024, 1)


def _commit() -> str:
    out = subprocess.run(  # noqa: S603 - git of this checkout
        # git from PATH, as a developer runs it
        ["git", "-C", str(ROOT), "describe", "--always", "--dirty"],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
    )
    return out.stdout.strip()


def _django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "socmap.settings")
    import django

    django.setup()


def _say(started: float) -> Callable[[str], None]:
    """A run's progress on standard error, with the seconds since it started."""
    return lambda message: print(
        f"{time.perf_counter() - started:7.1f}s {message}", file=sys.stderr, flush=True
    )


def stage_generate(region: Path, rows: int) -> dict[str, Any]:
    from socmap.engines.synth import SynthConfig, generate

    result = generate(SynthConfig(seed=2026, size=rows), out_dir=region, force=True)
    return {"files": len(result.files), "file_rows": sum(n for _p, _s, n in result.files)}


def stage_ingest(region: Path, rows: int) -> dict[str, Any]:
    _django()
    from django.core.management import call_command
    from django.db import connection

    from socmap.apps.core.demo import build_demo_organisations
    from socmap.apps.inspections.demo import build_demo_inspections
    from socmap.apps.intel.demo import build_demo_intel

    call_command("migrate", "--no-input", verbosity=0)
    build_demo_organisations()
    build_demo_inspections()
    started = time.perf_counter()
    batches = build_demo_intel(folder=region)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "rows_done": sum(b.rows_done for b in batches),
        "records": sum(b.records_new for b in batches),
        "statements": sum(b.statements_new for b in batches),
        "quarantined": sum(b.quarantined for b in batches),
    }


def stage_resolve(region: Path, rows: int) -> dict[str, Any]:
    _django()
    from socmap.apps.intel.reads import system_job
    from socmap.apps.resolution.models import RunKind
    from socmap.apps.resolution.services import quality_measure
    from socmap.apps.resolution.services.runs import resolution_run
    from socmap.apps.resolution.truth import truth_load

    started = time.perf_counter()
    run = resolution_run(actor=None, kind=RunKind.FULL, retrain=True, progress=_say(started))
    seconds, peak = time.perf_counter() - started, _peak_mib()
    # Measured after the clock stops, and the run's peak memory read before, not the evaluation's.
    truth = truth_load(path=region / "truth" / "records.csv", job=system_job("scale bench"))
    e = quality_measure(truth=truth).evaluation
    quality = {
        "pairwise_precision": round(e.pairwise_precision, 4),
        "pairwise_recall": round(e.pairwise_recall, 4),
        "pairwise_f1": round(e.pairwise_f1, 4),
    }
    return {
        "seconds": seconds,
        "peak_mib": peak,
        "status": run.status,
        "person_records": run.records,
        "candidate_pairs": run.candidate_pairs,
        "merged": run.auto_matched,
        "queued": run.queued,
        "upper_threshold": run.upper_threshold,
        **quality,
    }


def stage_network(region: Path, rows: int) -> dict[str, Any]:
    _django()
    from socmap.apps.network.services import analysis_run

    started = time.perf_counter()
    run = analysis_run(actor=None, progress=_say(started))
    return {
        "seconds": time.perf_counter() - started,
        "people": run.nodes,
        "links": run.edges,
        "groups_proposed": run.groups_proposed,
    }


def stage_rest(region: Path, rows: int) -> dict[str, Any]:
    _django()
    from socmap.apps.assessment.demo import build_demo_assessment
    from socmap.apps.lifetime.demo import build_demo_lifetime
    from socmap.apps.network.demo import build_demo_network
    from socmap.apps.partnership.demo import build_demo_partnership
    from socmap.apps.places.demo import build_demo_places
    from socmap.apps.profile.demo import build_demo_profile
    from socmap.apps.tasking.demo import build_demo_tasking
    from socmap.apps.workforce.demo import build_demo_workforce

    started = time.perf_counter()
    build_demo_network(adopt=2, reuse=True)  # adopts two groups of the run already made
    threats = build_demo_assessment()
    build_demo_tasking()
    build_demo_lifetime()
    build_demo_partnership()
    build_demo_workforce()
    build_demo_places()
    build_demo_profile()
    return {"seconds": time.perf_counter() - started, "threats": threats}


def stage_explain(region: Path, rows: int) -> dict[str, Any]:
    _django()
    sys.path.insert(0, str(ROOT / "bench"))
    from explain import explain_pages  # bench/explain.py

    return explain_pages(big_table_rows=BIG_TABLE_ROWS)


def stage_load(region: Path, rows: int) -> dict[str, Any]:
    out = subprocess.run(  # noqa: S603 - our own bench
        [sys.executable, str(ROOT / "bench" / "load.py"), "--users", "20", "--seconds", "120"],
        capture_output=True,
        text=True,
        check=True,
        env=os.environ,
    )
    pages = {}
    for line in out.stdout.splitlines():
        if line.startswith("{"):
            item = json.loads(line)
            if "page" in item:
                pages[item["page"]] = item
    return {"pages": pages}


RUNNERS: dict[str, Callable[[Path, int], dict[str, Any]]] = {
    "generate": stage_generate,
    "ingest": stage_ingest,
    "resolve": stage_resolve,
    "network": stage_network,
    "rest": stage_rest,
    "explain": stage_explain,
    "load": stage_load,
}


def child(stage: str, region: Path, rows: int) -> None:
    load_before = os.getloadavg()[0]
    result = RUNNERS[stage](region, rows)
    result.setdefault("peak_mib", _peak_mib())
    result.update(
        load_average=[round(load_before, 2), *(round(x, 2) for x in os.getloadavg())],
    )
    print("RESULT " + json.dumps(result, default=str), flush=True)


def _database(rows: int, server: str, fresh: bool) -> str:
    import psycopg

    name = f"socmap_scale_{rows}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if fresh and exists:
            conn.execute(f'DROP DATABASE "{name}"')  # a name this script made
        if fresh or not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
    return f"{server}/{name}"


def _done(results: Path) -> dict[tuple[int, str], dict[str, Any]]:
    if not results.exists():
        return {}
    out = {}
    for line in results.read_text().splitlines():
        item = json.loads(line)
        out[(item["rows"], item["stage"])] = item
    return out


def _summary(done: dict[tuple[int, str], dict[str, Any]], sizes: list[int]) -> None:
    base = sizes[0]
    for rows in sizes[1:]:
        factor = rows / base
        for stage in TIMED:
            a, b = done.get((base, stage)), done.get((rows, stage))
            if a and b:
                growth = b["seconds"] / a["seconds"]
                print(
                    json.dumps(
                        {
                            "bench": "scale",
                            "compare": stage,
                            "rows": [base, rows],
                            "seconds": [round(a["seconds"], 1), round(b["seconds"], 1)],
                            "peak_mib": [a["peak_mib"], b["peak_mib"]],
                            "growth": round(growth, 2),
                            "rows_growth": factor,
                            "target_met": growth <= factor,
                        }
                    )
                )
        a, b = done.get((base, "load")), done.get((rows, "load"))
        if a and b:
            for page, first in a["pages"].items():
                second = b["pages"].get(page)
                if second and first.get("server_p95_ms"):
                    ratio = second["server_p95_ms"] / first["server_p95_ms"]
                    print(
                        json.dumps(
                            {
                                "bench": "scale",
                                "compare": "page_p95",
                                "page": page,
                                "rows": [base, rows],
                                "server_p95_ms": [first["server_p95_ms"], second["server_p95_ms"]],
                                "ratio": round(ratio, 2),
                                "target_met": ratio <= 1.5,
                            }
                        )
                    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--work", type=Path, help="folder for regions, var folders, results")
    parser.add_argument("--sizes", default="1000000,5000000")
    parser.add_argument("--stages", default=",".join(STAGES))
    parser.add_argument("--server", default=SERVER, help="PostgreSQL server URL, without the database")
    parser.add_argument("--fresh", action="store_true", help="forget finished stages and databases")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--region", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--rows", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.region, args.rows)
        return
    if args.work is None:
        parser.error("--work FOLDER is needed")
    sizes = [int(s) for s in args.sizes.split(",")]
    stages = [s for s in STAGES if s in args.stages.split(",")]
    args.work.mkdir(parents=True, exist_ok=True)
    results = args.work / "results.jsonl"
    if args.fresh and results.exists():
        results.unlink()
    done = _done(results)
    for rows in sizes:
        folder = args.work / str(rows)
        url = _database(rows, args.server, args.fresh and (rows, "ingest") not in done)
        env = {**os.environ, "DATABASE_URL": url, "SOCMAP_VAR_DIR": str(folder / "var"), "CI": "true"}
        # At five million rows the region's ANPR file is 275 MB, over the default limit of a file
        # (200 MB); a national install raises it the same way.
        env.setdefault("SOCMAP_UPLOAD_MAX_BYTES", str(UPLOAD_MAX_BYTES))
        for stage in stages:
            if (rows, stage) in done:
                print(json.dumps({"bench": "scale", **done[(rows, stage)], "kept": True}), flush=True)
                continue
            started = time.perf_counter()
            out = subprocess.run(  # noqa: S603 - this script as a child
                [
                    sys.executable,
                    __file__,
                    "--child",
                    stage,
                    "--region",
                    str(folder / "region"),
                    "--rows",
                    str(rows),
                ],
                env=env,
                stdout=subprocess.PIPE,
                text=True,
                check=False,
            )
            line = next((x for x in out.stdout.splitlines() if x.startswith("RESULT ")), None)
            if out.returncode != 0 or line is None:
                sys.stderr.write(out.stdout[-4000:])
                sys.exit(f"scale: stage {stage} at {rows:,} rows failed (exit {out.returncode})")
            item = {
                "rows": rows,
                "stage": stage,
                "wall_seconds": round(time.perf_counter() - started, 1),
                "commit": _commit(),
                **json.loads(line[len("RESULT ") :]),
            }
            if "seconds" in item:
                item["seconds"] = round(item["seconds"], 1)
            with results.open("a") as handle:
                handle.write(json.dumps(item) + "\n")
            done[(rows, stage)] = item
            print(json.dumps({"bench": "scale", **item}), flush=True)
    _summary(done, sizes)


if __name__ == "__main__":
    main()
