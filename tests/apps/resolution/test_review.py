"""The review queue as decisions about people: grouping, order, bulk decisions and their exact undo."""

from __future__ import annotations

import hashlib

import pytest

from socmap.apps.core.models import AuditAction, AuditEvent, User
from socmap.apps.resolution.models import Decision, Judgement, Membership, Pair, PairState, ResolutionRun
from socmap.apps.resolution.selectors import review, review_queue
from socmap.apps.resolution.selectors.review import QueuePair, items_group, pair_information
from socmap.apps.resolution.services.review import PATTERN, judgement_batch_decide, judgement_batch_undo
from socmap.errors import Conflict, InvalidInput
from tests.conftest import signed_in


def memberships_digest() -> str:
    digest = hashlib.sha256()
    for row in Membership.objects.order_by("entity_id").values_list("entity_id", "canonical_id", "schema"):
        digest.update("|".join(row).encode())
    return digest.hexdigest()


def pair_states() -> dict[int, tuple[str, bool, int | None]]:
    return {
        pk: (state, by_user, judgement)
        for pk, state, by_user, judgement in Pair.objects.values_list(
            "id", "state", "decided_by_user", "judgement_id"
        )
    }


def qp(pk: int, left: str, right: str, p: float) -> QueuePair:
    return QueuePair(pk, left, right, p, 0)


def test_pairs_between_the_same_people_make_one_item_and_settled_pairs_none() -> None:
    canonical = {"a2": "a1", "a3": "a1", "b2": "b1"}
    sizes = {"a1": 3, "b1": 2}
    pairs = [
        qp(1, "a1", "b1", 0.8),
        qp(2, "a2", "b2", 0.7),
        qp(3, "a3", "b1", 0.6),
        qp(4, "a1", "a2", 0.9),  # both already one person: nothing to decide
        qp(5, "c1", "d1", 0.95),
        qp(6, "e1", "f1", 0.7),  # said to be different people already
        qp(7, "f1", "g1", 0.7),
    ]
    items = items_group(pairs, canonical, sizes, {("e1", "f1")}, threshold=0.9)
    by_key = {i.key: i for i in items}
    assert set(by_key) == {"a1", "c1", "f1"}
    assert by_key["a1"].clusters == ("a1", "b1") and by_key["a1"].records == 5
    assert [p.id for p in by_key["a1"].pairs] == [1, 2, 3]
    assert [p.id for p in by_key["f1"].pairs] == [7]
    # Five records at 0.8 teach and move more than two at 0.95 or two at 0.7.
    assert items[0].key == "a1"
    assert items == sorted(items, key=lambda i: (-i.priority, i.key))


def test_an_item_of_more_pairs_than_a_decision_covers_is_split_into_parts() -> None:
    from socmap.apps.resolution.selectors.review_group import PART_PAIRS

    # One hub person "h" with 150 records, each paired with three namesakes (150 pairs each), and
    # a pair of people with 250 pairs between them: 700 pairs in one group.
    canonical = {f"h{i}": "h0" for i in range(150)} | {f"x{i}": "x0" for i in range(250)}
    pairs, pk = [], 0
    for other in ("n", "m", "o"):
        for i in range(150):
            pk += 1
            pairs.append(qp(pk, f"h{i}", f"{other}1", 0.6 + i / 1000))
    for i in range(250):
        pk += 1
        pairs.append(qp(pk, f"x{i}", "h0", 0.7))
    items = items_group(pairs, canonical, {"h0": 150, "x0": 250}, set(), threshold=0.9)
    assert len({i.group for i in items}) == 1 and all(len(i.pairs) <= PART_PAIRS for i in items)
    assert len({i.key for i in items}) == len(items) == 4
    # The pairs between two people stay on one part; the 250 show by their most telling 200.
    for item in items:
        assert len({frozenset((a, b)) for a, b in _couples(item)}) == 1
    assert sum(len(i.pairs) for i in items) == 3 * 150 + PART_PAIRS


def _couples(item: review.ReviewItem) -> set[tuple[str, str]]:
    side = dict(item.sides)
    return {(side[p.left_id], side[p.right_id]) for p in item.pairs}


def test_information_peaks_at_the_merge_threshold() -> None:
    assert pair_information(0.9, 0.9) == 1.0
    assert pair_information(0.8, 0.9) > pair_information(0.6, 0.9) > pair_information(0.2, 0.9)
    assert pair_information(0.999999, 0.9) == 0.0


