"""Ingest benchmark: the synthetic region through the real ingest path into SQLite and PostgreSQL.

    .venv/bin/python bench/ingest.py --size medium            # SQLite, and PostgreSQL if it answers
    .venv/bin/python bench/ingest.py --size large --only postgres

Prints one JSON line per database: rows, seconds, rows per second and peak memory of the ingest
process. Each database run happens in a fresh child process with a fresh database.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PG_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"
PG_BENCH = "postgres://postgres@127.0.0.1:5432/socmap_bench"


def child(region: Path, label: str) -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "socmap.settings")
    django.setup()
    from django.core.management import call_command

    call_command("migrate", "--no-input", verbosity=0)
    from socmap.apps.core.demo import build_demo_organisations
    from socmap.apps.intel.demo import build_demo_intel

    build_demo_organisations()
    started = time.perf_counter()
    batches = build_demo_intel(folder=region)
    seconds = time.perf_counter() - started
    rows = sum(b.rows_done for b in batches)
    print(
        json.dumps(
            {
                "bench": "ingest",
                "database": label,
                "rows": rows,
                "seconds": round(seconds, 1),
                "rows_per_second": round(rows / seconds),
                "records": sum(b.records_new for b in batches),
                "statements": sum(b.statements_new for b in batches),
                "quarantined": sum(b.quarantined for b in batches),
                "peak_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            }
        ),
        flush=True,
    )


def postgres_ready() -> bool:
    try:
        import psycopg

        with psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=3) as conn:
            conn.execute("DROP DATABASE IF EXISTS socmap_bench")
            conn.execute("CREATE DATABASE socmap_bench")
        return True
    except Exception:
        return False


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", default="medium")
    parser.add_argument("--only", choices=["sqlite", "postgres"])
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--region", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(Path(args.region), args.child)
        return
    from socmap.engines.synth import SynthConfig, generate

    with tempfile.TemporaryDirectory() as tmp:
        region = Path(tmp) / "region"
        generate(SynthConfig(seed=2026, size=args.size), out_dir=region)
        runs = []
        if args.only in (None, "sqlite"):
            runs.append(("sqlite", {"SOCMAP_VAR_DIR": str(Path(tmp) / "var"), "DATABASE_URL": ""}))
        if args.only in (None, "postgres") and postgres_ready():
            runs.append(
                ("postgresql", {"SOCMAP_VAR_DIR": str(Path(tmp) / "var-pg"), "DATABASE_URL": PG_BENCH})
            )
        for label, env in runs:
            subprocess.run(  # noqa: S603 - our own script
                [sys.executable, __file__, "--child", label, "--region", str(region)],
                env={**os.environ, **env},
                check=True,
            )


if __name__ == "__main__":
    main()
