"""The capability register the allocation reads: the YAML file, checked when read, cached by change.

Until the workforce register holds the region's teams, capacity comes from
``SOCMAP_TASKING_CAPABILITIES`` or the South West file socmap ships beside this module.
"""

from __future__ import annotations

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


def register_current() -> CapabilityRegister:
    path = register_path()
    try:
        mtime = path.stat().st_mtime
    except OSError:
        mtime = 0.0
    return _load(str(path), mtime)


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
