"""Run the web server and the background worker side by side, and stop both when asked.

``socmap serve`` starts gunicorn (its master forks the web workers) and ``socmap worker`` (which
forks mapping processes while it ingests). Each is started in a process group of its own, so that
SIGTERM or SIGINT to ``socmap serve`` reaches everything it started: the children are asked to stop
(SIGTERM: gunicorn stops its workers, the worker finishes its current step), given ``grace`` seconds,
and whatever is left of their groups is then killed. When either child ends on its own the other is
stopped too, so ``socmap serve`` never leaves a half of itself running.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess  # nosec B404 # runs socmap's own commands, never a shell
import time
from collections.abc import Mapping, Sequence
from types import FrameType

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # pragma: no cover - a group we may not signal is not ours
        return False
    return True


def _signal_group(pgid: int, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, sig)


def stop(children: Sequence[subprocess.Popen[bytes]], grace: float) -> None:
    """SIGTERM each child's group, wait up to ``grace`` seconds for them all, then SIGKILL the rest."""
    for child in children:
        _signal_group(child.pid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    for child in children:
        with contextlib.suppress(subprocess.TimeoutExpired):
            child.wait(timeout=max(0.0, deadline - time.monotonic()))
    # Grandchildren (gunicorn's workers, ingest's mapping processes) may outlive their parent.
    while time.monotonic() < deadline and any(_group_alive(c.pid) for c in children):
        time.sleep(0.1)
    for child in children:
        if _group_alive(child.pid):
            _signal_group(child.pid, signal.SIGKILL)
    for child in children:
        with contextlib.suppress(subprocess.TimeoutExpired):
            child.wait(timeout=5)


def run(commands: Sequence[Sequence[str]], env: Mapping[str, str], *, grace: float = 20.0) -> int:
    """Start each command in its own process group; return when all have stopped.

    Returns the exit code of the first command (the web server): 0 after a requested stop.
    """
    stopping = False

    def request_stop(signum: int, frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    previous = {sig: signal.signal(sig, request_stop) for sig in STOP_SIGNALS}
    children: list[subprocess.Popen[bytes]] = []
    try:
        for cmd in commands:
            children.append(subprocess.Popen(list(cmd), env=dict(env), start_new_session=True))  # noqa: S603  # nosec B603 # socmap's own commands
        while not stopping and all(c.poll() is None for c in children):
            time.sleep(0.2)
        code = children[0].poll()
    finally:
        stop(children, grace)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return 0 if stopping or code is None else code
