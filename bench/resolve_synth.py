"""Entity resolution on the synthetic region: generate, build the person frame, resolve, score.

    .venv/bin/python bench/resolve_synth.py --size small              # through the database
    .venv/bin/python bench/resolve_synth.py --size large              # straight from the files
    .venv/bin/python bench/resolve_synth.py --size medium --via engine --region /tmp/medium
    .venv/bin/python bench/resolve_synth.py --size medium --via engine --backend both   # Spark beside DuckDB

``--via db`` (default for small and medium) ingests every file into a fresh SQLite database with
``build_demo_intel`` and reads the person frame back with ``reads.person_rows``: the real path.
With ``--database postgres://…`` it times the app's own run instead (``resolution_run``, as
``socmap resolve run --full --retrain``) on that database, ingesting the region first unless the
database holds records, and scores the stored people against the truth:

    .venv/bin/python bench/resolve_synth.py --size large --via db --region /srv/scale/1000000/region \
        --database postgres://postgres@127.0.0.1:5432/socmap_scale_1000000
``--via engine`` (default for large, where the database ingest takes hours) maps the same files
with the ingest engine (``load_mapping``/``read_source``) and builds the same frame in memory:
person entities with their name, birth and identifier properties, the postcode of their LivesAt
address, the address and phone of their LivesAt and UsesPhone links, and the same record ids
(the ingest's entity hash). ``--region`` reuses a region generated earlier (same seed and size).

Prints JSON lines: one for the frame (records, seconds), one per threshold with ``--sweep``, then
the result at the operating point the model chooses from its own estimated precision
(``resolve.operating_point``; ``--threshold`` overrides it), with that estimate beside the
precision measured on the same pairs, and: pairwise and B-cubed precision, recall and F1 against
the ground truth, blocking recall (share of true pairs compared at all), seconds for each stage,
``end_to_end_seconds`` (frame + train + score + cluster + evaluate) and peak memory.
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import hashlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

# The repository, not this folder: bench/profile.py would stand in for the standard library's profile
# module, which PySpark imports (through cProfile) for --backend spark.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from socmap.engines.resolve.types import PERSON_PROPS  # noqa: E402 - after the path is set
from socmap.engines.synth.truth_keys import truth_field  # noqa: E402 - after the path is set

#: What ``--no-identifiers`` removes: names, dates of birth and addresses stay.
IDENTIFIER_COLUMNS = ("pnc_id", "custody_number", "ni_number", "phone")
LINKED = {"LivesAt": ("address", ("full", "line1")), "UsesPhone": ("phone", ("number",))}


def truth_for(region: Path) -> dict[tuple[str, str, str], str]:
    out = {}
    with (region / "truth" / "records.csv").open(newline="") as handle:
        for row in csv.DictReader(handle):
            if row["entity_kind"] == "person":
                out[(row["file"], row["record_id"], row["field"])] = row["true_id"]
    return out


def _setup_django(tmp: str, database: str = "") -> None:
    os.environ.update(
        {
            "SOCMAP_VAR_DIR": str(Path(tmp) / "var"),
            "DATABASE_URL": database,
            "DJANGO_SETTINGS_MODULE": "socmap.settings",
        }
    )
    import django

    django.setup()


def _entity_id(source: str, record_key: str, key: str) -> str:
    # A stable id per (source, record, entity). The frame is built without the database, so it need
    # only be unique here; the database numbers entity ids by record (intel.store.entity_id).
    return hashlib.sha1(f"{source}|{record_key}|{key}||".encode()).hexdigest()  # noqa: S324


def person_mapping(mapping: Any) -> Any:
    """The mapping cut down to what the person frame reads, quarantining exactly the same rows.

    Kept whole: person entities. Kept in part: the addresses and phones they live at or use (the
    properties the frame reads, plus required ones). Of every other entity only the properties
    whose failure quarantines a row (dates, ``on_error: quarantine``) are kept, so a row the
    database ingest would quarantine is still quarantined here; report texts, vehicles and the
    like are not mapped at all, which halves the mapping time of a million rows.
    """
    import dataclasses

    from socmap.model.loader import load_model

    model = load_model()
    people = {e.key for e in mapping.entities if e.schema == "Person"}
    links = tuple(link for link in mapping.links if link.schema in LINKED and link.source in people)
    wanted = {link.target: set(LINKED[link.schema][1]) | {"postcode"} for link in links}
    entities = []
    for spec in mapping.entities:
        if spec.key in people:
            entities.append(spec)
            continue
        schema = model.schemata[spec.schema]
        keep = wanted.get(spec.key, set()) | set(schema.required)
        props = {
            name: value
            for name, value in spec.properties.items()
            if name in keep
            or value.on_error == "quarantine"
            or (not value.on_error and schema.properties[name].type == "date")
        }
        if props:
            entities.append(dataclasses.replace(spec, properties=props))
    return dataclasses.replace(mapping, entities=tuple(entities), links=links)


def people_of_file(
    region: str, file: str, source: str, mapping_name: str
) -> tuple[list[dict[str, Any]], int]:
    """Person rows of one source file, shaped as ``reads.person_rows`` shapes them from the database.

    Returns the rows (each with a ``_key`` naming its mapping entity, for the truth) and how many
    rows were quarantined (they never become records, so they have no person either).
    """
    from socmap.engines.ingest import MAPPINGS_DIR, MappedRecord, load_mapping, read_source

    mapping = person_mapping(load_mapping(MAPPINGS_DIR / mapping_name))
    rows: dict[str, dict[str, Any]] = {}
    quarantined = 0
    for item in read_source(Path(region) / file, mapping, source_name=Path(file).name):
        if not isinstance(item, MappedRecord):
            quarantined += 1
            continue
        by_key = {e.key: e for e in item.entities}
        postcode: dict[str, str] = {}
        holder: dict[tuple[str, str], str] = {}
        for link in item.links:
            target = by_key.get(link.target)
            if target is None or link.source not in by_key or link.schema not in LINKED:
                continue
            if link.schema == "LivesAt" and target.properties.get("postcode"):
                postcode.setdefault(link.source, target.properties["postcode"][0].value)
            # As the selector does: an address or phone shared by two people of one record (tenant
            # and joint tenant) gives its text to the last of them only; both keep the postcode.
            holder[(link.schema, link.target)] = link.source
        linked: dict[str, dict[str, str]] = {}
        for (schema, target_key), person in holder.items():
            column, props = LINKED[schema]
            for prop, values in by_key[target_key].properties.items():
                if prop in props and values:
                    linked.setdefault(person, {}).setdefault(column, values[0].value)
        for entity in item.entities:
            if entity.schema != "Person":
                continue
            rid = _entity_id(source, item.record_key, entity.key)
            row = rows.get(rid)
            if row is None:
                row = rows[rid] = {
                    "record_id": rid,
                    "source": source,
                    "postcode": postcode.get(entity.key) or None,
                    "_key": (file, item.record_key, truth_field(file, entity.key)),
                }
            for prop, values in entity.properties.items():
                column = PERSON_PROPS.get(prop)
                if column is None:
                    continue
                for value in values:
                    if column == "aliases":
                        row[column] = f"{row[column]}; {value.value}" if row.get(column) else value.value
                    else:
                        row.setdefault(column, value.value)
            for column, value in linked.get(entity.key, {}).items():
                row.setdefault(column, value)
    return list(rows.values()), quarantined


def frame_via_engine(region: Path, sources: Iterable[tuple[str, str, str]]) -> tuple[Any, dict[str, str]]:
    """The person frame and truth built from the region files with the ingest engine, two files at a time."""
    import pandas as pd

    from socmap.engines.ingest import MAPPINGS_DIR, load_mapping

    truth_rows = truth_for(region)
    # Files whose mapping names no person (ANPR sightings, call records) add nothing to the frame.
    with_people = [
        s for s in sources if any(e.schema == "Person" for e in load_mapping(MAPPINGS_DIR / s[2]).entities)
    ]
    jobs = sorted(with_people, key=lambda s: -(region / s[0]).stat().st_size)
    rows: list[dict[str, Any]] = []
    truth: dict[str, str] = {}
    with ProcessPoolExecutor(max_workers=2) as pool:
        futures = [pool.submit(people_of_file, str(region), f, s, m) for f, s, m in jobs]
        for future in futures:
            found, _ = future.result()
            for row in found:
                true_id = truth_rows.get(row.pop("_key"))
                if true_id:
                    truth[row["record_id"]] = true_id
            rows.extend(found)
    return pd.DataFrame(rows), truth


def frame_via_db(region: Path) -> tuple[Any, dict[str, str], float]:
    """The real path: ingest into a fresh database, then ``reads.person_rows`` as resolution reads."""
    import pandas as pd
    from django.core.management import call_command

    from socmap.apps.core.demo import build_demo_organisations
    from socmap.apps.intel.demo import DEMO_SOURCES, build_demo_intel
    from socmap.apps.intel.models import RecordEntity
    from socmap.apps.intel.reads import person_rows, system_job

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
        true_id = truth_rows.get((file, record_key, truth_field(file, key)))
        if true_id:
            truth[entity_id] = true_id
    return pd.DataFrame(person_rows(viewer=system_job("benchmark"))), truth, ingest_seconds


def app_path(region: Path, size: str) -> dict[str, Any]:
    """The app's own path on the database ``--database`` names: the region ingested into it unless
    it holds records already, then ``resolution_run`` (as ``socmap resolve run --full --retrain``)
    timed and scored against the region's truth, as ``bench/scale.py``'s resolve stage does."""
    import importlib.util

    from socmap.apps.intel.models import Record

    spec = importlib.util.spec_from_file_location("scale_bench", Path(__file__).with_name("scale.py"))
    if spec is None or spec.loader is None:
        raise SystemExit("bench/scale.py is missing")
    scale = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(scale)
    ingested = None
    if not Record.objects.exists():
        ingested = scale.stage_ingest(region, 0)["seconds"]
    result = scale.stage_resolve(region, 0)
    return {
        "bench": "resolve_synth",
        "size": size,
        "via": "db",
        "path": "app (resolution_run, PostgreSQL)",
        **({"ingest_seconds": round(ingested, 1)} if ingested is not None else {}),
        **{k: v for k, v in result.items() if k != "seconds"},
        "end_to_end_seconds": round(result["seconds"], 1),
        "load_average": _load(),
    }


def _peak_mib() -> float:
    """Peak resident memory of this process and of its finished children (the file readers)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return round(max(own, children) / 1024, 1)


