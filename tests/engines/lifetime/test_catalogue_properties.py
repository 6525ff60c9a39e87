"""Property tests of the lifetime catalogue loader: any edit of the shipped catalogue gives a catalogue
or ``InvalidModel`` naming the file (never another exception)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from socmap.engines.lifetime.catalogue import DEFAULT_CATALOGUE, Catalogue, parse_catalogue
from socmap.errors import InvalidModel
from tests.yaml_strategies import NASTY, yaml_variants


@given(text=st.one_of(yaml_variants(DEFAULT_CATALOGUE.read_text(encoding="utf-8")), st.sampled_from(NASTY)))
@settings(max_examples=200)
def test_any_edit_of_the_catalogue_loads_or_is_refused_by_file_and_line(text: str) -> None:
    try:
        catalogue = parse_catalogue(text, file="edited.yaml")
    except InvalidModel as exc:
        assert exc.message.startswith("edited.yaml"), exc.message
    else:
        assert isinstance(catalogue, Catalogue)
