"""Loading and checking a scoring model file.

Every problem is collected and reported at once as ``InvalidModel``, each naming the file, the line
and the key, so the person editing the YAML can go straight to it. A model is refused when it names
an unknown dimension or group, has a weight that is not a positive number, a scale point without a
descriptor, or bands with a gap or an overlap.
"""

from __future__ import annotations

import hashlib
import itertools
import re
from decimal import Decimal, InvalidOperation
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from socmap.engines.assess.types import Band, Combine, Dimension, ScalePoint, ScoringModel
from socmap.errors import InvalidModel
from socmap.model import yaml_lines
from socmap.model.yaml_lines import Node, Problems

MODELS_DIR = Path(__file__).resolve().parent / "models"
DEFAULT_MODEL = MODELS_DIR / "morile-v1.yaml"
KEY = re.compile(r"^[a-z][a-z0-9_]*$")
TOP_KEYS = {"name", "version", "title", "description", "groups", "dimensions", "combine", "bands"}
DIMENSION_KEYS = {"group", "label", "question", "weight", "scale"}
BAND_KEYS = {"key", "label", "tier", "from", "to", "reassess_months"}


def _problems(file: str) -> Problems:
    # The message names file, line and key for each problem; no ``fields`` (they would repeat it).
    return Problems(file, InvalidModel, with_fields=False)


def _decimal(value: Any) -> Decimal | None:
    """A number written in the file, exactly as written; None when it is not a number."""
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _text(node: Node, key: str, path: str, problems: Problems, *, required: bool = True) -> str:
    value = node.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            problems.add(node, key, path, f"'{key}' is required")
        return ""
    if not isinstance(value, str | int | float):
        problems.add(node, key, path, f"'{key}' must be text")
        return ""
    return str(value).strip()


def load_scoring_model(path: Path | str = DEFAULT_MODEL) -> ScoringModel:
    """Read and check the model file at ``path``."""
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidModel(f"{file.name}: cannot be read: {exc}") from exc
    return parse_scoring_model(text, file=file.name)


def parse_scoring_model(text: str, *, file: str = "<model>") -> ScoringModel:
    """Check a model's YAML text; ``InvalidModel`` names the file, line and key of every problem."""
    try:
        data = yaml_lines.load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f", line {mark.line + 1}" if mark is not None else ""
        raise InvalidModel(f"{file}{where}: not valid YAML: {exc}") from exc
    if not isinstance(data, Node):
        raise InvalidModel(f"{file}, line 1: a scoring model must be a YAML mapping of keys")
    problems = _problems(file)
    for key in data:
        if key not in TOP_KEYS:
            problems.add(data, key, key, f"unknown key {key!r}; a model has {', '.join(sorted(TOP_KEYS))}")

    name = _text(data, "name", "name", problems)
    version = data.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        problems.add(data, "version", "version", f"version must be a whole number from 1, not {version!r}")
        version = 0
    title = _text(data, "title", "title", problems, required=False) or name
    description = _text(data, "description", "description", problems, required=False)

    groups = _groups(data, problems)
    dimensions = _dimensions(data, groups, problems)
    combine = _combine(data, groups, dimensions, problems)
    problems.raise_if_any()
    assert combine is not None  # _combine returns None only with a problem recorded
    low, high = _range(dimensions, combine)
    bands = _bands(data, low, high, problems)
    problems.raise_if_any()
    return ScoringModel(
        name=name,
        version=int(version),
        title=title,
        description=description,
        groups=MappingProxyType(groups),
        dimensions=MappingProxyType(dimensions),
        combine=combine,
        bands=tuple(bands),
        sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        file=file,
        text=text,
        min_score=low,
        max_score=high,
    )


def _groups(data: Node, problems: Problems) -> dict[str, str]:
    raw = data.get("groups")
    if not isinstance(raw, Node) or not raw:
        problems.add(data, "groups", "groups", "'groups' must map each group's key to its label")
        return {}
    out = {}
    for key, label in raw.items():
        if not KEY.match(key):
            problems.add(raw, key, f"groups.{key}", "a group key is lower case letters, digits and _")
        out[key] = str(label or key)
    return out


