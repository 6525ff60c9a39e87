"""Property tests of the scoring model loader: any edit of the shipped model gives a model or
``InvalidModel`` naming the file (never another exception)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from socmap.engines.assess.model import DEFAULT_MODEL, parse_scoring_model
from socmap.engines.assess.types import ScoringModel
from socmap.errors import InvalidModel
from tests.yaml_strategies import NASTY, yaml_variants


@given(text=st.one_of(yaml_variants(DEFAULT_MODEL.read_text(encoding="utf-8")), st.sampled_from(NASTY)))
@settings(max_examples=200)
def test_any_edit_of_the_scoring_model_loads_or_is_refused_by_file_and_line(text: str) -> None:
    try:
        model = parse_scoring_model(text, file="edited.yaml")
    except InvalidModel as exc:
        assert exc.message.startswith("edited.yaml"), exc.message
    else:
        assert isinstance(model, ScoringModel)
