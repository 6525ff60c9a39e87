"""Forename equivalence groups (Robert/Bob/Rob/Bobby...) read from ``nicknames.txt``.

Each name maps to the keys of the groups it belongs to (the group's formal name); a name in no
group is its own key. Two forenames are "nickname equivalent" when their key sets meet.
"""

from __future__ import annotations

import functools
import pathlib

from socmap.errors import InvalidModel

NICKNAMES_FILE = pathlib.Path(__file__).with_name("nicknames.txt")


@functools.cache
def nickname_groups() -> dict[str, tuple[str, ...]]:
    """name -> sorted group keys, for every name listed in the data file."""
    try:
        text = NICKNAMES_FILE.read_text(encoding="utf-8")
    except OSError as exc:  # pragma: no cover - packaging error
        raise InvalidModel(f"Cannot read the nickname table {NICKNAMES_FILE}: {exc}") from exc
    groups: dict[str, set[str]] = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        names = line.lower().split()
        key = names[0]
        for name in names:
            groups.setdefault(name, set()).add(key)
    return {name: tuple(sorted(keys)) for name, keys in groups.items()}


def name_keys(name: str) -> tuple[str, ...]:
    """Group keys of one normalised forename (the name itself when it is in no group)."""
    return nickname_groups().get(name, (name,))
