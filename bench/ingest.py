"""Ingest benchmark: the synthetic region through the real ingest path into SQLite and PostgreSQL.

    .venv/bin/python bench/ingest.py --size medium            # SQLite, and PostgreSQL if it answers
    .venv/bin/python bench/ingest.py --size large --only postgres

Prints one JSON line per database: rows, seconds, rows per second, peak memory of the ingest
process (``peak_mib``) and of the mapping process it forks for long files (``mapper_peak_mib``), and
the machine's load average over the run (other work on the machine slows the figures), and for
PostgreSQL the server settings that matter most to bulk loading. Each database
run happens in a fresh child process with a fresh database. ``--region DIR`` keeps the generated
region in DIR and re-uses it next time (the large one takes minutes to generate).
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
# The server's own settings the figures depend on, printed with them (the bench changes none).
SERVER_SETTINGS = ("server_version", "shared_buffers", "max_wal_size", "wal_compression", "fsync")


def child(region: Path, label: str) -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "socmap.settings")
    django.setup()
    from django.core.management import call_command

    call_command("migrate", "--no-input", verbosity=0)
    from socmap.apps.core.demo import build_demo_organisations
    from socmap.apps.intel.demo import build_demo_intel

    build_demo_organisations()
    from django.db import connection

    backend = _backend_pid(connection)
    cpu_before = (_own_cpu(), _children_cpu(), _process_cpu(backend))
    load_before = os.getloadavg()[0]
    started = time.perf_counter()
    batches = build_demo_intel(folder=region)
    seconds = time.perf_counter() - started
    cpu = {
        "writer": _own_cpu() - cpu_before[0],
        "mapper": _children_cpu() - cpu_before[1],
    }
    if backend is not None:  # SQLite runs inside the writer
        cpu["database"] = _process_cpu(backend) - cpu_before[2]
    rows = sum(b.rows_done for b in batches)

    server = {}
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for name in SERVER_SETTINGS:
                cursor.execute(f"SHOW {name}")
                server[name] = cursor.fetchone()[0]
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
                "peak_mib": round(_peak_kib() / 1024, 1),
                "mapper_peak_mib": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1),
                # CPU seconds of each process over the run: the writer (this one), the mapping
                # processes it forked, and the database server's backend (when it runs here).
                "cpu_seconds": {k: round(v, 1) for k, v in cpu.items()},
                "load_average": [round(load_before, 2), *(round(x, 2) for x in os.getloadavg())],
                "cpus": os.cpu_count(),
                **({"server": server} if server else {}),
            }
        ),
        flush=True,
    )


def _own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _backend_pid(connection: object) -> int | None:
    """PostgreSQL: the process id of this connection's server backend, to read its CPU time."""
    if getattr(connection, "vendor", "") != "postgresql":
        return None
    with connection.cursor() as cursor:  # type: ignore[attr-defined]
        cursor.execute("SELECT pg_backend_pid()")
        return int(cursor.fetchone()[0])


def _process_cpu(pid: int | None) -> float:
    """CPU seconds of a process on this machine, or -1 when it cannot be read (a remote server)."""
    if pid is None:
        return -1.0
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return -1.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _peak_kib() -> int:
    """This process's peak resident memory. VmHWM, because ru_maxrss survives exec and would report
    the parent's peak (the generator) for a child started by subprocess."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


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
    parser.add_argument("--region", help="keep the generated region here and re-use it")
    args = parser.parse_args()
    if args.child:
        child(Path(args.region), args.child)
        return
    from socmap.engines.synth import SynthConfig, generate

    with tempfile.TemporaryDirectory() as tmp:
        region = Path(args.region) if args.region else Path(tmp) / "region"
        if not (region / "manifest.json").exists():
            generate(SynthConfig(seed=2026, size=args.size), out_dir=region, force=True)
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
