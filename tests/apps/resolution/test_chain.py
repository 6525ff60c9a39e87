"""The model's judgements, inserted in bulk by a run, are links of the judgements' hash chain."""

from __future__ import annotations

import pytest

from socmap.apps.core.chain import JUDGEMENT_CHAIN, chain_verify
from socmap.apps.resolution.models import Decision, Judgement, Pair, PairState, ResolutionRun


@pytest.mark.django_db
def test_a_runs_judgements_are_chained_in_order(resolved: ResolutionRun) -> None:
    made = Judgement.objects.filter(run=resolved)
    assert made.exists() and not made.filter(chain_seq__isnull=True).exists()
    report = chain_verify(JUDGEMENT_CHAIN)
    assert report.intact, report
    assert report.rows == Judgement.objects.count()


@pytest.mark.django_db
def test_each_pair_the_run_judged_points_at_its_own_judgement(resolved: ResolutionRun) -> None:
    # A run finds its judgements' ids by their places in the chain, not by their pairs' ids.
    judged = list(
        Pair.objects.filter(judgement__run=resolved).values_list(
            "left_id", "right_id", "judgement__left_id", "judgement__right_id", "judgement__decision"
        )
    )
    assert len(judged) > 10
    assert all((left, right) == (j_left, j_right) for left, right, j_left, j_right, _ in judged)
    assert {decision for *_, decision in judged} == {Decision.MATCH}
    # Every pair the model matched stands on a judgement of its own.
    assert not Pair.objects.filter(state=PairState.MATCH, judgement__isnull=True).exists()
