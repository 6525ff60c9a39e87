"""A run stopped part way through its storing leaves nothing half done: the run that takes over
judges each pair once, as a run that was never stopped would."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db.models import Count

from socmap.apps.core.demo import build_demo_organisations
from socmap.apps.intel.demo import build_demo_intel
from socmap.apps.resolution import services
from socmap.apps.resolution.models import Judgement, Pair, PairState
from socmap.apps.resolution.services import runs
from socmap.errors import SocmapError
from tests.apps.intel.conftest import region  # noqa: F401 - the session's small synthetic region
from tests.apps.resolution.conftest import SOME


@pytest.mark.django_db
def test_a_run_stopped_between_its_attachments_and_their_pairs_is_taken_over_without_judging_twice(
    region: Path,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    build_demo_organisations()
    build_demo_intel(folder=region, only=SOME)

    def stop(**_: object) -> None:
        raise SocmapError("the worker stopped")

    # The stop lands after the attachments by name are written, before their pairs say so (where a
    # SIGKILL landed in the kill-9 test: the next run attached the same records again).
    with monkeypatch.context() as patch:
        patch.setattr(runs, "pair_states_refresh", stop)
        stopped = services.resolution_run(actor=None, kind="full")
    assert stopped.status == "failed"
    assert not Judgement.objects.filter(reason=services.ATTACH_REASON).exists(), "nothing half done"

    done = services.resolution_run(actor=None, kind="full")
    assert done.status == "done"
    attached = Judgement.objects.filter(reason=services.ATTACH_REASON)
    assert attached.exists(), "the small region has records attached by name"
    twice = Judgement.objects.values("left_id", "right_id").annotate(n=Count("id")).filter(n__gt=1)
    assert not twice.exists()
    for left, right in attached.values_list("left_id", "right_id"):
        assert Pair.objects.get(left_id=left, right_id=right).state == PairState.MATCH
