"""Active learning: a decision re-scores the pending pairs around the people it touched, as pairs
of people, and settles those the new score takes out of the review band; its undo reverts them."""

from __future__ import annotations

from collections import defaultdict

import pytest

from socmap.apps.core.models import AuditAction, AuditEvent, User
from socmap.apps.resolution.models import Decision, Judgement, Membership, Pair, PairState, ResolutionRun
from socmap.apps.resolution.selectors import review
from socmap.apps.resolution.selectors.review import QueuePair, ReviewItem
from socmap.apps.resolution.services.caches import pair_states_refresh
from socmap.apps.resolution.services.learning import VERSION, _Stored, people_score
from socmap.apps.resolution.services.review import judgement_batch_decide, judgement_batch_undo
from tests.apps.resolution.test_review import caught_up_equals_rebuilt, memberships_digest, pair_states
from tests.conftest import signed_in


def test_people_are_scored_by_the_best_level_any_of_their_records_reached() -> None:
    # Names agree on both; only the second pair's records both hold a date of birth, and agree.
    named = _Stored("a", "c", 2.0, {"gamma_name": 3, "mw_name": 2.0, "gamma_dob": -1, "mw_dob": 0.0})
    dated = _Stored("b", "c", 1.0, {"gamma_name": 2, "mw_name": 0.5, "gamma_dob": 4, "mw_dob": 6.0})
    # The strongest pair (2.0) with its date comparison raised to what the other pair reached.
    assert people_score([named, dated]) == pytest.approx(8.0)
    # A date of birth both hold and disagree on counts against, where a missing one counted nothing.
    differ = _Stored("b", "c", 1.0, {"gamma_name": 2, "mw_name": 0.5, "gamma_dob": 0, "mw_dob": -7.0})
    assert people_score([named, differ]) == pytest.approx(-5.0)
    # A comparison the strongest pair's records could make stands: another record's better value
    # is not this person's value against that one.
    better = _Stored("b", "c", 1.0, {"gamma_name": 4, "mw_name": 9.0, "gamma_dob": -1, "mw_dob": 0.0})
    assert people_score([named, better]) == pytest.approx(2.0)
    assert people_score([_Stored("a", "c", None, {})]) is None


def _around(analyst: User) -> tuple[ReviewItem, QueuePair, str, list[QueuePair]]:
    """An item of three people or more: a pair joining two of them, a third person both of them
    have pending pairs with, and those pairs."""
    for item in review.review_items(viewer=analyst):
        if len(item.clusters) < 3:
            continue
        side = dict(item.sides)
        first = item.pairs[0]
        couple = {side[first.left_id], side[first.right_id]}
        third: dict[str, list[tuple[QueuePair, str]]] = defaultdict(list)
        for p in item.pairs:
            x, y = side[p.left_id], side[p.right_id]
            for ours, other in ((x, y), (y, x)):
                if ours in couple and other not in couple:
                    third[other].append((p, ours))
        # A third person whose pending pairs in the item all go to the couple first: settling
        # those takes them out of the item, which another pair of theirs would keep them in.
        alone = {o for o in third if all(o not in (side[p.left_id], side[p.right_id]) or
                 {side[p.left_id], side[p.right_id]} & couple for p in item.pairs)}  # fmt: skip
        for other, rows in sorted(third.items(), key=lambda kv: (kv[0] not in alone, kv[0])):
            if {ours for _, ours in rows} == couple:
                return item, first, other, [p for p, _ in rows]
    raise AssertionError("the small region has a decision about three people")


def _teach(pairs: list[QueuePair], weight: float) -> None:
    """Make the weaker of two pending pairs to the third person hold a comparison the stronger
    lacks, agreeing (a positive weight) or not: what the person's other record would bring."""
    stored = sorted(Pair.objects.filter(pk__in=[p.id for p in pairs]), key=lambda p: -(p.match_weight or 0))
    strongest, other = stored[0], stored[-1]
    name = next(
        k[6:]
        for k, v in strongest.explanation.items()
        if k.startswith("gamma_") and int(v) == -1 and f"mw_{k[6:]}" in other.explanation
    )
    other.explanation = {**other.explanation, f"gamma_{name}": 1, f"mw_{name}": weight}
    other.save(update_fields=["explanation"])


def _person(record: str) -> str:
    return (
        Membership.objects.filter(entity_id=record).values_list("canonical_id", flat=True).first() or record
    )


