"""Reads of judgements: the review queue, a pair side by side with why the model scored it so.

A viewer sees a pair only when both of its records are visible to it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.db.models import Q, QuerySet

from socmap.apps.core.models import User
from socmap.apps.core.pagination import Page, paginate
from socmap.apps.core.visibility import consult, visible_filter
from socmap.apps.intel import reads
from socmap.apps.resolution.models import Judgement, Pair, PairState
from socmap.apps.resolution.selectors.caches import canonical_get
from socmap.apps.resolution.selectors.review_queue import review_items
from socmap.apps.resolution.selectors.values import Value, prop_rank, value_map
from socmap.engines import resolve
from socmap.engines.resolve.charts import waterfall_spec
from socmap.errors import InvalidInput, InvalidModel, NotVisible

QUEUE_PAGE = 25


@dataclass(frozen=True)
class Row:
    """One property, with the values of each side (for side-by-side comparison)."""

    prop: str
    left: tuple[Value, ...]
    right: tuple[Value, ...]

    @property
    def agree(self) -> bool:
        return (
            bool(self.left and self.right)
            and {v.value.lower() for v in self.left} & {v.value.lower() for v in self.right} != set()
        )


@dataclass(frozen=True)
class PairView:
    pair: Pair
    left: reads.Entity
    right: reads.Entity
    conditions: tuple[str, ...]
    rows: tuple[Row, ...]
    steps: tuple[dict[str, Any], ...]
    prior_weight: float | None
    waterfall: dict[str, Any]
    history: tuple[Judgement, ...]
    left_entity: str
    right_entity: str


def both_visible(viewer: User) -> Q:
    """Pairs whose two records the viewer may see (the rule, through ``core.visibility``)."""
    return visible_filter(viewer, prefix="left__") & visible_filter(viewer, prefix="right__")


def pair_queue(
    *, viewer: User, state: str = PairState.PENDING, exclude: Iterable[int] = ()
) -> QuerySet[Pair]:
    """Pairs awaiting review that the viewer may see both sides of, most uncertain first."""
    return (
        Pair.objects.filter(state=state)
        .filter(both_visible(viewer))
        .exclude(pk__in=list(exclude))
        .select_related("left", "right", "left__record__source", "right__record__source")
        .order_by("uncertainty", "id")
    )


def pair_queue_page(*, viewer: User, state: str = PairState.PENDING, page: int = 1) -> Page[Pair]:
    return paginate(pair_queue(viewer=viewer, state=state), page=page, per_page=QUEUE_PAGE)


def pair_queue_list(*, viewer: User, limit: int) -> list[Pair]:
    """The first ``limit`` pairs of the queue (at least one, at most 500)."""
    return list(pair_queue(viewer=viewer)[: max(1, min(limit, 500))])


def pair_next(*, viewer: User, skipped: Iterable[int] = ()) -> Pair | None:
    """The most uncertain pending pair the viewer may see, passing over those it skipped."""
    return pair_queue(viewer=viewer, exclude=skipped).first()


def pair_remaining(*, viewer: User) -> int:
    """How many pending pairs wait in the viewer's review queue (the queue's items as the viewer
    sees them). Counting every pending pair through both records' visibility joined the whole pair
    table to the records on each request: 1.9 million pairs at a million source rows."""
    return sum(len(item.pairs) for item in review_items(viewer=viewer))


def pair_counts(*, viewer: User) -> dict[str, int]:
    """How many pairs of each state the viewer may see."""
    visible = Pair.objects.filter(both_visible(viewer))
    return {state: visible.filter(state=state).count() for state in PairState.values}


@lru_cache(maxsize=4)
def _model(path: str, modified: float) -> resolve.ResolverModel:
    return resolve.ResolverModel.load(path)


def pair_explain(*, pair: Pair) -> dict[str, Any]:
    """Why the model scored a pair so: the prior, then each comparison's level and match weight.

    Pairs store only their comparison levels and weights; the words come from the model of the run
    that scored them. Empty when an analyst joined the records without a score, or the model file is
    gone (the page says so).
    """
    run = pair.run
    if not pair.explanation or run is None or not run.model_path:
        return {}
    path = Path(run.model_path)
    try:
        model = _model(str(path), path.stat().st_mtime)
    except (OSError, InvalidModel):
        return {}
    row = {
        "record_id_l": pair.left_id,
        "record_id_r": pair.right_id,
        "match_weight": pair.match_weight,
        "match_probability": pair.probability,
        **pair.explanation,
    }
    try:
        why = resolve.explain(row, model)
    except InvalidInput:
        return {}
    return {
        "prior_weight": round(why.prior_weight, 3),
        "match_weight": round(why.match_weight, 3),
        "steps": [
            {"name": step.name, "level": step.level, "weight": round(step.match_weight, 3)}
            for step in why.steps
        ],
    }


def pair_get(*, viewer: User, pair_id: int, justification: str) -> PairView:
    """Both records of a pair with every value, and why the model scored it: two logged consultations."""
    found = Pair.objects.select_related("left", "right", "judgement__user", "run").filter(pk=pair_id).first()
    if found is None:
        raise NotVisible("No such pair: it may have been replaced by a newer run. Return to the queue.")
    left, left_conditions = consult(viewer, found.left, label="pair", justification=justification)
    right, right_conditions = consult(viewer, found.right, label="pair", justification=justification)
    values = value_map(viewer=viewer, entity_ids=[left.id, right.id])
    props = sorted(set(values[left.id]) | set(values[right.id]), key=prop_rank)
    rows = tuple(Row(p, tuple(values[left.id].get(p, [])), tuple(values[right.id].get(p, []))) for p in props)
    history = tuple(
        Judgement.objects.filter(left_id=found.left_id, right_id=found.right_id)
        .select_related("user")
        .order_by("id")
    )
    why = pair_explain(pair=found)
    return PairView(
        pair=found,
        left=left,
        right=right,
        conditions=tuple(dict.fromkeys(left_conditions + right_conditions)),
        rows=rows,
        steps=tuple(why.get("steps", [])),
        prior_weight=why.get("prior_weight"),
        waterfall=waterfall_spec(why) if why else {},
        history=history,
        left_entity=canonical_get(viewer=viewer, entity_id=left.id),
        right_entity=canonical_get(viewer=viewer, entity_id=right.id),
    )


def judgement_count(organisation_id: int, as_of: object) -> int:
    """Match decisions the organisation's users made by ``as_of`` (a registered measure: its signature
    is the measures registry's)."""
    return Judgement.objects.filter(user__organisation_id=organisation_id, created_at__lte=as_of).count()
