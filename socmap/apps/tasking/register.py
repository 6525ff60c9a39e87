"""The capability register the allocation reads: the YAML file, checked when read, cached by change,
with each capability's weekly capacity taken from the workforce register where it holds the team.

The file (``SOCMAP_TASKING_CAPABILITIES`` or the South West file socmap ships beside this module)
says what each capability is and its rules of use. Its ``per_week`` is the seed and the fallback: a
capability whose owner's register names people in post working in it gets its capacity from them
(hours a week for an hours capability, the number of teams for a team capability); one the register
does not yet hold keeps the file's figure. Weeks the file marks as changed (leave) still apply.
"""

from __future__ import annotations

import dataclasses
import functools
from datetime import date, timedelta
from pathlib import Path

from django.conf import settings

from socmap.engines import allocate
from socmap.engines.allocate.capabilities import CapabilityRegister, CapabilitySpec
from socmap.errors import InvalidInput

DEFAULT = Path(__file__).with_name("capabilities.yaml")


def register_path() -> Path:
    return Path(getattr(settings, "SOCMAP_TASKING_CAPABILITIES", "") or DEFAULT)


@functools.lru_cache(maxsize=4)
def _load(path: str, mtime: float) -> CapabilityRegister:
    return allocate.load_capabilities(path)


def register_file() -> CapabilityRegister:
    """The file alone, with its own capacities."""
    path = register_path()
    try:
        mtime = path.stat().st_mtime
    except OSError:
        mtime = 0.0
    return _load(str(path), mtime)


def register_current() -> CapabilityRegister:
    """The file with each capacity the workforce register holds put in place of the file's."""
    from socmap.apps.workforce.selectors import capability_capacity

    register = register_file()
    held = capability_capacity()
    if not held:
        return register
    capabilities = []
    for spec in register.capabilities:
        found = held.get((spec.owner, spec.key))
        value = (found or {}).get("teams" if spec.unit == "team-weeks" else "hours", 0.0)
        capabilities.append(dataclasses.replace(spec, per_week=value) if value else spec)
    return dataclasses.replace(register, capabilities=tuple(capabilities))


def capability_get(key: str) -> CapabilitySpec:
    found = register_current().get(key)
    if found is None:
        known = ", ".join(c.key for c in register_current().capabilities)
        raise InvalidInput(
            f"Unknown capability {key!r}",
            fields={"capability": [f"Choose a capability of the register ({known})"]},
        )
    return found


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def week_index(starts_on: date, day: date) -> int:
    return (monday(day) - starts_on).days // 7


def week_date(starts_on: date, index: int) -> date:
    return starts_on + timedelta(weeks=index)