def _dimensions(data: Node, groups: dict[str, str], problems: Problems) -> dict[str, Dimension]:
    raw = data.get("dimensions")
    if not isinstance(raw, Node) or not raw:
        problems.add(data, "dimensions", "dimensions", "'dimensions' must be a mapping of dimensions")
        return {}
    out: dict[str, Dimension] = {}
    for key, spec in raw.items():
        path = f"dimensions.{key}"
        if not KEY.match(key):
            problems.add(raw, key, path, "a dimension key is lower case letters, digits and _")
        if not isinstance(spec, Node):
            problems.add(raw, key, path, "a dimension must be a mapping with group, label, weight and scale")
            continue
        for k in spec:
            if k not in DIMENSION_KEYS:
                problems.add(spec, k, f"{path}.{k}", f"unknown key {k!r} in a dimension")
        group = _text(spec, "group", f"{path}.group", problems)
        if group and group not in groups:
            problems.add(
                spec, "group", f"{path}.group", f"unknown group {group!r}; groups are {', '.join(groups)}"
            )
        label = _text(spec, "label", f"{path}.label", problems)
        question = _text(spec, "question", f"{path}.question", problems, required=False)
        weight = _decimal(spec.get("weight"))
        if weight is None or weight <= 0:
            problems.add(
                spec,
                "weight",
                f"{path}.weight",
                f"the weight {spec.get('weight')!r} does not parse as a positive number",
            )
            weight = Decimal(0)
        scale = _scale(spec, path, problems)
        out[key] = Dimension(key, label, group, question, weight, scale)
    return out


def _scale(spec: Node, path: str, problems: Problems) -> tuple[ScalePoint, ...]:
    raw = spec.get("scale")
    if not isinstance(raw, Node) or len(raw) < 2:
        problems.add(
            spec, "scale", f"{path}.scale", "a scale needs at least two points, each with a descriptor"
        )
        return ()
    points = []
    for key, point in raw.items():
        where = f"{path}.scale.{key}"
        try:
            value = int(key)
        except ValueError:
            value = -1
        if value < 0 or str(value) != key:
            problems.add(raw, key, where, f"a scale point is a whole number from 0, not {key!r}")
            continue
        if not isinstance(point, Node):
            problems.add(raw, key, where, "a scale point needs a label and a descriptor")
            continue
        label = _text(point, "label", f"{where}.label", problems)
        descriptor = _text(point, "descriptor", f"{where}.descriptor", problems)
        points.append(ScalePoint(value, label, descriptor))
    return tuple(sorted(points, key=lambda p: p.value))


def _combine(
    data: Node, groups: dict[str, str], dimensions: dict[str, Dimension], problems: Problems
) -> Combine | None:
    raw = data.get("combine")
    if not isinstance(raw, Node):
        problems.add(
            data, "combine", "combine", "'combine' must name impact groups, a multiplier and adjust groups"
        )
        return None
    for k in raw:
        if k not in {"impact", "multiplier", "adjust"}:
            problems.add(raw, k, f"combine.{k}", f"unknown key {k!r}; combine has impact, multiplier, adjust")

    def group_list(key: str) -> tuple[str, ...]:
        value = raw.get(key) or []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            problems.add(raw, key, f"combine.{key}", f"'{key}' must be a list of group keys")
            return ()
        for g in value:
            if g not in groups:
                problems.add(raw, key, f"combine.{key}", f"unknown group {g!r}")
        return tuple(value)

    impact, adjust = group_list("impact"), group_list("adjust")
    if not impact:
        problems.add(raw, "impact", "combine.impact", "name at least one impact group")
    multiplier = str(raw.get("multiplier") or "")
    if multiplier not in dimensions:
        problems.add(raw, "multiplier", "combine.multiplier", f"unknown dimension {multiplier!r}")
    overlap = set(impact) & set(adjust)
    if overlap:
        problems.add(
            raw, "adjust", "combine.adjust", f"groups both impact and adjust: {', '.join(sorted(overlap))}"
        )
    counted = set(impact) | set(adjust)
    for key, dim in dimensions.items():
        if key == multiplier:
            if dim.group in counted:
                problems.add(
                    raw,
                    "multiplier",
                    "combine.multiplier",
                    f"{key!r} is the multiplier, so its group {dim.group!r} cannot also be summed",
                )
        elif dim.group not in counted and dim.group in groups:
            problems.add(
                raw, "impact", "combine", f"dimension {key!r} (group {dim.group!r}) is not used by combine"
            )
    return Combine(impact=impact, multiplier=multiplier, adjust=adjust)


