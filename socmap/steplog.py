"""Progress of a long command as one line per step, with its counts and time.

``socmap demo`` takes minutes. On a terminal its progress bars say where it is; in a log (CI, a
container, ``nohup … > demo.log``) a bar is noise or nothing. So each finished step is written as one
plain line, ``HH:MM:SS step: counts (seconds)``, to a log file always and to the output too when the
output is not a terminal; on a terminal the bars stay and the lines go to the file only.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import IO


class StepLog:
    def __init__(self, *, path: Path | None, stream: IO[str] | None) -> None:
        """Lines go to the file at ``path`` (appended) and to ``stream`` (None: not echoed)."""
        self.path = path
        self.stream = stream
        self.started = time.monotonic()
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)

    def line(self, text: str) -> None:
        stamped = f"{datetime.now():%H:%M:%S} {text}"
        if self.path is not None:
            with self.path.open("a", encoding="utf-8") as f:
                f.write(stamped + "\n")
        if self.stream is not None:
            self.stream.write(stamped + "\n")
            self.stream.flush()

    @contextmanager
    def step(self, what: str) -> Iterator[dict[str, int | str]]:
        """Time the block; the counts it puts in the yielded dict are written with it."""
        counts: dict[str, int | str] = {}
        start = time.monotonic()
        yield counts
        seconds = time.monotonic() - start
        said = ", ".join(f"{_number(v)} {k}" for k, v in counts.items())
        self.line(f"{what}: {said or 'done'} ({seconds:.1f}s)")

    def total(self, what: str) -> None:
        self.line(f"{what} in {time.monotonic() - self.started:.1f}s")


def _number(value: int | str) -> str:
    return f"{value:,}" if isinstance(value, int) else value
