"""The model's judgements, inserted in bulk by a run, are links of the judgements' hash chain."""

from __future__ import annotations

import pytest

from socmap.apps.core.chain import JUDGEMENT_CHAIN, chain_verify
from socmap.apps.resolution.models import Judgement, ResolutionRun


@pytest.mark.django_db
def test_a_runs_judgements_are_chained_in_order(resolved: ResolutionRun) -> None:
    made = Judgement.objects.filter(run=resolved)
    assert made.exists() and not made.filter(chain_seq__isnull=True).exists()
    report = chain_verify(JUDGEMENT_CHAIN)
    assert report.intact, report
    assert report.rows == Judgement.objects.count()
