"""The one clock of socmap.

Time-driven work (alerts, reviews, expiries, releases, agreements in force) asks this module for the
time, never ``timezone.now()`` or ``date.today()`` directly, so that a test (or a command run for a
given day, such as ``socmap lifetime alerts --today``) can move it and see everything that depends on
time move with it. The clock is process-wide on purpose: a browser test's live server runs in
another thread of the same process and must see the same moment.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time

from django.utils import timezone

_lock = threading.Lock()
_fixed: datetime | None = None


def now() -> datetime:
    """The current moment: the real time, unless the clock has been set."""
    fixed = _fixed
    return fixed if fixed is not None else timezone.now()


def today() -> date:
    """The current date in socmap's time zone."""
    return timezone.localdate(now())


def _moment(at: datetime | date) -> datetime:
    if isinstance(at, datetime):
        return at if timezone.is_aware(at) else timezone.make_aware(at)
    # A date means noon of that day: safely inside it in any time zone socmap serves.
    return timezone.make_aware(datetime.combine(at, time(12, 0)))


def clock_set(at: datetime | date | None) -> None:
    """Fix the clock at a moment (a date means noon that day); ``None`` gives back the real time."""
    global _fixed
    with _lock:
        _fixed = None if at is None else _moment(at)


@contextmanager
def clock_at(at: datetime | date) -> Iterator[datetime]:
    """Run a block as if it were ``at``; the clock goes back to what it was afterwards."""
    before = _fixed
    clock_set(at)
    try:
        yield now()
    finally:
        clock_set(before)
