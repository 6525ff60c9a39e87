"""Benchmark the ingest engine on a synthetic region; prints JSON lines.

    .venv/bin/python bench/ingest_engine.py [--size large] [--seed 7] [--out DIR]

Generates the region into a temporary folder (or ``--out``), then maps every source file through
its shipped mapping, each in a fresh process so that ``peak_mib`` is that file's own peak resident
memory (imports included): streaming shows as a peak that does not grow with the file.
"""

from __future__ import annotations

import argparse
import json
import pathlib
import resource
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))

SOURCES = {
    "intel_avon_and_somerset": "intel/avon_and_somerset.csv",
    "intel_devon_and_cornwall": "intel/devon_and_cornwall.csv",
    "intel_dorset": "intel/dorset.csv",
    "intel_gloucestershire": "intel/gloucestershire.csv",
    "intel_wiltshire": "intel/wiltshire.csv",
    "custody": "custody.xlsx",
    "anpr": "anpr.csv",
    "cdr": "cdr.csv",
    "financial": "financial.jsonl",
    "prison": "prison.csv",
    "safeguarding": "safeguarding.csv",
    "housing": "housing.csv",
    "legacy": "legacy.csv",
}


def _peak_kib() -> int:
    """This process's peak resident memory. VmHWM, because ru_maxrss survives exec and would
    report the parent's peak (the generator) for a child started by subprocess."""
    try:
        for line in pathlib.Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def run_one(mapping_name: str, path: pathlib.Path) -> dict[str, object]:
    from socmap.engines.ingest import MAPPINGS_DIR, MappedRecord, load_mapping, read_source

    mapping = load_mapping(MAPPINGS_DIR / f"{mapping_name}.yaml")
    began = time.perf_counter()
    rows = mapped = 0
    for result in read_source(path, mapping):
        rows += 1
        mapped += isinstance(result, MappedRecord)
    seconds = time.perf_counter() - began
    peak_kib = _peak_kib()
    return {
        "bench": "ingest_engine",
        "file": path.name if path.parent.name != "intel" else f"intel/{path.name}",
        "rows": rows,
        "mapped": mapped,
        "quarantined": rows - mapped,
        "bytes": path.stat().st_size,
        "seconds": round(seconds, 3),
        "rows_per_second": round(rows / seconds) if seconds else None,
        "peak_mib": round(peak_kib / 1024, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", default="large")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=pathlib.Path)
    parser.add_argument("--one", nargs=2, metavar=("MAPPING", "FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one[0], pathlib.Path(args.one[1]))), flush=True)
        return

    from socmap.engines.synth import SynthConfig, generate

    with tempfile.TemporaryDirectory() as tmp:
        out = args.out or pathlib.Path(tmp) / f"sw-{args.size}"
        if not (out / "manifest.json").exists():
            began = time.perf_counter()
            size: str | int = int(args.size) if args.size.isdigit() else args.size
            generate(SynthConfig(seed=args.seed, size=size), out_dir=out)
            print(json.dumps({"bench": "ingest_engine", "stage": "generate", "size": args.size,
                              "seconds": round(time.perf_counter() - began, 1)}), flush=True)  # fmt: skip
        total_rows = 0
        total_seconds = 0.0
        for name, rel in SOURCES.items():
            done = subprocess.run(  # noqa: S603 - our own interpreter and script
                [sys.executable, __file__, "--one", name, str(out / rel)],
                check=True,
                capture_output=True,
                text=True,
            )
            line = done.stdout.strip().splitlines()[-1]
            print(line, flush=True)
            figures = json.loads(line)
            total_rows += int(figures["rows"])
            total_seconds += float(figures["seconds"])
        print(json.dumps({"bench": "ingest_engine", "file": "(all)", "rows": total_rows,
                          "seconds": round(total_seconds, 2),
                          "rows_per_second": round(total_rows / total_seconds)}), flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