def _range(dimensions: dict[str, Dimension], combine: Combine) -> tuple[Decimal, Decimal]:
    """The lowest and highest scores the model can give (weights are positive)."""
    impact = [d for d in dimensions.values() if d.group in combine.impact]
    adjust = [d for d in dimensions.values() if d.group in combine.adjust]
    mult = dimensions[combine.multiplier]
    low = sum((d.weight * d.lowest for d in impact), Decimal(0)) * mult.lowest + sum(
        (d.weight * d.lowest for d in adjust), Decimal(0)
    )
    high = sum((d.weight * d.highest for d in impact), Decimal(0)) * mult.highest + sum(
        (d.weight * d.highest for d in adjust), Decimal(0)
    )
    return low, high


def _bands(data: Node, low: Decimal, high: Decimal, problems: Problems) -> list[Band]:
    raw = data.get("bands")
    if not isinstance(raw, list) or not raw:
        problems.add(data, "bands", "bands", "'bands' must be a list of bands with from and to")
        return []
    bands: list[tuple[Band, Node]] = []
    for i, item in enumerate(raw):
        path = f"bands[{i}]"
        if not isinstance(item, Node):
            problems.add(data, "bands", path, "a band is a mapping with key, label, tier, from, to")
            continue
        for k in item:
            if k not in BAND_KEYS:
                problems.add(item, k, f"{path}.{k}", f"unknown key {k!r} in a band")
        key = _text(item, "key", f"{path}.key", problems)
        label = _text(item, "label", f"{path}.label", problems, required=False) or key
        lower, upper = _decimal(item.get("from")), _decimal(item.get("to"))
        if lower is None:
            problems.add(
                item, "from", f"{path}.from", f"'from' {item.get('from')!r} does not parse as a number"
            )
        if upper is None:
            problems.add(item, "to", f"{path}.to", f"'to' {item.get('to')!r} does not parse as a number")
        if lower is not None and upper is not None and lower >= upper:
            problems.add(item, "to", f"{path}.to", f"'to' ({upper}) must be above 'from' ({lower})")
        tier, months = item.get("tier"), item.get("reassess_months")
        if isinstance(tier, bool) or not isinstance(tier, int) or tier < 1:
            problems.add(item, "tier", f"{path}.tier", f"tier must be a whole number from 1, not {tier!r}")
            tier = 0
        if isinstance(months, bool) or not isinstance(months, int) or months < 1:
            problems.add(
                item,
                "reassess_months",
                f"{path}.reassess_months",
                f"reassess_months must be a whole number of months from 1, not {months!r}",
            )
            months = 0
        if lower is not None and upper is not None:
            bands.append((Band(key, label, int(tier), lower, upper, int(months)), item))
    if problems.items:
        return []
    bands.sort(key=lambda pair: pair[0].lower)
    for (prev, _), (band, node) in itertools.pairwise(bands):
        where = f"bands.{band.key}.from"
        if band.lower > prev.upper:
            gap = f"gap: scores from {prev.upper} to {band.lower} fall in no band"
            problems.add(node, "from", where, f"{gap} ({prev.key!r} ends where {band.key!r} should start)")
        elif band.lower < prev.upper:
            overlap = (
                f"overlap: {band.key!r} starts at {band.lower}, before {prev.key!r} ends at {prev.upper}"
            )
            problems.add(node, "from", where, overlap)
    first, first_node = bands[0]
    last, last_node = bands[-1]
    if first.lower > low:
        message = f"gap: the lowest possible score is {low}, but the lowest band starts at {first.lower}"
        problems.add(first_node, "from", f"bands.{first.key}.from", message)
    if last.upper < high:
        message = f"gap: the highest possible score is {high}, but the highest band ends at {last.upper}"
        problems.add(last_node, "to", f"bands.{last.key}.to", message)
    for attr in ("key", "tier"):
        seen: dict[object, str] = {}
        for band, node in bands:
            value = getattr(band, attr)
            if value in seen:
                problems.add(node, attr, f"bands.{band.key}.{attr}", f"{attr} {value!r} is used by two bands")
            seen[value] = band.key
    return [b for b, _ in bands]
