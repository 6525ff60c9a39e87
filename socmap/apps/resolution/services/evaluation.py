"""How the stored canonical entities compare with ground truth (a synthetic region's, or a file's)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from socmap.apps.resolution.models import Membership, Pair, PairState, ResolutionRun, RunStatus
from socmap.engines import resolve
from socmap.errors import InvalidInput


@dataclass(frozen=True)
class Quality:
    """How the stored canonical entities compare with ground truth."""

    evaluation: resolve.Evaluation
    auto_matched: int
    auto_correct: int
    #: Stored pairs at each threshold: the precision the model estimates, and as measured.
    curve: tuple[resolve.ThresholdQuality, ...] = ()
    #: The merge threshold of the last completed run, None before any.
    chosen_threshold: float | None = None

    @property
    def auto_precision(self) -> float:
        return self.auto_correct / self.auto_matched if self.auto_matched else 1.0


def quality_measure(*, truth: dict[str, str]) -> Quality:
    """Pairwise and B-cubed scores of the current clusters, and the precision of the model's own
    merges."""
    if not truth:
        raise InvalidInput(
            "None of the truth file's records are stored here", fields={"truth": ["no records"]}
        )
    memberships = dict(Membership.objects.filter(schema="Person").values_list("entity_id", "canonical_id"))
    predicted = {record: memberships.get(record, record) for record in truth}
    candidates = pd.DataFrame(
        list(Pair.objects.values_list("left_id", "right_id")), columns=["record_id_l", "record_id_r"]
    )
    evaluation = resolve.evaluate(predicted, truth, candidates=candidates if len(candidates) else None)
    auto = correct = 0
    for left, right in Pair.objects.filter(state=PairState.MATCH, decided_by_user=False).values_list(
        "left_id", "right_id"
    ):
        if left in truth and right in truth:
            auto += 1
            correct += truth[left] == truth[right]
    scored = pd.DataFrame(
        list(Pair.objects.values_list("left_id", "right_id", "probability")),
        columns=["record_id_l", "record_id_r", "match_probability"],
    )
    curve = resolve.pair_quality(scored, truth, resolve.estimated_curve(scored)) if len(scored) else ()
    last = ResolutionRun.objects.filter(status=RunStatus.DONE).order_by("-id").first()
    return Quality(evaluation, auto, correct, curve, last.upper_threshold if last else None)
