"""Suggested factor values, read from what the network and intelligence hold about the subject.

Suggestions are only ever suggestions: each names the facts it came from, the assessor chooses the
value and writes the rationale, and the assessment keeps the suggestions apart from the decision.
Facts come through the network selectors, so they are what the assessor may see: a group's offence
themes (which count every member) are used only when the assessor sees every member.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils import timezone

from socmap.apps.assessment.models import Threat, ThreatKind
from socmap.apps.core.models import User
from socmap.apps.core.selectors import organisation_names
from socmap.apps.intel import reads
from socmap.apps.network import graph as netgraph
from socmap.apps.network import selectors as network
from socmap.apps.network.models import Theme
from socmap.engines import assess
from socmap.errors import NotVisible

THEME_LABELS = dict(Theme.choices)
# What a theme alone suggests (dimension -> value): the harm the offence type does by its nature.
THEME_HINTS: dict[str, dict[str, int]] = {
    "cse": {"victim_vulnerability": 4, "psychological_harm": 4, "physical_harm": 3},
    "modern_slavery": {"victim_vulnerability": 4, "psychological_harm": 4, "physical_harm": 3},
    "firearms": {"physical_harm": 4, "community_harm": 3},
    "county_lines": {"physical_harm": 3, "victim_vulnerability": 3, "community_harm": 3},
    "immigration": {"victim_vulnerability": 3, "physical_harm": 2},
    "fraud": {"financial_harm": 3},
    "money_laundering": {"financial_harm": 3},
    "acquisitive": {"financial_harm": 2, "community_harm": 2},
    "cyber": {"financial_harm": 3},
}
GOOD_GRADING = {"1A", "1B", "2A", "2B"}


@dataclass
class Facts:
    """What the assessor may see about a subject, as counts and dates."""

    members: int = 0
    forces: list[str] = field(default_factory=list)
    themes: dict[str, int] = field(default_factory=dict)
    link_types: Counter[str] = field(default_factory=Counter)
    gradings: Counter[str] = field(default_factory=Counter)
    latest: date | None = None
    records: list[int] = field(default_factory=list)
    entities: list[str] = field(default_factory=list)
    complete: bool = True
    subject: str = ""


def _from_graph(facts: Facts, graph: netgraph.ViewGraph) -> None:
    for e in graph.edges:
        facts.link_types[e.link_type] += 1
        facts.gradings[e.grading[:2].upper()] += 1
        if e.observed_on and (facts.latest is None or e.observed_on > facts.latest):
            facts.latest = e.observed_on
    facts.records = sorted({e.record_id for e in graph.edges if e.record_id})[:12]


def _forces(viewer: User, entity_ids: list[str]) -> list[str]:
    """The organisations holding the visible records of these people (read-only, through visibility)."""
    owners = {row.owner_id for row in reads.entity_rows(viewer=viewer, ids=entity_ids[:500])}
    return sorted(organisation_names(ids=owners).values())


def facts_for(*, viewer: User, threat: Threat, justification: str) -> Facts:
    """Gather the facts; opening a group or a person's network is itself a logged consultation."""
    facts = Facts()
    if threat.kind == ThreatKind.OCG and threat.ocg_id:
        view = network.ocg_get(viewer=viewer, ocg_id=threat.ocg_id, justification=justification)
        facts.subject = f"group {view.ocg.reference or view.ocg.name}"
        facts.members = len(view.members)
        facts.complete = view.complete
        facts.themes = dict(view.ocg.themes or {}) if view.complete else {}
        facts.entities = [m.entity_id for m in view.members]
        facts.forces = _forces(viewer, facts.entities)
        assert view.graph is not None  # asked with its network (the default)
        _from_graph(facts, view.graph)
    elif threat.kind == ThreatKind.INDIVIDUAL and threat.individual_id:
        individual = threat.individual
        assert individual is not None
        facts.subject = "the Priority Individual"
        try:
            graph = network.neighbourhood(
                viewer=viewer,
                entity_id=individual.entity_id,
                filters=netgraph.Filters(hops=1),
                justification=justification,
            )
        except NotVisible:
            return facts
        facts.members = 1
        facts.entities = [individual.entity_id]
        facts.forces = _forces(viewer, [n.id for n in graph.nodes if n.kind == "person"])
        _from_graph(facts, graph)
    return facts


