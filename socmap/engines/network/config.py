"""Loading and checking the network configuration (link weights, grading factors, thresholds)."""

from __future__ import annotations

import datetime as dt
import pathlib
from typing import Any

import yaml

import socmap.model
from socmap.engines.network.types import (
    CentralityConfig,
    CommunityConfig,
    LinkType,
    MatchingConfig,
    NetworkConfig,
    ProposalConfig,
)
from socmap.errors import InvalidInput, InvalidModel

DEFAULT_PATH = pathlib.Path(socmap.model.__file__).parent / "network.yaml"
METHODS = ("joined", "cpm", "modularity", "infomap")

_LINK_KEYS = {"weight", "object", "offence", "money", "half_life_days", "aliases", "member_evidence"}
_TOP_KEYS = {
    "version",
    "link_types",
    "grading",
    "recency",
    "projection",
    "communities",
    "centrality",
    "proposals",
    "matching",
}


def load_config(path: str | pathlib.Path | None = None) -> NetworkConfig:
    """Read the YAML configuration (the shipped ``socmap/model/network.yaml`` when ``path`` is None).

    Every problem is collected and raised once as ``InvalidModel`` naming the file and key.
    """
    file = pathlib.Path(path) if path is not None else DEFAULT_PATH
    try:
        raw = yaml.safe_load(file.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise InvalidModel(f"{file}: cannot read the network configuration: {exc}") from exc
    return config_from_dict(raw, source=str(file))


def config_from_dict(raw: Any, *, source: str = "<dict>") -> NetworkConfig:
    """Build a ``NetworkConfig`` from parsed YAML, failing with every problem at once."""
    problems: dict[str, list[str]] = {}

    def add(key: str, message: str) -> None:
        problems.setdefault(key, []).append(message)

    if not isinstance(raw, dict):
        raise InvalidModel(f"{source}: the network configuration must be a mapping.")
    for key in raw:
        if key not in _TOP_KEYS:
            add(str(key), f"Unknown key {key!r}.")

    def section(name: str) -> dict[str, Any]:
        value = raw.get(name) or {}
        if not isinstance(value, dict):
            add(name, "Must be a mapping.")
            return {}
        return value

    def number(sec: dict[str, Any], key: str, where: str, default: float, *, minimum: float = 0.0) -> float:
        value = sec.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int | float) or value < minimum:
            add(f"{where}.{key}", f"Must be a number of at least {minimum}, not {value!r}.")
            return default
        return float(value)

    def whole(sec: dict[str, Any], key: str, where: str, default: int, *, minimum: int = 0) -> int:
        value = sec.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            add(f"{where}.{key}", f"Must be a whole number of at least {minimum}, not {value!r}.")
            return default
        return int(value)

    link_types: dict[str, LinkType] = {}
    seen_names: dict[str, str] = {}
    for name, spec in section("link_types").items():
        where = f"link_types.{name}"
        if not isinstance(spec, dict):
            add(where, "Must be a mapping with at least a weight.")
            continue
        for key in spec:
            if key not in _LINK_KEYS:
                add(f"{where}.{key}", f"Unknown key {key!r}; known: {', '.join(sorted(_LINK_KEYS))}.")
        if "weight" not in spec:
            add(where, "Has no weight.")
        aliases = spec.get("aliases") or []
        if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
            add(f"{where}.aliases", "Must be a list of names.")
            aliases = []
        for label in [name, *aliases]:
            if label in seen_names:
                add(where, f"{label!r} is already used by link type {seen_names[label]!r}.")
            seen_names[label] = str(name)
        half = spec.get("half_life_days")
        link_types[str(name)] = LinkType(
            name=str(name),
            weight=number(spec, "weight", where, 1.0),
            object=bool(spec.get("object", False)),
            offence=bool(spec.get("offence", False)),
            money=bool(spec.get("money", False)),
            half_life_days=None if half is None else number(spec, "half_life_days", where, 730.0, minimum=1),
            aliases=tuple(aliases),
            member_evidence=bool(spec.get("member_evidence", True)),
        )
    if not link_types:
        add("link_types", "At least one link type is needed.")

    grading = section("grading")
    source_factors = _factors(grading.get("source"), "grading.source", ("1", "2", "3"), add)
    assessment_factors = _factors(grading.get("assessment"), "grading.assessment", tuple("ABCDE"), add)
    default_grading = str(grading.get("default", "2C"))
    if parse_grading(default_grading) is None:
        add("grading.default", f"{default_grading!r} is not a 3x5x2 grading like '2C'.")

    recency = section("recency")
    reference = recency.get("reference_date")
    if reference is not None and not isinstance(reference, dt.date):
        add("recency.reference_date", f"Must be a date (YYYY-MM-DD) or null, not {reference!r}.")
        reference = None

    projection = section("projection")
    com = section("communities")
    method = str(com.get("method", com.get("objective", "joined"))).lower()
    if method not in METHODS:
        add("communities.method", f"Must be one of {', '.join(METHODS)}, not {method!r}.")
        method = "joined"
    for share in ("join_share", "attach_share", "subgroup_cohesion"):
        value = com.get(share)
        if isinstance(value, int | float) and not isinstance(value, bool) and value > 1:
            add(f"communities.{share}", f"Is a share of link weight: at most 1, not {value!r}.")
    cen = section("centrality")
    pro = section("proposals")
    themes = pro.get("themes") or []
    if not isinstance(themes, list):
        add("proposals.themes", "Must be a list of themes.")
        themes = []
    mat = section("matching")

    config = NetworkConfig(
        link_types=link_types,
        source_factors=source_factors,
        assessment_factors=assessment_factors,
        default_grading=default_grading,
        half_life_days=number(recency, "half_life_days", "recency", 730.0, minimum=1),
        undated_factor=number(recency, "undated_factor", "recency", 0.5),
        reference_date=reference,
        project_objects=bool(projection.get("enabled", True)),
        max_people_per_object=whole(projection, "max_people_per_object", "projection", 12, minimum=2),
        divide_by_people=bool(projection.get("divide_by_people", True)),
        communities=CommunityConfig(
            method=method,
            resolution=number(com, "resolution", "communities", 0.05),
            density_factor=number(com, "density_factor", "communities", 0.0),
            join_share=number(com, "join_share", "communities", 0.05),
            attach_share=number(com, "attach_share", "communities", 0.5),
            null_factor=number(com, "null_factor", "communities", 1.0),
            seed=whole(com, "seed", "communities", 1),
            # Leiden's passes: a whole number, or -1 for "until nothing changes".
            n_iterations=whole(com, "n_iterations", "communities", 2, minimum=-1),
            subgroup_min_size=whole(com, "subgroup_min_size", "communities", 50),
            subgroup_min_members=whole(com, "subgroup_min_members", "communities", 5, minimum=2),
            subgroup_cohesion=number(com, "subgroup_cohesion", "communities", 0.75),
            split_above=whole(com, "split_above", "communities", 0),
        ),
        centrality=CentralityConfig(
            exact_betweenness_max_nodes=whole(cen, "exact_betweenness_max_nodes", "centrality", 20_000),
            betweenness_cutoff=number(cen, "betweenness_cutoff", "centrality", 6.0),
            broker_participation=number(cen, "broker_participation", "centrality", 0.3),
        ),
        proposals=ProposalConfig(
            min_size=whole(pro, "min_size", "proposals", 4, minimum=2),
            max_size=whole(pro, "max_size", "proposals", 60, minimum=2),
            min_offenders=whole(pro, "min_offenders", "proposals", 3),
            min_offence_links=whole(pro, "min_offence_links", "proposals", 1),
            themes=tuple(str(t) for t in themes),
            lieutenant_share=number(pro, "lieutenant_share", "proposals", 0.2),
            runner_percentile=number(pro, "runner_percentile", "proposals", 0.5),
            enabler_money_share=number(pro, "enabler_money_share", "proposals", 0.5),
            priority_percentile=number(pro, "priority_percentile", "proposals", 0.9),
            priority_min_offenders_linked=whole(pro, "priority_min_offenders_linked", "proposals", 2),
            max_priority_individuals=whole(pro, "max_priority_individuals", "proposals", 0),
            max_hub_share=number(pro, "max_hub_share", "proposals", 1.0),
            min_other_evidence_links=whole(pro, "min_other_evidence_links", "proposals", 0),
            other_evidence_offender_share=number(pro, "other_evidence_offender_share", "proposals", 0.5),
            offender_share_without_offence_links=(
                None
                if pro.get("offender_share_without_offence_links") is None
                else number(pro, "offender_share_without_offence_links", "proposals", 1.0)
            ),
        ),
        matching=MatchingConfig(
            jaccard=number(mat, "jaccard", "matching", 0.5),
            containment=number(mat, "containment", "matching", 0.8),
        ),
        source=source,
    )
    if config.proposals.min_size > config.proposals.max_size:
        add("proposals.min_size", "Is larger than proposals.max_size.")
    if problems:
        raise InvalidModel(f"{source}: the network configuration has problems.", fields=problems)
    return config


