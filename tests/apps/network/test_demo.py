"""The demo's network step: a run, then two groups adopted with the demo LRO."""

from __future__ import annotations

import pytest

from socmap.apps.network.demo import build_demo_network
from socmap.apps.network.models import OCG, AnalysisRun, OCGStatus

pytestmark = pytest.mark.django_db


def test_the_demo_adopts_groups_of_the_last_run_when_told_to_reuse_it(analysed: AnalysisRun) -> None:
    runs = AnalysisRun.objects.count()
    run = build_demo_network(adopt=2, reuse=True)
    assert run.pk == analysed.pk
    assert AnalysisRun.objects.count() == runs  # no second run
    adopted = OCG.objects.filter(status=OCGStatus.ADOPTED)
    assert adopted.count() == 2
    assert set(adopted.values_list("last_run_id", flat=True)) == {analysed.pk}