def caught_up_equals_rebuilt() -> bool:
    """The queue caught up with the latest judgements is the queue built afresh from the database."""
    cached = review.review_items(viewer=None)
    review_queue._queue = None
    return cached == review.review_items(viewer=None)


def _item_apart(analyst: User) -> review.ReviewItem:
    """An item whose people stand apart now, with several pairs where the region has one."""
    items = [i for i in review.review_items(viewer=analyst) if len(i.clusters) >= 2]
    assert items, "the small region leaves decisions about people to review"
    return max(items[:50], key=lambda i: len(i.pairs))


@pytest.mark.django_db
def test_the_queue_holds_fewer_items_than_pairs_most_telling_first(resolved: ResolutionRun) -> None:
    analyst = User.objects.get(username="analyst")
    items = review.review_items(viewer=analyst)
    pending = Pair.objects.filter(state=PairState.PENDING).count()
    assert 0 < len(items) <= pending
    assert items == sorted(items, key=lambda i: (-i.priority, i.key))
    seen = [p.id for i in items for p in i.pairs]
    assert len(seen) == len(set(seen)), "a pair belongs to one item"
    for item in items[:20]:
        people = {
            Membership.objects.filter(entity_id=i).values_list("canonical_id", flat=True).first() or i
            for p in item.pairs
            for i in (p.left_id, p.right_id)
        }
        assert people == set(item.clusters) and len(people) >= 2
    assert resolved.upper_threshold == review.merge_threshold()


@pytest.mark.django_db
def test_a_bulk_decision_then_its_undo_restores_memberships_exactly(resolved: ResolutionRun) -> None:
    analyst = User.objects.get(username="analyst")
    item = _item_apart(analyst)
    before_members, before_states = memberships_digest(), pair_states()
    judged = Judgement.objects.count()

    result = judgement_batch_decide(
        actor=analyst, versions={p.id: p.version for p in item.pairs}, decision=Decision.MATCH
    )
    assert len(result.judgements) == len(item.pairs)
    canon = {
        Membership.objects.filter(entity_id=i).values_list("canonical_id", flat=True).first()
        for p in item.pairs
        for i in (p.left_id, p.right_id)
    }
    assert len(canon) == 1, "the item's people are one person now"
    assert memberships_digest() != before_members
    assert item.key not in {i.key for i in review.review_items(viewer=analyst)}
    assert caught_up_equals_rebuilt()
    event = AuditEvent.objects.get(
        action=AuditAction.COMBINATION, object_type="resolution.judgement", object_id=str(result.ids[0])
    )
    assert sorted(event.detail["judgements"]) == sorted(result.ids)

    undone = judgement_batch_undo(actor=analyst, judgement_ids=list(result.ids), reason="Wrong item")
    assert memberships_digest() == before_members
    assert caught_up_equals_rebuilt()
    after = pair_states()
    assert {k: after[k] for k in before_states} == before_states
    # Append-only: the decision and its undo are both kept.
    assert Judgement.objects.count() == judged + 2 * len(item.pairs)
    assert {j.undoes_id for j in undone.judgements} == set(result.ids)
    with pytest.raises(Conflict):
        judgement_batch_undo(actor=analyst, judgement_ids=list(result.ids), reason="Again")


@pytest.mark.django_db
def test_a_bulk_decision_on_a_stale_view_stores_nothing(resolved: ResolutionRun) -> None:
    analyst = User.objects.get(username="analyst")
    item = _item_apart(analyst)
    versions = {p.id: p.version for p in item.pairs}
    with pytest.raises(InvalidInput, match="not the same person"):
        judgement_batch_decide(actor=analyst, versions=versions, decision=Decision.NO_MATCH)
    first = item.pairs[0]
    Pair.objects.filter(pk=first.id).update(version=first.version + 1)
    judged = Judgement.objects.count()
    with pytest.raises(Conflict):
        judgement_batch_decide(actor=analyst, versions=versions, decision=Decision.MATCH)
    assert Judgement.objects.count() == judged


