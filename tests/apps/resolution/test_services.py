"""Judgements, clusters and undo on resolved records: append-only, reversible, statements untouched."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from django.db.models import Q
from django.test import override_settings

from socmap.apps.core.models import AuditAction, AuditEvent, User
from socmap.apps.core.visibility import can_see
from socmap.apps.intel import services as intel_services
from socmap.apps.intel.demo import build_demo_intel
from socmap.apps.intel.models import Record, RecordEntity, Statement
from socmap.apps.resolution import selectors, services
from socmap.apps.resolution.models import Decision, Judgement, Membership, Pair, PairState, ResolutionRun
from socmap.errors import Conflict, InvalidInput, NotAllowed, NotVisible


def snapshot() -> tuple[dict[str, str], dict[int, tuple[str, int | None]]]:
    memberships = dict(Membership.objects.values_list("entity_id", "canonical_id"))
    pairs = {
        pk: (state, judgement)
        for pk, state, judgement in Pair.objects.values_list("id", "state", "judgement_id")
    }
    return memberships, pairs


def statements_digest() -> str:
    digest = hashlib.sha256()
    for row in Statement.objects.order_by("id").values_list("id", "entity_id", "prop", "value", "grading"):
        digest.update("|".join(map(str, row)).encode())
    return digest.hexdigest()


def two_people(exclude: set[str] = frozenset()) -> tuple[str, str]:  # type: ignore[assignment]
    """Two person records that the run left apart and no pair joins."""
    singles = (
        RecordEntity.objects.filter(schema="Person", record__source__name="intel-gloucestershire")
        .exclude(id__in=Membership.objects.values("entity_id"))
        .exclude(id__in=exclude)
        .order_by("id")
        .values_list("id", flat=True)
    )
    first, second = list(singles[:2])
    return first, second


@pytest.mark.django_db
def test_a_run_merges_sure_pairs_queues_uncertain_ones_and_records_the_model(resolved: ResolutionRun) -> None:
    assert resolved.auto_matched > 0 and resolved.queued > 0
    model_merges = Judgement.objects.filter(user__isnull=True, decision=Decision.MATCH)
    assert model_merges.count() == resolved.auto_matched
    sure = model_merges.exclude(reason=services.ATTACH_REASON)
    assert sure.exists() and all(j.probability >= resolved.upper_threshold and j.model_version for j in sure)
    queued = Pair.objects.filter(state=PairState.PENDING)
    assert queued.count() == resolved.queued
    # Pairs above the threshold the date-of-birth guard held back are queued too (tested below).
    assert all(resolved.lower_threshold <= p.probability for p in queued)
    # Every stored pair explains itself: the prior and the steps add up to its match weight.
    pair = queued.first()
    assert pair is not None
    why = selectors.pair_explain(pair=pair)
    steps = why["steps"]
    assert {s["name"] for s in steps} >= {"first_name", "birth_date"} and all(s["level"] for s in steps)
    total = why["prior_weight"] + sum(s["weight"] for s in steps)
    assert total == pytest.approx(pair.match_weight, abs=0.05)
    # Clusters follow the model's merges, and the run is audited as a combination.
    left, right = model_merges.values_list("left_id", "right_id").first()  # type: ignore[misc]
    assert (
        selectors.canonical_get(viewer=None, entity_id=left)
        == selectors.canonical_get(viewer=None, entity_id=right)
        == min(selectors.member_ids(viewer=None, entity_id=left))
    )
    assert AuditEvent.objects.filter(
        action=AuditAction.COMBINATION, object_type="resolution.resolutionrun"
    ).exists()


@pytest.mark.django_db
def test_a_wrong_merge_is_split_by_a_no_match_and_undo_restores_the_earlier_state_exactly(
    resolved: ResolutionRun,
) -> None:
    analyst = User.objects.get(username="analyst")
    supervisor = User.objects.get(username="supervisor")
    before_statements = statements_digest()
    a, b = two_people()
    before = snapshot()

    merged = services.person_merge(actor=analyst, left_id=a, right_id=b, reason="Same custody photo")
    assert selectors.canonical_get(viewer=None, entity_id=a) == selectors.canonical_get(
        viewer=None, entity_id=b
    )
    assert merged.pair.state == PairState.MATCH and merged.pair.decided_by_user

    # The supervisor says they are different people: the cluster splits.
    with pytest.raises(InvalidInput) as no_reason:
        services.judgement_decide(
            actor=supervisor, pair_id=merged.pair.pk, decision=Decision.NO_MATCH, reason=""
        )
    assert "reason" in no_reason.value.fields
    split = services.judgement_decide(
        actor=supervisor,
        pair_id=merged.pair.pk,
        decision=Decision.NO_MATCH,
        reason="Different dates of birth on custody records",
        seen_version=merged.pair.version,
    )
    assert selectors.canonical_get(viewer=None, entity_id=a) != selectors.canonical_get(
        viewer=None, entity_id=b
    )
    assert split.pair.state == PairState.NO_MATCH

    # Undo the no-match, then the merge: exactly the state before, with every step kept.
    services.judgement_undo(
        actor=analyst, judgement_id=split.judgement.pk, reason="Supervisor's note was on another pair"
    )
    assert selectors.canonical_get(viewer=None, entity_id=a) == selectors.canonical_get(
        viewer=None, entity_id=b
    )
    services.judgement_undo(actor=analyst, judgement_id=merged.judgement.pk, reason="Photo match was wrong")
    after = snapshot()
    assert after[0] == before[0]
    restored_pairs = {pk: v for pk, v in after[1].items() if pk in before[1]}
    assert restored_pairs == before[1]
    assert Pair.objects.get(pk=merged.pair.pk).state == PairState.PENDING
    assert statements_digest() == before_statements
    history = list(Judgement.objects.filter(left_id=merged.pair.left_id, right_id=merged.pair.right_id))
    assert [j.decision for j in history] == ["match", "no_match", "undo", "undo"]
    combos = AuditEvent.objects.filter(action=AuditAction.COMBINATION, object_type="resolution.judgement")
    assert combos.count() == 4 and all(e.justification for e in combos)


@pytest.mark.django_db
def test_a_no_match_is_never_overridden_by_a_chain_of_matches(resolved: ResolutionRun) -> None:
    analyst = User.objects.get(username="analyst")
    a, b = two_people()
    c, _ = two_people(exclude={a, b})
    services.person_merge(actor=analyst, left_id=a, right_id=b, reason="Same phone")
    services.person_merge(actor=analyst, left_id=b, right_id=c, reason="Same address")
    assert selectors.canonical_get(viewer=None, entity_id=a) == selectors.canonical_get(
        viewer=None, entity_id=c
    )
    no = services.person_merge(
        actor=analyst, left_id=a, right_id=c, reason="x"
    )  # creates the pair a–c as a match
    services.judgement_decide(
        actor=analyst,
        pair_id=no.pair.pk,
        decision=Decision.NO_MATCH,
        reason="Twins",
        seen_version=no.pair.version,
    )
    assert selectors.canonical_get(viewer=None, entity_id=a) != selectors.canonical_get(
        viewer=None, entity_id=c
    )
    view = selectors.entity_get(viewer=analyst, entity_id=a, justification="test")
    assert view.conflicts, "the split is shown as a conflict on the entity page"


@pytest.mark.django_db
def test_two_users_judging_at_once_the_second_sees_the_first_decision(resolved: ResolutionRun) -> None:
    analyst = User.objects.get(username="analyst")
    supervisor = User.objects.get(username="supervisor")
    # The most uncertain pending pair both may see (the region's first may hold a record one may not).
    pair = (
        selectors.pair_queue(viewer=analyst)
        .filter(pk__in=selectors.pair_queue(viewer=supervisor).values("pk"))
        .first()
    )
    assert pair is not None
    seen = pair.version
    services.judgement_decide(actor=analyst, pair_id=pair.pk, decision=Decision.MATCH, seen_version=seen)
    count = Judgement.objects.count()
    with pytest.raises(Conflict) as clash:
        services.judgement_decide(
            actor=supervisor, pair_id=pair.pk, decision=Decision.NO_MATCH, reason="No", seen_version=seen
        )
    assert "already decided this pair: same person" in clash.value.message
    assert Judgement.objects.count() == count
    assert Pair.objects.get(pk=pair.pk).state == PairState.MATCH


@pytest.mark.django_db
def test_judging_a_pair_whose_record_was_erased_is_refused_clearly(resolved: ResolutionRun) -> None:
    analyst = User.objects.get(username="analyst")
    pair = Pair.objects.filter(state=PairState.PENDING, left__record__owner=analyst.organisation).first()
    assert pair is not None
    admin = User.objects.get(username="admin")
    record = Record.objects.get(pk=pair.left.record_id)
    intel_services.record_erase(actor=admin, record=record, justification="Retention period ended")
    count = Judgement.objects.count()
    with pytest.raises(NotVisible) as gone:
        services.judgement_decide(actor=analyst, pair_id=pair.pk, decision=Decision.MATCH, seen_version=0)
    assert "no longer exists" in gone.value.message
    assert Judgement.objects.count() == count


@pytest.mark.django_db
def test_judgements_are_append_only(resolved: ResolutionRun) -> None:
    j = Judgement.objects.first()
    assert j is not None
    with pytest.raises(TypeError):
        j.save()
    with pytest.raises(TypeError):
        Judgement.objects.filter(pk=j.pk).update(reason="rewritten")
    with pytest.raises(TypeError):
        Judgement.objects.filter(pk=j.pk).delete()


@pytest.mark.django_db
def test_only_analysts_and_supervisors_judge(resolved: ResolutionRun) -> None:
    pair = Pair.objects.filter(state=PairState.PENDING).first()
    assert pair is not None
    with pytest.raises(NotAllowed):
        services.judgement_decide(
            actor=User.objects.get(username="lro"), pair_id=pair.pk, decision=Decision.MATCH
        )


@pytest.mark.django_db
def test_a_corrupted_model_file_fails_the_run_clearly_and_changes_nothing(
    resolved: ResolutionRun, tmp_path: Path
) -> None:
    broken = tmp_path / "person-broken.json"
    broken.write_text('{"format": "socmap.resolve.person-model", "settings": ')
    ResolutionRun.objects.filter(pk=resolved.pk).update(model_path=str(broken))
    before = snapshot()
    run = services.resolution_run(actor=None, kind="incremental")
    assert run.status == "failed"
    assert broken.name in run.message and "--retrain" in run.message
    assert snapshot() == before


@pytest.mark.django_db
def test_an_incremental_run_scores_only_the_new_records(resolved: ResolutionRun, region: Path) -> None:
    before_pairs = set(Pair.objects.values_list("left_id", "right_id"))
    build_demo_intel(folder=region, only={"housing-cheltenham"})
    new_ids = set(
        RecordEntity.objects.filter(schema="Person", record__source__name="housing-cheltenham").values_list(
            "id", flat=True
        )
    )
    run = services.resolution_run(actor=None, kind="incremental")
    assert run.status == "done" and run.kind == "incremental"
    assert run.new_records == len(new_ids) > 0
    added = set(Pair.objects.values_list("left_id", "right_id")) - before_pairs
    assert added and all(left in new_ids or right in new_ids for left, right in added)
    assert (
        Pair.objects.filter(run=run).exclude(left_id__in=new_ids).exclude(right_id__in=new_ids).count() == 0
    )


@pytest.mark.django_db
def test_a_later_run_merges_an_undecided_pair_it_now_scores_above_the_threshold_but_keeps_decisions(
    resolved: ResolutionRun,
) -> None:
    analyst = User.objects.get(username="analyst")
    # Pairs the analyst may decide, in a fixed order: ties in probability came back in any order,
    # and one of them could hold a record of a handling the analyst cannot see.
    strongest = Pair.objects.filter(state=PairState.PENDING).select_related("left", "right")
    pending = [
        p
        for p in strongest.order_by("-probability", "id")[:200]
        if can_see(analyst, p.left) and can_see(analyst, p.right)
    ][:50]
    undecided = pending[0]
    people = {
        selectors.canonical_get(viewer=None, entity_id=undecided.left_id),
        selectors.canonical_get(viewer=None, entity_id=undecided.right_id),
    }
    # A pair of other people: a no-match touching the first pair's people would rightly block it.
    decided = next(
        p
        for p in pending[1:]
        if not people
        & {
            selectors.canonical_get(viewer=None, entity_id=p.left_id),
            selectors.canonical_get(viewer=None, entity_id=p.right_id),
        }
    )
    services.judgement_decide(
        actor=analyst, pair_id=decided.pk, decision=Decision.NO_MATCH, reason="Different tattoos"
    )
    upper = min(undecided.probability, decided.probability) - 1e-6
    with override_settings(SOCMAP_RESOLVE_UPPER=upper, SOCMAP_RESOLVE_LOWER=min(0.5, upper / 2)):
        run = services.resolution_run(actor=None, kind="full")
    assert run.status == "done" and run.auto_matched > 0
    undecided.refresh_from_db()
    decided.refresh_from_db()
    assert undecided.state == PairState.MATCH and not undecided.decided_by_user
    assert undecided.judgement is not None and undecided.judgement.run_id == run.pk
    assert selectors.canonical_get(viewer=None, entity_id=undecided.left_id) == selectors.canonical_get(
        viewer=None, entity_id=undecided.right_id
    )
    assert decided.state == PairState.NO_MATCH and decided.decided_by_user


@pytest.mark.django_db
def test_a_record_with_only_a_name_is_attached_to_the_one_person_of_that_name(
    resolved: ResolutionRun,
) -> None:
    attached = list(Judgement.objects.filter(user__isnull=True, reason=services.ATTACH_REASON))
    assert attached, "the small region has name-only records (safeguarding, legacy) to attach"
    for judgement in attached[:20]:
        assert resolved.lower_threshold <= judgement.probability < resolved.upper_threshold
        assert judgement.model_version
        pair = Pair.objects.get(left_id=judgement.left_id, right_id=judgement.right_id)
        assert pair.state == PairState.MATCH and pair.judgement_id == judgement.pk
        # It rests on the name alone: every other comparison was missing on one side.
        others = {k: v for k, v in pair.explanation.items() if k.startswith("gamma_") and "name" not in k}
        assert others and all(v == -1 for v in others.values())
        assert selectors.canonical_get(viewer=None, entity_id=judgement.left_id) == selectors.canonical_get(
            viewer=None, entity_id=judgement.right_id
        )
        # One side was a person of its own: an attachment never joins two people.
        lone = [
            e
            for e in (judgement.left_id, judgement.right_id)
            if Pair.objects.filter(Q(left_id=e) | Q(right_id=e), state=PairState.MATCH).count() == 1
        ]
        assert lone


@pytest.mark.django_db
def test_no_person_the_model_made_holds_dates_of_birth_that_conflict(resolved: ResolutionRun) -> None:
    import pandas as pd

    from socmap.apps.intel import reads
    from socmap.engines import resolve
    from socmap.engines.resolve.clusters import births_conflict

    frame = resolve.prepare_records(pd.DataFrame(reads.person_rows(viewer=reads.system_job("test"))))
    births = {
        r: b for r, b in zip(frame["record_id"], frame["birth_date"], strict=True) if isinstance(b, str)
    }
    people: dict[str, set[str]] = {}
    for entity_id, canonical in Membership.objects.filter(schema="Person").values_list(
        "entity_id", "canonical_id"
    ):
        if entity_id in births:
            people.setdefault(canonical, set()).add(births[entity_id])
    assert len(people) > 10
    for dates in people.values():
        assert not any(births_conflict(a, b) for a in dates for b in dates)
    # A pair the guard held back waits for review above the threshold; every other one is in the band.
    for pair in Pair.objects.filter(state=PairState.PENDING, probability__gte=resolved.upper_threshold):
        left = selectors.member_ids(viewer=None, entity_id=pair.left_id)
        right = selectors.member_ids(viewer=None, entity_id=pair.right_id)
        assert any(births_conflict(births.get(a, ""), births.get(b, "")) for a in left for b in right)


@pytest.mark.django_db
def test_a_sure_pair_that_would_join_conflicting_dates_of_birth_waits_for_review(
    resolved: ResolutionRun,
) -> None:
    import pandas as pd

    from socmap.apps.intel import reads
    from socmap.apps.resolution.services import storing
    from socmap.engines import resolve
    from socmap.engines.resolve.clusters import births_conflict

    job = reads.system_job("test")
    frame = resolve.prepare_records(pd.DataFrame(reads.person_rows(viewer=job)))
    births = {
        r: b for r, b in zip(frame["record_id"], frame["birth_date"], strict=True) if isinstance(b, str)
    }
    # Two people of several records each, one born years before the other; and a lone record.
    people: dict[str, list[str]] = {}
    for entity_id, canonical in Membership.objects.filter(schema="Person").values_list(
        "entity_id", "canonical_id"
    ):
        people.setdefault(canonical, []).append(entity_id)
    dated = [ms for ms in people.values() if len(ms) > 1 and all(m in births for m in ms)]
    first = dated[0]
    second = next(
        ms for ms in dated[1:] if all(births_conflict(births[x], births[y]) for x in first for y in ms)
    )
    joined = set(Membership.objects.values_list("entity_id", flat=True))
    lone = next(
        r
        for r in frame["record_id"]
        if r not in joined and not births_conflict(births.get(r, ""), births[first[0]])
    )
    a, b = sorted((first[0], second[0]))
    c, d = sorted((first[0], lone))
    Pair.objects.filter(left_id__in=[a, c], right_id__in=[b, d]).delete()
    scored = pd.DataFrame(
        {
            "record_id_l": [a, c],
            "record_id_r": [b, d],
            "match_probability": [0.9999, 0.9999],
            "match_weight": [13.3, 13.3],
            "gamma_first_name": [4, 4],
            "mw_first_name": [5.0, 5.0],
            "name_only": [False, False],
        }
    )
    run = ResolutionRun.objects.create(kind="full", upper_threshold=0.99, lower_threshold=0.5)
    model = resolve.ResolverModel.load(resolved.model_path)
    cfg = resolve.ResolveConfig(upper_threshold=0.99)
    merged, queued = storing.store_planned(run, storing.storing_plan(scored, cfg, job, births), model)
    assert merged == 1 and queued == {(a, b)}
    assert Pair.objects.get(left_id=a, right_id=b).state == PairState.PENDING
    assert Pair.objects.get(left_id=c, right_id=d).state == PairState.MATCH


@pytest.mark.django_db
def test_a_full_run_again_on_the_same_data_judges_nothing_new(resolved: ResolutionRun) -> None:
    # Earlier runs' attachments by name once counted into the people the next run attached to, so
    # each run attached more: a run resumed after its worker was killed then differed from a clean one.
    attached = Judgement.objects.filter(reason=services.ATTACH_REASON).count()
    assert attached > 0, "the small region has records attached by name"
    judgements = Judgement.objects.count()
    people = sorted(Membership.objects.values_list("entity_id", "canonical_id"))
    again = services.resolution_run(actor=None, kind="full")
    assert again.status == "done" and again.auto_matched == 0
    assert Judgement.objects.count() == judgements
    assert sorted(Membership.objects.values_list("entity_id", "canonical_id")) == people
