"""Property tests of the mapping transforms: for any text and any argument a loaded mapping can
hold, a transform gives a list of strings or raises ``ValueError`` naming the value."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from socmap.engines.ingest import transforms as tf
from tests.engines.ingest.strategies import VALUE

ARGS = {
    "date": st.one_of(
        st.just("iso"),
        st.lists(
            st.sampled_from(["dd/mm/yyyy", "dd/mm/yy", "iso", "excel", "d MMM yyyy", "yyyymmdd HH:MM"]),
            min_size=1,
        ),
        st.builds(lambda p: {"formats": ["dd/mm/yy"], "pivot": p}, st.integers(0, 99)),
    ),
    "time": st.just(["dd/mm/yyyy HH:MM", "iso"]),
    "split": st.sampled_from([";", ",", " / ", "|"]),
    "name": st.sampled_from(tf.NAME_PARTS),
    "map": st.dictionaries(
        st.text(max_size=5), st.one_of(st.text(max_size=5), st.none(), st.integers()), max_size=4
    ),
    "regex": st.sampled_from([r"(\d+)", r"[A-Z]{2}", r"^(.*?)\s"]),
    "prefix": st.text(max_size=4),
}


@pytest.mark.parametrize("name", sorted(tf.TRANSFORMS))
@given(values=st.lists(st.one_of(VALUE, st.text(max_size=40)), max_size=3), data=st.data())
@settings(max_examples=100)
def test_every_transform_gives_strings_or_says_which_value(
    name: str, values: list[str], data: st.DataObject
) -> None:
    arg = data.draw(ARGS[name]) if name in ARGS else None
    try:
        out = tf.apply(name, arg, values)
    except ValueError as exc:
        assert any(repr(v) in str(exc) for v in values), f"{name}: {exc} names no value"
        return
    assert isinstance(out, list) and all(isinstance(v, str) for v in out)
