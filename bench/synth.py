"""Benchmark the synthetic region generator: time, records per second and peak memory.

    .venv/bin/python bench/synth.py                 # large: 1,000,000 source records
    .venv/bin/python bench/synth.py --size medium   # or small, or a number of records

Prints one JSON line. Generation runs in-process so the peak resident memory is the generator's.
"""

from __future__ import annotations

import argparse
import json
import pathlib
import resource
import sys
import tempfile
import time

from socmap.engines.synth import SynthConfig, generate


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--size", default="large", help="small, medium, large or a number of records")
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args(argv)
    config = SynthConfig.from_cli(args.seed, args.size, {})
    with tempfile.TemporaryDirectory(prefix="socmap-bench-synth-") as folder:
        began = time.perf_counter()
        result = generate(config, pathlib.Path(folder) / "region")
        seconds = time.perf_counter() - began
        size_mib = sum(p.stat().st_size for p in result.out_dir.rglob("*") if p.is_file()) / 2**20
    records = result.counts["source_records"]
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    print(
        json.dumps(
            {
                "bench": "synth",
                "size": config.size,
                "records": records,
                "seconds": round(seconds, 2),
                "records_per_second": round(records / seconds),
                "peak_mib": round(peak_kib / 1024, 1),
                "output_mib": round(size_mib, 1),
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