@pytest.mark.django_db
def test_saying_not_the_same_settles_every_pair_between_those_people(resolved: ResolutionRun) -> None:
    analyst = User.objects.get(username="analyst")
    item = next(i for i in review.review_items(viewer=analyst) if len(i.clusters) == 2 and len(i.pairs) >= 2)
    first = item.pairs[0]
    before = pair_states()
    result = judgement_batch_decide(
        actor=analyst, versions={first.id: first.version}, decision=Decision.NO_MATCH, reason="Different men"
    )
    keys = {i.key for i in review.review_items(viewer=analyst)}
    assert item.key not in keys, "the other pairs between the two people follow the decision"
    # They are decided, each saying it follows the decision, and the audit names them as such.
    assert len(result.judgements) == len(item.pairs)
    followed = [j for j in result.judgements if j.reason.startswith(PATTERN)]
    assert len(followed) == len(item.pairs) - 1 and all(j.decision == Decision.NO_MATCH for j in followed)
    assert all(Pair.objects.get(pk=p.id).state == PairState.NO_MATCH for p in item.pairs)
    event = AuditEvent.objects.get(
        action=AuditAction.COMBINATION, object_type="resolution.judgement", object_id=str(result.ids[0])
    )
    assert sorted(event.detail["pattern"]) == sorted(p.id for p in item.pairs[1:])
    # Undone with the decision.
    judgement_batch_undo(actor=analyst, judgement_ids=list(result.ids), reason="Wrong item")
    after = pair_states()
    assert {k: after[k] for k in before} == before


@pytest.mark.django_db
def test_saying_same_person_decides_every_pair_repeating_it_and_undo_reverts_them(
    resolved: ResolutionRun,
) -> None:
    analyst = User.objects.get(username="analyst")
    item = next(i for i in review.review_items(viewer=analyst) if len(i.clusters) == 2 and len(i.pairs) >= 2)
    first, rest = item.pairs[0], item.pairs[1:]
    before_members, before_states = memberships_digest(), pair_states()
    result = judgement_batch_decide(
        actor=analyst, versions={first.id: first.version}, decision=Decision.MATCH
    )
    # One pair chosen; every other pending pair between the two people's records repeats it.
    assert result.pattern == len(rest)
    followed = [j for j in result.judgements if j.reason.startswith(PATTERN)]
    assert sorted((j.left_id, j.right_id) for j in followed) == sorted((p.left_id, p.right_id) for p in rest)
    assert all(j.decision == Decision.MATCH and j.user_id == analyst.pk for j in followed)
    assert all(Pair.objects.get(pk=p.id).state == PairState.MATCH for p in item.pairs)
    people = {
        Membership.objects.filter(entity_id=i).values_list("canonical_id", flat=True).first()
        for p in item.pairs
        for i in (p.left_id, p.right_id)
    }
    assert len(people) == 1
    event = AuditEvent.objects.get(
        action=AuditAction.COMBINATION, object_type="resolution.judgement", object_id=str(result.ids[0])
    )
    assert sorted(event.detail["pattern"]) == sorted(p.id for p in rest)
    assert item.key not in {i.key for i in review.review_items(viewer=analyst)}

    judgement_batch_undo(actor=analyst, judgement_ids=list(result.ids), reason="Wrong item")
    assert memberships_digest() == before_members
    after = pair_states()
    assert {k: after[k] for k in before_states} == before_states
    assert all(Pair.objects.get(pk=p.id).state == PairState.PENDING for p in item.pairs)


@pytest.mark.django_db
def test_pairs_left_out_of_a_decision_do_not_follow_it(resolved: ResolutionRun) -> None:
    analyst = User.objects.get(username="analyst")
    item = next(i for i in review.review_items(viewer=analyst) if len(i.clusters) == 2 and len(i.pairs) >= 2)
    first, kept = item.pairs[0], item.pairs[1]
    result = judgement_batch_decide(
        actor=analyst,
        versions={first.id: first.version},
        decision=Decision.NO_MATCH,
        reason="Different men",
        left_out={kept.id},
    )
    event = AuditEvent.objects.get(
        action=AuditAction.COMBINATION, object_type="resolution.judgement", object_id=str(result.ids[0])
    )
    assert kept.id not in event.detail["pattern"]
    assert Pair.objects.get(pk=kept.id).state == PairState.PENDING


