"""Loading and checking the catalogue of orders and partner powers.

The catalogue is data (``catalogue.yaml``): the law changes, and a force may add a power. Like the
schemata and the scoring models, a wrong file is refused at load with every problem at once, each
naming the file, the line and the reason: an unknown field, a minimum above its maximum, a power
with no owner type, a duration that is both open-ended and capped, a threshold that is not a number.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from socmap.engines.lifetime.dates import add_span
from socmap.engines.lifetime.types import (
    AmountRule,
    Catalogue,
    DurationRule,
    OrderRule,
    PartnerPower,
    Span,
)
from socmap.errors import InvalidModel
from socmap.model import yaml_lines
from socmap.model.yaml_lines import Node, Problems

DEFAULT_CATALOGUE = Path(__file__).resolve().parent / "catalogue.yaml"
KEY = re.compile(r"^[a-z][a-z0-9_]*$")
TOP_KEYS = {"version", "title", "reviews", "workload", "alerts", "coming_out", "orders", "powers"}
ORDER_KEYS = {
    "key",
    "name",
    "short",
    "act",
    "section",
    "rule",
    "applicants",
    "courts",
    "duration",
    "youth_duration",
    "amount",
}
DURATION_KEYS = {"min", "max", "open_ended", "from", "set_by_court"}
SPAN_KEYS = {"years", "months", "days"}
AMOUNT_KEYS = {"label", "more_than", "at_least"}
POWER_KEYS = {"key", "name", "owner_type", "owner", "law", "description"}
ALERT_KEYS = {"order_expiry", "release", "training", "stale_after"}
# The partner types socmap knows (the organisation register's), unless the caller names others.
PARTNER_TYPES = frozenset(
    {"council", "nhs", "education", "housing", "fire", "hmrc", "dwp", "immigration", "other"}
)
OWNER_LABELS = {
    "council": "Council",
    "nhs": "NHS",
    "education": "Education",
    "housing": "Housing",
    "fire": "Fire and rescue",
    "hmrc": "HMRC",
    "dwp": "DWP",
    "immigration": "Immigration Enforcement",
    "other": "Other agency",
}


def _problems(file: str) -> Problems:
    return Problems(file, InvalidModel, with_fields=False)


def _unknown(node: Node, allowed: set[str], path: str, what: str, problems: Problems) -> None:
    for key in node:
        if key not in allowed:
            problems.add(
                node,
                key,
                f"{path}.{key}" if path else key,
                f"unknown field {key!r} in {what}; the fields are {', '.join(sorted(allowed))}",
            )


def _text(node: Node, key: str, path: str, problems: Problems, *, required: bool = True) -> str:
    value = node.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            problems.add(node, key, path, f"'{key}' is required")
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        problems.add(node, key, path, f"'{key}' must be text")
        return ""
    return str(value).strip()


def _texts(node: Node, key: str, path: str, problems: Problems) -> tuple[str, ...]:
    value = node.get(key)
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and v.strip() for v in value):
        problems.add(node, key, path, f"'{key}' must be a list of names, at least one")
        return ()
    return tuple(v.strip() for v in value)


def _whole(node: Node, key: str, path: str, problems: Problems, *, least: int = 0) -> int | None:
    value = node.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or value < least:
        problems.add(node, key, path, f"'{key}' must be a whole number from {least}, not {value!r}")
        return None
    return value


def _money(node: Node, key: str, path: str, problems: Problems) -> Decimal | None:
    value = node.get(key)
    if value is None:
        return None
    try:
        number = None if isinstance(value, bool) else Decimal(str(value).strip())
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite() or number <= 0:
        problems.add(node, key, path, f"'{key}' must be a sum of money above 0, not {value!r}")
        return None
    return number


def _span(node: Node, key: str, path: str, problems: Problems) -> Span | None:
    raw = node.get(key)
    if raw is None:
        return None
    if not isinstance(raw, Node) or not raw:
        problems.add(node, key, path, f"'{key}' must give years, months or days, e.g. {{years: 2}}")
        return None
    _unknown(raw, SPAN_KEYS, path, "a length of time", problems)
    parts = {k: _whole(raw, k, f"{path}.{k}", problems) for k in SPAN_KEYS if k in raw}
    if any(v is None for v in parts.values()):
        return None
    span = Span(**{k: int(v or 0) for k, v in parts.items()})
    if span == Span():
        problems.add(node, key, path, f"'{key}' must be longer than no time at all")
        return None
    return span


def _longest_first(a: Span, b: Span) -> bool:
    """Is ``a`` longer than ``b`` from some start date? (Months and days differ by calendar.)"""
    start = date(2000, 1, 1)  # a leap year: every 29 February case is met
    return any(
        add_span(start + timedelta(days=i), a) > add_span(start + timedelta(days=i), b) for i in range(366)
    )


def _duration(node: Node, key: str, path: str, problems: Problems) -> DurationRule | None:
    raw = node.get(key)
    if raw is None:
        return None
    if not isinstance(raw, Node) or not raw:
        problems.add(
            node, key, path, f"'{key}' must be a mapping with min, max, open_ended, from or set_by_court"
        )
        return None
    _unknown(raw, DURATION_KEYS, path, "a duration", problems)
    minimum = _span(raw, "min", f"{path}.min", problems)
    maximum = _span(raw, "max", f"{path}.max", problems)
    flags = {}
    for flag in ("open_ended", "set_by_court"):
        value = raw.get(flag, False)
        if not isinstance(value, bool):
            problems.add(raw, flag, f"{path}.{flag}", f"'{flag}' must be true or false, not {value!r}")
            value = False
        flags[flag] = value
    counted = raw.get("from", "start")
    if counted not in ("start", "release"):
        problems.add(raw, "from", f"{path}.from", f"'from' must be start or release, not {counted!r}")
    if minimum and maximum and _longest_first(minimum, maximum):
        problems.add(
            raw,
            "min",
            f"{path}.min",
            f"the minimum ({minimum.words}) is above the maximum ({maximum.words})",
        )
    if flags["open_ended"] and maximum:
        problems.add(raw, "open_ended", f"{path}.open_ended", "an order with a maximum cannot be open-ended")
    if flags["set_by_court"] and (minimum or maximum or flags["open_ended"]):
        problems.add(
            raw,
            "set_by_court",
            f"{path}.set_by_court",
            "a duration set by the court has no minimum, maximum or open end of its own",
        )
    if not ({"min", "max"} & set(raw) or flags["set_by_court"]):
        problems.add(raw, "min", path, "a duration needs a minimum, a maximum, or set_by_court: true")
    return DurationRule(
        minimum=minimum,
        maximum=maximum,
        open_ended=flags["open_ended"],
        from_release=counted == "release",
        set_by_court=flags["set_by_court"],
    )


def _amount(node: Node, path: str, problems: Problems) -> AmountRule | None:
    raw = node.get("amount")
    if raw is None:
        return None
    if not isinstance(raw, Node):
        problems.add(node, "amount", path, "'amount' must be a mapping with label and more_than or at_least")
        return None
    _unknown(raw, AMOUNT_KEYS, path, "an amount", problems)
    label = _text(raw, "label", f"{path}.label", problems)
    more_than = _money(raw, "more_than", f"{path}.more_than", problems)
    at_least = _money(raw, "at_least", f"{path}.at_least", problems)
    if ("more_than" in raw) == ("at_least" in raw):
        problems.add(raw, "label", path, "an amount has exactly one of more_than and at_least")
    return AmountRule(label=label, more_than=more_than, at_least=at_least)


def _orders(data: Node, problems: Problems) -> dict[str, OrderRule]:
    raw = data.get("orders")
    if not isinstance(raw, list) or not raw:
        problems.add(data, "orders", "orders", "'orders' must be a list of orders")
        return {}
    out: dict[str, OrderRule] = {}
    for i, spec in enumerate(raw):
        path = f"orders[{i}]"
        if not isinstance(spec, Node):
            problems.add(data, "orders", path, "each order must be a mapping of its fields")
            continue
        _unknown(spec, ORDER_KEYS, path, "an order", problems)
        key = _text(spec, "key", f"{path}.key", problems)
        if key and not KEY.match(key):
            problems.add(spec, "key", f"{path}.key", "a key is lower case letters, digits and _")
        if key in out:
            problems.add(spec, "key", f"{path}.key", f"the key {key!r} is used twice")
        path = f"orders.{key or i}"
        name = _text(spec, "name", f"{path}.name", problems)
        order = OrderRule(
            key=key,
            name=name,
            short=_text(spec, "short", f"{path}.short", problems, required=False) or name,
            act=_text(spec, "act", f"{path}.act", problems),
            section=_text(spec, "section", f"{path}.section", problems, required=False),
            summary=_text(spec, "rule", f"{path}.rule", problems),
            applicants=_texts(spec, "applicants", f"{path}.applicants", problems),
            courts=_texts(spec, "courts", f"{path}.courts", problems),
            duration=_duration(spec, "duration", f"{path}.duration", problems),
            youth_duration=_duration(spec, "youth_duration", f"{path}.youth_duration", problems),
            amount=_amount(spec, f"{path}.amount", problems),
            line=spec.line,
        )
        if order.youth_duration is not None and order.duration is None:
            problems.add(
                spec, "youth_duration", f"{path}.youth_duration", "a youth duration needs a duration"
            )
        if key:
            out[key] = order
    return out


def _powers(
    data: Node, owner_types: frozenset[str], orders: Iterable[str], problems: Problems
) -> dict[str, PartnerPower]:
    raw = data.get("powers")
    if not isinstance(raw, list) or not raw:
        problems.add(data, "powers", "powers", "'powers' must be a list of partner powers")
        return {}
    out: dict[str, PartnerPower] = {}
    taken = set(orders)
    for i, spec in enumerate(raw):
        path = f"powers[{i}]"
        if not isinstance(spec, Node):
            problems.add(data, "powers", path, "each power must be a mapping of its fields")
            continue
        _unknown(spec, POWER_KEYS, path, "a power", problems)
        key = _text(spec, "key", f"{path}.key", problems)
        if key and not KEY.match(key):
            problems.add(spec, "key", f"{path}.key", "a key is lower case letters, digits and _")
        if key in out or key in taken:
            problems.add(spec, "key", f"{path}.key", f"the key {key!r} is used twice")
        path = f"powers.{key or i}"
        owner_type = str(spec.get("owner_type") or "").strip()
        if not owner_type:
            problems.add(
                spec,
                "owner_type",
                f"{path}.owner_type",
                "a power needs the type of organisation that holds it",
            )
        elif owner_type not in owner_types:
            problems.add(
                spec,
                "owner_type",
                f"{path}.owner_type",
                f"unknown owner type {owner_type!r}; the types are {', '.join(sorted(owner_types))}",
            )
        owner = _text(spec, "owner", f"{path}.owner", problems, required=False)
        power = PartnerPower(
            key=key,
            name=_text(spec, "name", f"{path}.name", problems),
            owner_type=owner_type,
            owner_label=owner or OWNER_LABELS.get(owner_type, owner_type.capitalize()),
            law=_text(spec, "law", f"{path}.law", problems),
            description=_text(spec, "description", f"{path}.description", problems, required=False),
            line=spec.line,
        )
        if key:
            out[key] = power
    return out


def _by_band(data: Node, section: str, key: str, problems: Problems, *, least: int) -> dict[str, int]:
    node = data.get(section)
    if not isinstance(node, Node):
        problems.add(data, section, section, f"'{section}' must be a mapping with {key}")
        return {"default": max(least, 1)}
    _unknown(node, {key}, section, f"'{section}'", problems)
    raw = node.get(key)
    if not isinstance(raw, Node) or "default" not in raw:
        problems.add(node, key, f"{section}.{key}", f"'{key}' must map band keys to numbers, with a default")
        return {"default": max(least, 1)}
    out = {}
    for band in raw:
        value = _whole(raw, band, f"{section}.{key}.{band}", problems, least=least)
        out[band] = value if value is not None else max(least, 1)
    return out


def load_catalogue(
    path: Path | str = DEFAULT_CATALOGUE, *, owner_types: Iterable[str] = PARTNER_TYPES
) -> Catalogue:
    """Read and check the catalogue at ``path``."""
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidModel(f"{file.name}: cannot be read: {exc}") from exc
    return parse_catalogue(text, file=file.name, owner_types=owner_types)


def parse_catalogue(
    text: str, *, file: str = "<catalogue>", owner_types: Iterable[str] = PARTNER_TYPES
) -> Catalogue:
    """Check a catalogue's YAML text; ``InvalidModel`` names the file, line and reason of every problem."""
    try:
        data: Any = yaml_lines.load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f", line {mark.line + 1}" if mark is not None else ""
        raise InvalidModel(f"{file}{where}: not valid YAML: {exc}") from exc
    if not isinstance(data, Node):
        raise InvalidModel(f"{file}, line 1: the catalogue must be a YAML mapping of fields")
    problems = _problems(file)
    _unknown(data, TOP_KEYS, "", "the catalogue", problems)
    _whole(data, "version", "version", problems, least=1)
    orders = _orders(data, problems)
    powers = _powers(data, frozenset(owner_types), orders, problems)
    review_months = _by_band(data, "reviews", "months_by_band", problems, least=1)
    weights = _by_band(data, "workload", "weights_by_band", problems, least=1)
    alert_days = {"order_expiry": 28, "release": 28, "training": 0, "stale_after": 90}
    alerts = data.get("alerts")
    if alerts is not None:
        if not isinstance(alerts, Node):
            problems.add(
                data,
                "alerts",
                "alerts",
                "'alerts' must map order_expiry, release, training, stale_after to days",
            )
        else:
            _unknown(alerts, ALERT_KEYS, "alerts", "'alerts'", problems)
            for k in ALERT_KEYS & set(alerts):
                value = _whole(alerts, k, f"alerts.{k}", problems)
                if value is not None:
                    alert_days[k] = value
    window = 90
    coming = data.get("coming_out")
    if coming is not None:
        if not isinstance(coming, Node):
            problems.add(data, "coming_out", "coming_out", "'coming_out' must be a mapping with days")
        else:
            _unknown(coming, {"days"}, "coming_out", "'coming_out'", problems)
            window = _whole(coming, "days", "coming_out.days", problems, least=1) or window
    problems.raise_if_any()
    return Catalogue(
        orders=MappingProxyType(orders),
        powers=MappingProxyType(powers),
        review_months=MappingProxyType(review_months),
        workload_weights=MappingProxyType(weights),
        alert_days=MappingProxyType(alert_days),
        release_window_days=window,
        file=file,
        sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
    )
