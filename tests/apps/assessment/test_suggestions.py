"""Suggestions: each rule from the facts, always with its reason, never more than a suggestion."""

from __future__ import annotations

from collections import Counter
from datetime import date

from socmap.apps.assessment import services
from socmap.apps.assessment.models import Threat
from socmap.apps.assessment.suggestions import Facts, facts_for, suggest
from socmap.engines.assess import load_scoring_model
from tests import factories
from tests.apps.assessment.conftest import Region

MODEL = load_scoring_model()
TODAY = date(2026, 6, 1)


def threat(theme: str = "other", kind: str = "ocg") -> Threat:
    return Threat(theme=theme, kind=kind)


def test_a_theme_alone_suggests_the_harm_it_does() -> None:
    out = suggest(MODEL, threat("cse", "thematic"), Facts(), TODAY)
    assert out["victim_vulnerability"] == {
        "value": 4,
        "reasons": ["The threat's theme is organised child sexual exploitation"],
        "sources": [],
    }
    assert "likelihood" not in out and "capacity" not in out


def test_reach_follows_the_forces_its_members_span() -> None:
    facts = Facts(members=12, forces=["Avon", "Dorset", "Gloucestershire"], subject="group X")
    out = suggest(MODEL, threat(), facts, TODAY)
    assert out["scale_reach"]["value"] == 4
    assert out["scale_reach"]["reasons"] == [
        "12 members you may see, with records held by Avon, Dorset, Gloucestershire"
    ]
    assert (
        suggest(MODEL, threat(), Facts(members=12, forces=["Avon"], subject="g"), TODAY)["scale_reach"][
            "value"
        ]
        == 2
    )


def test_firearms_in_events_suggest_critical_physical_harm() -> None:
    facts = Facts(members=3, themes={"county_lines": 4, "firearms": 1}, subject="group X", records=[7])
    out = suggest(MODEL, threat(), facts, TODAY)
    assert out["physical_harm"]["value"] == 4
    assert "1 events of its members involve firearms or weapons" in out["physical_harm"]["reasons"]


def test_safeguarding_referrals_suggest_vulnerable_victims() -> None:
    facts = Facts(members=3, link_types=Counter({"referral": 3}), subject="group X", records=[5, 9])
    out = suggest(MODEL, threat(), facts, TODAY)
    assert out["victim_vulnerability"]["value"] == 4
    assert out["victim_vulnerability"]["sources"] == [
        {"kind": "record", "ref": "5"},
        {"kind": "record", "ref": "9"},
    ]


def test_recent_activity_and_good_gradings_suggest_likelihood_and_confidence() -> None:
    facts = Facts(members=3, latest=date(2026, 5, 1), gradings=Counter({"1B": 4, "3C": 2}), subject="group X")
    out = suggest(MODEL, threat(), facts, TODAY)
    assert (out["likelihood"]["value"], out["confidence"]["value"]) == (4, 3)
    assert out["confidence"]["reasons"] == ["4 of 6 linking records are graded 1A, 1B, 2A or 2B (67%)"]


def test_partial_visibility_is_said_beside_every_suggestion() -> None:
    out = suggest(MODEL, threat("fraud"), Facts(members=2, subject="group X", complete=False), TODAY)
    assert all("not shared with you" in item["reasons"][-1] for item in out.values())


def test_a_groups_facts_come_from_the_network_as_the_assessor_may_see_it(region: Region) -> None:
    group = factories.ocg(region.glos, themes={"modern_slavery": 2})
    t = services.threat_create(actor=region.analyst, kind="ocg", ocg=group)
    facts = facts_for(viewer=region.analyst, threat=t, justification="Assessing")
    assert facts.themes == {"modern_slavery": 2} and facts.complete
    draft = services.assessment_start(actor=region.analyst, threat=t)
    assert draft.suggestions["psychological_harm"]["value"] == 4 and draft.values == {}
