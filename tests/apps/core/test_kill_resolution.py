"""A worker killed with SIGKILL in the middle of a resolution run: the next worker runs it again, and
what resolution stores (pairs, judgements, people, the judgement and audit chains) equals a clean run;
the run the dead worker left says it was interrupted instead of "Running" for ever."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tests.apps.core.test_workers import REPO, _query, _scratch_env, _worker
from tests.apps.intel.conftest import region  # noqa: F401 - the session's small synthetic region

RUNS = "SELECT status, message FROM resolution_resolutionrun ORDER BY id"
PAIRS = "SELECT count(*) FROM resolution_pair"
JOB = "SELECT status FROM django_tasks_database_dbtaskresult WHERE task_path LIKE '%run_resolution'"


def _kill_script(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "tests.apps.core.kill_script", *args],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def _wait(what: str, check: Any, timeout: float = 300, poll: float = 0.2) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if found := check():
            return found
        time.sleep(poll)
    raise AssertionError(f"timed out waiting for {what}")


def _model_of(env: dict[str, str]) -> str:
    return str(_query(env, "SELECT model_path FROM resolution_resolutionrun WHERE status = 'done'")[0][0])


@pytest.mark.django_db
def test_a_worker_killed_mid_resolution_leaves_a_run_the_next_worker_finishes_exactly(
    region: Path,  # noqa: F811
    tmp_path: Path,
) -> None:
    clean_gen = _scratch_env(tmp_path, "rclean")
    clean = next(clean_gen)
    try:
        _kill_script(clean, "resolution", str(region), "--now")
        expected = json.loads(_kill_script(clean, "people"))
        # Both databases score with the model the clean run trained: the kill is what differs.
        model = _model_of(clean)
    finally:
        clean_gen.close()
    assert expected["pairs"] > 500 and expected["chains_intact"]

    killed_gen = _scratch_env(tmp_path, "rkilled")
    env = next(killed_gen)
    env["SOCMAP_RESOLVE_MODEL"] = model
    try:
        _kill_script(env, "resolution", str(region))
        # First kill: as soon as the run starts (reading records, scoring).
        first = _worker(env)
        try:
            _wait("the run to be under way", lambda: _query(env, RUNS) == [("running", "")], poll=0.02)
            os.killpg(first.pid, signal.SIGKILL)
            first.wait(timeout=30)
        finally:
            if first.poll() is None:
                os.killpg(first.pid, signal.SIGKILL)
        assert _query(env, JOB) == [("RUNNING",)], "the run finished before its worker could be killed"

        # Second kill: once the next worker has stored the pairs and judgements, before it has rebuilt
        # the people (when it is caught there: a run of the small region is quick).
        second = _worker(env)
        try:
            _wait("pairs to be stored", lambda: _query(env, PAIRS)[0][0] > 0, poll=0.02)
            os.killpg(second.pid, signal.SIGKILL)
            second.wait(timeout=30)
        finally:
            if second.poll() is None:
                os.killpg(second.pid, signal.SIGKILL)

        third = _worker(env)
        try:
            _wait("the next worker to finish the run", lambda: _query(env, JOB) == [("SUCCESSFUL",)])
        finally:
            os.killpg(third.pid, signal.SIGTERM)
            third.wait(timeout=60)
        runs: list[Any] = _query(env, RUNS)
        assert [status for status, _ in runs][-1] == "done"
        assert {status for status, _ in runs[:-1]} == {"failed"} and 1 <= len(runs) - 1 <= 2
        assert all(text.startswith("Interrupted: the worker running it stopped") for _, text in runs[:-1])
        assert json.loads(_kill_script(env, "people")) == expected
    finally:
        killed_gen.close()
