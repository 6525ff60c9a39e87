"""Property tests of the vocabulary loader: any edit of one of the shipped schema or grading files
gives a model or ``InvalidModel`` naming the file (never another exception); and the YAML every
hand-edited file is read with refuses a document that refers to itself or expands too far."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from socmap.errors import InvalidModel
from socmap.model import yaml_lines
from socmap.model.loader import MODEL_DIR, Model, load_model_from
from tests.yaml_strategies import NASTY, yaml_variants

FILES = {
    str(p.relative_to(MODEL_DIR)): p.read_text(encoding="utf-8")
    for p in [*sorted((MODEL_DIR / "schema").glob("*.yaml")), MODEL_DIR / "gradings.yaml"]
}


@given(
    name=st.sampled_from(sorted(FILES)),
    data=st.data(),
)
@settings(max_examples=200)
def test_any_edit_of_a_vocabulary_file_loads_or_is_refused_by_file(name: str, data: st.DataObject) -> None:
    text = data.draw(st.one_of(yaml_variants(FILES[name]), st.sampled_from(NASTY)))
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "schema").mkdir()
        for other, body in FILES.items():
            (root / other).write_text(
                text if other == name else body, encoding="utf-8", errors="surrogatepass"
            )
        try:
            model = load_model_from(root)
        except InvalidModel as exc:  # named by the file at fault: the edited one, or one it broke
            assert any(exc.message.startswith(Path(f).name) for f in FILES), exc.message
        else:
            assert isinstance(model, Model)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("&x [1, *x]\n", "contains itself"),
        (NASTY[-1], "more than 100,000 values"),
        ("[" * 5000 + "]" * 5000, "nests too deeply"),
    ],
)
def test_hand_edited_yaml_that_refers_to_itself_or_expands_too_far_is_refused(text: str, says: str) -> None:
    with pytest.raises(yaml.YAMLError, match=says):
        yaml_lines.load(text)
