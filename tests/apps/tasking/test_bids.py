"""Making bids: every bad input refused naming its field, and duplication found as the bid is made."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from socmap.apps.core.models import AuditAction, AuditEvent
from socmap.apps.network.models import PriorityIndividual
from socmap.apps.tasking import services
from socmap.errors import Conflict, InvalidInput
from tests.apps.tasking.conftest import Region, bid_input, group, make_bid, scored, week


def test_a_bid_is_recorded_with_the_threat_score_and_audited(region: Region) -> None:
    threat = scored(region.glos_analyst, "County lines into Gloucester")
    bid = make_bid(region.glos_analyst, threat, region.period, confirmed=False)
    assert bid.owner == region.glos and bid.score == threat.score and bid.reference.startswith("GL-")
    assert bid.compartment_id == threat.compartment_id and bid.handling == threat.handling
    event = AuditEvent.objects.get(object_type="tasking.bid", object_id=str(bid.pk))
    assert event.action == AuditAction.COLLECTION and event.actor == region.glos_analyst


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"effort": 4}, "effort", "more than Covert surveillance teams has in any week"),
        ({"effort": 3, "weeks": 6, "last_week": 6}, "effort", None),
        ({"first_week": -2}, "first_week", "is in the past"),
        ({"capability": "time_travel"}, "capability", "Choose a capability of the register"),
        ({"weeks": 1}, "weeks", "at least 2 weeks"),
        ({"last_week": 30}, "last_week", "inside 2026 to 2027"),
        ({"impact": "enormous"}, "impact", None),
        ({"outcome": " "}, "outcome", None),
    ],
)
def test_bad_input_is_refused_naming_the_field(
    region: Region, change: dict[str, Any], field: str, words: str | None
) -> None:
    threat = scored(region.glos_analyst)
    data = {k: week(region.period, v) if k.endswith("_week") else v for k, v in change.items()}
    with pytest.raises(InvalidInput) as caught:
        services.bid_submit(
            actor=region.glos_analyst, period=region.period, data=bid_input(threat, region.period, **data)
        )
    assert field in caught.value.fields, caught.value.fields
    if words:
        assert words in " ".join(caught.value.fields[field])


def test_more_effort_than_the_capability_has_in_the_window_is_refused(region: Region) -> None:
    # Two of the three teams for every week is possible; 3 teams for 6 weeks when leave takes teams is not.
    threat = scored(region.glos_analyst)
    with pytest.raises(InvalidInput) as caught:
        services.bid_submit(
            actor=region.glos_analyst,
            period=region.period,
            data=bid_input(
                threat,
                region.period,
                capability="undercover",
                effort=2,
                weeks=4,
                last_week=week(region.period, 8),
            ),
        )
    assert "Undercover online and in person has in any week" in caught.value.fields["effort"][0]


def test_a_bid_against_a_threat_the_bidder_may_not_see_is_refused_and_the_refusal_audited(
    region: Region,
) -> None:
    hidden = scored(region.glos_analyst, "Organised CSE", handling="C", conditions="Police only")
    # Gloucestershire shares with Avon, but not items in a compartment: put the threat in one.
    from tests import factories

    comp = factories.compartment("CSE safeguarding")
    hidden.compartment = comp
    hidden.save(update_fields=["compartment"])
    with pytest.raises(InvalidInput) as caught:
        services.bid_submit(
            actor=region.avon_analyst, period=region.period, data=bid_input(hidden, region.period)
        )
    assert "no such threat you may see" in caught.value.fields["threat"][0]
    assert "Organised CSE" not in str(caught.value)
    assert AuditEvent.objects.filter(
        action=AuditAction.PERMISSION_DENIED, actor=region.avon_analyst, object_id=str(hidden.pk)
    ).exists()


def test_a_fairness_setting_that_cannot_be_met_is_refused_naming_the_field(region: Region) -> None:
    with pytest.raises(InvalidInput) as caught:
        services.fairness_set(
            actor=region.tasking, period=region.period, mode="min_share", min_shares={"GL": 60, "AS": 50}
        )
    assert "cannot all be met" in caught.value.fields["min_shares"][0]
    with pytest.raises(InvalidInput) as caught:
        services.fairness_set(
            actor=region.tasking, period=region.period, mode="min_share", min_shares={"GL": 140}
        )
    assert "share_GL" in caught.value.fields
    with pytest.raises(InvalidInput) as caught:
        services.fairness_set(
            actor=region.tasking, period=region.period, mode="min_share", min_shares={"XX": 10}
        )
    assert "share_XX" in caught.value.fields
    done = services.fairness_set(
        actor=region.tasking, period=region.period, mode="min_share", min_shares={"GL": 20, "AS": "15"}
    )
    assert done.min_shares == {"GL": 0.2, "AS": 0.15}


def _warnings(region: Region, threat: Any, **kw: Any) -> list[str]:
    try:
        make_bid(region.avon_analyst, threat, region.period, confirmed=False, **kw)
    except Conflict as exc:
        return exc.fields["duplication"]
    return []


def test_planted_duplicates_over_shared_members_are_all_flagged_and_lookalikes_are_not(
    region: Region,
) -> None:
    planted, lookalikes = [], []
    for i in range(4):
        # Each Gloucestershire group shares one or two people with an Avon group bid for later.
        glos_group = group(region.glos, [f"p{i}a", f"p{i}b", f"p{i}c"], name=f"Brook Street crew {i}")
        avon_group = group(
            region.avon, [f"p{i}c", f"p{i}x"] + ([f"p{i}b"] if i % 2 else []), name=f"Avon crew {i}"
        )
        make_bid(region.glos_analyst, scored(region.glos_analyst, ocg=glos_group), region.period)
        planted.append((scored(region.avon_analyst, ocg=avon_group), 2 if i % 2 else 1))
        # Looks alike: same name pattern, same capability and weeks, nobody in common.
        twin = group(region.avon, [f"q{i}a", f"q{i}b", f"q{i}c"], name=f"Brook Street crew {i}")
        lookalikes.append(scored(region.avon_analyst, ocg=twin))
    for threat, shared in planted:
        found = _warnings(region, threat)
        assert len(found) == 1, found
        people = "1 person" if shared == 1 else "2 people"
        assert f"against a group that shares {people} with the group you chose" in found[0]
        assert "Gloucestershire Constabulary's bid GL-" in found[0]
        assert "Brook Street" not in found[0]  # the other force's threat is never named
    for threat in lookalikes:
        assert _warnings(region, threat) == []


def test_members_resolved_into_one_person_count_as_shared(region: Region) -> None:
    from socmap.apps.intel.models import RecordEntity
    from socmap.apps.resolution.models import Membership

    a = group(region.glos, ["rec-1", "rec-2"])
    b = group(region.avon, ["rec-9"])
    # Two records of one person, joined by resolution (the record rows themselves are not needed).
    for n, entity_id in enumerate(("rec-2", "rec-9")):
        entity = RecordEntity.objects.create(
            id=entity_id, record_id=n + 1, key="p", schema="Person", owner=region.glos
        )
        Membership.objects.create(entity=entity, canonical_id="rec-2", schema="Person")
    make_bid(region.glos_analyst, scored(region.glos_analyst, ocg=a), region.period)
    assert len(_warnings(region, scored(region.avon_analyst, ocg=b))) == 1


def test_the_same_priority_individual_and_the_same_threat_are_flagged(region: Region) -> None:
    from socmap.apps.network.models import AnalysisRun

    run = AnalysisRun.objects.create()
    person = PriorityIndividual.objects.create(
        owner=region.glos, entity_id="pi-1", proposed_by=run, last_run=run
    )
    threat = scored(region.glos_analyst, "unused")
    from socmap.apps.assessment import services as assessment

    pi_threat = assessment.threat_create(
        actor=region.glos_analyst, kind="individual", individual=person, theme="firearms"
    )
    from tests.apps.tasking.conftest import MODEL

    draft = assessment.assessment_start(actor=region.glos_analyst, threat=pi_threat)
    values = {k: d.lowest for k, d in MODEL.dimensions.items()}
    assessment.assessment_submit(
        actor=region.glos_analyst,
        assessment=draft,
        data=assessment.AssessmentInput(values, dict.fromkeys(values, "seen"), "low"),
    )
    make_bid(region.glos_analyst, pi_threat, region.period)
    # Avon sees Gloucestershire's Priority Individual threat under their agreement and bids against it too.
    found = _warnings(region, pi_threat, capability="technical_surveillance")
    assert (
        found
        and "against the same Priority Individual" in found[0]
        and "Technical surveillance" not in found[0]
    )
    assert threat.pk != pi_threat.pk


def test_asking_the_rocu_for_what_the_force_holds_with_spare_capacity_is_flagged(region: Region) -> None:
    threat = scored(region.glos_analyst)
    with pytest.raises(Conflict) as caught:
        make_bid(
            region.glos_analyst,
            threat,
            region.period,
            confirmed=False,
            capability="financial_investigation",
            effort=20,
            weeks=2,
        )
    words = caught.value.fields["duplication"][0]
    assert "holds Gloucestershire financial investigators itself" in words
    # Avon holds no financial investigators of its own: no warning.
    make_bid(
        region.avon_analyst,
        scored(region.avon_analyst),
        region.period,
        confirmed=False,
        capability="financial_investigation",
        effort=20,
        weeks=2,
    )


def test_a_confirmed_duplicate_is_recorded_with_its_warnings(region: Region) -> None:
    threat = scored(region.glos_analyst)
    make_bid(region.glos_analyst, threat, region.period)
    bid = make_bid(region.avon_analyst, threat, region.period, confirmed=True)
    assert bid.warnings and bid.warnings[0]["kind"] == "same_threat"
    assert bid.period.starts_on <= bid.first_week - timedelta(days=0)
