"""JSON kept as the text it was written in: what is written reads back the same, on every database."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from socmap.apps.core.fields import JSONTextField

values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text()),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=12,
)


@settings(max_examples=200, deadline=None)
@given(values)
def test_what_is_written_reads_back_the_same(value: object) -> None:
    field = JSONTextField()
    text = field.get_prep_value(value)
    assert (text is None) == (value is None)
    assert field.from_db_value(text, None, None) == value
    assert field.to_python(text) == value


def test_it_is_written_compactly_and_none_is_null() -> None:
    field = JSONTextField()
    assert field.get_prep_value({"gamma_name": 3, "mw_name": 8.25, "who": "Ōwen"}) == (
        '{"gamma_name":3,"mw_name":8.25,"who":"Ōwen"}'
    )
    assert field.get_prep_value(None) is None and field.from_db_value(None, None, None) is None
