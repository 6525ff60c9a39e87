"""Work run beside a long job, on a second database connection, where that is safe.

A resolution run is mostly one thread waiting for PostgreSQL (copies, index builds, key checks)
while the machine's other core idles; work that reads and writes rows of its own can use it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import TypeVar

from django.db import connection, connections

T = TypeVar("T")


def beside_allowed() -> bool:
    """Whether work may run in a thread of its own: on PostgreSQL, with no transaction open. The
    thread's connection would not see the caller's uncommitted rows, and SQLite has one writer."""
    return connection.vendor == "postgresql" and not connection.in_atomic_block


@contextmanager
def alongside(work: Callable[[], T]) -> Iterator[Callable[[], T]]:
    """Start ``work`` in a thread with its own database connection where ``beside_allowed``;
    otherwise it runs when its result is first asked for. Yields the function that returns its
    result (raising what it raised). Leaving the block waits for the work to end, so it never
    outlives the job it runs beside."""
    if not beside_allowed():
        done: list[T] = []

        def inline() -> T:
            if not done:
                done.append(work())
            return done[0]

        yield inline
        return

    def in_thread() -> T:
        try:
            return work()
        finally:
            connections.close_all()  # this thread's own connections

    executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="socmap-alongside")
    try:
        future = executor.submit(in_thread)
        yield future.result
    finally:
        executor.shutdown(wait=True)
