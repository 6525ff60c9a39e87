"""Helpers shared by the resolution services."""

from __future__ import annotations

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from socmap.apps.resolution.services.common import among

ids = st.text(alphabet="0123456789.abcjs", min_size=1, max_size=12)


@given(values=st.lists(st.one_of(ids, st.none()), max_size=30), members=st.sets(ids, max_size=20))
@settings(max_examples=100)
def test_among_answers_as_a_set_would_for_arrow_and_python_strings(
    values: list[str | None], members: set[str]
) -> None:
    expected = [v is not None and v in members for v in values]
    for dtype in ("string[pyarrow]", object):
        series = pd.Series(values, dtype=dtype)
        assert among(series, members).tolist() == expected
        assert among(pd.Index(series), members).tolist() == expected


def test_among_of_nothing_is_an_empty_answer() -> None:
    assert among(pd.Series([], dtype="string[pyarrow]"), {"a"}).tolist() == []
    assert among(pd.Series(["a", "b"], dtype="string[pyarrow]"), set()).tolist() == [False, False]