def _factors(value: Any, where: str, keys: tuple[str, ...], add: Any) -> dict[str, float]:
    if not isinstance(value, dict):
        add(where, f"Must map each of {', '.join(keys)} to a factor.")
        return dict.fromkeys(keys, 1.0)
    out = {str(k): v for k, v in value.items()}
    for key in out:
        if key not in keys:
            add(where, f"Unknown grade {key!r}; known: {', '.join(keys)}.")
    for key in keys:
        v = out.get(key)
        if isinstance(v, bool) or not isinstance(v, int | float) or v < 0:
            add(f"{where}.{key}", f"Needs a factor of at least 0, not {v!r}.")
    return {k: float(out[k]) if isinstance(out.get(k), int | float) else 1.0 for k in keys}


def parse_grading(grading: str) -> tuple[str, str] | None:
    """``"2B"``/``"2bp"`` -> ``("2", "B")``; None when not a 3x5x2 grading."""
    text = grading.strip().upper()
    if len(text) not in (2, 3) or text[0] not in "123" or text[1] not in "ABCDE":
        return None
    if len(text) == 3 and text[2] not in "PC":
        return None
    return text[0], text[1]


def grading_at_least(grading: str, minimum: str) -> bool:
    """Whether ``grading`` is as good as ``minimum`` on both axes (1 best source, A best assessment)."""
    g, m = parse_grading(grading), parse_grading(minimum)
    if m is None:
        raise InvalidInput(
            f"{minimum!r} is not a 3x5x2 grading like '2B'.", fields={"min_grading": ["Invalid."]}
        )
    if g is None:
        return False
    return g[0] <= m[0] and g[1] <= m[1]
