"""``socmap serve`` stopped by a signal leaves none of its processes behind (real processes, real port)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _descendants(pid: int) -> set[int]:
    """Every process below ``pid``, from /proc (children of children included)."""
    found: set[int] = set()
    todo = [pid]
    while todo:
        current = todo.pop()
        try:
            tasks = Path(f"/proc/{current}/task").iterdir()
            for task in tasks:
                text = (task / "children").read_text()
                for child in text.split():
                    if int(child) not in found:
                        found.add(int(child))
                        todo.append(int(child))
        except (FileNotFoundError, ProcessLookupError):
            continue
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != "Z"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _answers(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs /proc")
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_stops_the_web_server_and_the_worker(tmp_path: Path, sig: signal.Signals) -> None:
    env = dict(os.environ)
    env.pop("DATABASE_URL", None)
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'serve.sqlite3'}"
    env["SOCMAP_VAR_DIR"] = str(tmp_path)
    socmap = [sys.executable, "-m", "socmap"]
    subprocess.run([*socmap, "migrate"], env=env, cwd=ROOT, check=True, capture_output=True, timeout=300)
    port = _free_port()
    log = (tmp_path / "serve.log").open("wb")
    serve = subprocess.Popen(
        [*socmap, "serve", "--port", str(port), "--workers", "2"], env=env, cwd=ROOT, stdout=log, stderr=log
    )
    try:
        deadline = time.monotonic() + 90
        while not _answers(port) and time.monotonic() < deadline:
            assert serve.poll() is None, (tmp_path / "serve.log").read_text()
            time.sleep(0.3)
        assert _answers(port), "socmap serve did not start listening"
        started = _descendants(serve.pid)
        time.sleep(1)  # let gunicorn's workers and the task worker come up
        started |= _descendants(serve.pid)
        # gunicorn's master and two web workers, and the task worker
        assert len(started) >= 4, started
        serve.send_signal(sig)
        assert serve.wait(timeout=40) == 0
        deadline = time.monotonic() + 10
        while any(_alive(p) for p in started) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not [p for p in started if _alive(p)], "processes of socmap serve still running"
        assert not _answers(port)
    finally:
        if serve.poll() is None:
            serve.kill()
        for pid in _descendants(serve.pid):
            os.kill(pid, signal.SIGKILL)
        log.close()