@pytest.mark.django_db
@pytest.mark.parametrize(("weight", "state"), [(30.0, PairState.MATCH), (-40.0, PairState.NO_MATCH)])
def test_a_decision_settles_the_pairs_its_people_now_score_out_of_the_band_and_undo_reverts_them(
    resolved: ResolutionRun, weight: float, state: str
) -> None:
    analyst = User.objects.get(username="analyst")
    item, first, third, around = _around(analyst)
    _teach(around, weight)
    before_members, before_states = memberships_digest(), pair_states()

    result = judgement_batch_decide(
        actor=analyst, versions={first.id: first.version}, decision=Decision.MATCH
    )

    assert result.rescored == len(around)
    settled = list(result.judgements[-result.rescored :])
    assert {(j.left_id, j.right_id) for j in settled} == {(p.left_id, p.right_id) for p in around}
    # Judged by the model, each saying why, never by the analyst.
    assert all(
        j.user_id is None and j.model_version == VERSION and j.reason.startswith("Re-scored as people")
        for j in settled
    )
    assert all(Pair.objects.get(pk=p.id).state == state for p in around)
    # The states a decision sets directly are those its judgements' history gives.
    decided = pair_states()
    pair_states_refresh(keys=list(Pair.objects.values_list("left_id", "right_id")))
    assert pair_states() == decided
    joined = _person(first.left_id) == _person(third)
    assert joined == (state == PairState.MATCH)
    # The settled pairs leave the queue; the third person leaves the item unless a pending pair
    # with someone else in it (not re-scored: neither of its people was decided) keeps them there.
    items = review.review_items(viewer=analyst)
    settled_ids = {p.id for p in around}
    assert not any(p.id in settled_ids for i in items for p in i.pairs)
    side = dict(item.sides)
    kept = [p for p in item.pairs if p.id not in settled_ids and third in (side[p.left_id], side[p.right_id])]
    assert kept or not any(i.key == item.key and third in i.clusters for i in items)
    event = AuditEvent.objects.get(
        action=AuditAction.COMBINATION, object_type="resolution.judgement", object_id=str(settled[0].pk)
    )
    assert event.detail["follows"] == result.ids[0]
    assert sorted(event.detail["pairs"]) == sorted(p.id for p in around)
    assert caught_up_equals_rebuilt()

    judgement_batch_undo(actor=analyst, judgement_ids=list(result.ids), reason="Wrong item")
    assert memberships_digest() == before_members
    after = pair_states()
    assert {k: after[k] for k in before_states} == before_states
    assert caught_up_equals_rebuilt()


@pytest.mark.django_db
def test_pairs_left_out_of_the_decision_do_not_follow_it_but_are_re_scored(resolved: ResolutionRun) -> None:
    analyst = User.objects.get(username="analyst")
    item, first, _, around = _around(analyst)
    _teach(around, 30.0)
    result = judgement_batch_decide(
        actor=analyst,
        versions={first.id: first.version},
        decision=Decision.MATCH,
        left_out={p.id for p in item.pairs} - {first.id},
    )
    # The analyst decided one pair; the model, with what it taught, the pairs to the third person.
    assert result.pattern == 0 and result.rescored == len(around)
    assert Judgement.objects.filter(user=analyst).count() == 1


@pytest.mark.django_db
def test_the_page_says_how_many_more_pairs_the_decision_settled(resolved: ResolutionRun) -> None:
    analyst = User.objects.get(username="analyst")
    item, first, _, around = _around(analyst)
    _teach(around, 30.0)
    client = signed_in(analyst)
    session = client.session
    session["socmap_purpose"] = "Weekly duplicate review"
    session.save()
    done = client.post(
        f"/review/people/{item.key}/",
        {"decision": "match", "pair": [f"{first.id}:{first.version}"]},
        HTTP_HX_REQUEST="true",
    )
    assert done.status_code == 200
    html = done.content.decode()
    assert "Recorded: same person for 1 pair;" in html
    assert "re-scored as people with what it taught" in html and "more pairs settled by this decision" in html
    settled = Judgement.objects.filter(model_version=VERSION).count()
    assert settled == len(around)


@pytest.mark.django_db
def test_a_decision_settling_its_whole_group_does_not_re_score(resolved: ResolutionRun) -> None:
    analyst = User.objects.get(username="analyst")
    item, first, _, around = _around(analyst)
    _teach(around, 30.0)
    group = {p.id for p in review.group_pairs(viewer=analyst, item=item)}
    assert {p.id for p in item.pairs} <= group and first.id in group
    # The queue says nothing else is pending around these people: the re-score is not run.
    alone = judgement_batch_decide(
        actor=analyst, versions={first.id: first.version}, decision=Decision.MATCH, around=[first]
    )
    assert alone.rescored == 0
    assert all(Pair.objects.get(pk=p.id).state == PairState.PENDING for p in around)
