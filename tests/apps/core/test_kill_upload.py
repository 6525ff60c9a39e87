"""The server killed with SIGKILL during an upload (``socmap serve``: its web workers and its background
worker with it, as a machine that loses power): after a restart nothing half-received is left, no
batch stands without a job, and the file uploaded again is ingested exactly as in a clean run."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tests.apps.core.kill_script import SOURCES
from tests.apps.core.test_workers import REPO, _query, _scratch_env, _script, _wait
from tests.apps.intel.conftest import region  # noqa: F401 - the session's small synthetic region

BATCHES = "SELECT status FROM intel_batch"
BOUNDARY = "socmap-upload-boundary"
assert SOURCES  # the kill tests share their scripts


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _tree(pid: int) -> list[int]:
    """The process and every process it started, read from /proc (its children run in sessions of
    their own, so no one process group holds them all)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            ppid = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(stat.parent.name))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children.get(current, []))
    return found


def _kill_tree(server: subprocess.Popen[bytes]) -> None:
    for pid in _tree(server.pid):
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            continue
    server.wait(timeout=30)


def _serve(env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    server = subprocess.Popen(
        [sys.executable, "-m", "socmap", "serve", "--port", str(port), "--workers", "1"],
        env=env,
        cwd=REPO,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )

    def answers() -> bool:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return True
        except OSError:
            assert server.poll() is None, "the server stopped as it started (is the port still held?)"
            return False

    _wait("the server to listen", answers, timeout=120)
    return server


def _request(port: int, secret: str, data: bytes) -> tuple[socket.socket, bytes, bytes]:
    body = (
        (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="source"\r\n\r\nanpr\r\n'
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="anpr.csv"\r\n'
            "Content-Type: text/csv\r\n\r\n"
        ).encode()
        + data
        + f"\r\n--{BOUNDARY}--\r\n".encode()
    )
    head = (
        f"POST /api/v1/intel/ingest HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        f"Authorization: Bearer {secret}\r\nContent-Type: multipart/form-data; boundary={BOUNDARY}\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    ).encode()
    return socket.create_connection(("127.0.0.1", port), timeout=60), head, body


def _upload(port: int, secret: str, data: bytes) -> tuple[int, dict[str, Any]]:
    conn, head, body = _request(port, secret, data)
    with conn:
        conn.sendall(head + body)
        answer = b""
        while chunk := conn.recv(65536):
            answer += chunk
    status_line, _, rest = answer.partition(b"\r\n")
    return int(status_line.split()[1]), json.loads(rest.partition(b"\r\n\r\n")[2] or b"{}")


def _partial_files(env: dict[str, str]) -> list[str]:
    uploads = Path(env["SOCMAP_VAR_DIR"]) / "uploads"
    return sorted(p.name for p in [*(uploads / "receiving").glob("*"), *(uploads / "ingest").glob("*.part")])


@pytest.mark.django_db
def test_a_server_killed_mid_upload_leaves_nothing_half_done_and_the_upload_again_ingests_exactly(
    region: Path,  # noqa: F811
    tmp_path: Path,
) -> None:
    clean_gen = _scratch_env(tmp_path, "uclean")
    clean = next(clean_gen)
    try:
        _script(clean, "setup", str(region), "--now")
        expected = json.loads(_script(clean, "digest"))
    finally:
        clean_gen.close()
    assert expected["statements"] > 0

    killed_gen = _scratch_env(tmp_path, "ukilled")
    env = next(killed_gen)
    env["SOCMAP_UPLOAD_STALE_SECONDS"] = "1"  # one server per folder here: anything left is cut off
    data = (region / "anpr.csv").read_bytes()
    port = _free_port()
    try:
        secret = subprocess.run(
            [sys.executable, "-m", "tests.apps.core.kill_script", "upload-setup"],
            env=env,
            cwd=REPO,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()

        # 1. Killed while the body is arriving: half the file sent, the server gone.
        server = _serve(env, port)
        conn, head, body = _request(port, secret, data)
        with conn:
            conn.sendall(head + body[: len(body) // 2])
            time.sleep(1.0)
            _kill_tree(server)
        assert _query(env, BATCHES) == []

        # 2. Killed as the last byte arrives: wherever the kill lands in the request, the client
        #    had no answer and will send the file again.
        time.sleep(1.5)
        server = _serve(env, port)
        conn, head, body = _request(port, secret, data)
        with conn:
            conn.sendall(head + body)
            _kill_tree(server)
        batches = _query(env, BATCHES)
        assert len(batches) <= 1

        # 3. Restarted: the partial files are removed, and the file sent again is ingested once.
        time.sleep(1.5)
        server = _serve(env, port)
        try:
            _wait("the partial uploads to be removed", lambda: not _partial_files(env), timeout=60)
            status, answer = _upload(port, secret, data)
            assert status in (200, 202), answer
            _wait("the batch to be ingested", lambda: _query(env, BATCHES) == [("done",)])
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=60)
        stored = list((Path(env["SOCMAP_VAR_DIR"]) / "uploads" / "ingest").iterdir())
        assert [p.suffix for p in stored] == [".csv"], stored
        assert json.loads(_script(env, "digest")) == expected
    finally:
        killed_gen.close()


def test_partial_uploads_are_removed_once_nothing_writes_to_them(tmp_path: Path, settings: Any) -> None:
    from socmap.apps.core.workers import uploads_sweep

    settings.MEDIA_ROOT = str(tmp_path)
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "receiving")
    settings.SOCMAP_UPLOAD_STALE_SECONDS = 600
    (tmp_path / "receiving").mkdir()
    (tmp_path / "ingest").mkdir()
    cut_off = [tmp_path / "receiving" / "tmpa1.upload.csv", tmp_path / "ingest" / "tmpb2.part"]
    alive = [tmp_path / "receiving" / "tmpc3.upload.csv", tmp_path / "ingest" / "tmpd4.part"]
    whole = tmp_path / "ingest" / f"{'e' * 64}.csv"
    for path in [*cut_off, *alive, whole]:
        path.write_bytes(b"plate,seen\n")
    long_ago = time.time() - 3600
    for path in [*cut_off, whole]:
        os.utime(path, (long_ago, long_ago))
    assert sorted(uploads_sweep()) == sorted(p.name for p in cut_off)
    assert all(p.exists() for p in [*alive, whole]) and not any(p.exists() for p in cut_off)
