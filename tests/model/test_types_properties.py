"""Property tests of the value cleaners: for any text, each value type cleans it or raises
``ValueError`` with a message, validation answers ``None`` or a message, and a cleaned value cleans to
itself (so a value stored once is not changed by reading it again)."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from socmap.model.types import VALUE_TYPES, validate_date
from tests.engines.ingest.strategies import VALUE

ANY_TEXT = st.one_of(VALUE, st.text(max_size=60))


@pytest.mark.parametrize("name", sorted(VALUE_TYPES))
@given(raw=ANY_TEXT)
@settings(max_examples=150)
def test_every_value_type_cleans_or_says_why(name: str, raw: str) -> None:
    vt = VALUE_TYPES[name]
    try:
        cleaned = vt.clean(raw)
    except ValueError as exc:
        assert str(exc), f"{name}: a refusal without a reason"
        return
    assert isinstance(cleaned, str)
    problem = validate_date(cleaned, today=date(2026, 1, 1)) if name == "date" else vt.validate(cleaned)
    assert problem is None or (isinstance(problem, str) and problem)
    if problem is None:
        assert vt.clean(cleaned) == cleaned, f"{name}: {raw!r} cleans to {cleaned!r}, which cleans again"
