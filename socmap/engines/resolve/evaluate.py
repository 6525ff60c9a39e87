"""Quality against ground truth: pairwise and B-cubed precision/recall/F1, blocking recall.

Counted with group sizes in DuckDB, never by enumerating pairs in Python.
"""

from __future__ import annotations

import time
from collections.abc import Mapping

import duckdb
import pandas as pd

from socmap.engines.resolve.types import (
    ENGINE_NAME,
    ENGINE_VERSION,
    ClusterResult,
    Evaluation,
    RunInfo,
    ScoredPairs,
)
from socmap.errors import InvalidInput


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def _as_clusters(
    predicted: ClusterResult | Mapping[str, str] | ScoredPairs | pd.DataFrame,
    record_ids: list[str],
    threshold: float,
) -> pd.DataFrame:
    if isinstance(predicted, ClusterResult):
        mapping: Mapping[str, str] = predicted.cluster_of
    elif isinstance(predicted, ScoredPairs | pd.DataFrame):
        from socmap.engines.resolve.clusters import cluster

        pairs = predicted.pairs if isinstance(predicted, ScoredPairs) else predicted
        if "match_probability" in pairs.columns:
            pairs = pairs[pairs["match_probability"] >= threshold]
        mapping = cluster(record_ids, pairs[["record_id_l", "record_id_r"]]).cluster_of
    else:
        mapping = predicted
    return pd.DataFrame({"record_id": [str(k) for k in mapping], "pred": [str(v) for v in mapping.values()]})


def evaluate(
    predicted: ClusterResult | Mapping[str, str] | ScoredPairs | pd.DataFrame,
    truth: Mapping[str, str],
    *,
    candidates: pd.DataFrame | None = None,
    threshold: float = 0.99,
) -> Evaluation:
    """Compare predicted clusters (or pairs, clustered at ``threshold``) with the truth.

    ``truth`` maps every record id to its true entity id; records missing from the prediction
    count as singletons. ``candidates`` (``record_id_l``, ``record_id_r``), when given, gives the
    blocking recall: the share of true pairs that were compared at all.
    """
    started = time.perf_counter()
    if not truth:
        raise InvalidInput("The ground truth is empty.", fields={"truth": ["no records"]})
    t = pd.DataFrame({"record_id": [str(k) for k in truth], "truth": [str(v) for v in truth.values()]})
    p = _as_clusters(predicted, t["record_id"].tolist(), threshold)
    con = duckdb.connect()
    try:
        con.register("t", t)
        con.register("p_in", p)
        con.execute(
            "CREATE TEMP TABLE j AS SELECT t.record_id, t.truth, "
            "coalesce(p_in.pred, 'singleton:' || t.record_id) AS pred "
            "FROM t LEFT JOIN p_in USING (record_id)"
        )
        q = """
        WITH cells AS (SELECT truth, pred, count(*) AS n FROM j GROUP BY ALL),
             ts AS (SELECT truth, count(*) AS n FROM j GROUP BY truth),
             ps AS (SELECT pred, count(*) AS n FROM j GROUP BY pred)
        SELECT
          (SELECT coalesce(sum(n * (n - 1) / 2), 0) FROM cells) AS correct,
          (SELECT coalesce(sum(n * (n - 1) / 2), 0) FROM ts) AS true_pairs,
          (SELECT coalesce(sum(n * (n - 1) / 2), 0) FROM ps) AS pred_pairs,
          (SELECT sum(c.n * c.n / ps.n) FROM cells c JOIN ps USING (pred)) AS b3p,
          (SELECT sum(c.n * c.n / ts.n) FROM cells c JOIN ts USING (truth)) AS b3r,
          (SELECT count(*) FROM j) AS records
        """
        correct, true_pairs, pred_pairs, b3p, b3r, records = con.execute(q).fetchall()[0]
        blocking_recall = None
        if candidates is not None:
            con.register("c", candidates[["record_id_l", "record_id_r"]].astype(str))
            found = con.execute(
                """
                SELECT count(DISTINCT (least(c.record_id_l, c.record_id_r),
                                       greatest(c.record_id_l, c.record_id_r)))
                FROM c JOIN j a ON a.record_id = c.record_id_l
                       JOIN j b ON b.record_id = c.record_id_r
                WHERE a.truth = b.truth AND c.record_id_l <> c.record_id_r
                """
            ).fetchall()[0][0]
            blocking_recall = float(found) / float(true_pairs) if true_pairs else 1.0
    finally:
        con.close()
    precision = float(correct) / float(pred_pairs) if pred_pairs else 1.0
    recall = float(correct) / float(true_pairs) if true_pairs else 1.0
    bp = float(b3p) / float(records)
    br = float(b3r) / float(records)
    return Evaluation(
        pairwise_precision=precision,
        pairwise_recall=recall,
        pairwise_f1=_f1(precision, recall),
        bcubed_precision=bp,
        bcubed_recall=br,
        bcubed_f1=_f1(bp, br),
        blocking_recall=blocking_recall,
        true_pairs=int(true_pairs),
        predicted_pairs=int(pred_pairs),
        correct_pairs=int(correct),
        records=int(records),
        run=RunInfo(
            engine=ENGINE_NAME,
            engine_version=ENGINE_VERSION,
            config_hash="",
            seed=0,
            seconds=round(time.perf_counter() - started, 3),
            counts={"records": int(records), "true_pairs": int(true_pairs)},
        ),
    )
