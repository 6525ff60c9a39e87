"""What a resolution run stores of its scored pairs: the review band and the merges that join
people (``merges.merges_needed``), each new merge with the model's judgement.

A million-row region stores about two million pairs and three quarters of a million judgements.
They are shaped as columns (pandas), not row by row, and written with ``COPY`` (Arrow's CSV on
PostgreSQL) with the foreign keys checked once (``core.bulk``): row by row, the loop, the
formatting and the per-row key checks took most of a run.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from django.db import connection, transaction
from django.utils import timezone

from socmap.apps.core.bulk import foreign_keys_checked_once, indexes_built_after, insert_frame, update_rows
from socmap.apps.intel import reads
from socmap.apps.resolution.models import Decision, Judgement, Pair, PairState, ResolutionRun
from socmap.apps.resolution.services.caches import pair_states_refresh
from socmap.apps.resolution.services.common import (
    BATCH,
    among,
    model_judgements_insert,
)
from socmap.apps.resolution.services.merges import merges_needed
from socmap.engines import resolve

Key = tuple[str, str]


def compact_scores(pairs: pd.DataFrame) -> list[str]:
    """Each pair's comparison levels and weights as stored on it (JSON): enough to explain it later.

    The words of the waterfall come from the model at display time (``selectors.pair_explain``), so
    hundreds of thousands of pairs are not each explained up front.
    """
    return compact_scores_arrow(pairs).to_pylist()  # type: ignore[no-any-return]


def compact_scores_arrow(pairs: pd.DataFrame) -> pa.ChunkedArray:
    """``compact_scores`` as Arrow strings: a million-row run's 1.9 million explanations as Python
    strings took 1.4 GB, in Arrow a third of that.

    Built a slice of rows at a time: one Arrow string array holds at most 2 GB of text, and a
    five-million-row run's explanations are more (2.8 GB).
    """
    columns = [c for c in pairs.columns if c.startswith(("gamma_", "mw_"))]
    if not len(pairs) or not columns:
        return pa.chunked_array([pa.array(["{}"] * len(pairs), type=pa.string())])
    chunks = [
        _compact_slice(pairs.iloc[start : start + SCORES_SLICE], columns)
        for start in range(0, len(pairs), SCORES_SLICE)
    ]
    return pa.chunked_array(chunks, type=pa.string())


# Rows whose explanations are joined at once: about 200 bytes each at five million rows, 0.4 GB a
# slice, far from Arrow's 2 GB.
SCORES_SLICE = 2_000_000


def _compact_slice(pairs: pd.DataFrame, columns: list[str]) -> pa.Array:
    parts: list[Any] = []
    for index, column in enumerate(columns):
        values = pairs[column].to_numpy()
        if column.startswith("gamma_"):
            text = pc.cast(pa.array(pd.Series(values).fillna(0).astype("int64").to_numpy()), pa.string())
        else:
            weights = pd.Series(values, dtype="float64").fillna(0.0).round(3).to_numpy()
            if not np.isfinite(weights).all():  # json's Infinity, which numpy spells "inf"
                rows = _narrow(pairs, columns)
                return pa.array([json.dumps(row, separators=(",", ":")) for row in rows], type=pa.string())
            # Arrow's shortest round-trip text ("1", "0.00001"), a third of numpy's time.
            text = pc.cast(pa.array(weights), pa.string())
        parts += [("{" if index == 0 else ",") + json.dumps(column) + ":", text]
    # Joined by Arrow, column by column: a million pairs' JSON built row by row took a minute.
    return pc.binary_join_element_wise(*parts, "}", "")


def _narrow(pairs: pd.DataFrame, columns: list[str]) -> list[dict[str, Any]]:
    narrow = pairs[columns].copy()
    for column in columns:
        if column.startswith("gamma_"):
            narrow[column] = narrow[column].fillna(0).astype(int)
        else:
            narrow[column] = narrow[column].astype(float).fillna(0.0).round(3)
    records: list[dict[str, Any]] = narrow.to_dict("records")
    return records


def model_version(model: resolve.ResolverModel) -> str:
    """The words a judgement keeps of the model that made it: engine, configuration, training."""
    meta = model.metadata
    return f"{meta.get('engine_version', '?')}/{meta.get('config_hash', '?')}/{meta.get('created_at', '?')}"[
        :80
    ]


@dataclass(frozen=True)
class Storing:
    """What a run stores of its scored pairs (``merges_needed``), and what is stored already."""

    pairs: pd.DataFrame
    merged: np.ndarray
    existing: dict[Key, int]
    judged: set[Key]
    live: set[str]


def storing_plan(
    pairs: pd.DataFrame, cfg: resolve.ResolveConfig, job: reads.SystemJob, births: dict[str, str]
) -> Storing:
    """The pairs in the review band and the merges that join people, of the scored ``pairs``.

    Separate from the writing (``store_planned``) so that a run lets its millions of scored
    pairs go before it writes the few it keeps (a gigabyte at a million rows).
    """
    at_least = pairs["match_probability"].to_numpy(dtype=float) >= cfg.lower_threshold
    # Not copied when the caller kept only these already (a run's millions of pairs).
    kept = pairs if bool(at_least.all()) else pairs[at_least]
    existing = {
        (left, right): pk
        for pk, left, right in Pair.objects.values_list("id", "left_id", "right_id").iterator(
            chunk_size=BATCH
        )
    }
    judged = set(Judgement.objects.values_list("left_id", "right_id").distinct().iterator(chunk_size=BATCH))
    # Records erased while the run was scoring have no pair any more.
    live = set(reads.entity_ids(viewer=job, schemas={"Person"}))
    if len(kept) == 0:
        return Storing(kept, np.zeros(0, dtype=bool), existing, judged, live)
    kept, merged = merges_needed(kept, cfg, existing, judged, births, live)
    return Storing(kept.reset_index(drop=True), merged, existing, judged, live)


def store_planned(run: ResolutionRun, plan: Storing, model: resolve.ResolverModel) -> tuple[int, set[Key]]:
    """Write what ``storing_plan`` chose.

    Returns how many the model merged and the new pairs it queued for review. Decisions already
    made (by anyone) stand: a judged pair is stored or rescored, never judged again by the model.
    """
    kept, merged, existing, judged, live = plan.pairs, plan.merged, plan.existing, plan.judged, plan.live
    if len(kept) == 0:
        return 0, set()
    left, right = kept["record_id_l"].astype(str), kept["record_id_r"].astype(str)
    swap = (left > right).to_numpy()
    low, high = left.where(~swap, right), right.where(~swap, left)  # as pairs are stored
    alive = among(low, live) & among(high, live)
    keys = pd.MultiIndex.from_arrays([low, high])
    old = keys.isin(list(existing)) if existing else np.zeros(len(kept), dtype=bool)
    decided = keys.isin(list(judged)) if judged else np.zeros(len(kept), dtype=bool)
    probability = kept["match_probability"].to_numpy(dtype=float)
    weight = kept["match_weight"].to_numpy(dtype=float)
    scores = compact_scores_arrow(kept)
    version, now = model_version(model), timezone.now()
    # A stored pair is rescored; if nobody decided it and it now merges, the model judges it.
    updates = [
        (
            probability[i],
            weight[i],
            abs(probability[i] - 0.5),
            scores[i].as_py(),
            run.pk,
            existing[(low[i], high[i])],
        )
        for i in np.flatnonzero(alive & old)
    ]
    judge = alive & ~decided & merged
    new = alive & ~old
    queued_rows = new & ~decided & ~merged
    model_judgements = [
        (a, b, Decision.MATCH, version, p, "", run.pk, now)
        for a, b, p in zip(low[judge], high[judge], probability[judge], strict=True)
    ]
    recheck = list(zip(low[alive & old & judge], high[alive & old & judge], strict=True))
    recheck += zip(low[new & decided], high[new & decided], strict=True)
    rows = pd.DataFrame(
        {
            "left_id": low[new].to_numpy(),
            "right_id": high[new].to_numpy(),
            "probability": probability[new],
            "match_weight": weight[new],
            "uncertainty": np.abs(probability[new] - 0.5),
            "explanation": pd.Series(pd.arrays.ArrowExtensionArray(scores.filter(pa.array(new)))),
            "state": np.where(judge[new], PairState.MATCH.value, PairState.PENDING.value),
            "decided_by_user": False,
            "version": 0,
            "run_id": run.pk,
            "updated_at": pd.Timestamp(now),
        }
    )
    # Each new pair the model judges, by its judgement's place among ``model_judgements``.
    rows["judgement_at"] = pd.arrays.IntegerArray((np.cumsum(judge) - 1)[new], ~judge[new])
    # One transaction, as the attachments' (runs.py): judged pairs never left pending by a stop.
    with transaction.atomic():
        write_scored(run, rows, updates, model_judgements)
        pair_states_refresh(keys=recheck)
    return len(model_judgements), set(zip(low[queued_rows], high[queued_rows], strict=True))


def write_scored(
    run: ResolutionRun,
    rows: pd.DataFrame,
    updates: list[tuple[Any, ...]],
    model_judgements: list[tuple[Any, ...]],
) -> None:
    """Insert the model's judgements, then the new pairs (each pointing at its judgement), then
    update the rescored pairs: one transaction."""
    pair_table = Pair._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        first = model_judgements_insert(model_judgements)
        # The model's judgements stand on the pairs about to be written: found by their places in
        # the chain, given in the order of ``model_judgements`` (by their pairs' ids, two strings
        # a row, the lookup was 2.7 s of a million-row run).
        seqs, ids = _chained_ids(first, len(model_judgements))
        at = rows.pop("judgement_at").to_numpy(dtype="int64", na_value=-1)
        rows["judgement_id"] = judgement_ids(at, first, seqs, ids, len(model_judgements))
        with (
            foreign_keys_checked_once(cursor, pair_table, len(rows)),
            indexes_built_after(cursor, pair_table, len(rows)),
        ):
            insert_frame(cursor, pair_table, rows)
        rescored = ("probability", "match_weight", "uncertainty", "explanation", "run_id")
        update_rows(cursor, pair_table, "id", rescored, updates)


def judgement_ids(
    at: np.ndarray, first: int, seqs: np.ndarray, ids: np.ndarray, count: int
) -> pd.arrays.IntegerArray:
    """Each pair's judgement id, by its judgement's place ``at`` among the ``count`` judgements
    chained from place ``first`` (whose places and ids are ``seqs`` and ``ids``); missing where
    ``at`` is -1 (a pair not judged)."""
    made = np.full(count, -1, dtype="int64")
    made[seqs - first] = ids
    found = at >= 0
    values = made[np.where(found, at, 0)] if count else np.zeros(len(at), dtype="int64")
    return pd.arrays.IntegerArray(np.where(found, values, 0), ~found)


def _chained_ids(first: int, count: int) -> tuple[np.ndarray, np.ndarray]:
    """The chain places and ids of the ``count`` judgements chained from place ``first`` on."""
    if not count:
        return np.zeros(0, dtype="int64"), np.zeros(0, dtype="int64")
    rows = Judgement.objects.filter(chain_seq__gte=first, chain_seq__lt=first + count).values_list(
        "chain_seq", "id"
    )
    pairs = np.array(list(rows.iterator(chunk_size=BATCH)), dtype="int64").reshape(-1, 2)
    return pairs[:, 0], pairs[:, 1]
