"""Background work survives a killed worker: a job left running by a worker that is gone is queued
again and finished, with nothing lost or stored twice; a job of a live worker is left alone."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from socmap.apps.core import workers

REPO = Path(__file__).resolve().parents[3]
JOB_STATUS = "SELECT status FROM django_tasks_database_dbtaskresult"


def _job(worker_id: str) -> DBTaskResult:
    return DBTaskResult.objects.create(
        status=TaskResultStatus.RUNNING,
        args_kwargs={"args": [1], "kwargs": {}},
        task_path="socmap.apps.intel.tasks.ingest_batch",
        worker_ids=[worker_id],
        backend_name="default",
        run_after=timezone.now(),
    )


def _dead_pid() -> int:
    done = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True, check=True
    )
    return int(done.stdout)


@pytest.mark.django_db(transaction=True)
def test_a_job_of_a_dead_worker_is_queued_again_and_one_of_a_live_worker_is_not() -> None:
    host = workers.worker_identity().rpartition(":")[0]
    dead = _job(f"{host}:{_dead_pid()}")
    me = workers.worker_identity()
    presence = workers.Presence(me)
    try:
        live = _job(me)
        assert workers.workers_recover() == [str(dead.pk)]
        dead.refresh_from_db()
        live.refresh_from_db()
        assert dead.status == TaskResultStatus.READY and dead.started_at is None
        assert live.status == TaskResultStatus.RUNNING
    finally:
        presence.close()
    if connection.vendor == "postgresql":  # the lock went with the presence: gone, wherever it ran
        assert workers.workers_recover() == [str(live.pk)]


def _scratch_env(tmp_path: Path, name: str) -> Iterator[dict[str, str]]:
    """An environment whose socmap uses a database of its own, of the engine the tests run on."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env["SOCMAP_VAR_DIR"] = str(tmp_path / name)
    env["PYTHONPATH"] = str(REPO)
    if connection.vendor != "postgresql":
        yield env
        return
    import psycopg

    params = connection.get_connection_params()
    admin = {k: params[k] for k in ("user", "host", "port") if params.get(k)} | {"dbname": "postgres"}
    db = f"sm_worker_{name}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(**admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{db}"')
    where = f"{params.get('host', '127.0.0.1')}:{params.get('port', 5432)}"
    env["DATABASE_URL"] = f"postgres://{params.get('user', 'postgres')}@{where}/{db}"
    try:
        yield env
    finally:
        with psycopg.connect(**admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')


def _script(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "tests.apps.core.worker_script", *args],
        env=env, cwd=REPO, capture_output=True, text=True, timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def _query(env: dict[str, str], sql: str) -> list[tuple[Any, ...]]:
    if "DATABASE_URL" in env:
        import psycopg

        with psycopg.connect(env["DATABASE_URL"]) as conn:
            return list(conn.execute(sql).fetchall())
    with sqlite3.connect(Path(env["SOCMAP_VAR_DIR"]) / "socmap.sqlite3", timeout=30) as conn:
        return list(conn.execute(sql).fetchall())


def _worker(env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "socmap", "worker"],
        env=env, cwd=REPO, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )


def _wait(what: str, check: Any, timeout: float = 300) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.mark.django_db
def test_a_worker_killed_mid_ingest_leaves_a_job_the_next_worker_finishes_exactly(tmp_path: Path) -> None:
    region = tmp_path / "region"
    subprocess.run(
        [sys.executable, "-m", "socmap", "synth", "--out", str(region), "--seed", "7", "--size", "15000"],
        check=True, capture_output=True, cwd=REPO,
    )
    clean_gen = _scratch_env(tmp_path, "clean")
    clean = next(clean_gen)
    try:
        _script(clean, "setup", str(region), "--now")
        expected = json.loads(_script(clean, "digest"))
    finally:
        clean_gen.close()
    assert expected["statements"] > 0

    killed_gen = _scratch_env(tmp_path, "killed")
    env = next(killed_gen)
    try:
        _script(env, "setup", str(region))
        first = _worker(env)
        try:
            total = _wait(
                "the ingest to be under way",
                lambda: [r for r in _query(env, "SELECT rows_done, rows_total FROM intel_batch") if r[0]],
            )[0]
            os.killpg(first.pid, signal.SIGKILL)
            first.wait(timeout=30)
        finally:
            if first.poll() is None:
                os.killpg(first.pid, signal.SIGKILL)
        assert total[0] < (total[1] or 10**9), "the worker finished before it could be killed"
        assert _query(env, JOB_STATUS) == [("RUNNING",)]

        second = _worker(env)
        try:
            _wait(
                "the next worker to finish the job",
                lambda: _query(env, JOB_STATUS) == [("SUCCESSFUL",)],
            )
        finally:
            os.killpg(second.pid, signal.SIGTERM)
            second.wait(timeout=60)
        assert json.loads(_script(env, "digest")) == expected
    finally:
        killed_gen.close()