def _put(
    out: dict[str, dict[str, Any]],
    model: assess.ScoringModel,
    key: str,
    value: int,
    reason: str,
    sources: list[dict[str, str]] | None = None,
) -> None:
    """Keep the highest suggestion for a dimension, with every reason given for it."""
    dim = model.dimensions.get(key)
    if dim is None:
        return
    value = max(dim.lowest, min(dim.highest, value))
    current = out.get(key)
    if current is None or value > current["value"]:
        out[key] = {"value": value, "reasons": [reason], "sources": list(sources or [])}
    elif value == current["value"]:
        current["reasons"].append(reason)
        current["sources"] += [s for s in sources or [] if s not in current["sources"]]


def suggest(
    model: assess.ScoringModel, threat: Threat, facts: Facts, today: date | None = None
) -> dict[str, dict[str, Any]]:
    """Dimension -> {value, reasons, sources}. Pure given the facts; the tests check each rule."""
    today = today or timezone.localdate()
    out: dict[str, dict[str, Any]] = {}
    record_sources = [{"kind": "record", "ref": str(r)} for r in facts.records[:5]]
    theme_label = THEME_LABELS.get(threat.theme, threat.theme)
    for key, value in THEME_HINTS.get(threat.theme, {}).items():
        _put(out, model, key, value, f"The threat's theme is {theme_label.lower()}")
    if facts.themes:
        named = ", ".join(
            f"{THEME_LABELS.get(k, k).lower()} ({n})"
            for k, n in sorted(facts.themes.items(), key=lambda kv: -kv[1])
        )
        for theme in facts.themes:
            for key, value in THEME_HINTS.get(theme, {}).items():
                _put(
                    out,
                    model,
                    key,
                    value,
                    f"Offence types in the events of its members: {named}",
                    record_sources,
                )
        if facts.themes.get("firearms"):
            _put(
                out,
                model,
                "physical_harm",
                4,
                f"{facts.themes['firearms']} events of its members involve firearms or weapons",
            )
    _reach_and_links(out, model, threat, facts, record_sources)
    _recency_and_grading(out, model, facts, record_sources, today)
    if facts.subject and not facts.complete:
        for item in out.values():
            item["reasons"].append(
                "Some members are not shared with you: the figures count only those you may see"
            )
    return out


def suggestions_for(
    *, viewer: User, threat: Threat, model: assess.ScoringModel, justification: str
) -> dict[str, dict[str, Any]]:
    return suggest(model, threat, facts_for(viewer=viewer, threat=threat, justification=justification))


def _reach_and_links(
    out: dict[str, dict[str, Any]],
    model: assess.ScoringModel,
    threat: Threat,
    facts: Facts,
    record_sources: list[dict[str, str]],
) -> None:
    """Scale and reach from the members and the forces holding their records; vulnerability from
    safeguarding referrals; financial harm from payments and accounts."""
    if facts.subject and facts.members:
        reach = (
            4 if len(facts.forces) >= 3 else 3 if len(facts.forces) == 2 else 2 if facts.members >= 10 else 1
        )
        held = f", with records held by {', '.join(facts.forces)}" if facts.forces else ""
        people = (
            f"{facts.members} member{'s' if facts.members != 1 else ''} you may see"
            if threat.kind == ThreatKind.OCG
            else "One person"
        )
        _put(out, model, "scale_reach", reach, f"{people}{held}")
    referrals = facts.link_types.get("referral", 0)
    if referrals:
        _put(
            out,
            model,
            "victim_vulnerability",
            4 if referrals >= 3 else 3,
            f"{referrals} safeguarding referral link{'s' if referrals != 1 else ''} to {facts.subject}",
            record_sources,
        )
    payments = facts.link_types.get("payment", 0) + facts.link_types.get("holds_account", 0)
    if payments:
        _put(
            out,
            model,
            "financial_harm",
            2,
            f"{payments} payment or account links in {facts.subject}'s network",
        )


def _recency_and_grading(
    out: dict[str, dict[str, Any]],
    model: assess.ScoringModel,
    facts: Facts,
    record_sources: list[dict[str, str]],
    today: date,
) -> None:
    """Likelihood from the latest linked activity; confidence from the gradings of linking records."""
    if facts.latest is not None:
        days = (today - facts.latest).days
        value = 4 if days <= 90 else 3 if days <= 180 else 2 if days <= 365 else 1
        _put(
            out,
            model,
            "likelihood",
            value,
            f"The latest linked activity was on {facts.latest:%d %B %Y} ({days} days ago)",
            record_sources,
        )
    total = sum(facts.gradings.values())
    if total:
        good = sum(n for g, n in facts.gradings.items() if g in GOOD_GRADING)
        share = good / total
        value = 3 if share >= 0.5 and total >= 5 else 2 if share >= 0.25 else 1
        _put(
            out,
            model,
            "confidence",
            value,
            f"{good} of {total} linking records are graded 1A, 1B, 2A or 2B ({share:.0%})",
            record_sources,
        )