@pytest.mark.django_db
def test_an_analyst_decides_an_item_and_the_next_is_swapped_in(resolved: ResolutionRun) -> None:
    analyst = User.objects.get(username="analyst")
    client = signed_in(analyst)
    session = client.session
    session["socmap_purpose"] = "Weekly duplicate review"
    session.save()
    queue = client.get("/review/")
    assert queue.status_code == 200 and b"Start reviewing" in queue.content
    items = review.review_items(viewer=analyst)
    first = items[0]
    assert client.get("/review/people/")["Location"] == f"/review/people/{first.key}/"
    page = client.get(f"/review/people/{first.key}/")
    assert page.status_code == 200, page.content[:500]
    html = page.content.decode()
    assert 'id="batch-form"' in html and all(f'value="{p.id}:{p.version}"' in html for p in first.pairs)
    assert AuditEvent.objects.filter(
        action=AuditAction.CONSULTATION, object_type="resolution.reviewitem", object_id=first.key
    ).exists()

    chosen = [f"{p.id}:{p.version}" for p in first.pairs]
    refused = client.post(f"/review/people/{first.key}/", {"decision": "no_match", "pair": chosen})
    assert refused.status_code == 400 and b"Say why these are not the same person" in refused.content
    done = client.post(
        f"/review/people/{first.key}/", {"decision": "match", "pair": chosen}, HTTP_HX_REQUEST="true"
    )
    assert done.status_code == 200
    assert (
        done["HX-Push-Url"].startswith("/review/people/")
        and done["HX-Push-Url"] != f"/review/people/{first.key}/"
    )
    assert b"Recorded: same person for" in done.content and b'id="undo-form"' in done.content
    assert all(Pair.objects.get(pk=p.id).state == PairState.MATCH for p in first.pairs)

    undone = client.post("/review/decisions/undo/", {"reason": "Clicked the wrong button"})
    assert undone.status_code == 302
    assert all(Pair.objects.get(pk=p.id).state == PairState.PENDING for p in first.pairs)


@pytest.mark.django_db
def test_partners_may_not_review(resolved: ResolutionRun) -> None:
    partner = User.objects.filter(role_grants__role="partner").first()
    assert partner is not None
    client = signed_in(partner)
    assert client.get("/review/").status_code == 403
    assert client.get("/review/people/").status_code == 403


@pytest.mark.django_db
def test_an_item_is_assigned_to_me_or_a_colleague_audited_and_filtered(resolved: ResolutionRun) -> None:
    from socmap.apps.resolution.services import assign

    analyst = User.objects.get(username="analyst")
    supervisor = User.objects.get(username="supervisor")  # same force, decides matches
    outsider = User.objects.get(username="intel.officer")  # another force
    client = signed_in(analyst)
    first, second = review.review_items(viewer=analyst)[:2]
    assert {u.username for u in assign.colleagues(actor=analyst)} >= {"analyst", "supervisor"}
    assert outsider not in assign.colleagues(actor=analyst)

    mine = client.post(f"/review/people/{first.key}/assign/", {"assignee": str(analyst.pk)})
    assert mine.status_code == 302
    theirs = client.post(f"/review/people/{second.key}/assign/", {"assignee": str(supervisor.pk)})
    assert theirs.status_code == 302
    assert AuditEvent.objects.filter(
        action=AuditAction.ALTERATION,
        object_type="resolution.reviewitem",
        object_id=second.key,
        actor=analyst,
    ).exists()
    # Someone of another force is refused, and nothing is written.
    before = AuditEvent.objects.filter(action=AuditAction.ALTERATION).count()
    client.post(f"/review/people/{first.key}/assign/", {"assignee": str(outsider.pk)})
    assert review.assignees(viewer=analyst, items=[first]) == {first.key: analyst}
    assert AuditEvent.objects.filter(action=AuditAction.ALTERATION).count() == before

    assert [i.key for i in review.assigned_to(viewer=analyst)] == [first.key]
    assert [i.key for i in review.assigned_to(viewer=supervisor)] == [second.key]
    page = client.get("/review/?assigned=me").content.decode()
    assert f"/review/people/{first.key}/" in page and f"/review/people/{second.key}/" not in page
    assert "Mark Davies" in client.get("/review/").content.decode()
    assert "Assigned to you: 1" in client.get("/").content.decode()
    # Back to the team.
    client.post(f"/review/people/{first.key}/assign/", {"assignee": "team"})
    assert review.assigned_to(viewer=analyst) == []