def _cpu_seconds() -> float:
    """CPU time of this process and its finished children: a figure that other load does not inflate."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _load() -> str:
    out = subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout  # noqa: S607
    return out.split("load average:")[-1].strip()


def _rounded(values: dict[str, Any]) -> dict[str, Any]:
    return {
        k: (round(v, 4) if isinstance(v, float) else v)
        for k, v in values.items()
        if isinstance(v, int | float)
    }


def _score_on_backends(resolve: Any, frame: Any, model: Any, config: Any, args: Any) -> tuple[Any, float]:
    """Score on each backend asked for, one JSON line each; with both, how far they agree.

    Returns DuckDB's pairs when it ran (the rest of the bench goes on with them), else Spark's, and
    the seconds Spark took beside DuckDB (0 unless both ran).
    """
    seconds: dict[str, float] = {}
    backends = ("duckdb", "spark") if args.backend == "both" else (args.backend,)
    results = {}
    for backend in backends:
        at = dataclasses.replace(config, backend=backend, spark_master=args.spark_master)
        started, cpu = time.perf_counter(), _cpu_seconds()
        results[backend] = resolve.score_pairs(frame, model, at)
        seconds[backend] = time.perf_counter() - started
        line = {
            "bench": "resolve_synth",
            "stage": "score",
            "size": args.size,
            "backend": backend,
            **({"spark_master": args.spark_master} if backend == "spark" else {}),
            "person_records": len(frame),
            "candidate_pairs": results[backend].candidate_pairs,
            "kept_pairs": len(results[backend].pairs),
            "score_seconds": round(seconds[backend], 1),
            # The Spark JVM's CPU is not this process's: only the driver's side is counted.
            "score_cpu_seconds": round(_cpu_seconds() - cpu, 1),
            "load_average": _load(),
        }
        print(json.dumps(line), flush=True)
    if len(results) == 2:
        duck, spark = results["duckdb"], results["spark"]
        both = duck.pairs.merge(spark.pairs, on=["record_id_l", "record_id_r"], suffixes=("_d", "_s"))
        same = (both["match_probability_d"] - both["match_probability_s"]).abs() <= 1e-6
        people = resolve.evaluate(
            resolve.cluster_scored(frame["record_id"], spark, config).cluster_of,
            resolve.cluster_scored(frame["record_id"], duck, config).cluster_of,
        )
        print(
            json.dumps(
                {
                    "bench": "resolve_synth",
                    "stage": "backend_agreement",
                    "size": args.size,
                    "pairs_same_probability": round(float(same.sum()) / max(len(duck.pairs), 1), 6),
                    "people_pairwise_f1": round(people.pairwise_f1, 6),
                }
            ),
            flush=True,
        )
    if "duckdb" in results:
        return results["duckdb"], seconds.get("spark", 0.0)
    return results["spark"], 0.0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", default="small")
    parser.add_argument("--via", choices=("engine", "db"), default=None)
    parser.add_argument("--region", type=Path, default=None, help="a region generated earlier (seed 2026)")
    parser.add_argument("--threshold", type=float, default=None)
    parser.add_argument("--memory-limit", default="2GB", help="DuckDB memory limit")
    parser.add_argument("--sweep", action="store_true", help="also print quality at other thresholds")
    parser.add_argument(
        "--no-identifiers",
        action="store_true",
        help="remove every identifier (PNC id, custody and NI numbers, phone) from every record",
    )
    parser.add_argument(
        "--backend",
        choices=("duckdb", "spark", "both"),
        default="duckdb",
        help="where pairs are scored; both: Spark's time and agreement printed beside DuckDB's",
    )
    parser.add_argument("--spark-master", default="local[2]", help="Spark master for --backend spark/both")
    parser.add_argument(
        "--database",
        default="",
        help="with --via db: a PostgreSQL URL; the app's own path is timed there (ingesting the region "
        "first unless the database holds records)",
    )
    args = parser.parse_args()
    via = args.via or ("engine" if args.size == "large" else "db")
    if args.database and via != "db":
        parser.error("--database goes with --via db")
    tmp = tempfile.mkdtemp()
    _setup_django(tmp, args.database)  # DEMO_SOURCES lives in a Django app module
    from socmap.apps.intel.demo import DEMO_SOURCES
    from socmap.engines import resolve
    from socmap.engines.synth import SynthConfig, generate

    region = args.region or Path(tmp) / "region"
    if not (region / "manifest.json").exists():
        generate(SynthConfig(seed=2026, size=args.size), out_dir=region)
    if args.database:
        print(json.dumps(app_path(region, args.size)), flush=True)
        return
    started = time.perf_counter()
    cpu_started = _cpu_seconds()
    ingest_seconds = None
    if via == "engine":
        frame, truth = frame_via_engine(region, [(f, s, m) for f, s, _, _, m, *_ in DEMO_SOURCES])
    else:
        frame, truth, ingest_seconds = frame_via_db(region)
    if args.no_identifiers:
        frame = frame.drop(columns=[c for c in IDENTIFIER_COLUMNS if c in frame.columns])
    frame_seconds = time.perf_counter() - started
    frame_cpu = _cpu_seconds() - cpu_started
    print(
        json.dumps(
            {
                "bench": "resolve_synth",
                "stage": "frame",
                "size": args.size,
                "via": via,
                "person_records": len(frame),
                "with_truth": len(truth),
                "frame_seconds": round(frame_seconds, 1),
                "frame_cpu_seconds": round(frame_cpu, 1),
                **({"ingest_seconds": round(ingest_seconds, 1)} if ingest_seconds is not None else {}),
                "load_average": _load(),
            }
        ),
        flush=True,
    )
    # Pairs below the lower threshold are neither clustered nor shown for review, so the bench
    # does not carry them into pandas (millions at 1M records), nor the compared values, which
    # only an analyst's explanation needs; DuckDB is held to 2 GB.
    config = resolve.ResolveConfig(keep_above=0.5, memory_limit=args.memory_limit, retain_values=False)
    if args.threshold is not None:
        config = dataclasses.replace(config, upper_threshold=args.threshold)
    t0 = time.perf_counter()
    cpu_t0 = _cpu_seconds()
    frame = resolve.prepare_records(frame)  # once, not in each of train, score and blocking recall
    model = resolve.train(frame, config)
    t1 = time.perf_counter()
    # With both backends, the summary's times are DuckDB's: Spark's has its own line.
    scored, beside = _score_on_backends(resolve, frame, model, config, args)
    t2 = time.perf_counter()
    pairs = scored.pairs
    # The operating point the model chooses from its own estimated precision, unless --threshold.
    point = resolve.operating_point(scored, config)
    if args.threshold is None:
        config = dataclasses.replace(
            config, upper_threshold=point.upper_threshold, lower_threshold=point.lower_threshold
        )
    clusters = resolve.cluster_scored(frame["record_id"], scored, config)
    t3 = time.perf_counter()
    known = {k: v for k, v in clusters.cluster_of.items() if k in truth}
    evaluation = resolve.evaluate(known, truth)
    t4 = time.perf_counter()
    cpu_evaluated = _cpu_seconds()
    blocking = resolve.blocking_recall(frame, truth, config)
    reach = resolve.blocking_reach(frame, truth, config)
    t5 = time.perf_counter()
    # Calibration: the precision the model estimates for the pairs at the chosen threshold against
    # the precision measured on them (pairs, before clustering).
    chosen = resolve.estimated_curve(scored, thresholds=(config.upper_threshold,))
    measured = resolve.pair_quality(pairs, truth, chosen)[0]
    if args.sweep:
        for threshold in (0.5, 0.8, 0.9, 0.95, 0.99, 0.995, 0.999):
            at = dataclasses.replace(config, upper_threshold=threshold)
            swept = resolve.cluster_scored(frame["record_id"], pairs, at)
            e = resolve.evaluate({k: v for k, v in swept.cluster_of.items() if k in truth}, truth)
            print(
                json.dumps(
                    {
                        "bench": "resolve_synth",
                        "stage": "sweep",
                        "size": args.size,
                        "threshold": threshold,
                        "attach_threshold": config.attach_threshold,
                        **{k: v for k, v in _rounded(vars(e)).items() if "pair" in k or "bcubed" in k},
                    }
                ),
                flush=True,
            )
    print(
        json.dumps(
            {
                "bench": "resolve_synth",
                "size": args.size,
                "via": via,
                "identifiers": not args.no_identifiers,
                "person_records": len(frame),
                "with_truth": len(truth),
                "threshold": config.upper_threshold,
                "attach_threshold": config.attach_threshold,
                **_rounded(vars(evaluation)),
                "blocking_recall": round(blocking, 4),
                "blocking_reach": round(reach, 4),
                "estimated_pair_precision": round(measured.estimated_precision, 4),
                "measured_pair_precision": round(measured.precision or 0.0, 4),
                "candidate_pairs": scored.candidate_pairs,
                "frame_seconds": round(frame_seconds, 1),
                "train_seconds": round(t1 - t0, 1),
                "score_seconds": round(t2 - t1 - beside, 1),
                "cluster_seconds": round(t3 - t2, 1),
                "evaluate_seconds": round(t4 - t3, 1),
                "blocking_recall_seconds": round(t5 - t4, 1),
                "end_to_end_seconds": round(frame_seconds + t4 - t0 - beside, 1),
                "end_to_end_cpu_seconds": round(frame_cpu + cpu_evaluated - cpu_t0, 1),
                "peak_mib": _peak_mib(),
                "load_average": _load(),
            }
        ),
        flush=True,
    )


if __name__ == "__main__":
    main()
