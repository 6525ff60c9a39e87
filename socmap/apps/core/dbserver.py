"""The PostgreSQL server settings socmap relies on, read from the server and judged.

Some settings are **required**: without them socmap would lose what it promises to keep (names in
any script byte for byte need UTF-8; an audit event committed must survive a crash, so ``fsync``,
``full_page_writes`` and ``synchronous_commit`` stay on) or would not run (Django 5.2 needs
PostgreSQL 14). ``socmap check`` fails when one of them is not met. Others are **advice** for a
region of a million source rows or more (see ``docs/postgresql.md`` and
``docs/ingest-performance.md`` for the measurements behind them): printed, never failing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

MB = 1024 * 1024


@dataclass(frozen=True)
class Setting:
    name: str
    required: bool
    test: Callable[[str, dict[str, str]], bool]
    wanted: str
    why: str


def _size(value: str, unit: str) -> int:
    """A size setting in bytes, from its value in the unit ``pg_settings`` gives (8kB, kB, MB)."""
    factor = {"8kB": 8192, "kB": 1024, "MB": MB, "B": 1, "": 1}.get(unit, 1)
    return int(float(value) * factor)


SETTINGS = (
    Setting("server_version_num", True, lambda v, _: int(v) >= 140000, "14 or later",
            "Django 5.2, on which socmap is built, supports PostgreSQL 14 and later"),
    Setting("server_encoding", True, lambda v, _: v.upper() in ("UTF8", "UTF-8"), "UTF8",
            "names, identifiers and free text are kept byte for byte as received, in any script"),
    Setting("fsync", True, lambda v, _: v == "on", "on",
            "an audit event or judgement once committed must survive a crash of the server"),
    Setting("full_page_writes", True, lambda v, _: v == "on", "on",
            "without it a crash can leave torn pages in the audit log's tables"),
    Setting("synchronous_commit", True, lambda v, _: v != "off", "on (not off)",
            "with it off, the last audit events acknowledged to a user can vanish in a crash"),
    Setting("max_connections", False, lambda v, _: int(v) >= 50, "50 or more",
            "each web worker, the background worker and every command hold a connection"),
    Setting("shared_buffers", False, lambda v, u: _size(v, u.get("shared_buffers", "8kB")) >= 256 * MB,
            "256 MB or more (a quarter of memory on a dedicated server)",
            "the statement table's indexes at a million rows are read on every person page"),
    Setting("max_wal_size", False, lambda v, u: _size(v, u.get("max_wal_size", "MB")) >= 2048 * MB,
            "2 GB or more", "a million-row ingest writes several GB of WAL; small values force checkpoints"),
    Setting("work_mem", False, lambda v, u: _size(v, u.get("work_mem", "kB")) >= 16 * MB, "16 MB or more",
            "resolution and network runs sort and hash millions of pairs and links"),
)  # fmt: skip


@dataclass(frozen=True)
class Verdict:
    name: str
    value: str
    ok: bool
    required: bool
    wanted: str
    why: str


def _shown(value: str | None, unit: str) -> str:
    if value is None:
        return "(not reported)"
    if unit in ("8kB", "kB", "MB", "B"):
        return f"{_size(value, unit) / MB:g} MB"
    return value


def settings_judge(values: dict[str, str], units: dict[str, str]) -> list[Verdict]:
    """Each known setting judged; a setting the server did not report is judged as failing."""
    out = []
    for s in SETTINGS:
        value = values.get(s.name)
        ok = value is not None and s.test(value, units)
        shown = _shown(value, units.get(s.name, ""))
        out.append(Verdict(s.name, shown, ok, s.required, s.wanted, s.why))
    return out


def settings_check(*, connection: Any) -> list[Verdict]:
    """The server's settings, read from ``pg_settings`` over ``connection``, judged."""
    names = [s.name for s in SETTINGS]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, setting, COALESCE(unit, '') FROM pg_settings WHERE name = ANY(%s)", [names]
        )
        rows = cursor.fetchall()
    return settings_judge({r[0]: r[1] for r in rows}, {r[0]: r[2] for r in rows})
