"""The SOC local profile's content: every figure, table, chart and map computed from plain facts as of
a date, each figure with its lineage (the inputs that fed it), and the diff against an earlier version.

Pure: no Django. The app gathers the facts through each app's selectors, as the audience may see them
(the full version as the force, a partner version as the partner), so a partner version is computed
from what the partner may see and nothing else: a hidden item is neither named nor counted, and a
theme with nothing visible has no row at all. ``named`` is false for partner versions: groups and
people are then counted, never named.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from socmap.engines.render import charts, profile_charts
from socmap.engines.render.profile_template import MEASURES, ProfileTemplate, SectionSpec

NOT_RECORDED = "Not yet recorded: socmap does not hold this yet."
P_ORDER = ("Pursue", "Prevent", "Protect", "Prepare")


@dataclass(frozen=True)
class Item:
    """One governed input: a threat, group, individual, disruption or bid, as the audience sees it."""

    kind: str
    id: int
    ref: str
    name: str
    owner_id: int
    handling: str
    compartment_id: int | None
    attrs: dict[str, Any] = field(default_factory=dict)
    link: str = ""  # where the item's page is in socmap, when it has one

    def lineage(self, named: bool) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind, "id": self.id, "ref": self.ref}
        if named:
            out["name"] = self.name
        if self.link:
            out["link"] = self.link
        return out


@dataclass
class Facts:
    as_of: date
    force: str
    threats: list[Item] = field(default_factory=list)
    groups: list[Item] = field(default_factory=list)
    proposed_groups: list[Item] = field(default_factory=list)
    individuals: list[Item] = field(default_factory=list)
    disruptions: list[Item] = field(default_factory=list)
    bids: list[Item] | None = None  # None: not recorded (tasking not in use)
    places: list[Item] | None = None  # None: not recorded (no place-based work the audience sees)
    activities: list[Item] = field(default_factory=list)
    place_records: dict[int, dict[str, list[int]]] = field(default_factory=dict)  # op -> before/since
    referrals: list[Item] | None = None
    agreements: list[Item] | None = None
    board_actions: list[Item] = field(default_factory=list)
    partners: list[str] = field(default_factory=list)  # names of the partner agencies
    # Records by group, as the ids of the records (their lineage), not only how many.
    intel_by_district: dict[str, list[int]] = field(default_factory=dict)
    safeguarding_by_district: dict[str, list[int]] = field(default_factory=dict)
    records_by_source: dict[str, list[int]] = field(default_factory=dict)
    partner_records: dict[str, list[int]] = field(default_factory=dict)
    centroids: dict[str, tuple[float, float]] = field(default_factory=dict)
    window: tuple[date, date] | None = None


class _Builder:
    def __init__(self, facts: Facts, named: bool) -> None:
        self.facts = facts
        self.named = named
        self.figures: dict[str, dict[str, Any]] = {}

    def figure(
        self,
        key: str,
        label: str,
        items: list[Item] | None = None,
        *,
        value: int | None = None,
        query: str = "",
        records: list[int] | None = None,
    ) -> dict[str, Any]:
        """A number with its lineage: the items it counts, or the records (by id) it counts."""
        found = items or []
        fig: dict[str, Any] = {
            "label": label,
            "value": len(found) if value is None else value,
            "inputs": [i.lineage(self.named) for i in sorted(found, key=lambda i: (i.kind, i.id))],
            "query": query,
        }
        if records is not None:
            fig["records"] = sorted(set(records))
            fig["value"] = len(fig["records"])
        self.figures[key] = fig
        return {"figure": key, "text": str(fig["value"])}

    def count_table(
        self,
        measure: str,
        caption: str,
        head: str,
        groups: dict[str, list[Item]],
        order: list[str] | None = None,
    ) -> dict[str, Any]:
        keys = order if order is not None else sorted(groups)
        rows = [
            [{"text": label}, self.figure(f"{measure}.{_slug(label)}", f"{caption}: {label}", groups[label])]
            for label in keys
            if groups.get(label)
        ]
        everything = [i for label in keys for i in groups.get(label, [])]
        rows.append(
            [
                {"text": "Total", "strong": True},
                self.figure(f"{measure}.total", f"{caption}: total", everything),
            ]
        )
        return {"type": "table", "caption": caption, "head": [head, "Number"], "rows": rows}

    def records_table(
        self, measure: str, caption: str, head: str, groups: dict[str, list[int]], query: str
    ) -> dict[str, Any]:
        """Records counted by group, each number's lineage the records themselves. The total counts
        each record once, though a record mentioning two districts is in both rows."""
        rows = [
            [
                {"text": k},
                self.figure(
                    f"{measure}.{_slug(k)}",
                    f"{caption}: {k}",
                    records=ids,
                    query=f"{query}; {head.lower()} {k}",
                ),
            ]
            for k, ids in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))
        ]
        every = [i for ids in groups.values() for i in ids]
        rows.append(
            [
                {"text": "Total", "strong": True},
                self.figure(f"{measure}.total", f"{caption}: total", records=every, query=query),
            ]
        )
        return {"type": "table", "caption": caption, "head": [head, "Number"], "rows": rows}


def _slug(text: str) -> str:
    return "".join(c if c.isalnum() else "_" for c in text.lower()).strip("_") or "none"


def _by(items: list[Item], attr: str, missing: str = "Not yet assessed") -> dict[str, list[Item]]:
    out: dict[str, list[Item]] = defaultdict(list)
    for item in items:
        out[str(item.attrs.get(attr) or missing)].append(item)
    return dict(out)


def _window_words(facts: Facts) -> str:
    if facts.window is None:
        return f"to {facts.as_of.isoformat()}"
    return f"observed {facts.window[0].isoformat()} to {facts.window[1].isoformat()}"


def _band_order(items: list[Item]) -> list[str]:
    tiers = {str(i.attrs.get("band") or "Not yet assessed"): i.attrs.get("tier") or 9 for i in items}
    return sorted(tiers, key=lambda b: (tiers[b], b))


def _chart(title: str, rows: list[dict[str, Any]], alt: str, **spec: str) -> dict[str, Any]:
    if not rows:
        return {"type": "empty", "text": f"{title}: nothing to chart."}
    return {
        "type": "chart",
        "title": title,
        "alt": alt,
        "svg": charts.chart_svg(profile_charts.bar_spec(rows, title=title, **spec)),
    }


def _alt_counts(what: str, groups: dict[str, list[Item]]) -> str:
    parts = [f"{k}: {len(v)}" for k, v in groups.items() if v]
    return f"Bar chart of {what}. " + ("; ".join(parts) if parts else "None.")


def _threats_by_theme(b: _Builder, spec: SectionSpec) -> list[dict[str, Any]]:
    scored = [t for t in b.facts.threats if t.attrs.get("scored")]
    groups = _by(scored, "theme", "Other")
    blocks = [b.count_table("threats_by_theme", "Assessed threats by theme", "Theme", groups)]
    if "threats_by_theme" in spec.charts:
        rows = [{"theme": k, "threats": len(v)} for k, v in sorted(groups.items())]
        blocks.append(
            _chart(
                "Assessed threats by theme",
                rows,
                _alt_counts("assessed threats by theme", groups),
                x="theme",
                y="threats",
            )
        )
    return blocks


def _by_area(
    b: _Builder, spec: SectionSpec, measure: str, ids: dict[str, list[int]], what: str
) -> list[dict[str, Any]]:
    query = f"{what} visible to the audience, owned by {b.facts.force}, {_window_words(b.facts)}"
    blocks = [b.records_table(measure, f"{what.capitalize()} by postcode district", "District", ids, query)]
    counts = {district: len(found) for district, found in ids.items()}
    if measure in spec.maps and counts:
        title = f"{what.capitalize()} by postcode district"
        blocks.append(
            {
                "type": "map",
                "title": title,
                "alt": profile_charts.map_alt(counts, what=what),
                "svg": profile_charts.district_map_svg(counts, b.facts.centroids, title=title),
            }
        )
    return blocks


def _subjects_by_band(
    b: _Builder, spec: SectionSpec, measure: str, items: list[Item], what: str
) -> list[dict[str, Any]]:
    groups = _by(items, "band")
    blocks = [b.count_table(measure, f"Adopted {what} by band", "Band", groups, _band_order(items))]
    if measure in spec.charts:
        rows = [{"band": k, what: len(groups[k])} for k in _band_order(items)]
        blocks.append(
            _chart(
                f"Adopted {what} by band",
                rows,
                _alt_counts(f"adopted {what} by band", groups),
                x="band",
                y=what,
            )
        )
    return blocks


def _groups_listed(b: _Builder, spec: SectionSpec) -> list[dict[str, Any]]:
    groups = sorted(b.facts.groups, key=lambda g: (-(g.attrs.get("score") or 0), g.ref))
    if not b.named:
        return [
            {"type": "figures", "items": [b.figure("groups_listed.total", "Adopted groups", groups)]},
            {
                "type": "text",
                "text": "Groups are counted here, not named: their names are held in the restricted version.",
            },
        ]
    rows = [
        [
            {"text": g.ref},
            {"text": g.name},
            {"text": str(g.attrs.get("theme") or "")},
            {"text": str(g.attrs.get("band") or "Not yet assessed")},
            b.figure(
                f"groups_listed.{g.id}.members",
                f"Members of {g.ref}",
                value=int(g.attrs.get("members") or 0),
                query=f"current members of group {g.ref}",
            ),
        ]
        for g in groups
    ]
    return [
        {
            "type": "table",
            "caption": "The groups, ranked by threat score",
            "head": ["Reference", "Group", "Theme", "Band", "Members"],
            "rows": rows,
        }
    ]


def _vulnerabilities(b: _Builder, spec: SectionSpec) -> list[dict[str, Any]]:
    found = [t for t in b.facts.threats if t.attrs.get("kind") == "vulnerability"]
    blocks: list[dict[str, Any]] = [
        {"type": "figures", "items": [b.figure("vulnerabilities.total", "Vulnerabilities assessed", found)]}
    ]
    if b.named and found:
        blocks.append(
            {
                "type": "table",
                "caption": "Vulnerabilities",
                "head": ["Vulnerability", "Theme", "Band"],
                "rows": [
                    [
                        {"text": t.name},
                        {"text": str(t.attrs.get("theme") or "")},
                        {"text": str(t.attrs.get("band") or "Not yet assessed")},
                    ]
                    for t in found
                ],
            }
        )
    return blocks


def _not_recorded_or(
    b: _Builder, items: list[Item] | None, measure: str, label: str, attr: str
) -> list[dict[str, Any]]:
    if items is None:
        return [{"type": "not_recorded", "text": f"{label}: {NOT_RECORDED}"}]
    return [b.count_table(measure, label, "Status", _by(items, attr, "Other"))]


def _gaps(b: _Builder, spec: SectionSpec) -> list[dict[str, Any]]:
    overdue = [t for t in b.facts.threats if t.attrs.get("overdue")]
    low = [t for t in b.facts.threats if t.attrs.get("confidence") == "low"]
    return [
        {
            "type": "figures",
            "items": [
                b.figure(
                    "intelligence_gaps.unassessed",
                    "Groups proposed and not yet assessed",
                    b.facts.proposed_groups,
                ),
                b.figure("intelligence_gaps.overdue", "Threats whose re-assessment is overdue", overdue),
                b.figure(
                    "intelligence_gaps.low_confidence",
                    "Threats assessed with low confidence in the intelligence",
                    low,
                ),
            ],
        }
    ]


def _disruptions(b: _Builder, spec: SectionSpec) -> list[dict[str, Any]]:
    items = b.facts.disruptions
    impacts = sorted({str(d.attrs.get("impact")) for d in items})
    rows = []
    for p in P_ORDER:
        mine = [d for d in items if d.attrs.get("p") == p]
        cells = [
            b.figure(
                f"disruptions_by_p.{_slug(p)}.{_slug(i)}",
                f"{p} disruptions, {i} impact",
                [d for d in mine if d.attrs.get("impact") == i],
            )
            for i in impacts
        ]
        rows.append([{"text": p}, *cells, b.figure(f"disruptions_by_p.{_slug(p)}", f"{p} disruptions", mine)])
    rows.append(
        [
            {"text": "Total", "strong": True},
            *[{"text": ""} for _ in impacts],
            b.figure("disruptions_by_p.total", "Validated disruptions", items),
        ]
    )
    blocks: list[dict[str, Any]] = [
        {
            "type": "table",
            "caption": f"Validated disruptions by P and impact, {_window_words(b.facts)}",
            "head": ["P", *[i.capitalize() for i in impacts], "All"],
            "rows": rows,
        }
    ]
    if "disruptions_by_p" in spec.charts:
        chart_rows = [
            {"P": p, "impact": i, "disruptions": n}
            for p in P_ORDER
            for i in impacts
            if (n := sum(1 for d in items if d.attrs.get("p") == p and d.attrs.get("impact") == i))
        ]
        blocks.append(
            _chart(
                "Validated disruptions by P and impact",
                chart_rows,
                _alt_counts(
                    "validated disruptions by P",
                    {p: [d for d in items if d.attrs.get("p") == p] for p in P_ORDER},
                ),
                x="P",
                y="disruptions",
                colour="impact",
            )
        )
    return blocks


def _measure_blocks(b: _Builder, spec: SectionSpec, measure: str) -> list[dict[str, Any]]:
    f = b.facts
    if measure == "threats_by_theme":
        return _threats_by_theme(b, spec)
    if measure == "threats_by_area":
        return _by_area(b, spec, measure, f.intel_by_district, "intelligence reports")
    if measure == "safeguarding_by_area":
        return _by_area(b, spec, measure, f.safeguarding_by_district, "safeguarding referrals")
    if measure == "groups_by_band":
        return _subjects_by_band(b, spec, measure, f.groups, "groups")
    if measure == "individuals_by_band":
        return _subjects_by_band(b, spec, measure, f.individuals, "individuals")
    if measure == "groups_listed":
        return _groups_listed(b, spec)
    if measure == "vulnerabilities":
        return _vulnerabilities(b, spec)
    from socmap.engines.render import profile_partners  # it builds on this module's builder

    if measure in profile_partners.MEASURES:
        return profile_partners.MEASURES[measure](b, spec)
    if measure == "tasking_bids":
        return _not_recorded_or(b, f.bids, measure, "Bids for regional capabilities", "status")
    if measure == "intelligence_gaps":
        return _gaps(b, spec)
    if measure == "disruptions_by_p":
        return _disruptions(b, spec)
    if measure == "partner_records":
        return [
            b.records_table(
                measure,
                "Records contributed by partners",
                "Partner",
                f.partner_records,
                f"records owned by partner agencies visible to the audience, {_window_words(f)}",
            )
        ]
    if measure == "sources_used":
        return [
            b.records_table(
                measure,
                "Records read, by source",
                "Source",
                f.records_by_source,
                f"records visible to the audience, owned by {f.force}, {_window_words(f)}",
            )
        ]
    raise KeyError(f"No measure {measure!r}: known are {', '.join(MEASURES)}")


def content_build(
    template: ProfileTemplate, facts: Facts, *, named: bool, audience: str, owners: dict[str, str]
) -> dict[str, Any]:
    """The profile's content for one audience: sections of blocks, and every figure with its lineage.

    ``owners`` names the organisation that writes each section (by section key)."""
    b = _Builder(facts, named)
    sections = []
    for spec in template.sections:
        blocks: list[dict[str, Any]] = []
        for measure in spec.measures:
            blocks += _measure_blocks(b, spec, measure)
        sections.append(
            {
                "key": spec.key,
                "title": spec.title,
                "purpose": spec.purpose,
                "owner": owners.get(spec.key, ""),
                "blocks": blocks,
                "narrative": [],
            }
        )
    return {
        "title": template.title,
        "marking": template.marking,
        "template": {"name": template.name, "version": template.version},
        "as_of": facts.as_of.isoformat(),
        "force": facts.force,
        "audience": audience,
        "named": named,
        "sections": sections,
        "figures": b.figures,
    }


def content_diff(before: dict[str, Any] | None, after: dict[str, Any]) -> list[dict[str, Any]]:
    """What changed from an earlier version: each figure whose value moved, appeared or went, and each
    section whose narrative changed. Empty when there is no earlier version."""
    if not before:
        return []
    changes: list[dict[str, Any]] = []
    old, new = before.get("figures", {}), after.get("figures", {})
    for key in sorted(set(old) | set(new)):
        a, z = old.get(key, {}).get("value"), new.get(key, {}).get("value")
        if a != z:
            label = (new.get(key) or old.get(key) or {}).get("label", key)
            changes.append({"kind": "figure", "key": key, "label": label, "before": a, "after": z})
    texts_before = {s["key"]: [n["text"] for n in s.get("narrative", [])] for s in before.get("sections", [])}
    for section in after.get("sections", []):
        now = [n["text"] for n in section.get("narrative", [])]
        if now != texts_before.get(section["key"], []):
            changes.append(
                {
                    "kind": "text",
                    "key": section["key"],
                    "label": section["title"],
                    "before": "\n\n".join(texts_before.get(section["key"], [])),
                    "after": "\n\n".join(now),
                }
            )
    return changes


def trends_mark(content: dict[str, Any], before: dict[str, Any] | None) -> None:
    """Put each figure's value in the earlier version beside it (the trend), in place."""
    old = (before or {}).get("figures", {})
    for key, fig in content.get("figures", {}).items():
        fig["previous"] = old.get(key, {}).get("value") if before else None
