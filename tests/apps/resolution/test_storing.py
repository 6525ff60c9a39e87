"""The stored explanation of a run's pairs: built column by column, read as the rows it replaced."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from django.db import connection
from hypothesis import given, settings
from hypothesis import strategies as st

from socmap.apps.resolution.models import Pair, ResolutionRun
from socmap.apps.resolution.services import storing
from socmap.apps.resolution.services.storing import compact_scores, judgement_ids

levels = st.one_of(st.none(), st.integers(min_value=-1, max_value=5))
weights = st.one_of(st.none(), st.floats(min_value=-40, max_value=40, allow_nan=False), st.just(float("inf")))


def _by_rows(frame: pd.DataFrame) -> list[dict[str, object]]:
    """What each pair's explanation holds, worked out one row at a time."""
    out = []
    for _, row in frame.iterrows():
        item: dict[str, object] = {}
        for column in frame.columns:
            value = row[column]
            if column.startswith("gamma_"):
                item[column] = 0 if pd.isna(value) else int(value)
            elif column.startswith("mw_"):
                # Rounded as NumPy rounds (half to even after scaling), as the columns are:
                # Python's round() gave 1.075 where the columns hold 1.074 for 1.0745.
                item[column] = 0.0 if pd.isna(value) else float(np.round(float(value), 3))
        out.append(item)
    return out


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(levels, weights, levels, weights), min_size=0, max_size=30))
def test_compact_scores_holds_each_pairs_levels_and_weights(rows: list[tuple[object, ...]]) -> None:
    frame = pd.DataFrame(rows, columns=["gamma_name", "mw_name", "gamma_dob", "mw_dob"])
    frame["gamma_name"] = frame["gamma_name"].astype("Int64")
    frame["gamma_dob"] = frame["gamma_dob"].astype("Int64")
    frame[["mw_name", "mw_dob"]] = frame[["mw_name", "mw_dob"]].astype("float64")
    frame["record_id_l"], frame["match_probability"] = "a", 0.5  # not part of the explanation
    scores = compact_scores(frame)
    assert [json.loads(s) for s in scores] == _by_rows(frame)
    if rows and np.isfinite(frame[["mw_name", "mw_dob"]].fillna(0).to_numpy(dtype=float)).all():
        assert all(s.startswith('{"gamma_name":') for s in scores)  # columns in the frame's order


def test_compact_scores_built_in_slices_are_the_whole_built_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Five million rows' explanations outgrow one Arrow string array (2 GB): built a slice at
    a time, with an infinite weight in one slice only, they read as one array would."""
    frame = pd.DataFrame(
        {
            "gamma_name": pd.array([1, None, 3, 0, 2, 1, 4], dtype="Int64"),
            "mw_name": [1.0, 2.5, float("inf"), -0.25, None, 0.0001, 7.0],
        }
    )
    whole = compact_scores(frame)
    monkeypatch.setattr(storing, "SCORES_SLICE", 3)
    sliced = storing.compact_scores_arrow(frame)
    assert sliced.num_chunks == 3
    # The slice with the infinite weight is written by json ("0.0"), the others by Arrow ("0").
    assert [json.loads(s) for s in sliced.to_pylist()] == [json.loads(s) for s in whole]
    assert [json.loads(s) for s in whole] == _by_rows(frame)


def test_compact_scores_of_no_pairs_and_no_comparisons() -> None:
    assert compact_scores(pd.DataFrame({"gamma_x": pd.Series([], dtype="Int64")})) == []
    assert compact_scores(pd.DataFrame({"record_id_l": ["a", "b"]})) == ["{}", "{}"]


@pytest.mark.django_db
def test_a_runs_explanations_are_stored_as_written_and_read_back_whole(resolved: ResolutionRun) -> None:
    """Kept as text (not parsed into jsonb on the way in): compact, and the ORM reads a dict."""
    pair = Pair.objects.filter(run=resolved).exclude(explanation={}).order_by("id").first()
    assert pair is not None
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT explanation FROM {Pair._meta.db_table} WHERE id = %s", [pair.pk])  # noqa: S608
        text = cursor.fetchone()[0]
    assert isinstance(text, str) and ": " not in text and json.loads(text) == pair.explanation
    gammas = {k: v for k, v in pair.explanation.items() if k.startswith("gamma_")}
    assert gammas and all(isinstance(v, int) for v in gammas.values())
    assert Pair.objects.filter(pk=pair.pk).values_list("explanation", flat=True).get() == pair.explanation


def test_pairs_find_their_judgements_by_place_in_the_chain() -> None:
    # Three judgements chained from place 41 (ids out of order); pairs 0 and 2 judged.
    at = np.array([2, -1, 0], dtype="int64")
    seqs, ids = np.array([43, 41, 42]), np.array([903, 901, 902])
    assert judgement_ids(at, 41, seqs, ids, 3).tolist() == [903, pd.NA, 901]
    # A run that judged nothing: every pair waits, none points anywhere.
    none = judgement_ids(np.array([-1, -1], dtype="int64"), 0, np.zeros(0, "int64"), np.zeros(0, "int64"), 0)
    assert none.tolist() == [pd.NA, pd.NA]
