"""Background workers that survive being killed: a job left running by a dead worker runs again.

django-tasks' database worker claims a job by marking it running with its worker id; a worker killed
with SIGKILL (or a machine that lost power) leaves the job marked running for ever, and nothing else
would take it. So each socmap worker names itself ``host:pid`` and, on PostgreSQL, holds a session
advisory lock on that name for as long as it lives (the server drops the lock the moment the
worker's connection dies, wherever it ran). On start and then every minute a worker looks for jobs
marked running by a worker that is gone (its lock free on PostgreSQL; on SQLite, which serves one
machine, its process no longer there) and puts them back in the queue. Jobs are written to be run
again (an ingest finds the rows it already stored), so the next claim finishes the work without
losing or duplicating anything; the claim itself is a locked update, so two workers never take the
same job.

A server killed in the middle of an upload leaves the part it had received (Django's temporary file
under ``FILE_UPLOAD_TEMP_DIR``, or the ``.part`` copy being written into the ingest folder); no batch
points at it, since a batch is created only for a whole file. Workers remove such partial files once
nothing has written to them for ``SOCMAP_UPLOAD_STALE_SECONDS`` (``uploads_sweep``).
"""

from __future__ import annotations

import hashlib
import logging
import os
import socket
import threading
import time
from pathlib import Path
from typing import Any

from django.db import connection, transaction

logger = logging.getLogger(__name__)
LOCK_SPACE = 0x534D  # the first key of socmap's advisory locks ("SM")
RECOVER_EVERY = 60.0


def worker_identity() -> str:
    """This process's worker id, ``host:pid`` (django-tasks allows 64 characters)."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}"


def _lock_key(worker_id: str) -> int:
    # pg_advisory_lock(int4, int4): the second key is a signed 32-bit number.
    return int.from_bytes(hashlib.sha256(worker_id.encode()).digest()[:4], "big", signed=True)


def _pg_connect() -> Any:
    import psycopg

    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    params.pop("server_side_binding", None)
    return psycopg.connect(**params, autocommit=True)


class Presence:
    """A worker's sign of life: on PostgreSQL, an advisory lock held on a connection of its own
    (Django closes its connections between jobs); on SQLite, the process itself."""

    def __init__(self, worker_id: str) -> None:
        self.worker_id = worker_id
        self._conn: Any = None
        if connection.vendor == "postgresql":
            self._conn = _pg_connect()
            self._conn.execute("SELECT pg_advisory_lock(%s, %s)", (LOCK_SPACE, _lock_key(worker_id)))

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process: alive
    return True


def worker_alive(worker_id: str) -> bool:
    """Is the worker that claimed a job still there? Unknown counts as alive (nothing is run twice)."""
    if connection.vendor == "postgresql":
        with _pg_connect() as probe:
            key = (LOCK_SPACE, _lock_key(worker_id))
            free = probe.execute("SELECT pg_try_advisory_lock(%s, %s)", key).fetchone()[0]
            if free:
                probe.execute("SELECT pg_advisory_unlock(%s, %s)", key)
            return not free
    host, _, pid = worker_id.rpartition(":")
    if host != socket.gethostname()[:40] or not pid.isdigit():
        return True
    return _process_alive(int(pid))


def workers_recover() -> list[str]:
    """Put back in the queue every job marked running by a worker that is gone. Returns their ids."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    running = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).values_list("id", "worker_ids")
    requeued = []
    for job_id, worker_ids in list(running):
        claimed_by = worker_ids[-1] if worker_ids else ""
        if claimed_by and worker_alive(claimed_by):
            continue
        with transaction.atomic():
            moved = DBTaskResult.objects.filter(pk=job_id, status=TaskResultStatus.RUNNING).update(
                status=TaskResultStatus.READY, started_at=None
            )
        if moved:
            logger.warning("Job %s left running by gone worker %s: queued again", job_id, claimed_by)
            requeued.append(str(job_id))
    return requeued


def uploads_sweep() -> list[str]:
    """Remove partial uploads untouched for ``SOCMAP_UPLOAD_STALE_SECONDS``; returns their names."""
    from django.conf import settings

    stale_before = time.time() - float(settings.SOCMAP_UPLOAD_STALE_SECONDS)
    media = Path(settings.MEDIA_ROOT)
    receiving = Path(settings.FILE_UPLOAD_TEMP_DIR) if settings.FILE_UPLOAD_TEMP_DIR else None
    partial = [*(receiving.glob("*") if receiving else []), *(media / "ingest").glob("*.part")]
    removed = []
    for path in partial:
        try:
            if path.is_file() and path.stat().st_mtime < stale_before:
                path.unlink()
                removed.append(path.name)
        except FileNotFoundError:  # finished or removed meanwhile
            continue
    for name in removed:
        logger.warning("Partial upload %s was cut off (its server stopped): removed", name)
    return removed


def recover_in_background(stop: threading.Event, every: float = RECOVER_EVERY) -> threading.Thread:
    """Look for abandoned jobs every ``every`` seconds until ``stop`` is set (another worker may die)."""

    def loop() -> None:
        from django.db import close_old_connections

        while not stop.wait(every):
            try:
                workers_recover()
                uploads_sweep()
            except Exception:  # a failed look is tried again next time; the worker keeps working
                logger.exception("Looking for abandoned jobs failed")
            finally:
                close_old_connections()

    thread = threading.Thread(target=loop, name="socmap-recover", daemon=True)
    thread.start()
    return thread
