"""The capability register as a YAML file, checked when it is read.

Until the workforce register holds the region's teams, their weekly capacity comes from this file.
Every problem is reported at once, each naming the file, the line and the key (``InvalidModel``).

    capabilities:
      - key: covert_surveillance
        label: Covert surveillance teams
        owner: SW                   # the owning organisation's code
        kind: covert_surveillance   # the same kind held by a force and by the ROCU can duplicate
        unit: team-weeks            # or hours
        per_week: 3                 # teams (or hours) free in a normal week
        hours_per_unit: 300         # officer hours in one unit, to add shares up across capabilities
        min_weeks: 2                # shortest deployment worth making
        travel_overhead: 0.1        # extra time a team spends travelling outside its home force area
        home: ""                    # a force code, or empty for a regional capability
        skills: [mobile surveillance]
        changes:                    # weeks with a different capacity (leave, training, other tasking)
          - {from: 2026-08-03, to: 2026-08-16, per_week: 1, reason: summer leave}
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml

from socmap.errors import InvalidModel
from socmap.model import yaml_lines
from socmap.model.yaml_lines import Node, Problems

KEY = re.compile(r"^[a-z][a-z0-9_]*$")
UNITS = ("team-weeks", "hours")
FIELDS = {
    "key",
    "label",
    "owner",
    "kind",
    "unit",
    "per_week",
    "hours_per_unit",
    "min_weeks",
    "travel_overhead",
    "home",
    "skills",
    "changes",
    "description",
}
CHANGE_FIELDS = {"from", "to", "per_week", "reason"}


@dataclass(frozen=True)
class CapacityChange:
    start: date
    end: date
    per_week: float
    reason: str


@dataclass(frozen=True)
class CapabilitySpec:
    key: str
    label: str
    owner: str
    kind: str
    unit: str
    per_week: float
    hours_per_unit: float
    min_weeks: int
    travel_overhead: float
    home: str
    skills: tuple[str, ...]
    changes: tuple[CapacityChange, ...]
    description: str = ""

    def capacity(self, first_monday: date, weeks: int) -> tuple[float, ...]:
        """Capacity in each week of a period starting on ``first_monday`` (a change applies to a week
        it covers any day of; the last change listed wins)."""
        out = []
        for i in range(weeks):
            monday = first_monday + timedelta(weeks=i)
            value = self.per_week
            for change in self.changes:
                if change.start <= monday + timedelta(days=6) and change.end >= monday:
                    value = change.per_week
            out.append(value)
        return tuple(out)


DEFAULT_IMPACTS = {"major": 1.0, "moderate": 0.6, "minor": 0.3}


@dataclass(frozen=True)
class CapabilityRegister:
    file: str
    capabilities: tuple[CapabilitySpec, ...]
    impacts: tuple[tuple[str, float], ...] = tuple(DEFAULT_IMPACTS.items())

    def impact(self, key: str) -> float:
        return dict(self.impacts).get(key, 0.0)

    def get(self, key: str) -> CapabilitySpec | None:
        return next((c for c in self.capabilities if c.key == key), None)


def load_capabilities(path: Path | str) -> CapabilityRegister:
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidModel(f"{file.name}: cannot be read: {exc}") from exc
    return parse_capabilities(text, file=file.name)


def _number(node: Node, key: str, path: str, problems: Problems, *, low: float, default: Any = None) -> float:
    value = node.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or value < low:
        problems.add(node, key, path, f"'{key}' must be a number from {low:g}, not {value!r}")
        return float(low)
    return float(value)


def _text(node: Node, key: str, path: str, problems: Problems, *, required: bool = True) -> str:
    value = node.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            problems.add(node, key, path, f"'{key}' is required")
        return ""
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        problems.add(node, key, path, f"'{key}' must be text")
        return ""
    return str(value).strip()


def _date(node: Node, key: str, path: str, problems: Problems) -> date | None:
    value = node.get(key)
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        problems.add(node, key, path, f"'{key}' must be a date written 2026-08-03, not {value!r}")
        return None


def parse_capabilities(text: str, *, file: str = "<capabilities>") -> CapabilityRegister:
    try:
        data = yaml_lines.load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f", line {mark.line + 1}" if mark is not None else ""
        raise InvalidModel(f"{file}{where}: not valid YAML: {exc}") from exc
    if not isinstance(data, Node) or not isinstance(data.get("capabilities"), list):
        raise InvalidModel(f"{file}, line 1: the file must have a 'capabilities' list")
    problems = Problems(file, InvalidModel, with_fields=False)
    out: list[CapabilitySpec] = []
    keys: set[str] = set()
    for n, item in enumerate(data["capabilities"]):
        path = f"capabilities[{n}]"
        if not isinstance(item, Node):
            problems.add(data, "capabilities", path, "each capability is a mapping of fields")
            continue
        for k in item:
            if k not in FIELDS:
                problems.add(
                    item,
                    k,
                    f"{path}.{k}",
                    f"unknown field {k!r}; a capability has {', '.join(sorted(FIELDS))}",
                )
        key = _text(item, "key", f"{path}.key", problems)
        if key and not KEY.match(key):
            problems.add(item, "key", f"{path}.key", "a key is lower case letters, digits and _")
        if key in keys:
            problems.add(item, "key", f"{path}.key", f"the key {key!r} is used twice")
        keys.add(key)
        unit = _text(item, "unit", f"{path}.unit", problems)
        if unit and unit not in UNITS:
            problems.add(item, "unit", f"{path}.unit", f"unknown unit {unit!r}; use {' or '.join(UNITS)}")
        per_week = _number(item, "per_week", f"{path}.per_week", problems, low=0)
        if unit == "team-weeks" and per_week != int(per_week):
            problems.add(item, "per_week", f"{path}.per_week", "teams are counted in whole numbers")
        min_weeks = _number(item, "min_weeks", f"{path}.min_weeks", problems, low=1, default=1)
        if min_weeks != int(min_weeks):
            problems.add(item, "min_weeks", f"{path}.min_weeks", "'min_weeks' is a whole number of weeks")
        travel = _number(item, "travel_overhead", f"{path}.travel_overhead", problems, low=0, default=0)
        if travel > 1:
            problems.add(item, "travel_overhead", f"{path}.travel_overhead", "write 0.1 for 10 %, at most 1")
        skills = item.get("skills") or []
        if not isinstance(skills, list) or not all(isinstance(s, str) for s in skills):
            problems.add(item, "skills", f"{path}.skills", "'skills' is a list of words")
            skills = []
        changes = []
        for m, change in enumerate(item.get("changes") or []):
            where = f"{path}.changes[{m}]"
            if not isinstance(change, Node):
                problems.add(item, "changes", where, "a change has from, to, per_week and reason")
                continue
            for k in change:
                if k not in CHANGE_FIELDS:
                    problems.add(change, k, f"{where}.{k}", f"unknown field {k!r} in a change")
            start = _date(change, "from", f"{where}.from", problems)
            end = _date(change, "to", f"{where}.to", problems)
            if start and end and end < start:
                problems.add(change, "to", f"{where}.to", "'to' is before 'from'")
            value = _number(change, "per_week", f"{where}.per_week", problems, low=0)
            reason = _text(change, "reason", f"{where}.reason", problems)
            if start and end:
                changes.append(CapacityChange(start, end, value, reason))
        out.append(
            CapabilitySpec(
                key=key,
                label=_text(item, "label", f"{path}.label", problems),
                owner=_text(item, "owner", f"{path}.owner", problems),
                kind=_text(item, "kind", f"{path}.kind", problems, required=False) or key,
                unit=unit,
                per_week=per_week,
                hours_per_unit=_number(item, "hours_per_unit", f"{path}.hours_per_unit", problems, low=0.01),
                min_weeks=int(min_weeks),
                travel_overhead=travel,
                home=_text(item, "home", f"{path}.home", problems, required=False),
                skills=tuple(skills),
                changes=tuple(changes),
                description=_text(item, "description", f"{path}.description", problems, required=False),
            )
        )
    impacts = dict(DEFAULT_IMPACTS)
    raw = data.get("impacts")
    if raw is not None:
        if not isinstance(raw, Node):
            problems.add(data, "impacts", "impacts", "'impacts' maps major, moderate and minor to weights")
        else:
            for k in raw:
                if k not in DEFAULT_IMPACTS:
                    problems.add(raw, k, f"impacts.{k}", f"unknown impact {k!r}; use major, moderate, minor")
                else:
                    impacts[k] = _number(raw, k, f"impacts.{k}", problems, low=0)
    for k in data:
        if k not in ("capabilities", "impacts"):
            problems.add(data, k, k, f"unknown key {k!r}; the file has 'capabilities' and 'impacts'")
    problems.raise_if_any()
    return CapabilityRegister(file=file, capabilities=tuple(out), impacts=tuple(impacts.items()))
