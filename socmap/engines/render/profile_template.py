"""The SOC local profile's template as data: sections, each naming its measures, charts, maps and the
organisation that writes it, read from YAML and checked at load.

Pure: no Django. Every problem is collected with the file, the line and the reason, then raised once
as ``InvalidModel``, so a template with an unknown measure or a section without an owner never reaches
a profile.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from socmap.errors import InvalidModel, RowError

#: Every measure a template may name, with what it counts (the content engine computes each).
MEASURES: dict[str, str] = {
    "threats_by_theme": "Assessed threats by theme",
    "threats_by_area": "Intelligence reports by postcode district",
    "groups_by_band": "Adopted organised crime groups by band",
    "individuals_by_band": "Adopted Priority Individuals by band",
    "groups_listed": "The groups, ranked by threat score",
    "vulnerabilities": "Vulnerabilities assessed",
    "safeguarding_by_area": "Safeguarding referrals received, by postcode district",
    "vulnerable_places": "Places under Clear, Hold, Build",
    "intelligence_gaps": "Gaps: groups not yet assessed, re-assessments overdue, low confidence",
    "partner_records": "Records contributed by partners",
    "partner_contributions": "Partners' contributions by organisation and kind",
    "information_sharing": "Information-sharing agreements by organisation and stage",
    "safeguarding_referrals": "Safeguarding referrals by concern, outcome and quarter",
    "disruptions_by_p": "Validated disruptions by P and impact",
    "tasking_bids": "Bids for regional capabilities",
    "sources_used": "Records read, by source",
}
#: Charts and maps a template may name, and the measure each is drawn from.
CHARTS: dict[str, str] = {
    "threats_by_theme": "threats_by_theme",
    "groups_by_band": "groups_by_band",
    "disruptions_by_p": "disruptions_by_p",
    "safeguarding_referrals": "safeguarding_referrals",
}
MAPS: dict[str, str] = {"threats_by_area": "threats_by_area", "safeguarding_by_area": "safeguarding_by_area"}
#: Who may own a section: the profile's force, or the profile's partner of a kind.
OWNERS = ("force", "council", "nhs", "education", "housing", "fire", "hmrc", "dwp", "immigration", "other")


@dataclass(frozen=True)
class SectionSpec:
    key: str
    title: str
    owner: str
    purpose: str
    measures: tuple[str, ...]
    charts: tuple[str, ...]
    maps: tuple[str, ...]


@dataclass(frozen=True)
class ProfileTemplate:
    name: str
    version: int
    title: str
    marking: str
    sections: tuple[SectionSpec, ...]
    text: str  # the file as read, kept with every version issued from it

    def section(self, key: str) -> SectionSpec | None:
        return next((s for s in self.sections if s.key == key), None)


def _line(node: yaml.Node) -> int:
    return int(node.start_mark.line) + 1


def _mapping(node: yaml.Node) -> dict[str, tuple[yaml.Node, yaml.Node]]:
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {str(k.value): (k, v) for k, v in node.value if isinstance(k, yaml.ScalarNode)}


def _scalar(entry: tuple[yaml.Node, yaml.Node] | None) -> str:
    if entry is None or not isinstance(entry[1], yaml.ScalarNode):
        return ""
    return str(entry[1].value).strip()


def _names(entry: tuple[yaml.Node, yaml.Node] | None) -> list[tuple[str, int]]:
    if entry is None:
        return []
    node = entry[1]
    if isinstance(node, yaml.SequenceNode):
        return [(str(n.value).strip(), _line(n)) for n in node.value if isinstance(n, yaml.ScalarNode)]
    return [(str(node.value).strip(), _line(node))] if isinstance(node, yaml.ScalarNode) else []


class _Errors:
    def __init__(self, file: str) -> None:
        self.file = file
        self.rows: list[RowError] = []

    def add(self, line: int, field: str, message: str) -> None:
        self.rows.append(RowError(row=line, field=field, message=message, file=self.file))


def _section(node: yaml.Node, seen: set[str], errors: _Errors) -> SectionSpec | None:
    fields = _mapping(node)
    if not fields:
        errors.add(_line(node), "sections", "A section is a mapping with key, title, owner and measures")
        return None
    key, title, owner = _scalar(fields.get("key")), _scalar(fields.get("title")), _scalar(fields.get("owner"))
    where = _line(node)
    if not key:
        errors.add(where, "key", "A section needs a key")
    elif key in seen:
        errors.add(where, "key", f"Section {key!r} appears twice")
    seen.add(key)
    if not title:
        errors.add(where, "title", f"Section {key or '?'!r} needs a title")
    if not owner:
        errors.add(
            where, "owner", f"Section {key or '?'!r} has no owner: name the organisation that writes it"
        )
    elif owner not in OWNERS:
        errors.add(_line(fields["owner"][1]), "owner", f"Unknown owner {owner!r}: one of {', '.join(OWNERS)}")
    measures = _names(fields.get("measures"))
    charts = _names(fields.get("charts"))
    maps = _names(fields.get("maps"))
    for name, line in measures:
        if name not in MEASURES:
            errors.add(line, "measures", f"Unknown measure {name!r} in section {key!r}")
    for kind, known, names in (("charts", CHARTS, charts), ("maps", MAPS, maps)):
        for name, line in names:
            if name not in known:
                errors.add(line, kind, f"Unknown {kind[:-1]} {name!r} in section {key!r}")
            elif known[name] not in {m for m, _ in measures}:
                errors.add(line, kind, f"{kind[:-1].capitalize()} {name!r} needs measure {known[name]!r}")
    return SectionSpec(
        key=key,
        title=title,
        owner=owner,
        purpose=_scalar(fields.get("purpose")),
        measures=tuple(n for n, _ in measures),
        charts=tuple(n for n, _ in charts),
        maps=tuple(n for n, _ in maps),
    )


def template_load(text: str, *, file: str = "template.yaml") -> ProfileTemplate:
    """Read and check a profile template; every problem with file, line and reason, raised once."""
    errors = _Errors(file)
    try:
        root = yaml.compose(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = int(mark.line) + 1 if mark is not None else 1
        raise InvalidModel(
            f"{file} is not valid YAML", rows=[RowError(line, "", str(exc).splitlines()[0], file)]
        ) from exc
    top = _mapping(root) if root is not None else {}
    if not top:
        raise InvalidModel(
            f"{file} is empty or not a mapping", rows=[RowError(1, "", "Expected a mapping", file)]
        )
    for name in ("name", "version", "title", "marking"):
        if not _scalar(top.get(name)):
            errors.add(1, name, f"The template needs {name!r}")
    version = _scalar(top.get("version"))
    if version and not version.isdigit():
        errors.add(_line(top["version"][1]), "version", f"Version must be a whole number, not {version!r}")
    sections_node = top.get("sections")
    sections: list[SectionSpec] = []
    if (
        sections_node is None
        or not isinstance(sections_node[1], yaml.SequenceNode)
        or not sections_node[1].value
    ):
        errors.add(1, "sections", "The template needs a list of sections")
    else:
        seen: set[str] = set()
        for node in sections_node[1].value:
            spec = _section(node, seen, errors)
            if spec is not None:
                sections.append(spec)
    if errors.rows:
        raise InvalidModel(f"{file}: {len(errors.rows)} problem(s) in the profile template", rows=errors.rows)
    return ProfileTemplate(
        name=_scalar(top.get("name")),
        version=int(version),
        title=_scalar(top.get("title")),
        marking=_scalar(top.get("marking")),
        sections=tuple(sections),
        text=text,
    )


def template_read(path: Path) -> ProfileTemplate:
    """A template file, checked (``InvalidModel`` naming the file when it cannot be read)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidModel(f"Cannot read {path}: {exc}", rows=[RowError(0, "", str(exc), str(path))]) from exc
    return template_load(text, file=str(path))


def as_dict(template: ProfileTemplate) -> dict[str, Any]:
    return {"name": template.name, "version": template.version, "title": template.title}
